"""The public feedback form. Messages are plain English, name the field, and say how to fix
it; the page shows them in an NHS.UK error summary and by the field."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from .filetypes import ALLOWED_DESCRIPTION, PUBLIC_TYPES, detect_content_type
from .models import DeclaredKind, RepresentativeBasis

SELF = "self"
SOMEONE_ELSE = "someone_else"

# The same values as casework.models.Relationship (contacts cannot import casework).
RELATIONSHIPS = [
    ("", "Choose…"),
    ("parent", "Parent or guardian"),
    ("partner", "Spouse or partner"),
    ("child", "Son or daughter"),
    ("relative", "Other relative"),
    ("carer", "Carer"),
    ("friend", "Friend"),
    ("advocate", "Advocate"),
    ("mp", "MP or councillor"),
    ("solicitor", "Solicitor"),
    ("other", "Other"),
]


class PublicFeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label="What would you like to do?",
        choices=DeclaredKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you would like to do"},
    )
    who_for = forms.ChoiceField(
        label="Who is this about?",
        choices=[(SELF, "Me"), (SOMEONE_ELSE, "Someone else – I am writing on their behalf")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is about you or someone else"},
    )
    your_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
    )
    email = forms.EmailField(
        label="Your email address",
        required=False,
        max_length=254,
        help_text="We will send a copy of your reference number here",
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    phone = forms.CharField(
        label="Your phone number",
        required=False,
        max_length=30,
        help_text="For example, 07700 900 982",
    )
    patient_name = forms.CharField(
        label="Their full name",
        required=False,
        max_length=200,
        help_text="Only if you are writing on someone else's behalf",
    )
    patient_date_of_birth = forms.DateField(
        label="Their date of birth",
        required=False,
        help_text="For example, 15/03/1984",
        error_messages={"invalid": "Enter their date of birth as a real date, like 15/03/1984"},
    )
    relationship = forms.ChoiceField(
        label="Your relationship to them", choices=RELATIONSHIPS, required=False
    )
    representative_basis = forms.ChoiceField(
        label="Why are you acting for them?",
        choices=RepresentativeBasis.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="The law says who may act for someone else (NHS complaints regulations, "
        "regulation 5)",
    )
    consent_declaration = forms.BooleanField(
        label="I declare that what I have said about why I am acting for them is true",
        required=False,
    )
    organisation = forms.CharField(
        label="Which hospital, surgery or service is it about?",
        required=False,
        max_length=200,
    )
    event_date = forms.DateField(
        label="When did it happen?",
        required=False,
        help_text="For example, 02/11/2026. An approximate date is fine",
        error_messages={"invalid": "Enter the date it happened as a real date, like 02/11/2026"},
    )
    details = forms.CharField(
        label="Tell us what happened",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Tell us what happened"},
    )
    attachment = forms.FileField(
        label="Add a file (optional)",
        required=False,
        help_text="For example a letter or a photo: "
        f"{ALLOWED_DESCRIPTION}, up to {filesizeformat(settings.ATTACHMENT_MAX_BYTES)}",
    )
    # The honeypot: hidden from people (and screen readers), filled in by form-filling robots.
    website = forms.CharField(label="Leave this blank", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["details"].help_text = (
            f"Include dates, places and names if you know them (up to "
            f"{settings.PUBLIC_FORM_MAX_CHARS:,} characters)"
        )
        self.fields["attachment"].required = False

    def clean_details(self):
        details = self.cleaned_data["details"].strip()
        limit = settings.PUBLIC_FORM_MAX_CHARS
        if len(details) > limit:
            raise forms.ValidationError(
                f"What happened must be {limit:,} characters or fewer – you have used "
                f"{len(details):,}. Shorten it, or add the rest as a file"
            )
        return details

    def clean_event_date(self):
        day = self.cleaned_data.get("event_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError("The date it happened must be today or in the past")
        return day

    def clean_patient_date_of_birth(self):
        day = self.cleaned_data.get("patient_date_of_birth")
        if day and day > timezone.localdate():
            raise forms.ValidationError("Their date of birth must be today or in the past")
        return day

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        limit = settings.ATTACHMENT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file must be {filesizeformat(limit)} or smaller – "
                f"{upload.name} is {filesizeformat(upload.size)}"
            )
        data = upload.read()
        upload.seek(0)
        if detect_content_type(data) not in PUBLIC_TYPES:
            raise forms.ValidationError(
                f"{upload.name} is not a type of file we can accept. Send {ALLOWED_DESCRIPTION}"
            )
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", "Enter an email address or a phone number so we can reply")
        if data.get("who_for") == SOMEONE_ELSE:
            # SI 2009/309 reg 5(2): a representative acts because the patient consents, has
            # died, is a child, or lacks capacity; the unit records which.
            if not data.get("patient_name"):
                self.add_error("patient_name", "Enter the full name of the person it is about")
            if not data.get("relationship"):
                self.add_error("relationship", "Select your relationship to them")
            if not data.get("representative_basis"):
                self.add_error("representative_basis", "Select why you are acting for them")
            if not data.get("consent_declaration"):
                self.add_error(
                    "consent_declaration",
                    "Confirm that what you have said about acting for them is true",
                )
        return data

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())
