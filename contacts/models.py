"""Who and what came in: people, the organisations directory, and every contact.

`contacts` knows nothing of casework: a Contact points at a case through a lazy reference
("casework.Case") so that every interaction is kept, including two-minute queries resolved
on the spot, and later channels (public form, e-mail, legacy import) write the same record.
Every model is tracked by django-simple-history with the user and a change reason.
"""

import re
import uuid

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

    @property
    def complaints_postal_address(self) -> str:
        """Where complaints go by post: the complaints contact's address, else the
        organisation's own with its postcode."""
        return self.complaints_contact_address or "\n".join(
            part for part in (self.address, self.postcode) if part
        )


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


class Priority(models.TextChoices):
    """How soon a contact waiting in triage needs someone. Urgent clinical and safeguarding
    concerns come first and alert the duty manager."""

    URGENT_CLINICAL = "urgent_clinical", "Urgent clinical concern"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"


# Queue order: urgent clinical and safeguarding share the top, then high, then normal; within a
# rank the longest-waiting first. Stored on the row so the queue sorts on an index.
PRIORITY_RANK = {
    Priority.URGENT_CLINICAL: 0,
    Priority.SAFEGUARDING: 0,
    Priority.HIGH: 1,
    Priority.NORMAL: 2,
}
ALERT_PRIORITIES = {Priority.URGENT_CLINICAL, Priority.SAFEGUARDING}


class TriageStatus(models.TextChoices):
    """Where a contact that came in without a case stands. Contacts staff log straight onto a
    case never enter triage and keep this blank."""

    NOT_TRIAGED = "", "Logged on a case by staff"
    WAITING = "waiting", "Waiting in triage"
    ATTACHED = "attached", "Attached to a case"
    RESOLVED = "resolved", "Resolved on the spot"


class DeclaredKind(models.TextChoices):
    """What a member of the public said they wanted to do on the public form. Staff decide the
    kind of case at triage; this records what the person chose."""

    CONCERN = "concern", "Raise a concern"
    COMPLAINT = "complaint", "Make a complaint"
    COMPLIMENT = "compliment", "Pay a compliment"
    QUESTION = "question", "Ask a question"


class RepresentativeBasis(models.TextChoices):
    """SI 2009/309 reg 5(2): why someone may act for the patient. The values match
    casework.models.Consent so triage can record them on the case party unchanged."""

    CONSENT = "given", "The patient has asked me to act for them and consents"
    DECEASED = "deceased", "The patient has died"
    CHILD = "child", "The patient is a child"
    NO_CAPACITY = "no_capacity", "The patient cannot act for themselves (lacks capacity)"


class Contact(models.Model):
    """One interaction: who, when, by which channel, what it was about, who logged it.

    A contact from the public form or the mailbox arrives with no case and waits in triage
    (`triage_status` waiting) until staff attach it to a case, open one, or resolve it.
    """

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
    # Triage: contacts that arrive without a case (public form, e-mail).
    reference = models.CharField(
        max_length=20, blank=True, help_text="Given to the public, e.g. WEB-2026-000123."
    )
    priority = models.CharField(max_length=20, choices=Priority.choices, default=Priority.NORMAL)
    priority_rank = models.PositiveSmallIntegerField(default=PRIORITY_RANK[Priority.NORMAL])
    triage_status = models.CharField(
        max_length=10, choices=TriageStatus.choices, blank=True, default=TriageStatus.NOT_TRIAGED
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_note = models.TextField("how it was resolved", blank=True)
    # Who it came from, as they gave it, before anyone is matched to a Person.
    sender_name = models.CharField(max_length=200, blank=True)
    sender_email = models.EmailField(max_length=254, blank=True)
    sender_phone = models.CharField(max_length=30, blank=True)
    # Public form.
    declared_kind = models.CharField(max_length=20, choices=DeclaredKind.choices, blank=True)
    on_behalf = models.BooleanField("made on someone else's behalf", default=False)
    patient_name = models.CharField(max_length=200, blank=True)
    patient_date_of_birth = models.DateField(null=True, blank=True)
    relationship_to_patient = models.CharField(max_length=20, blank=True)
    representative_basis = models.CharField(
        max_length=20, choices=RepresentativeBasis.choices, blank=True
    )
    event_date = models.DateField("date of the event", null=True, blank=True)
    about_organisation = models.CharField(
        "organisation named by the person", max_length=200, blank=True
    )
    # E-mail intake.
    message_id = models.CharField("e-mail Message-ID", max_length=998, blank=True)
    email_subject = models.CharField(max_length=998, blank=True)
    intake_problem = models.TextField(
        blank=True, help_text="Why the message could not be read automatically."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-contacted_at"]
        indexes = [
            models.Index(fields=["person", "-contacted_at"]),
            models.Index(fields=["case", "contacted_at"]),
            models.Index(fields=["logged_by", "-logged_at"]),
            # reports: contacts per month over a period (the trends page).
            models.Index(fields=["contacted_at"], name="contact_contacted_at_idx"),
            models.Index(fields=["triage_status", "priority_rank", "contacted_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="contact_reference_unique"
            ),
            # The same e-mail is never imported twice, however often the mailbox is read.
            models.UniqueConstraint(
                fields=["message_id"], condition=~Q(message_id=""), name="contact_message_id_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} on {self.contacted_at:%d %b %Y %H:%M}"

    def save(self, *args, **kwargs):
        self.priority_rank = PRIORITY_RANK.get(self.priority, PRIORITY_RANK[Priority.NORMAL])
        super().save(*args, **kwargs)

    @property
    def from_display(self) -> str:
        if self.person_id:
            return self.person.full_name
        return self.sender_name or self.sender_email or self.sender_phone or "Not known"


def attachment_path(instance, filename: str) -> str:
    """A path nobody can guess or derive from the upload: the original name is kept in the
    database only, so a name can never traverse folders or collide."""
    return f"contact-attachments/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class ContactAttachment(models.Model):
    """A file that came with a contact (public form upload, e-mail attachment, or the raw
    message of an e-mail that could not be read). Served only through an authorised view."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(
        max_length=100, help_text="Worked out from the file's content, not its name."
    )
    size = models.PositiveBigIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contact", "id"]

    def __str__(self):
        return self.original_name
