"""Report filters and the KO41 and annual report forms: every error in plain English, by
the field, and nothing typed is lost (the forms are bound to what was sent)."""

import datetime as dt

from django import forms

from casework.models import ServiceArea, Subject, Team
from casework.workflow import CaseKind
from contacts.fields import OrganisationField
from contacts.models import OrganisationType

from . import ko41
from .models import AnnualReport
from .queries import ReportFilters

DATE_HINT = "For example, 01/04/2026"
# A period longer than this is almost always a typing slip (2206 for 2026), and a page of
# decades of months would be unreadable.
LONGEST_PERIOD_YEARS = 5


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=DATE_HINT,
        error_messages={"invalid": "Enter a real date, like 01/04/2026"},
    )


class ReportFilterForm(forms.Form):
    start = _date_field("From")
    end = _date_field("To")
    organisation = OrganisationField(
        label="Organisation",
        required=False,
        # A number comes from a link or an old bookmark of the organisation list.
        error_messages={
            "invalid_choice": "Choose an organisation from the list, or enter its ODS code or name"
        },
    )
    org_type = forms.ChoiceField(
        label="Organisation type",
        required=False,
        choices=[("", "Any type"), *OrganisationType.choices],
        error_messages={"invalid_choice": "Choose an organisation type from the list"},
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        required=False,
        empty_label="Any team",
        error_messages={"invalid_choice": "Choose a team from the list"},
    )
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Any kind"), *CaseKind.choices],
        error_messages={"invalid_choice": "Choose a kind of case from the list"},
    )
    subject = forms.ModelChoiceField(
        queryset=Subject.objects.all(),
        required=False,
        empty_label="Any subject",
        error_messages={"invalid_choice": "Choose a subject from the list"},
    )
    service_area = forms.ModelChoiceField(
        label="Service",
        queryset=ServiceArea.objects.all(),
        required=False,
        empty_label="Any service",
        error_messages={"invalid_choice": "Choose a service from the list"},
    )

    def __init__(self, data, *, today: dt.date, default_start: dt.date, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        self.default_start = default_start

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start") or (None if "start" in self.errors else self.default_start)
        end = cleaned.get("end") or (None if "end" in self.errors else self.today)
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be the same as or after the start date")
            elif (end - start).days > 366 * LONGEST_PERIOD_YEARS:
                self.add_error("start", f"Choose a period of {LONGEST_PERIOD_YEARS} years or less")
            elif start > self.today:
                self.add_error("start", "The start date must be today or in the past")
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def filters(self) -> ReportFilters:
        c = self.cleaned_data
        return ReportFilters(
            start=c["start"],
            end=c["end"],
            organisation=c.get("organisation"),
            org_type=c.get("org_type") or "",
            team=c.get("team"),
            kind=c.get("kind") or "",
            subject=c.get("subject"),
            service_area=c.get("service_area"),
        )


class KO41Form(forms.Form):
    ONE, EVERY = "one", "all"
    return_type = forms.ChoiceField(
        label="Which return?",
        widget=forms.RadioSelect,
        choices=list(ko41.RETURN_NAMES.items()),
        error_messages={"required": "Choose which return to download"},
    )
    year = forms.CharField(
        label="Financial year",
        help_text="For example, 2025-26",
        max_length=7,
        error_messages={"required": "Enter the financial year, like 2025-26"},
    )
    scope = forms.ChoiceField(
        label="For which organisations?",
        widget=forms.RadioSelect,
        choices=[
            (ONE, "One organisation"),
            (
                EVERY,
                "Every organisation with complaints in the year, each on its own rows, "
                "and their total",
            ),
        ],
        initial=ONE,
    )
    organisation = forms.CharField(
        label="Organisation ODS code",
        help_text="For example, RX1 for a trust or A81001 for a GP practice. Not needed for "
        "every organisation.",
        max_length=8,
        error_messages={
            "required": "Enter the organisation's ODS code, like RX1, or choose every organisation"
        },
    )

    def __init__(self, data=None, **kwargs):
        if data is not None and not data.get("scope"):
            # Links and bookmarks from before the choice existed mean one organisation.
            data = data.copy()
            data["scope"] = self.ONE
        super().__init__(data, **kwargs)
        if data is not None and data.get("scope") == self.EVERY:
            self.fields["organisation"].required = False

    @property
    def every_organisation(self) -> bool:
        return self.cleaned_data.get("scope") == self.EVERY

    def clean_year(self):
        try:
            self.period = ko41.parse_year(self.cleaned_data["year"])
        except ko41.KO41Error as error:
            raise forms.ValidationError(str(error)) from None
        return self.cleaned_data["year"].strip()

    def clean(self):
        cleaned = super().clean()
        if self.every_organisation:
            cleaned["organisation"] = None
            return cleaned
        if not cleaned.get("organisation"):
            return cleaned
        try:
            cleaned["organisation"] = ko41.find_organisation(cleaned["organisation"])
        except ko41.KO41Error as error:
            self.add_error("organisation", str(error))
            return cleaned
        if cleaned.get("return_type"):
            try:
                ko41.check_return_type(cleaned["return_type"], cleaned["organisation"])
            except ko41.KO41Error as error:
                self.add_error("return_type", str(error))
        return cleaned


class NewAnnualReportForm(forms.Form):
    year = forms.CharField(
        label="Financial year",
        help_text="For example, 2025-26",
        max_length=7,
        error_messages={"required": "Enter the financial year, like 2025-26"},
    )

    def clean_year(self):
        try:
            start, _ = ko41.parse_year(self.cleaned_data["year"])
        except ko41.KO41Error as error:
            raise forms.ValidationError(str(error)) from None
        if AnnualReport.objects.filter(year_start=start).exists():
            raise forms.ValidationError(
                f"There is already an annual report for {self.cleaned_data['year'].strip()}"
            )
        return start


class AnnualReportTextForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["matters_of_general_importance", "actions_taken"]
        widgets = {
            "matters_of_general_importance": forms.Textarea(attrs={"rows": 6}),
            "actions_taken": forms.Textarea(attrs={"rows": 6}),
        }
