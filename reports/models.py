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


# Daily counts for the trends report --------------------------------------------------------
#
# At national scale the trends page counts half a million cases a year, joined to a million
# subject and staff-group links; counted from the cases each time that took two seconds. On
# PostgreSQL, triggers on the cases, their links and the contacts (reports/daily_counts.py)
# append a row of +1 or -1 here for every change that moves a count, so the page sums a few
# thousand rows instead. Rows are only ever added by the triggers (no row is updated, so
# concurrent writers never wait for each other) and a nightly task folds each day's rows into
# one. Restricted cases are not counted here: who may count them depends on the user, so the
# reports count them from the cases. Ids are plain integers (0 for "none"), not foreign keys:
# these are figures, not records. On SQLite the tables stay empty and reports count live.


class DailyCount(models.Model):
    """A change of `n` in what is counted on `day` (abstract: the tables below)."""

    day = models.DateField()
    n = models.IntegerField()

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["day"], name="%(class)s_day")]


class DailyKindCount(DailyCount):
    """Counted by the kind of case and by the filters the trends page serves from the daily
    counts besides the period and kind: service area, team and organisation type."""

    kind = models.CharField(max_length=20)
    service_area = models.IntegerField(help_text="ServiceArea id, 0 for none recorded.")
    team = models.IntegerField(help_text="Team id, 0 for none.")
    org_type = models.CharField(
        max_length=20, blank=True, help_text="Organisation type, '' for no organisation."
    )

    class Meta(DailyCount.Meta):
        abstract = True

    def __str__(self):
        return f"{self.day} {self.kind} {self.service_area}/{self.team}/{self.org_type}: {self.n:+}"


class DailyCaseCount(DailyKindCount):
    """Unrestricted cases received on `day`, by kind, service area, team and the type of the
    organisation the case is about."""


def _by_subject_indexes(name: str) -> list[models.Index]:
    # A trends page filtered by subject reads one subject's rows of the period.
    return [
        *DailyKindCount.Meta.indexes,
        models.Index(fields=["subject", "day"], name=f"{name}_subject_day"),
    ]


class DailySubjectCount(DailyKindCount):
    """Unrestricted cases received on `day`, as `DailyCaseCount` and by subject (a case
    under each of its subjects, or under 0 when it has none)."""

    subject = models.IntegerField(help_text="Subject id, 0 for none recorded.")

    class Meta(DailyKindCount.Meta):
        indexes = _by_subject_indexes("dailysubjectcount")

    def __str__(self):
        return f"{self.day} {self.kind} subject {self.subject}: {self.n:+}"


class DailyStaffGroupCount(DailyKindCount):
    """Unrestricted cases received on `day`, as `DailyCaseCount` and by staff group (a case
    under each of its staff groups, or under 0 when it has none)."""

    staff_group = models.IntegerField(help_text="StaffGroup id, 0 for none recorded.")

    def __str__(self):
        return f"{self.day} {self.kind} staff group {self.staff_group}: {self.n:+}"


class DailyContactCount(DailyKindCount):
    """Contacts made on `day` (in the service's time zone), by the kind, service area and team
    of their case ('', 0 and 0 when they have none, still in triage, or their case is
    restricted) and by the type of the contact's own organisation (as the trends page filters
    contacts)."""


class DailySubjectContactCount(DailyKindCount):
    """Contacts made on `day` about unrestricted cases, as `DailyContactCount` and by each
    subject of their case (none for a case without subjects): a trends page filtered by
    subject counts its cases' contacts from here."""

    subject = models.IntegerField(help_text="Subject id.")

    class Meta(DailyKindCount.Meta):
        indexes = _by_subject_indexes("subjectcontacts")

    def __str__(self):
        return f"{self.day} {self.kind} subject {self.subject} contacts: {self.n:+}"
