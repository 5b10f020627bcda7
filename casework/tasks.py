"""Celery tasks: thin wrappers over casework functions, idempotent and safe to retry."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from contacts.mail_intake import IntakeResult, MailIntakeError, fetch_mail

from .digest.services import send_deadline_digests
from .referrals.services import chase_overdue_referrals
from .triage.services import case_from_subject


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


def fetch_mail_once() -> IntakeResult:
    """Read the intake mailbox, matching subjects that carry a case reference to that case."""
    return fetch_mail(match_case=case_from_subject)


@shared_task(autoretry_for=(OSError, MailIntakeError), retry_backoff=True, max_retries=5)
def fetch_mail_task() -> int:
    """Import new e-mail into contacts (beat runs this every 5 minutes when a mailbox is set).
    Safe to retry: messages are marked once imported, and Message-IDs are never imported
    twice."""
    if not settings.INTAKE_IMAP_HOST:
        return 0
    return len(fetch_mail_once().imported)
