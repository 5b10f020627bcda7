"""The matter and its workflow: cases, the people party to them, coding, and status changes.

Status is a stored field changed only by `casework.services` (see `casework.workflow`); each
change also writes a StatusChange row in the same transaction. Due dates are computed when
their triggering event happens and stored, so work lists filter and sort on an index.
Every model here is tracked by django-simple-history with the user and a change reason.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from config.roles import INVESTIGATOR, UNIT_WIDE_ROLES, has_role

from .workflow import (
    FINISHED,
    REFERRAL_OPEN,
    REFERRAL_OUTSTANDING,
    REFERRAL_TAG_COLOURS,
    STATUS_TAG_COLOURS,
    CaseKind,
    ContactMethod,
    Outcome,
    ReferralStatus,
    Reg8Exclusion,
    Status,
    TimeLimitDecision,
    referral_actions,
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
    # The reference in the system the case was imported from (casework/legacy_import.py).
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


# --- Referrals to other organisations (SI 2009/309 regs 6, 7 and 9) -----------------------


# The whole complaint, as opposed to one part of it.
WHOLE_COMPLAINT = "all"


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        return on_visible_cases(self, user)

    def open(self):
        return self.filter(status__in=REFERRAL_OPEN)

    def awaiting_acknowledgement(self, today):
        return self.filter(
            status=ReferralStatus.SENT, acknowledged_on__isnull=True, acknowledgement_due__lt=today
        )

    def awaiting_response(self, today):
        return self.filter(status__in=REFERRAL_OUTSTANDING, response_due__lt=today)


class Referral(models.Model):
    """A complaint, or part of one, passed to another organisation to answer.

    SI 2009/309 reg 6(5)-(6) (passing a complaint to the body that should handle it) and reg 7
    (a commissioner passing a complaint to the provider): only with the complainant's consent
    to share with *this* organisation, recorded here (who gave it, how, when, what it covers)
    before anything leaves. `part` is "all" for the whole complaint or the part referred; for a
    complaint spanning several bodies each referral is one body's part (reg 9), and the lead
    body is recorded in CaseOrganisation.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    organisation = models.ForeignKey(
        "contacts.Organisation", on_delete=models.PROTECT, related_name="referrals"
    )
    part = models.CharField(
        "part referred",
        max_length=200,
        default=WHOLE_COMPLAINT,
        help_text='"all" for the whole complaint, or the part this organisation answers.',
    )
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING_CONSENT
    )
    # The consent record (reg 7(2)): who gave it, how, when, and what it covers.
    consent_given_by = models.ForeignKey(
        "contacts.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_method = models.CharField(max_length=20, choices=ContactMethod.choices, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    consent_scope = models.TextField("what the consent covers", blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Sending.
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_to = models.CharField("sent to (e-mail)", max_length=254, blank=True)
    pack = models.FileField("referral pack", upload_to="referrals/packs/%Y/", blank=True)
    complainant_letter = models.FileField(upload_to="referrals/letters/%Y/", blank=True)
    acknowledgement_due = models.DateField(null=True, blank=True)
    response_due = models.DateField(null=True, blank=True)
    response_due_agreed = models.BooleanField(
        "response date agreed with the organisation", default=False
    )
    # What came back.
    acknowledged_on = models.DateField(null=True, blank=True)
    response_received_on = models.DateField(null=True, blank=True)
    response_document = models.FileField(upload_to="referrals/responses/%Y/", blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    response_summary = models.TextField("summary of the organisation's response", blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "organisation"]),
            models.Index(fields=["organisation", "sent_on"]),
        ]
        constraints = [
            # The same part of a complaint goes to an organisation once ("All" == "all").
            models.UniqueConstraint(
                models.F("case"),
                models.F("organisation"),
                Lower("part"),
                name="referral_unique_part_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(sent_on__isnull=True) | Q(consent_given_on__isnull=False),
                name="referral_sent_only_with_consent",
            ),
        ]

    def __str__(self):
        return f"{self.case} → {self.organisation} ({self.part})"

    @property
    def status_tag_colour(self) -> str:
        return REFERRAL_TAG_COLOURS.get(self.status, "grey")

    @property
    def offered_actions(self) -> set[str]:
        """What can be done with the referral now (workflow.REFERRAL_ACTIONS)."""
        return referral_actions(self.status)

    @property
    def has_consent(self) -> bool:
        return self.consent_given_on is not None and self.consent_given_by_id is not None

    @property
    def is_whole_complaint(self) -> bool:
        return self.part.strip().lower() == WHOLE_COMPLAINT


class ChaserKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement overdue"
    RESPONSE = "response", "Response overdue"


class ReferralChaser(models.Model):
    """One chaser sent to an organisation about an overdue referral; at most one a day."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="chasers")
    kind = models.CharField(max_length=20, choices=ChaserKind.choices)
    sent_on = models.DateField()
    sent_at = models.DateTimeField()
    sent_to = models.CharField(max_length=254)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "sent_on"], name="referral_chaser_once_a_day"
            )
        ]

    def __str__(self):
        return f"Chaser for {self.referral} on {self.sent_on:%d %b %Y}"


class CaseOrganisation(models.Model):
    """A body involved in a complaint that spans several (SI 2009/309 reg 9): its part, and
    whether it leads and sends the one co-ordinated response."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="involved_bodies")
    organisation = models.ForeignKey(
        "contacts.Organisation", on_delete=models.PROTECT, related_name="involvements"
    )
    part = models.TextField("its part of the complaint")
    is_lead = models.BooleanField("leads the co-ordinated response", default=False)
    coordinated_response = models.FileField(upload_to="referrals/coordinated/%Y/", blank=True)
    coordinated_response_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"], name="case_organisation_unique"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_lead=True), name="case_organisation_one_lead"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} on {self.case}{' (lead)' if self.is_lead else ''}"


class CommissionerDecisionChoice(models.TextChoices):
    HANDLE_ITSELF = "handle_itself", "The commissioner handles the complaint itself"
    PASS_TO_PROVIDER = "pass_to_provider", "Pass it to the provider to handle (with consent)"


class CommissionerDecision(models.Model):
    """SI 2009/309 reg 7: a complaint made to the commissioner about a provider it commissions.
    The commissioner asks whether the complainant consents to details going to the provider,
    then either handles the complaint itself or, if more appropriate and the complainant
    consents, the provider handles it as if made to the provider."""

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="commissioner_decision"
    )
    provider = models.ForeignKey(
        "contacts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=CommissionerDecisionChoice.choices)
    complainant_consents = models.BooleanField(
        "the complainant consents to details being sent to the provider"
    )
    reasons = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="pass_to_provider") | Q(complainant_consents=True),
                name="commissioner_passes_only_with_consent",
            )
        ]

    def __str__(self):
        return f"{self.case}: {self.get_decision_display()}"


class LetterKind(models.TextChoices):
    """The letters the workflow sends, each with the regulation that calls for it."""

    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement (reg 13)"
    CONSENT_REQUEST = "consent_request", "Consent request (reg 5)"
    # reg 13(4): the offer to discuss was declined, so the body decided the response period.
    RESPONSE_PERIOD = "response_period", "Response period decided by us (reg 13(4))"
    HOLDING = "holding", "Holding letter: no response within 6 months (reg 14(4))"
    OUT_OF_TIME = "out_of_time", "Out of time (reg 12)"
    BEST_INTERESTS = "best_interests", "Representative not acting in best interests (reg 5)"
    FINAL_RESPONSE = "final_response", "Final response (reg 14(2))"
    REFERRAL_NOTICE = "referral_notice", "Where the complaint was sent (regs 6 and 7)"


def letter_upload_to(letter, filename: str) -> str:
    """A path nobody can guess: the file is only ever served through the download view, which
    checks the role and the case's scope, but storage may one day be a bucket."""
    return f"letters/{letter.generated_at:%Y/%m}/{secrets.token_urlsafe(24)}.pdf"


class LetterTemplate(models.Model):
    """The wording of one kind of letter, in Django template syntax, edited by administrators
    in the admin without a deploy. One template per kind; switching it off stops letters of
    that kind being generated until it is switched on again."""

    kind = models.CharField(max_length=30, choices=LetterKind.choices, unique=True)
    name = models.CharField(max_length=200)
    body = models.TextField(
        help_text=(
            "The letter's wording. A line starting with '# ' is a heading; a blank line "
            "starts a new paragraph."
        )
    )
    is_active = models.BooleanField("in use", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.name


class LetterQuerySet(models.QuerySet):
    def delete(self):
        raise models.ProtectedError("Letters are part of the complaint record and are kept.", self)


class Letter(models.Model):
    """A letter generated on a case: what was printed, to whom, the PDF, and when and how it
    was sent. Letters are part of the complaint record (kept 10 years after closure), so they
    are never deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    template = models.ForeignKey(
        LetterTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    recipient = models.ForeignKey(
        "contacts.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    # As printed: the person's details may change later, the letter does not.
    recipient_name = models.CharField(max_length=300)
    recipient_address = models.TextField()
    text = models.TextField("rendered text")
    pdf = models.FileField("PDF", upload_to=letter_upload_to, max_length=200)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField()
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_method = models.CharField(
        "sent by", max_length=20, choices=ContactMethod.choices, blank=True
    )
    history = HistoricalRecords()

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-generated_at", "-id"]
        indexes = [models.Index(fields=["case", "-generated_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_on__isnull=True) | (Q(sent_by__isnull=False) & ~Q(sent_method="")),
                name="letter_sent_has_who_and_how",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} letter to {self.recipient_name}"

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(
            "Letters are part of the complaint record and are kept.", {self}
        )

    @property
    def is_sent(self) -> bool:
        return self.sent_on is not None

    @property
    def download_name(self) -> str:
        """e.g. COMP-2026-000001-acknowledgement.pdf"""
        return f"{self.case.reference}-{self.kind.replace('_', '-')}.pdf"


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
