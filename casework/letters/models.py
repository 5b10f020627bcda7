"""Letter templates and the letters generated from them (casework.letters.services)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from casework.models import Case
from casework.workflow import (
    ContactMethod,
)


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
