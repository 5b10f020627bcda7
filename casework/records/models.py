"""The record of who looked at what (the access log), and decisions to destroy a case's
personal data at the end of its retention period."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from casework.models import Case


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    EXPORT = "export", "Exported"


class AccessLogQuerySet(models.QuerySet):
    """Rows are only ever added: bulk updates and deletes are refused here, and on PostgreSQL
    by a trigger as well (migration 0005_access_log_append_only), so not even raw SQL can
    rewrite the record."""

    def update(self, **kwargs):
        raise AppendOnlyError("The access log is append-only: rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError("The access log is append-only: rows cannot be deleted.")


class AppendOnlyError(Exception):
    pass


class AccessLog(models.Model):
    """One row per view of a case or person page, per download and per export: who, when,
    what, and from where. Append-only; written only through `casework.access.record_access`.

    Not tracked by django-simple-history: a row never changes, so its history would be a copy
    of it (see docs/decisions/0006-access-control-and-audit.md)."""

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    # The case the access concerns, so "who has looked at this case" is one indexed query.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="access_logs"
    )
    detail = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["user", "-at"]),
        ]

    def __str__(self):
        what = f"{self.object_type} {self.object_id}"
        return f"{self.user} {self.get_action_display().lower()} {what}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The access log is append-only: rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log is append-only: rows cannot be deleted.")


class DestructionDecision(models.Model):
    """The recorded decision to destroy a case's personal data after its retention review
    (NHS Records Management Code of Practice: nothing is destroyed without a recorded
    decision). The case row itself is kept, redacted, with its coded facts for statistics."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="destruction")
    case_reference = models.CharField(max_length=20)
    closed_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    reason = models.TextField()
    people_redacted = models.PositiveIntegerField(default=0)
    people_kept = models.PositiveIntegerField(
        default=0, help_text="People also on other, still-retained cases: their details stay."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self):
        return f"Destruction of {self.case_reference} on {self.decided_at:%d %b %Y}"
