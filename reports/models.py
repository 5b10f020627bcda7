"""The annual report (SI 2009/309 reg 18): its editable text, and the state of its PDF.

The figures are never stored here: they are counted from the cases each time the PDF is
generated (reports.annual). The text sections are written by complaints managers and can be
changed until the report is published; every change is kept in its history.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class GenerationStatus(models.TextChoices):
    DRAFT = "draft", "Not generated yet"
    QUEUED = "queued", "Waiting to start"
    GENERATING = "generating", "Being generated"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"


class AnnualReport(models.Model):
    """One financial year's annual report on complaints (reg 18)."""

    year_start = models.DateField("financial year starting", unique=True)
    # reg 18(2)(d)-(e): a summary of matters of general importance arising from the
    # complaints or how they were handled, and of action taken or to be taken to improve
    # services as a consequence.
    matters_of_general_importance = models.TextField(
        "matters of general importance",
        blank=True,
        help_text="What the complaints, or the way they were handled, showed about services.",
    )
    actions_taken = models.TextField(
        "actions taken to improve services",
        blank=True,
        help_text="What has been done, or will be done, as a result.",
    )
    status = models.CharField(
        max_length=20, choices=GenerationStatus.choices, default=GenerationStatus.DRAFT
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    progress_message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    pdf = models.FileField(upload_to="reports/annual/", blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year_start"]

    def __str__(self):
        return f"Annual report {self.year_label}"

    @property
    def year_label(self) -> str:
        return f"{self.year_start.year}-{(self.year_start.year + 1) % 100:02d}"

    @property
    def is_published(self) -> bool:
        return self.published_on is not None

    @property
    def is_running(self) -> bool:
        return self.status in (GenerationStatus.QUEUED, GenerationStatus.GENERATING)
