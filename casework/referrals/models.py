"""Referrals to other organisations (SI 2009/309 regs 6, 7 and 9): the referral, its chasers,
the organisations a case involves, and the commissioner's reg 7 decision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from casework.models import Case, on_visible_cases
from casework.workflow import (
    REFERRAL_OPEN,
    REFERRAL_OUTSTANDING,
    REFERRAL_TAG_COLOURS,
    ContactMethod,
    Outcome,
    ReferralStatus,
    referral_actions,
)

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
    # The complainant's letter saying where the complaint went: a Letter on the case, made from
    # the REFERRAL_NOTICE template, so it is on the Letters tab and can be marked as sent.
    notice = models.OneToOneField(
        "casework.Letter",
        verbose_name="letter to the complainant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
    )
    # Referrals sent before the notice became a Letter kept it here, as a file of their own.
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

    # Not stored: set by send_referral when the letter to the complainant could not be made
    # (no postal address, the template switched off), so the page can say what to do.
    notice_refused = ""

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
