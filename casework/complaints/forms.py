"""Forms for the complaint workflow actions. Each names its fields in the users' words and
says what is wrong in plain English; services enforce the rules themselves too."""

from django import forms
from django.utils import timezone

from casework.models import Consent
from casework.workflow import ContactMethod, Outcome, Reg8Exclusion

DATE_HELP = "For example, 23/11/2026"


def date_field(label, required=True, help_text=DATE_HELP):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date, like 23/11/2026",
        },
    )


def text_field(label, required=True, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower() + label[1:]}"},
    )


def yes_no(label, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        error_messages={"required": f"Select yes or no: {label[0].lower() + label[1:]}"},
    )


class TodayInitialMixin:
    today_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.today_fields:
            self.initial.setdefault(name, timezone.localdate())


class TimeLimitForm(forms.Form):
    event_date = date_field("Date of the event")
    became_aware_on = date_field(
        "Date the complainant became aware",
        required=False,
        help_text="Only if later than the event. " + DATE_HELP,
    )


class TimeLimitDecisionForm(forms.Form):
    take_forward = yes_no(
        "Take the late complaint forward?",
        "Only if the complainant had good reasons for the delay and it is still possible to "
        "investigate it effectively and fairly (reg 12(2)).",
    )
    reasons = text_field("The reasons for the decision")


class AcknowledgeForm(TodayInitialMixin, forms.Form):
    today_fields = ("on",)
    on = date_field("Date acknowledged")
    method = forms.ChoiceField(
        label="How was it acknowledged?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the complaint was acknowledged"},
    )
    discussion_offered = yes_no(
        "Did you offer to discuss how the complaint will be handled and the response period?",
        "The regulations require the offer (reg 13(2)).",
    )
    discussion_held = yes_no("Was the discussion held?")
    response_due = date_field(
        "Response due",
        required=False,
        help_text="The date agreed with the complainant, or that you decided if they declined "
        "the discussion. " + DATE_HELP,
    )
    agreed_with_complainant = forms.TypedChoiceField(
        label="Was this date agreed with the complainant?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No, we decided it and will tell them in writing")],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("discussion_held") and data.get("discussion_offered") is False:
            self.add_error("discussion_held", "A discussion can only be held if it was offered")
        if data.get("response_due") and data.get("agreed_with_complainant") is None:
            self.add_error(
                "agreed_with_complainant",
                "Select whether the response date was agreed with the complainant",
            )
        return data


class ResponsePeriodForm(forms.Form):
    due = date_field("New response date")
    agreed_with_complainant = yes_no("Was this agreed with the complainant?")
    reason = text_field("Reason", rows=2, help_text="For example: further records requested")


class ConsentForm(TodayInitialMixin, forms.Form):
    today_fields = ("on",)
    consent = forms.ChoiceField(
        label="Consent",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the consent position"},
    )
    method = forms.ChoiceField(
        label="How was it given or confirmed?",
        choices=ContactMethod.choices,
        error_messages={"required": "Select how consent was given or confirmed"},
    )
    on = date_field("Date recorded")
    best_interests_confirmed = forms.TypedChoiceField(
        label="For a child or a patient who lacks capacity: are you satisfied the representative "
        "is acting in the patient's best interests?",
        choices=[("", "Not applicable"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )
    notes = text_field("Notes", required=False, rows=2)


class ConfirmForm(forms.Form):
    """An action with nothing to fill in: the button is the confirmation."""


class FindingsForm(forms.Form):
    findings = text_field("Findings", rows=6)
    actions_agreed = text_field("Actions agreed", required=False)
    learning = text_field("Learning", required=False)


class DraftResponseForm(forms.Form):
    how_considered = text_field("How the complaint was considered", rows=5)
    conclusions = text_field("The conclusions reached", rows=5)
    actions = text_field(
        "Remedial action taken or to be taken",
        rows=4,
        help_text="Say what has been or will be done, or that no action is needed and why",
    )


class ReasonForm(forms.Form):
    reason = text_field("Reason", rows=3)


class SendResponseForm(TodayInitialMixin, forms.Form):
    today_fields = ("sent_on",)
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        choices=[
            (o, Outcome(o).label)
            for o in (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD)
        ],
        error_messages={"required": "Select the outcome of the complaint"},
    )
    sent_on = date_field("Date the signed response was sent")


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Why is it closing without a response?",
        widget=forms.RadioSelect,
        choices=[
            (Outcome.WITHDRAWN, "The complainant withdrew it"),
            (Outcome.NOT_TAKEN_FORWARD, "It is not being taken forward"),
        ],
        error_messages={"required": "Select why the complaint is closing"},
    )
    reg8_exclusion = forms.ChoiceField(
        label="Not required to be handled under the regulations because (reg 8)",
        choices=[("", "Not applicable")] + Reg8Exclusion.choices,
        required=False,
    )
    reason = text_field("Reason", rows=3)


class ResolveOralForm(TodayInitialMixin, forms.Form):
    today_fields = ("resolved_on",)
    resolved_on = date_field("Date resolved")
    note = text_field("How it was resolved", rows=3)


class HoldingLetterForm(TodayInitialMixin, forms.Form):
    today_fields = ("sent_on",)
    sent_on = date_field("Date the letter was sent")


class OmbudsmanForm(forms.Form):
    referred_on = date_field("Date referred to the Ombudsman")
    decision = text_field("Ombudsman's decision", required=False, rows=3)
    decision_on = date_field("Date of the decision", required=False)
    recommendations = text_field("Ombudsman's recommendations", required=False, rows=3)
