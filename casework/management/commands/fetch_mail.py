"""`python manage.py fetch_mail`: read the intake mailbox once (the Celery task does the same
every few minutes). Settings: INTAKE_IMAP_HOST, _PORT, _USER, _PASSWORD, _MAILBOX, _SSL."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casework.tasks import fetch_mail_once
from contacts.mail_intake import MailIntakeError


class Command(BaseCommand):
    help = "Import new messages from the intake mailbox into contacts and the triage queue."

    def handle(self, *args, **options):
        if not settings.INTAKE_IMAP_HOST:
            raise CommandError("INTAKE_IMAP_HOST is not set, so there is no mailbox to read.")
        try:
            result = fetch_mail_once()
        except MailIntakeError as error:
            raise CommandError(str(error)) from error
        for uid, reason in result.problems:
            self.stdout.write(f"Message {uid} could not be read and was kept for triage: {reason}")
        self.stdout.write(
            f"{len(result.imported)} messages imported ({len(result.matched)} matched to a case), "
            f"{result.already_imported} already imported, {len(result.problems)} could not be "
            "read (kept for triage)."
        )
