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

from .workflow import (
    FINISHED,
    STATUS_TAG_COLOURS,
    CaseKind,
    ContactMethod,
    Outcome,
    Reg8Exclusion,
    Status,
    TimeLimitDecision,
)


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


def visibility(user, via: str = "") -> Q | None:
    """The condition `Case.objects.visible_to(user)` applies, written for a query on another
    model through the relation `via` (e.g. "case__" on contacts or referrals), so a related
    list filters by joining its own case row rather than testing membership of a subquery
    over every visible case. None when the user may see no case at all."""
    unrestricted = Q(**{f"{via}restricted": False})
    if has_role(user, *UNIT_WIDE_ROLES):
        pass
    elif has_role(user, INVESTIGATOR):
        # Subqueries on the small team-membership table rather than joins: a case is never
        # listed twice, and the (team, status) and (assignee, status) indexes serve it.
        teams = Team.members.through.objects.filter(user=user).values("team_id")
        unrestricted &= Q(**{f"{via}team__in": teams}) | Q(**{f"{via}assignee": user})
    else:
        return None
    # A restricted case: the named staff see it (even outside their teams), nobody else.
    # The planner evaluates this small subquery once and tests each row against it.
    named = Case.restricted_to.through.objects.filter(user=user).values("case_id")
    return unrestricted | Q(**{f"{via}restricted": True, f"{via}pk__in": named})


def on_visible_cases(queryset, user, via: str = "case__"):
    """Rows of another model (contacts, parties, letters, referrals) whose case the user may
    see, joined through `via`."""
    condition = visibility(user, via)
    return queryset.none() if condition is None else queryset.filter(condition)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The cases this user may see: the whole unit for customer care officers and
        complaints managers, their own teams' (or their own) cases for investigators, and
        none for anyone else (commissioners see aggregates in reports only).

        A restricted case (staff complainant, VIP, safeguarding) is seen only by the users
        named on it, whatever their role: it is filtered out here, so no list, search or
        page ever shows it to anyone else."""
        condition = visibility(user)
        return self.none() if condition is None else self.filter(condition)

    def past_retention(self, today):
        """Closed cases whose retention period has run out (NHS Records Management Code of
        Practice: complaint files 10 years after closure, RETENTION_YEARS). A case on
        litigation hold is not closed for this purpose; a destroyed case is not listed again."""
        from .deadlines import add_months

        cutoff = add_months(today, -12 * settings.RETENTION_YEARS)
        return self.filter(
            status__in=FINISHED,
            closed_on__isnull=False,
            closed_on__lte=cutoff,
            litigation_hold=False,
            destroyed_on__isnull=True,
        )

    def unfinished(self):
        return self.exclude(status__in=FINISHED)

    def overdue(self, today):
        return self.unfinished().filter(due_on__lt=today)

    def due_by(self, day):
        return self.unfinished().filter(due_on__lte=day)


class RestrictionReason(models.TextChoices):
    STAFF = "staff", "The complainant or patient is a member of staff"
    VIP = "vip", "A public figure (VIP)"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    OTHER = "other", "Other sensitive case"


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
    made_orally = models.BooleanField(
        default=False, help_text="Made by phone or in person (reg 13(2): written down)."
    )
    # SI 2009/309 reg 12: the time limit runs from the event or, if later, from awareness.
    event_date = models.DateField("date of the event", null=True, blank=True)
    became_aware_on = models.DateField("date the complainant became aware", null=True, blank=True)
    out_of_time = models.BooleanField(default=False)
    time_limit_decision = models.CharField(
        max_length=20, choices=TimeLimitDecision.choices, blank=True
    )
    time_limit_reasons = models.TextField(blank=True)
    time_limit_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    time_limit_decided_on = models.DateField(null=True, blank=True)
    # SI 2009/309 reg 13: acknowledgement and the offer to discuss handling.
    acknowledgement_due = models.DateField(null=True, blank=True)
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledgement_method = models.CharField(
        max_length=20, choices=ContactMethod.choices, blank=True
    )
    discussion_offered = models.BooleanField(
        "offered to discuss handling and the response period", default=False
    )
    discussion_held = models.BooleanField("discussion held", default=False)
    # The response period: agreed with the complainant, or decided by the body and told to
    # them in writing when the offer to discuss was declined (reg 13(3)-(4)).
    response_due = models.DateField("response due (agreed response period)", null=True, blank=True)
    response_due_agreed_with_complainant = models.BooleanField(default=False)
    response_due_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_due_set_on = models.DateField(null=True, blank=True)
    # SI 2009/309 reg 14(4): past 6 months without a response, explain why in writing.
    holding_letter_sent_on = models.DateField(null=True, blank=True)
    # The investigation and the response (reg 14(2)).
    findings = models.TextField(blank=True)
    actions_agreed = models.TextField("actions agreed", blank=True)
    learning = models.TextField(blank=True)
    response_how_considered = models.TextField("how the complaint was considered", blank=True)
    response_conclusions = models.TextField("conclusions", blank=True)
    response_actions = models.TextField("remedial action taken or to be taken", blank=True)
    response_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_approved_on = models.DateField(null=True, blank=True)
    response_sent_on = models.DateField(null=True, blank=True)
    # reg 16(1)(c)/18: whether the response was sent within the response period.
    response_in_time = models.BooleanField(null=True, blank=True)
    reg8_exclusion = models.CharField(
        "not handled under the regulations because",
        max_length=30,
        choices=Reg8Exclusion.choices,
        blank=True,
    )
    closure_reason = models.TextField(blank=True)
    # The Parliamentary and Health Service Ombudsman.
    phso_referred_on = models.DateField("referred to the Ombudsman on", null=True, blank=True)
    phso_decision = models.TextField("Ombudsman's decision", blank=True)
    phso_decision_on = models.DateField(null=True, blank=True)
    phso_recommendations = models.TextField("Ombudsman's recommendations", blank=True)
    due_on = models.DateField("next deadline", null=True, blank=True)
    due_action = models.CharField("action due", max_length=100, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The reference in the system the case was imported from (casework/legacy/importer.py).
    legacy_reference = models.CharField(max_length=50, blank=True)
    # Restricted cases are seen only by the named users (see CaseQuerySet.visible_to).
    restricted = models.BooleanField("restricted to named staff", default=False)
    restriction_reason = models.CharField(
        max_length=20, choices=RestrictionReason.choices, blank=True
    )
    restricted_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="restricted_cases",
        verbose_name="staff who may see it",
    )
    # Records Management Code: a case is not closed for retention while litigation continues.
    litigation_hold = models.BooleanField("under litigation (keep beyond retention)", default=False)
    destroyed_on = models.DateField(
        "personal data destroyed on",
        null=True,
        blank=True,
        help_text="Set when the case is redacted after its retention review.",
    )
    history = HistoricalRecords(m2m_fields=[subjects, staff_groups, restricted_to])

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
            # reports: complaints resolved in a year (KO41, the annual report's well-founded).
            models.Index(fields=["kind", "closed_on"], name="case_kind_closed_idx"),
            # The few restricted cases, found without reading the million others (people
            # scoping in casework.access starts from them).
            models.Index(fields=["id"], condition=Q(restricted=True), name="case_restricted_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED, outcome__gt="") | ~Q(status=Status.CLOSED),
                name="case_closed_has_outcome",
            ),
            models.UniqueConstraint(
                fields=["legacy_reference"],
                condition=~Q(legacy_reference=""),
                name="case_legacy_reference_unique",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def status_tag_colour(self) -> str:
        return STATUS_TAG_COLOURS.get(self.status, "grey")

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


class Consent(models.TextChoices):
    GIVEN = "given", "The patient has given consent"
    NOT_NEEDED_DECEASED = "deceased", "Not needed: the patient has died"
    NOT_NEEDED_CHILD = "child", "Not needed: the patient is a child"
    NOT_NEEDED_NO_CAPACITY = "no_capacity", "Not needed: the patient lacks capacity"
    REFUSED = "refused", "The patient has refused consent"


# Consent reasons for which reg 5(4) requires the best-interests check.
BEST_INTERESTS_NEEDED = {Consent.NOT_NEEDED_CHILD, Consent.NOT_NEEDED_NO_CAPACITY}


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
    # SI 2009/309 reg 5: a representative acts with the patient's consent, unless the patient
    # has died, is a child, or lacks capacity (then the body checks best interests).
    consent = models.CharField(max_length=20, choices=Consent.choices, blank=True)
    consent_method = models.CharField(max_length=20, choices=ContactMethod.choices, blank=True)
    consent_recorded_on = models.DateField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    best_interests_confirmed = models.BooleanField(
        "satisfied the representative acts in the patient's best interests", null=True, blank=True
    )
    consent_notes = models.TextField(blank=True)
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


# The features' models live beside their services; importing them here registers them with
# this app (their tables and history keep the casework_ names).
from .digest import models as digest_models  # noqa: E402, F401
from .letters import models as letter_models  # noqa: E402, F401
from .records import models as record_models  # noqa: E402, F401
from .referrals import models as referral_models  # noqa: E402, F401
