"""Who and what came in: people, the organisations directory, and every contact.

`contacts` knows nothing of casework: a Contact points at a case through a lazy reference
("casework.Case") so that every interaction is kept, including two-minute queries resolved
on the spot, and later channels (public form, e-mail, legacy import) write the same record.
Every model is tracked by django-simple-history with the user and a change reason.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .validators import normalise_nhs_number, normalise_ods_code, validate_nhs_number


class OrganisationType(models.TextChoices):
    TRUST = "trust", "NHS trust"
    TRUST_SITE = "trust_site", "NHS trust site"
    GP_PRACTICE = "gp_practice", "GP practice"
    DENTAL_PRACTICE = "dental_practice", "Dental practice"
    PHARMACY = "pharmacy", "Pharmacy"
    OPTOMETRIST = "optometrist", "Optometrist"
    ICB = "icb", "Integrated care board"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    OTHER = "other", "Other"


# Independent contractors provide NHS primary care under contract (GMS/PMS, GDS, pharmacy and
# ophthalmic contracts); complaints about them may be made to them or to the commissioner.
INDEPENDENT_CONTRACTOR_TYPES = {
    OrganisationType.GP_PRACTICE,
    OrganisationType.DENTAL_PRACTICE,
    OrganisationType.PHARMACY,
    OrganisationType.OPTOMETRIST,
}


class OrganisationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class Organisation(models.Model):
    """A provider or commissioner, identified by its ODS code where it has one."""

    ods_code = models.CharField(
        "ODS code", max_length=8, blank=True, help_text="For example A81001 or RX1."
    )
    name = models.CharField(max_length=200)
    org_type = models.CharField(
        "type", max_length=20, choices=OrganisationType.choices, default=OrganisationType.OTHER
    )
    is_independent_contractor = models.BooleanField("independent contractor", default=False)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The commissioner (for a practice) or the trust (for a site).",
    )
    # As the ODS file gives it: the parent may not be in the directory (yet), and the link is
    # made when it is (contacts.ods).
    parent_ods_code = models.CharField("parent ODS code", max_length=8, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    complaints_contact_name = models.CharField(max_length=200, blank=True)
    complaints_contact_email = models.EmailField(blank=True)
    complaints_contact_address = models.TextField(blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(
        null=True, blank=True, help_text="Empty while the organisation is open."
    )
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~Q(ods_code=""), name="organisation_ods_code_unique"
            )
        ]
        indexes = [models.Index(fields=["org_type", "name"])]

    def __str__(self):
        return f"{self.name} ({self.ods_code})" if self.ods_code else self.name

    def save(self, *args, **kwargs):
        self.ods_code = normalise_ods_code(self.ods_code)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Person(models.Model):
    """A patient, complainant or representative. The same person may play several roles."""

    title = models.CharField(max_length=20, blank=True)
    given_name = models.CharField("first name", max_length=100)
    family_name = models.CharField("last name", max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[validate_nhs_number]
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["nhs_number"]),
            models.Index(fields=["postcode"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["phone"]),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.nhs_number = normalise_nhs_number(self.nhs_number)
        self.postcode = (self.postcode or "").strip().upper()
        # Stored as digits (and a leading +) so a search finds it however it was typed.
        self.phone = re.sub(r"[^\d+]", "", self.phone or "")
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.title, self.given_name, self.family_name) if part)

    @property
    def nhs_number_display(self) -> str:
        n = self.nhs_number
        return f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 10 else n


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    WEB_FORM = "web_form", "Web form"
    IN_PERSON = "in_person", "In person"
    OTHER_ORGANISATION = "other_organisation", "From another organisation"


class Contact(models.Model):
    """One interaction: who, when, by which channel, what it was about, who logged it."""

    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        help_text="Empty while the contact waits in triage.",
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    contacted_at = models.DateTimeField("when it happened")
    summary = models.TextField("what was said")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        help_text="The organisation the contact is about.",
    )
    from_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts_made",
        help_text="Set when the contact came from another organisation.",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-contacted_at"]
        indexes = [
            models.Index(fields=["person", "-contacted_at"]),
            models.Index(fields=["case", "contacted_at"]),
            models.Index(fields=["logged_by", "-logged_at"]),
            # reports: contacts per month over a period (the trends page).
            models.Index(fields=["contacted_at"], name="contact_contacted_at_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} on {self.contacted_at:%d %b %Y %H:%M}"
