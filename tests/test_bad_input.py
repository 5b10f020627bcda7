"""Hostile input: SQL and script injection in every free-text field and filter, forged CSRF,
and tampered ids in URLs. Each is stored exactly as typed, shown escaped, never executed, and
a refusal changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from casework import services
from casework.models import Case, CaseParty, PartyRole
from casework.workflow import CaseKind
from contacts.models import Contact, Person
from tests.factories import (
    CaseFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
    contact_form_data,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "'; DROP TABLE casework_case; --",
    "Robert'); DELETE FROM contacts_person WHERE ('1'='1",
    '" OR 1=1 --',
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request.user.password }}{% debug %}",
]


def _assert_shown_escaped(body: str, payload: str):
    assert escape(payload) in body
    if "<" in payload:
        assert payload not in body


def _contact_post(payload, **extra):
    return contact_form_data(
        payload,
        new_person="1",
        **{
            "person-given_name": payload[:100],
            "person-family_name": payload[:100],
            "person-address": payload,
            "person-postcode": "LS1 4AP",
        },
        **extra,
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_contact_and_person_text_is_stored_as_typed_and_shown_escaped(officer_client, payload):
    response = officer_client.post(reverse("log_contact"), _contact_post(payload))
    assert response.status_code == 302
    person = Person.objects.get()
    contact = Contact.objects.get()
    assert (person.given_name, person.family_name, person.address) == (payload,) * 3
    assert contact.summary == payload
    case_page = officer_client.get(reverse("case_detail", args=[contact.case.reference]))
    _assert_shown_escaped(case_page.content.decode(), payload)
    person_page = officer_client.get(reverse("person_detail", args=[person.pk]))
    _assert_shown_escaped(person_page.content.decode(), payload)
    # The tables the SQL payloads name are still there, with their rows.
    assert Case.objects.count() == 1 and Person.objects.count() == 1


@pytest.mark.parametrize("payload", PAYLOADS)
def test_case_description_and_reasons_are_stored_as_typed(officer_client, officer, payload):
    case = CaseFactory(kind=CaseKind.ENQUIRY, person=PersonFactory(), by=officer)
    response = officer_client.post(
        reverse("case_edit", args=[case.reference]),
        {
            "description": payload,
            "reason": payload,
            "version": services.case_version(case),
        },
    )
    assert response.status_code == 302
    officer_client.post(
        reverse("case_change_status", args=[case.reference]),
        {"new_status": "resolved", "reason": payload},
    )
    case.refresh_from_db()
    assert case.description == payload
    assert case.history.latest().history_change_reason == payload
    body = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    _assert_shown_escaped(body, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_complaint_findings_are_stored_as_typed(client, manager, officer, payload):
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=PersonFactory(), by=officer)
    services.update_case_details(case, by=manager, reason="Allocate", assignee=manager)
    case = CaseFactory._meta.model.objects.get(pk=case.pk)
    from casework.demo import advance_complaint

    advance_complaint(case, "investigating", by=manager, manager=manager, at=timezone.now())
    client.force_login(manager)
    response = client.post(
        reverse("complaint_action", args=[case.reference, "findings"]),
        {"findings": payload, "actions_agreed": payload, "learning": payload},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.findings, case.actions_agreed, case.learning) == (payload,) * 3
    _assert_shown_escaped(
        client.get(reverse("case_detail", args=[case.reference])).content.decode(), payload
    )


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("case_list", ["q"]),
        ("case_list", ["kind", "status", "received_after", "team", "assignee"]),
        ("person_search", ["q"]),
        ("log_contact", ["q"]),
    ],
)
def test_filters_treat_hostile_input_as_plain_text(
    officer_client, officer, url_name, params, payload
):
    CaseFactory(kind=CaseKind.ENQUIRY, person=PersonFactory(family_name="Ordinary"), by=officer)
    response = officer_client.get(reverse(url_name), {name: payload for name in params})
    assert response.status_code == 200
    body = response.content.decode()
    if "<" in payload:
        assert payload not in body
    assert Case.objects.count() == 1 and Person.objects.count() == 1
    if url_name == "case_list":
        # Nothing matches the payload; nothing leaks past the filter.
        assert "Ordinary" not in body


def test_a_forged_post_without_the_csrf_token_is_refused(officer, officer_client):
    case = CaseFactory(kind=CaseKind.ENQUIRY, person=PersonFactory(), by=officer)
    before = case.description
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(officer)
    response = forged.post(
        reverse("case_edit", args=[case.reference]),
        {"description": "Changed by a forged form", "reason": "x"},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.description == before
    # The same client with the token from the real form succeeds.
    page = forged.get(reverse("case_edit", args=[case.reference]))
    token = page.context["csrf_token"]
    response = forged.post(
        reverse("case_edit", args=[case.reference]),
        {
            "description": "Changed properly",
            "reason": "Clarified",
            "version": services.case_version(case),
            "csrfmiddlewaretoken": str(token),
        },
    )
    assert response.status_code == 302


def test_a_forged_sign_in_post_is_refused(officer):
    forged = Client(enforce_csrf_checks=True)
    response = forged.post(
        reverse("login"), {"username": "officer", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 403


@pytest.fixture
def other_team_case(manager):
    other = CaseFactory(kind=CaseKind.COMPLAINT, person=PersonFactory(), by=UserFactory())
    services.update_case_details(
        other, by=manager, reason="Allocate", team=TeamFactory(name="Team B")
    )
    return other


def test_editing_another_teams_case_by_its_reference_is_not_found(
    client, investigator, other_team_case
):
    before = other_team_case.description
    client.force_login(investigator)
    response = client.post(
        reverse("case_edit", args=[other_team_case.reference]),
        {"description": "Tampered", "reason": "Tampered", "version": 0},
    )
    assert response.status_code == 404
    other_team_case.refresh_from_db()
    assert other_team_case.description == before


def test_a_party_id_from_another_case_is_not_found(client, officer, manager):
    mine = CaseFactory(kind=CaseKind.COMPLAINT, person=PersonFactory(), by=officer)
    theirs = CaseFactory(kind=CaseKind.COMPLAINT, person=PersonFactory(), by=officer)
    rep = services.add_party(theirs, PersonFactory(), PartyRole.REPRESENTATIVE, by=officer)
    client.force_login(manager)
    url = reverse("record_consent", args=[mine.reference, rep.pk])
    assert client.post(url, {"consent": "given"}).status_code == 404
    rep.refresh_from_db()
    assert rep.consent == ""


def test_adding_a_person_the_user_cannot_see_is_refused(
    client, investigator, manager, other_team_case, team
):
    mine = CaseFactory(kind=CaseKind.COMPLAINT, person=PersonFactory(), by=manager)
    services.update_case_details(mine, by=manager, reason="Allocate", team=team)
    hidden = other_team_case.parties.first().person
    client.force_login(investigator)
    response = client.post(
        reverse("case_add_person", args=[mine.reference]),
        {"person": hidden.pk, "role": PartyRole.CONTACT},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not CaseParty.objects.filter(case=mine, person=hidden).exists()


def test_a_non_numeric_person_id_is_not_found(officer_client):
    assert officer_client.get(reverse("log_contact"), {"person": "1 OR 1=1"}).status_code == 404


def test_a_long_reason_is_kept_whole(officer_client, officer):
    """History change reasons are text: a long explanation is neither cut nor refused."""
    case = CaseFactory(kind=CaseKind.ENQUIRY, person=PersonFactory(), by=officer)
    reason = " ".join(["The patient's daughter rang to correct the ward and the dates."] * 8)
    response = officer_client.post(
        reverse("case_edit", args=[case.reference]),
        {"description": "Corrected", "reason": reason, "version": services.case_version(case)},
    )
    assert response.status_code == 302
    assert case.history.latest().history_change_reason == reason
