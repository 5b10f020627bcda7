"""Every form that names an organisation takes an ODS code or a name in a text box, and no
page renders the organisations directory as a <select> (12,000+ rows at national scale)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from casework.workflow import CaseKind
from contacts.models import Contact, TriageStatus
from reports.forms import ReportFilterForm
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory, contact_form_data

pytestmark = pytest.mark.django_db

MANY = 300


def _contact_post(**overrides):
    return contact_form_data("The practice cancelled my appointment.", **overrides)


@pytest.fixture
def smith(db):
    return OrganisationFactory(ods_code="A81001", name="Smith Surgery", postcode="LS1 4AP")


@pytest.fixture
def person(db):
    return PersonFactory(given_name="Jo", family_name="Bloggs")


@pytest.fixture
def many_organisations(db):
    return [
        OrganisationFactory(ods_code=f"Y{n:05d}", name=f"Pharmacy number {n}") for n in range(MANY)
    ]


# Log a contact


def test_a_contact_is_logged_against_an_organisation_given_by_ods_code(
    officer_client, person, smith
):
    trust = OrganisationFactory(ods_code="RX1", name="Riverside Hospitals NHS Trust")
    response = officer_client.post(
        reverse("log_contact"),
        _contact_post(
            person_id=person.pk,
            channel="other_organisation",
            organisation="a81001",
            from_organisation="riverside hospitals",
        ),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.organisation == smith
    assert Contact.objects.get().from_organisation == trust


def test_a_contact_posted_with_a_primary_key_still_works(officer_client, person, smith):
    officer_client.post(
        reverse("log_contact"), _contact_post(person_id=person.pk, organisation=smith.pk)
    )
    assert Case.objects.get().organisation == smith


def test_an_ambiguous_name_is_explained_and_kept(officer_client, person, smith):
    OrganisationFactory(ods_code="A81002", name="Smithfield Medical Centre")
    response = officer_client.post(
        reverse("log_contact"), _contact_post(person_id=person.pk, organisation="Smith")
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "More than one organisation matches &#x27;Smith&#x27;: give the ODS code" in page
    assert "A81001 (Smith Surgery, LS1 4AP)" in page
    assert 'value="Smith"' in page  # what was typed is shown back
    assert 'href="#id_organisation"' in page  # the error summary links to the field
    assert Case.objects.count() == 0


def test_a_closed_organisation_is_refused_on_a_new_contact(officer_client, person):
    OrganisationFactory(ods_code="C83001", name="Old Mill Surgery", closed_on=dt.date(2024, 3, 1))
    page = officer_client.post(
        reverse("log_contact"), _contact_post(person_id=person.pk, organisation="C83001")
    ).content.decode()
    assert "Old Mill Surgery (C83001) closed on 1 March 2024: choose an open organisation" in page
    assert Case.objects.count() == 0


def test_a_contact_from_another_organisation_needs_which_one(officer_client, person):
    page = officer_client.post(
        reverse("log_contact"),
        _contact_post(person_id=person.pk, channel="other_organisation"),
    ).content.decode()
    assert "Enter the ODS code or name of the organisation it came from" in page


def test_the_contact_form_has_organisation_text_boxes_with_the_hint(officer_client, person):
    page = officer_client.get(reverse("log_contact"), {"person": person.pk}).content.decode()
    assert 'name="organisation" ' in page and 'name="from_organisation" ' in page
    assert "ODS code or name" in page
    assert "js/organisation_lookup.js" in page


# Edit a case


def test_editing_a_case_shows_its_organisation_by_name_and_code_and_takes_a_new_code(
    officer_client, smith
):
    other = OrganisationFactory(ods_code="B82001", name="Jones Dental Practice")
    case = CaseFactory(organisation=smith)
    page = officer_client.get(reverse("case_edit", args=[case.reference])).content.decode()
    assert 'value="Smith Surgery (A81001)"' in page
    response = officer_client.post(
        reverse("case_edit", args=[case.reference]),
        {"description": case.description, "organisation": "b82001", "reason": "Wrong practice"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.organisation == other


def test_a_case_keeps_its_organisation_after_it_closes(officer_client, smith):
    case = CaseFactory(organisation=smith)
    smith.closed_on = dt.date(2024, 3, 1)
    smith.save()
    response = officer_client.post(
        reverse("case_edit", args=[case.reference]),
        {
            "description": "Updated description",
            "organisation": "Smith Surgery (A81001)",
            "reason": "Typo",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.organisation == smith and case.description == "Updated description"


def test_a_case_cannot_be_moved_to_another_closed_organisation(officer_client, smith):
    OrganisationFactory(ods_code="C83001", name="Old Mill Surgery", closed_on=dt.date(2024, 3, 1))
    case = CaseFactory(organisation=smith)
    page = officer_client.post(
        reverse("case_edit", args=[case.reference]),
        {"description": case.description, "organisation": "C83001", "reason": "Moved"},
    ).content.decode()
    assert "closed on 1 March 2024: choose an open organisation" in page
    case.refresh_from_db()
    assert case.organisation == smith


# The case list filter


def test_the_case_list_filters_by_ods_code_and_by_primary_key(officer_client, smith):
    other = OrganisationFactory(ods_code="B82001", name="Jones Dental Practice")
    mine = CaseFactory(organisation=smith)
    theirs = CaseFactory(organisation=other)
    for value in ("a81001", str(smith.pk)):
        page = officer_client.get(reverse("case_list"), {"organisation": value}).content.decode()
        assert mine.reference in page and theirs.reference not in page
        assert 'value="Smith Surgery (A81001)"' in page


def test_the_case_list_explains_an_unknown_organisation(officer_client, smith):
    page = officer_client.get(reverse("case_list"), {"organisation": "Nowhere"}).content.decode()
    assert "No organisation has the ODS code or name &#x27;Nowhere&#x27;" in page
    assert 'value="Nowhere"' in page


# Triage and the commissioner's decision


def test_triage_opens_a_case_about_an_organisation_given_by_code(officer_client, smith):
    contact = Contact.objects.create(
        channel="email",
        contacted_at=timezone.now(),
        summary="Please call me back",
        triage_status=TriageStatus.WAITING,
    )
    response = officer_client.post(
        reverse("triage_contact", args=[contact.pk]),
        {"action": "open_case", "open_case-kind": "enquiry", "open_case-organisation": "A81001"},
    )
    assert response.status_code == 302
    assert Case.objects.get().organisation == smith


def test_the_commissioner_decision_takes_the_provider_by_code_and_shows_it(officer_client, smith):
    case = CaseFactory(organisation=smith, kind=CaseKind.COMPLAINT)
    url = reverse("commissioner_decision", args=[case.reference])
    assert 'value="Smith Surgery (A81001)"' in officer_client.get(url).content.decode()
    response = officer_client.post(
        url,
        {
            "provider": "a81001",
            "complainant_consents": "yes",
            "decision": "pass_to_provider",
            "reasons": "The practice is best placed to answer",
        },
    )
    assert response.status_code == 302
    assert case.commissioner_decision.provider == smith


# Reports


def test_the_report_filter_takes_an_ods_code(smith):
    today = dt.date(2026, 1, 1)
    form = ReportFilterForm(
        {"organisation": "a81001"}, today=today, default_start=dt.date(2025, 4, 1)
    )
    assert form.is_valid(), form.errors
    assert form.filters().organisation == smith


def test_commissioners_filter_reports_by_typed_code_without_the_lookup(client, commissioner, smith):
    client.force_login(commissioner)
    page = client.get(reverse("reports:trends"), {"organisation": "A81001"}).content.decode()
    assert "There is a problem" not in page
    assert 'value="Smith Surgery (A81001)"' in page
    assert "organisation_lookup.js" not in page  # they may not use the lookup


# Pages no longer grow with the directory


def test_the_log_contact_page_does_not_list_the_directory(
    officer_client, person, many_organisations, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        page = officer_client.get(reverse("log_contact"), {"person": person.pk}).content.decode()
    assert "Pharmacy number" not in page
    assert page.count("<option") < 50


def test_the_case_list_does_not_list_the_directory(
    officer_client, many_organisations, django_assert_max_num_queries
):
    CaseFactory(organisation=many_organisations[0])
    with django_assert_max_num_queries(13):
        page = officer_client.get(reverse("case_list")).content.decode()
    assert "Pharmacy number 299" not in page
    assert page.count("<option") < 50


def test_the_case_list_filtered_by_organisation_stays_bounded(
    officer_client, many_organisations, django_assert_max_num_queries
):
    CaseFactory(organisation=many_organisations[0])
    with django_assert_max_num_queries(15):
        page = officer_client.get(reverse("case_list"), {"organisation": "y00000"}).content.decode()
    assert page.count("<option") < 50


def test_the_report_filter_does_not_list_the_directory(client, manager, many_organisations):
    client.force_login(manager)
    page = client.get(reverse("reports:trends")).content.decode()
    assert "Pharmacy number" not in page
    assert page.count("<option") < 100
