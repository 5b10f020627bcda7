"""Celery tasks: thin wrappers over casework functions, idempotent and safe to retry."""

import smtplib

from celery import shared_task
from django.utils import timezone

from .digest import send_deadline_digests
from .referrals import chase_overdue_referrals


@shared_task(
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def send_deadline_digest_task() -> int:
    """Send today's deadline digests (beat runs this at 07:00). Retrying after a mail error
    is safe: digests already sent today are recorded and not sent again."""
    return send_deadline_digests(timezone.localdate(), now=timezone.now())


@shared_task(
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def chase_overdue_referrals_task() -> int:
    """Chase organisations whose referral acknowledgement or response is overdue, and tell
    the case owners (beat runs this at 07:15). Safe to retry: each referral is chased at most
    once a day, recorded by a ReferralChaser row."""
    return chase_overdue_referrals(timezone.localdate(), now=timezone.now())
