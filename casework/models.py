"""The matter and its workflow: cases, the people party to them, coding, and status changes.

Status is a stored field changed only by `casework.services` (see `casework.workflow`); each
change also writes a StatusChange row in the same transaction. Due dates are computed when
their triggering event happens and stored, so work lists filter and sort on an index.
Every model here is tracked by django-simple-history with the user and a change reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from config.roles import INVESTIGATOR, UNIT_WIDE_ROLES, has_role

from .workflow import FINISHED, CaseKind, Outcome, Status


class Team(models.Model):
    """A group of staff that cases are allocated to (investigators see their teams' cases)."""

    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CodedItem(models.Model):
    """Reference data coded as in the national KO41 returns; editable by administrators."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Subject(CodedItem):
    """KO41 subject area (what the case is about)."""

    history = HistoricalRecords()


class ServiceArea(CodedItem):
    """KO41 service area (where the care was given)."""

    history = HistoricalRecords()


class StaffGroup(CodedItem):
    """KO41 profession / staff group the case concerns."""

    history = HistoricalRecords()


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The cases this user may see: the whole unit for customer care officers and
        complaints managers, their own teams' (or their own) cases for investigators, and
        none for anyone else (commissioners see aggregates in reports only)."""
        if has_role(user, *UNIT_WIDE_ROLES):
            return self
        if has_role(user, INVESTIGATOR):
            return self.filter(Q(team__members=user) | Q(assignee=user)).distinct()
        return self.none()

    def unfinished(self):
        return self.exclude(status__in=FINISHED)

    def overdue(self, today):
        return self.unfinished().filter(due_on__lt=today)

    def due_by(self, day):
        return self.unfinished().filter(due_on__lte=day)


class Case(models.Model):
    """The matter one or more contacts are about."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=CaseKind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    received_on = models.DateField(
        help_text="For a complaint, the day the clock starts (SI 2009/309 reg 13)."
    )
    description = models.TextField("what it is about")
    organisation = models.ForeignKey(
        "contacts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        help_text="The organisation the case is about.",
    )
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    subjects = models.ManyToManyField(Subject, blank=True, related_name="cases")
    staff_groups = models.ManyToManyField(StaffGroup, blank=True, related_name="cases")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    escalated_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
        help_text="The PALS concern this complaint was escalated from.",
    )
    acknowledgement_due = models.DateField(null=True, blank=True)
    due_on = models.DateField("next deadline", null=True, blank=True)
    due_action = models.CharField("action due", max_length=100, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[subjects, staff_groups])

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["-received_on", "-id"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["kind", "received_on"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["organisation", "received_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED, outcome__gt="") | ~Q(status=Status.CLOSED),
                name="case_closed_has_outcome",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def is_complaint(self) -> bool:
        return self.kind == CaseKind.COMPLAINT


class PartyRole(models.TextChoices):
    PATIENT = "patient", "Patient"
    COMPLAINANT = "complainant", "Complainant"
    REPRESENTATIVE = "representative", "Representative"
    CONTACT = "contact", "Other contact"


class Relationship(models.TextChoices):
    SELF = "self", "The patient themselves"
    PARENT = "parent", "Parent or guardian"
    PARTNER = "partner", "Spouse or partner"
    CHILD = "child", "Son or daughter"
    RELATIVE = "relative", "Other relative"
    CARER = "carer", "Carer"
    FRIEND = "friend", "Friend"
    ADVOCATE = "advocate", "Advocate"
    MP = "mp", "MP or councillor"
    SOLICITOR = "solicitor", "Solicitor"
    OTHER = "other", "Other"


class CaseParty(models.Model):
    """A person's part in a case: patient, complainant, representative, with their
    relationship to the patient."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    person = models.ForeignKey(
        "contacts.Person", on_delete=models.PROTECT, related_name="case_parties"
    )
    role = models.CharField(max_length=20, choices=PartyRole.choices)
    relationship = models.CharField(
        "relationship to the patient", max_length=20, choices=Relationship.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "case parties"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "role"], name="case_party_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class StatusChange(models.Model):
    """One row per status change, written by the service that made it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    old_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    new_status = models.CharField(max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["case", "changed_at"])]

    def __str__(self):
        return f"{self.case}: {self.old_status or '—'} → {self.new_status}"


class ReferenceCounter(models.Model):
    """The last number issued for a prefix and year; incremented under a row lock so two
    officers saving at the same moment never get the same case reference."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_number}"
