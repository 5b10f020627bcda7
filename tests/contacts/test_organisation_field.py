"""The searchable organisation field: what it accepts, what it refuses and how it says so."""

import datetime as dt

import pytest
from django import forms

from casework.filters import CaseFilter
from casework.models import Case
from contacts.fields import OrganisationField
from contacts.models import Organisation
from tests.factories import CaseFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


class OpenOnlyForm(forms.Form):
    organisation = OrganisationField(
        label="Organisation", queryset=Organisation.objects.open(), required=False
    )


class AnyOrganisationForm(forms.Form):
    organisation = OrganisationField(label="Organisation", required=False)


def clean(value, form_class=OpenOnlyForm):
    form = form_class({"organisation": value})
    valid = form.is_valid()
    return form.cleaned_data.get("organisation") if valid else None, form.errors.get(
        "organisation", []
    )


@pytest.fixture
def smith(db):
    return OrganisationFactory(ods_code="A81001", name="Smith Surgery", postcode="LS1 4AP")


def test_an_ods_code_finds_its_organisation(smith):
    assert clean("A81001") == (smith, [])


def test_a_lower_case_ods_code_with_spaces_around_finds_its_organisation(smith):
    assert clean("  a81001 ") == (smith, [])


def test_a_unique_name_finds_its_organisation_whatever_the_case(smith):
    assert clean("smith surgery") == (smith, [])


def test_part_of_a_name_finds_the_one_organisation_containing_it(smith):
    OrganisationFactory(ods_code="B82001", name="Jones Dental Practice")
    assert clean("smith") == (smith, [])


def test_an_exact_name_wins_over_names_that_contain_it(smith):
    OrganisationFactory(ods_code="A81002", name="Smith Surgery Branch")
    assert clean("Smith Surgery") == (smith, [])


def test_an_ambiguous_name_lists_candidates_with_their_ods_codes(smith):
    OrganisationFactory(ods_code="A81002", name="Smithfield Medical Centre", postcode="LS2 1AA")
    org, errors = clean("Smith")
    assert org is None
    assert errors == [
        "More than one organisation matches 'Smith': give the ODS code, for example "
        "A81001 (Smith Surgery, LS1 4AP), A81002 (Smithfield Medical Centre, LS2 1AA)"
    ]


def test_an_ambiguous_name_names_at_most_five_candidates():
    for n in range(7):
        OrganisationFactory(ods_code=f"Y0{n}001", name=f"Health Centre {n}")
    _, errors = clean("health centre")
    assert errors[0].count("(Health Centre") == 5
    assert errors[0].endswith("or type more of the name")


def test_an_unknown_code_or_name_is_explained(smith):
    assert clean("Nowhere Practice") == (
        None,
        ["No organisation has the ODS code or name 'Nowhere Practice'"],
    )
    assert clean("ZZ999")[1] == ["No organisation has the ODS code or name 'ZZ999'"]


def test_a_closed_organisation_is_refused_where_only_open_ones_may_be_chosen():
    OrganisationFactory(ods_code="C83001", name="Old Mill Surgery", closed_on=dt.date(2024, 3, 1))
    expected = ["Old Mill Surgery (C83001) closed on 1 March 2024: choose an open organisation"]
    assert clean("c83001") == (None, expected)
    assert clean("Old Mill Surgery") == (None, expected)


def test_a_closed_organisation_is_accepted_where_any_may_be_chosen():
    closed = OrganisationFactory(ods_code="C83001", closed_on=dt.date(2024, 3, 1))
    assert clean("C83001", AnyOrganisationForm) == (closed, [])


def test_a_name_shared_with_a_closed_organisation_finds_the_open_one(smith):
    OrganisationFactory(ods_code="A81099", name="Smith Surgery", closed_on=dt.date(2020, 1, 1))
    assert clean("Smith Surgery") == (smith, [])


def test_the_primary_key_is_accepted_for_old_links(smith):
    assert clean(str(smith.pk)) == (smith, [])


def test_an_unknown_primary_key_is_explained(smith):
    assert clean("999999")[1] == [
        "No organisation has the number 999999: enter its ODS code or name"
    ]


def test_the_fields_own_display_of_name_and_code_is_accepted(smith):
    assert clean("Smith Surgery (A81001)") == (smith, [])


def test_empty_is_no_organisation_when_not_required(smith):
    assert clean("") == (None, [])
    assert clean("   ") == (None, [])


def test_a_required_field_left_empty_says_so():
    class Required(forms.Form):
        organisation = OrganisationField(
            label="Provider", error_messages={"required": "Enter the provider"}
        )

    form = Required({"organisation": ""})
    assert not form.is_valid()
    assert form.errors["organisation"] == ["Enter the provider"]


def test_what_was_typed_is_shown_back_when_it_is_refused(smith):
    html = str(OpenOnlyForm({"organisation": "Nowhere Practice"})["organisation"])
    assert 'value="Nowhere Practice"' in html


def test_an_existing_value_is_shown_as_its_name_and_ods_code(smith):
    for initial in (smith, smith.pk):
        html = str(OpenOnlyForm(initial={"organisation": initial})["organisation"])
        assert 'value="Smith Surgery (A81001)"' in html


def test_the_input_is_a_text_box_with_the_hint_and_the_lookup_address(smith):
    form = OpenOnlyForm()
    html = str(form["organisation"])
    assert 'type="text"' in html and "<select" not in html
    assert 'data-organisation-lookup="/organisations/lookup/"' in html
    assert form.fields["organisation"].help_text == "ODS code or name"


def test_the_field_reports_a_change_only_when_the_organisation_changes(smith):
    other = OrganisationFactory(ods_code="B82001", name="Jones Dental Practice")
    field = OrganisationField(required=False)
    assert not field.has_changed(smith.pk, "a81001")
    assert not field.has_changed(smith, "Smith Surgery (A81001)")
    assert field.has_changed(smith.pk, other.ods_code)
    assert field.has_changed(None, "a81001")
    assert not field.has_changed(None, "")


def test_the_case_list_filter_takes_a_code_a_name_or_a_primary_key(smith):
    other = OrganisationFactory(ods_code="B82001", name="Jones Dental Practice")
    mine = CaseFactory(organisation=smith)
    CaseFactory(organisation=other)
    for value in ("a81001", "Smith Surgery", str(smith.pk)):
        case_filter = CaseFilter({"organisation": value}, queryset=Case.objects.all())
        assert case_filter.is_valid(), case_filter.errors
        assert list(case_filter.qs) == [mine]


def test_the_case_list_filter_finds_cases_about_a_closed_organisation():
    closed = OrganisationFactory(ods_code="C83001", closed_on=dt.date(2024, 3, 1))
    case = CaseFactory(organisation=closed)
    case_filter = CaseFilter({"organisation": "C83001"}, queryset=Case.objects.all())
    assert case_filter.is_valid(), case_filter.errors
    assert list(case_filter.qs) == [case]
