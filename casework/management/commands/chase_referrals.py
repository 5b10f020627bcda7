"""`manage.py chase_referrals`: chase overdue referrals now (what the daily Celery job does)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from casework.referrals.services import chase_overdue_referrals


class Command(BaseCommand):
    help = "Chase organisations whose referral acknowledgement or response is overdue."

    def handle(self, *args, **options):
        chased = chase_overdue_referrals(timezone.localdate(), now=timezone.now())
        self.stdout.write(f"Chased {chased} overdue referral{'s' if chased != 1 else ''}.")
