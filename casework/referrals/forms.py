"""Forms for referrals, the commissioner's decision, co-ordination and the organisations'
complaints contacts. Plain-English messages by the field; nothing typed is lost."""

from django import forms
from django.utils import timezone

from casework.models import PartyRole
from casework.referrals.models import CommissionerDecisionChoice
from casework.workflow import ContactMethod, Outcome
from contacts.fields import OrganisationField
from contacts.models import Organisation
from contacts.validators import normalise_ods_code

DATE_HINT = "For example, 23/11/2026"


def _date_field(label, *, required=True, what="the date", help_text=DATE_HINT):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a real date, like 23/11/2026",
        },
    )


class NewReferralForm(forms.Form):
    ods_code = forms.CharField(
        label="ODS code of the organisation",
        max_length=8,
        help_text="For example A81001 for a GP practice or RX1 for a trust",
        error_messages={"required": "Enter the ODS code of the organisation to refer to"},
    )
    part = forms.CharField(
        label="Which part of the complaint goes to them?",
        max_length=200,
        initial="all",
        help_text='"all" for the whole complaint, or describe the part, like "the prescription"',
        error_messages={"required": 'Say which part of the complaint goes to them, or "all"'},
    )

    def clean_ods_code(self):
        return normalise_ods_code(self.cleaned_data["ods_code"])


class ConsentForm(forms.Form):
    given_by = forms.TypedChoiceField(
        label="Who gave consent?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who gave consent"},
    )
    method = forms.ChoiceField(
        label="How was consent given?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how consent was given"},
    )
    given_on = _date_field("Date consent was given", what="the date consent was given")
    scope = forms.CharField(
        label="What does the consent cover?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What may be shared with this organisation, for example the complaint and "
        "contact details",
        error_messages={"required": "Enter what the consent covers"},
        max_length=2000,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        order = [PartyRole.COMPLAINANT, PartyRole.PATIENT, PartyRole.REPRESENTATIVE]
        people = {}
        # Parties come in no fixed order from the database; list roles in a fixed one.
        for party in sorted(
            case.parties.all(), key=lambda p: (order.index(p.role) if p.role in order else 9, p.pk)
        ):
            if party.role in order:
                people.setdefault(party.person_id, (party.person, []))[1].append(
                    party.get_role_display().lower()
                )
        self.people = {pk: person for pk, (person, _) in people.items()}
        self.fields["given_by"].choices = [
            (pk, f"{person.full_name} ({', '.join(roles)})")
            for pk, (person, roles) in people.items()
        ]
        if not self.is_bound:
            self.initial.setdefault("given_on", timezone.localdate())

    def clean_given_on(self):
        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date consent was given must be today or in the past")
        return day


class SendReferralForm(forms.Form):
    response_due = _date_field(
        "Response date agreed with the organisation",
        required=False,
        what="the agreed response date",
        help_text="Leave empty to use the standard response period. For example, 23/12/2026",
    )
    confirm = forms.BooleanField(
        label="I have checked the pack goes to the right organisation",
        error_messages={"required": "Confirm you have checked where the referral is going"},
    )


class AcknowledgementForm(forms.Form):
    acknowledged_on = _date_field(
        "Date the organisation acknowledged it", what="the date of the acknowledgement"
    )


class ResponseForm(forms.Form):
    received_on = _date_field("Date the response arrived", what="the date of the response")
    summary = forms.CharField(
        label="What does the response say?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Summarise what the organisation's response says"},
        max_length=20000,
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose…")] + Outcome.choices,
        required=False,
    )
    document = forms.FileField(
        label="The response document",
        required=False,
        help_text="PDF, Word, OpenDocument, RTF or text, up to 10 MB",
    )


class CloseReferralForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of the referral",
        choices=[("", "Choose…")] + Outcome.choices,
        error_messages={"required": "Select the outcome of the referral"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when closing without a response, for example the complaint was withdrawn",
    )


class CommissionerDecisionForm(forms.Form):
    """SI 2009/309 reg 7."""

    provider = OrganisationField(
        label="Provider the complaint is about",
        queryset=Organisation.objects.open(),
        error_messages={"required": "Enter the ODS code or name of the provider"},
    )
    complainant_consents = forms.TypedChoiceField(
        label="Does the complainant consent to details being sent to the provider?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the complainant consents"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=CommissionerDecisionChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reasons for the decision"},
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == CommissionerDecisionChoice.PASS_TO_PROVIDER
            and data.get("complainant_consents") is False
        ):
            self.add_error(
                "decision",
                "Without the complainant's consent the commissioner handles the complaint itself",
            )
        return data


class InvolvedBodyForm(forms.Form):
    """SI 2009/309 reg 9."""

    ods_code = forms.CharField(
        label="ODS code of the organisation",
        max_length=8,
        error_messages={"required": "Enter the ODS code of the organisation"},
    )
    part = forms.CharField(
        label="Its part of the complaint",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe this organisation's part of the complaint"},
    )
    is_lead = forms.BooleanField(label="This organisation leads the response", required=False)

    def clean_ods_code(self):
        return normalise_ods_code(self.cleaned_data["ods_code"])


class ComplaintsContactForm(forms.Form):
    complaints_contact_name = forms.CharField(label="Name", max_length=200, required=False)
    complaints_contact_email = forms.EmailField(
        label="Email",
        required=False,
        error_messages={"invalid": "Enter an email address like complaints@example.nhs.uk"},
    )
    complaints_contact_address = forms.CharField(
        label="Postal address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label="Reason for the change",
        help_text="Recorded in the organisation's history",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the reason for the change"},
    )
