"""The daily deadline digest's delivery record (casework.digest.services)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class DigestDelivery(models.Model):
    """One row per user per day a deadline digest was sent: written in the same transaction as
    the send, so a rerun (or a Celery retry) the same day never sends it twice, and a failed
    send leaves no row behind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="digest_deliveries"
    )
    day = models.DateField()
    sent_at = models.DateTimeField()
    case_count = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "digest deliveries"
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_delivery_once_a_day")
        ]

    def __str__(self):
        return f"Deadline digest for {self.user} on {self.day:%d %b %Y}"
