"""Send the daily deadline digests now, without a Celery broker.

    python manage.py send_deadline_digest               # today
    python manage.py send_deadline_digest --date 2025-01-14

Digests already sent for that day are not sent again.
"""

import datetime as dt
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework import deadlines
from casework.digest.services import RETRYABLE_ERRORS, send_deadline_digests


class Command(BaseCommand):
    help = "Send each caseworker their deadline digest (cases overdue or due in 2 working days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="The day to send the digest for, written YYYY-MM-DD (default: today).",
        )

    def handle(self, *args, date=None, **options):
        day = timezone.localdate() if date is None else _parse_day(date)
        try:
            sent = send_deadline_digests(day, now=timezone.now())
        except RETRYABLE_ERRORS as error:
            raise CommandError(
                f"Some digests could not be sent ({error}). Run the command again to send the "
                "rest; digests already sent for this day will not be sent twice."
            ) from error
        noun = "digest" if sent == 1 else "digests"
        self.stdout.write(f"Sent {sent} deadline {noun} for {day:%d %b %Y}.")


def _parse_day(value: str) -> dt.date:
    try:
        # fromisoformat alone would also take 20250114 and 2025-W03-2.
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--date must be a date written YYYY-MM-DD, for example 2025-01-14; got {value!r}."
        ) from None
    try:
        # Fails for a year the bank holiday calendar does not cover.
        deadlines.is_working_day(day)
    except ValueError as error:
        raise CommandError(f"--date {value}: {error}.") from None
    return day
