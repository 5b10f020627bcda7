"""Celery tasks: thin wrappers over casework functions, idempotent and safe to retry."""

import smtplib

from celery import shared_task
from django.utils import timezone

from .digest import send_deadline_digests


@shared_task(
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def send_deadline_digest_task() -> int:
    """Send today's deadline digests (beat runs this at 07:00). Retrying after a mail error
    is safe: digests already sent today are recorded and not sent again."""
    return send_deadline_digests(timezone.localdate(), now=timezone.now())
