"""Forms for logging contacts and working cases. Messages are plain English and name the
field; nothing typed is lost when a form is shown again with errors."""

from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from contacts.fields import OrganisationField
from contacts.models import Channel, Organisation, Person
from contacts.validators import normalise_nhs_number, validate_nhs_number

from .models import Case, PartyRole, Relationship, ServiceArea, StaffGroup, Subject, Team
from .workflow import CaseKind, Outcome, Status, allowed_next

NEW_CASE = "new"


class PersonForm(forms.ModelForm):
    """A new person. An NHS number already on file is refused, so nobody is entered twice."""

    prefix = "person"
    # Wider than the stored 10 digits so "943 476 5919" can be typed; cleaned to digits.
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        required=False,
        help_text="10 digits, for example 943 476 5919",
    )

    class Meta:
        model = Person
        fields = [
            "title",
            "given_name",
            "family_name",
            "date_of_birth",
            "nhs_number",
            "phone",
            "email",
            "address",
            "postcode",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "date_of_birth": "For example, 15/03/1984",
        }
        error_messages = {
            "given_name": {"required": "Enter the person's first name"},
            "family_name": {"required": "Enter the person's last name"},
            "date_of_birth": {"invalid": "Enter the date of birth as a real date, like 15/03/1984"},
            "email": {"invalid": "Enter an email address like name@example.com"},
        }

    def clean_date_of_birth(self):
        dob = self.cleaned_data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past")
        return dob

    def clean_nhs_number(self):
        raw = self.cleaned_data.get("nhs_number", "")
        if not raw:
            return ""
        validate_nhs_number(raw)
        number = normalise_nhs_number(raw)
        existing = Person.objects.filter(nhs_number=number).exclude(pk=self.instance.pk).first()
        if existing:
            raise forms.ValidationError(
                f"{existing.full_name} already has this NHS number. Search for them and "
                "choose them instead of adding a new person."
            )
        return number


class ContactForm(forms.Form):
    """What came in: when, how, what kind of matter, about which organisation, what was said,
    and the case it belongs to."""

    channel = forms.ChoiceField(
        label="How did they contact us?",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the person contacted us"},
    )
    contacted_on = forms.DateField(
        label="Date of contact",
        help_text="For example, 23/11/2026",
        error_messages={
            "required": "Enter the date of the contact",
            "invalid": "Enter the date of the contact as a real date, like 23/11/2026",
        },
    )
    contacted_time = forms.TimeField(
        label="Time of contact",
        help_text="24-hour clock, for example 14:30",
        error_messages={
            "required": "Enter the time of the contact",
            "invalid": "Enter the time like 14:30",
        },
    )
    case_choice = forms.ChoiceField(
        label="Which case is this about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a case, or open a new one"},
    )
    kind = forms.ChoiceField(
        label="What kind of matter is a new case?",
        choices=[("", "Choose…")] + CaseKind.choices,
        required=False,
    )
    relationship = forms.ChoiceField(
        label="Who is the person to the patient?",
        choices=Relationship.choices,
        initial=Relationship.SELF,
    )
    organisation = OrganisationField(
        label="Organisation it is about",
        queryset=Organisation.objects.open(),
        required=False,
    )
    from_organisation = OrganisationField(
        label="Organisation the contact came from",
        queryset=Organisation.objects.open(),
        required=False,
        help_text="ODS code or name; only when another organisation passed this to us",
    )
    service_area = forms.ModelChoiceField(
        label="Service it is about",
        queryset=ServiceArea.objects.filter(is_active=True),
        required=False,
    )
    summary = forms.CharField(
        label="What was said",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what the person told us"},
        max_length=20000,
    )

    def __init__(self, *args, open_cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (
                c.reference,
                f"{c.reference}: {c.get_kind_display()}, {c.get_status_display().lower()}",
            )
            for c in open_cases
        ]
        self.fields["case_choice"].choices = choices + [(NEW_CASE, "Open a new case")]
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("contacted_on", now.date())
            self.initial.setdefault("contacted_time", now.time().replace(second=0, microsecond=0))
            if not open_cases:
                self.initial.setdefault("case_choice", NEW_CASE)

    def clean(self):
        data = super().clean()
        if data.get("case_choice") == NEW_CASE and not data.get("kind"):
            self.add_error("kind", "Select what kind of matter the new case is")
        if (
            data.get("channel") == Channel.OTHER_ORGANISATION
            and not data.get("from_organisation")
            and "from_organisation" not in self.errors
        ):
            self.add_error(
                "from_organisation", "Enter the ODS code or name of the organisation it came from"
            )
        day, at = data.get("contacted_on"), data.get("contacted_time")
        if day and at:
            when = timezone.make_aware(datetime.combine(day, at))
            if when > timezone.now():
                self.add_error(
                    "contacted_on", "The date and time of contact must not be in the future"
                )
            data["contacted_at"] = when
        return data


class CaseDetailsForm(forms.ModelForm):
    """Editable details and coding of a case, with the reason for the change."""

    reason = forms.CharField(
        label="Reason for the change",
        help_text="Recorded in the case history",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the reason for the change"},
    )
    organisation = OrganisationField(
        label="Organisation",
        required=False,
    )
    # The case's history version this form was built from (optimistic locking).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Case
        fields = [
            "description",
            "organisation",
            "service_area",
            "subjects",
            "staff_groups",
            "team",
            "assignee",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "subjects": forms.CheckboxSelectMultiple,
            "staff_groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subjects"].queryset = Subject.objects.filter(is_active=True)
        self.fields["staff_groups"].queryset = StaffGroup.objects.filter(is_active=True)
        self.fields["team"].queryset = Team.objects.filter(is_active=True)
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                groups__name__in=["Investigator", "Complaints manager", "Customer care officer"],
            )
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username
        # Open organisations, plus the case's own even if it has since closed.
        self.fields["organisation"].queryset = Organisation.objects.filter(
            Q(closed_on__isnull=True) | Q(pk=self.instance.organisation_id)
        )


class StatusChangeForm(forms.Form):
    new_status = forms.ChoiceField(
        label="Move the case to",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the case moves to"},
    )
    outcome = forms.ChoiceField(
        label="Outcome (when closing)",
        choices=[("", "Choose…")] + Outcome.choices,
        required=False,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the reason for the change"},
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = allowed_next(case.kind, case.status)
        self.fields["new_status"].choices = [
            (value, label) for value, label in Status.choices if value in allowed
        ]

    def clean(self):
        data = super().clean()
        if data.get("new_status") == Status.CLOSED and not data.get("outcome"):
            self.add_error("outcome", "Select the outcome before closing the case")
        return data


class AddPartyForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label="Their part in the case", choices=PartyRole.choices, widget=forms.RadioSelect
    )
    relationship = forms.ChoiceField(
        label="Relationship to the patient",
        choices=[("", "Choose…")] + Relationship.choices,
        required=False,
    )

    def __init__(self, *args, people=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people the user may see can be added: a tampered id is "not a valid choice".
        self.fields["person"].queryset = people if people is not None else Person.objects.all()
        if case is not None and case.is_finished:
            # Changes to a finished case must say why (the history explains every change).
            self.fields["reason"] = forms.CharField(
                label="Why are you changing a closed case?",
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": "Enter why you are changing a closed case"},
            )
