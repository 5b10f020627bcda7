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


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The cases this user may see: the whole unit for customer care officers and
        complaints managers, their own teams' (or their own) cases for investigators, and
        none for anyone else (commissioners see aggregates in reports only).

        A restricted case (staff complainant, VIP, safeguarding) is seen only by the users
        named on it, whatever their role: it is filtered out here, so no list, search or
        page ever shows it to anyone else."""
        if has_role(user, *UNIT_WIDE_ROLES):
            unrestricted = Q(restricted=False)
        elif has_role(user, INVESTIGATOR):
            # A subquery rather than a join, so a case is never listed twice.
            teams = Case.objects.filter(Q(team__members=user) | Q(assignee=user)).values("pk")
            unrestricted = Q(restricted=False, pk__in=teams)
        else:
            return self.none()
        # A restricted case: the named staff see it (even outside their teams), nobody else.
        named = Case.restricted_to.through.objects.filter(user=user).values("case_id")
        return self.filter(unrestricted | Q(restricted=True, pk__in=named))

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


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    EXPORT = "export", "Exported"


class AccessLogQuerySet(models.QuerySet):
    """Rows are only ever added: bulk updates and deletes are refused here, and on PostgreSQL
    by a trigger as well (migration 0008), so not even raw SQL can rewrite the record."""

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
    of it (see docs/decisions/0003-access-control-and-audit.md)."""

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
