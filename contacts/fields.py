"""A searchable organisation field: one text input for an ODS code or a name.

At national scale the directory holds 12,000+ organisations, far too many for a `<select>`:
rendering them all makes a page slow and no person can use the list. `OrganisationField` is a
text input (hint "ODS code or name") that resolves what was typed:

1. a number: the organisation's primary key (links such as `?organisation=<pk>` and forms
   posted before this field existed; ODS codes are never purely numeric);
2. an ODS code, in any case ("a81001"), or the field's own display "Riverside Surgery (A81001)",
   which is also what a suggestion chosen in the browser puts in the box;
3. a name: the one organisation whose name is exactly that (ignoring case), else the one whose
   name contains it; several matches are listed with their ODS codes so the user can pick.

The field keeps the restriction the `<select>` had (`queryset`, e.g. open organisations only):
an organisation outside it is refused with the reason. With JavaScript,
`static/js/organisation_lookup.js` turns the input into an accessible autocomplete fed by
`/organisations/lookup/` (`contacts.selectors.lookup_organisations`).
"""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.formats import date_format

from .models import Organisation
from .validators import normalise_ods_code

HINT = "ODS code or name"
# How many candidates an "ambiguous name" message names.
CANDIDATES_SHOWN = 5
# The code at the end of the field's display, "Riverside Surgery (A81001)".
DISPLAY_CODE = re.compile(r"\(\s*([A-Za-z0-9]{3,8})\s*\)$")


def describe(org: Organisation) -> str:
    """How the field shows an organisation: its name and ODS code."""
    return str(org)


def _candidate(org: Organisation) -> str:
    where = f", {org.postcode}" if org.postcode else ""
    if org.ods_code:
        return f"{org.ods_code} ({org.name}{where})"
    return f"{org.name}{where} (no ODS code)"


class OrganisationInput(forms.TextInput):
    """A text input that the browser script enhances into an autocomplete."""

    def __init__(self, attrs=None):
        defaults = {
            "autocomplete": "off",
            "spellcheck": "false",
            "data-organisation-lookup": reverse_lazy("organisation_lookup"),
        }
        super().__init__({**defaults, **(attrs or {})})


class OrganisationField(forms.Field):
    """An organisation chosen by ODS code, name or primary key; cleans to an Organisation."""

    widget = OrganisationInput
    default_error_messages = {
        "invalid_choice": "No organisation has the number %(value)s: enter its ODS code or name",
        "not_found": "No organisation has the ODS code or name '%(value)s'",
        "ambiguous": (
            "More than one organisation matches '%(value)s': give the ODS code, "
            "for example %(candidates)s"
        ),
        "closed": "%(organisation)s closed on %(closed_on)s: choose an open organisation",
        "refused": "%(organisation)s cannot be chosen here: choose another organisation",
    }

    def __init__(self, *, queryset=None, **kwargs):
        kwargs.setdefault("help_text", HINT)
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Organisation.objects.all()

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        # Like ModelChoiceField: a fresh queryset per form, never a cached result.
        self._queryset = queryset.all()

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._queryset = self._queryset.all()
        return result

    def prepare_value(self, value):
        """What the box shows: the organisation's name and code when the value is one (an
        existing value, or what was typed once it resolves), otherwise exactly what was typed,
        so nothing is lost when the form comes back with an error."""
        if isinstance(value, Organisation):
            return describe(value)
        if value is None or value == "":
            return ""
        try:
            org = self.to_python(value)
        except ValidationError:
            return str(value)
        return describe(org) if org else str(value)

    def to_python(self, value):
        if isinstance(value, Organisation):
            return value
        text = " ".join(str(value or "").split())
        if not text:
            return None
        return self.resolve(text)

    def resolve(self, text: str) -> Organisation:
        directory = Organisation.objects.all()
        if text.isdigit():
            org = directory.filter(pk=int(text)).first()
            if org is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text},
                )
            return self._allowed(org)
        for code in self._codes_in(text):
            org = directory.filter(ods_code=code).first()
            if org is not None:
                return self._allowed(org)
        for lookup in ("name__iexact", "name__icontains"):
            matches = list(
                self.queryset.filter(**{lookup: text}).order_by("name", "ods_code", "pk")[
                    : CANDIDATES_SHOWN + 1
                ]
            )
            if len(matches) == 1:
                return matches[0]
            if matches:
                candidates = ", ".join(_candidate(org) for org in matches[:CANDIDATES_SHOWN])
                if len(matches) > CANDIDATES_SHOWN:
                    candidates += ", or type more of the name"
                raise ValidationError(
                    self.error_messages["ambiguous"],
                    code="ambiguous",
                    params={"value": text, "candidates": candidates},
                )
        # Nothing this field accepts: say so plainly if the name is one it refuses (closed).
        refused = directory.filter(name__iexact=text).order_by("name", "pk").first()
        if refused is not None:
            return self._allowed(refused)
        raise ValidationError(
            self.error_messages["not_found"], code="not_found", params={"value": text}
        )

    @staticmethod
    def _codes_in(text: str) -> list[str]:
        codes = []
        if " " not in text and 3 <= len(text) <= 8 and text.isalnum():
            codes.append(normalise_ods_code(text))
        shown = DISPLAY_CODE.search(text)
        if shown:
            codes.append(normalise_ods_code(shown.group(1)))
        return codes

    def _allowed(self, org: Organisation) -> Organisation:
        if self.queryset.filter(pk=org.pk).exists():
            return org
        if org.closed_on:
            raise ValidationError(
                self.error_messages["closed"],
                code="closed",
                params={
                    "organisation": describe(org),
                    "closed_on": date_format(org.closed_on, "j F Y"),
                },
            )
        raise ValidationError(
            self.error_messages["refused"], code="refused", params={"organisation": describe(org)}
        )

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            chosen = self.to_python(data)
            before = self.to_python(initial)
        except ValidationError:
            return True
        return (chosen.pk if chosen else None) != (before.pk if before else None)


class OrganisationFilter(django_filters.Filter):
    """The django-filter sibling: `?organisation=A81001`, a name, or a primary key."""

    field_class = OrganisationField
