"""Forms for letters: choosing which letter to generate and for whom, recording that it was
sent, and the administrators' template editor. Messages are plain English and name the field."""

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from casework.exceptions import CaseworkError
from casework.letters.models import LetterKind, LetterTemplate
from casework.letters.services import OMBUDSMAN, PLACEHOLDERS, check_template_body
from casework.workflow import ContactMethod

# Letters whose whole point is a reason the user gives when generating them.
REASON_REQUIRED = {
    LetterKind.HOLDING: "Enter why the response is delayed",
    LetterKind.BEST_INTERESTS: "Enter why the representative is not acting in the patient's "
    "best interests",
}


class GenerateLetterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Which letter?",
        choices=LetterKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which letter to generate"},
    )
    recipient = forms.TypedChoiceField(
        label="Who is it to?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the letter is to"},
    )
    reason = forms.CharField(
        label="Reason to give in the letter",
        help_text=(
            "Needed for a holding letter (why the response is delayed) and a best-interests "
            "letter. For an out-of-time letter, leave it empty to use the reasons recorded "
            "with the time-limit decision."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {entry.person.pk: entry.person for entry in people}
        self.fields["recipient"].choices = [
            (
                entry.person.pk,
                f"{entry.person.full_name} ({', '.join(sorted(entry.roles)).lower()})"
                + ("" if (entry.person.address or "").strip() else " – no postal address"),
            )
            for entry in people
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in REASON_REQUIRED and not data.get("reason", "").strip():
            self.add_error("reason", REASON_REQUIRED[kind])
        if data.get("recipient") is not None:
            data["recipient_person"] = self.people[data["recipient"]]
        return data


class MarkSentForm(forms.Form):
    method = forms.ChoiceField(
        label="How was it sent?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the letter was sent"},
    )
    sent_on = forms.DateField(
        label="Date sent",
        help_text="For example, 23/11/2026",
        error_messages={
            "required": "Enter the date the letter was sent",
            "invalid": "Enter the date the letter was sent as a real date, like 23/11/2026",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("sent_on", timezone.localdate().strftime("%d/%m/%Y"))
            self.initial.setdefault("method", ContactMethod.LETTER)

    def clean_sent_on(self):
        sent_on = self.cleaned_data["sent_on"]
        if sent_on > timezone.localdate():
            raise forms.ValidationError("The date sent must be today or in the past")
        return sent_on


def placeholder_help() -> str:
    items = format_html_join(
        "", "<li><code>{{{{ {} }}}}</code>: {}</li>", sorted(PLACEHOLDERS.items())
    )
    return format_html(
        "Plain text in Django template syntax. A line starting with <code># </code> is a "
        "heading; a blank line starts a new paragraph. Placeholders you can use:<ul>{}</ul>"
        "You can also use <code>{{% if placeholder %}}…{{% endif %}}</code>.",
        items,
    )


class LetterTemplateAdminForm(forms.ModelForm):
    """The administrators' editor: the wording must render, a final response must keep the
    Ombudsman paragraph (SI 2009/309 reg 14(2)), and every change says why."""

    change_reason = forms.CharField(
        label="Reason for the change",
        max_length=100,
        help_text="Recorded in the template's history with your name.",
    )

    class Meta:
        model = LetterTemplate
        fields = ["kind", "name", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = placeholder_help()

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            check_template_body(body)
        except CaseworkError as error:
            raise forms.ValidationError(str(error)) from error
        return body

    def clean(self):
        data = super().clean()
        if data.get("kind") == LetterKind.FINAL_RESPONSE and OMBUDSMAN not in data.get(
            "body", OMBUDSMAN
        ):
            self.add_error(
                "body",
                f"A final response must tell the complainant of their right to go to the "
                f"{OMBUDSMAN} (SI 2009/309 reg 14(2)). Keep that paragraph.",
            )
        return data
