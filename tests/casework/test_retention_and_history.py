"""Retention review and recorded destruction; reasons on changes to closed cases; two people
editing one case at once (optimistic locking)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.exceptions import CaseworkError
from casework.models import Case, PartyRole
from casework.records.models import DestructionDecision
from casework.records.services import REDACTED, destroy_case
from casework.workflow import CaseKind, Status
from contacts.models import Contact, Person
from tests.factories import CaseFactory, PersonFactory

# "Ten years ago" and "destroyed today" are worked out from the clock: stopped, so a test
# never straddles midnight, and 29 February never has to be found ten years back.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _closed_years_ago(officer, years, days=0, person=None, description="Waited hours"):
    case = CaseFactory(
        kind=CaseKind.ENQUIRY, person=person or PersonFactory(), by=officer, description=description
    )
    services.change_status(case, Status.RESOLVED, by=officer, at=timezone.now(), reason="Done")
    today = timezone.localdate()
    closed = today.replace(year=today.year - years) - timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(closed_on=closed)
    case.refresh_from_db()
    return case


def test_cases_closed_over_ten_years_ago_are_listed_for_review(officer):
    old = _closed_years_ago(officer, 10, days=1)
    recent = _closed_years_ago(officer, 9)
    held = _closed_years_ago(officer, 12)
    Case.objects.filter(pk=held.pk).update(litigation_hold=True)
    due = set(Case.objects.past_retention(timezone.localdate()))
    assert old in due
    assert recent not in due
    assert held not in due


def test_on_29_february_the_review_counts_ten_years_back_to_28_february(officer, time_machine):
    time_machine.move_to(date(2028, 2, 29))
    due = _closed_years_ago(officer, 0)
    not_yet = _closed_years_ago(officer, 0)
    Case.objects.filter(pk=due.pk).update(closed_on=date(2018, 2, 28))
    Case.objects.filter(pk=not_yet.pk).update(closed_on=date(2018, 3, 1))
    listed = set(Case.objects.past_retention(timezone.localdate()))
    assert due in listed
    assert not_yet not in listed


def test_the_review_page_lists_them_for_managers_and_administrators(
    client, officer, manager, administrator
):
    old = _closed_years_ago(officer, 11)
    for user in (manager, administrator):
        client.force_login(user)
        assert old.reference in client.get(reverse("retention_review")).content.decode()


def test_destroying_redacts_personal_data_keeps_coded_facts_and_records_the_decision(
    client, officer, manager
):
    person = PersonFactory(given_name="Dora", family_name="Destroy", address="2 Low Road")
    case = _closed_years_ago(officer, 11, person=person, description="Dora's care")
    client.force_login(manager)
    response = client.post(
        reverse("retention_destroy", args=[case.reference]),
        {"reason": "Reviewed: no litigation, no further need", "confirm": "on"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    person.refresh_from_db()
    assert case.description == REDACTED
    assert (case.kind, case.status, case.closed_on) == (
        CaseKind.ENQUIRY,
        Status.RESOLVED,
        case.closed_on,
    )
    assert case.destroyed_on == timezone.localdate()
    assert (person.given_name, person.family_name, person.address, person.nhs_number) == (
        "Redacted",
        "person",
        "",
        "",
    )
    assert Contact.objects.get(case=case).summary == REDACTED
    # The history no longer holds the old text either; the destruction is in it.
    assert not case.history.filter(description="Dora's care").exists()
    assert not Person.history.filter(id=person.pk, family_name="Destroy").exists()
    assert "Personal data destroyed" in case.history.latest().history_change_reason
    decision = DestructionDecision.objects.get(case=case)
    assert (decision.decided_by, decision.reason, decision.people_redacted) == (
        manager,
        "Reviewed: no litigation, no further need",
        1,
    )
    assert case not in list(client.get(reverse("retention_review")).context["due"])


def test_a_person_also_on_a_retained_case_keeps_their_details(officer, manager):
    person = PersonFactory(family_name="Keepme")
    case = _closed_years_ago(officer, 11, person=person)
    CaseFactory(kind=CaseKind.ENQUIRY, person=person, by=officer)
    decision = destroy_case(case, by=manager, at=timezone.now(), reason="Reviewed")
    person.refresh_from_db()
    assert person.family_name == "Keepme"
    assert (decision.people_redacted, decision.people_kept) == (0, 1)


def test_a_case_within_retention_cannot_be_destroyed(officer, manager):
    case = _closed_years_ago(officer, 3)
    with pytest.raises(CaseworkError, match="not due for destruction"):
        destroy_case(case, by=manager, at=timezone.now(), reason="Tidy up")
    assert not DestructionDecision.objects.exists()


def test_the_destruction_form_needs_a_reason_and_a_confirmation(client, officer, manager):
    case = _closed_years_ago(officer, 11)
    client.force_login(manager)
    page = client.post(reverse("retention_destroy", args=[case.reference]), {"reason": ""})
    body = page.content.decode()
    assert "Enter the reason for the decision" in body
    assert "Confirm that the personal data will be destroyed" in body
    assert not DestructionDecision.objects.exists()


def test_changing_a_closed_case_needs_a_reason(officer):
    case = _closed_years_ago(officer, 1)
    with pytest.raises(CaseworkError, match="give the reason"):
        services.add_party(case, PersonFactory(), PartyRole.CONTACT, by=officer)
    party = services.add_party(
        case, PersonFactory(), PartyRole.CONTACT, by=officer, reason="Found their brother's call"
    )
    assert party.history.latest().history_change_reason == "Found their brother's call"


def test_the_add_person_form_asks_why_when_the_case_is_closed(client, officer):
    case = _closed_years_ago(officer, 1)
    other = PersonFactory(family_name="Latecomer")
    client.force_login(officer)
    url = reverse("case_add_person", args=[case.reference]) + "?q=Latecomer"
    page = client.post(url, {"person": other.pk, "role": PartyRole.CONTACT, "reason": ""})
    assert "Enter why you are changing a closed case" in page.content.decode()
    assert not case.parties.filter(person=other).exists()


def _edit_data(case, **changes):
    data = {
        "description": case.description,
        "organisation": "",
        "service_area": "",
        "team": "",
        "assignee": "",
        "reason": "Tidying",
        "version": services.case_version(case),
    }
    data.update(changes)
    return data


def test_a_second_save_of_a_stale_form_is_refused_showing_the_other_change(
    client, officer, manager
):
    case = CaseFactory(kind=CaseKind.ENQUIRY, person=PersonFactory(), by=officer)
    # Both open the edit form at the same version.
    first = _edit_data(case, description="Olive's wording", reason="Clarified")
    second = _edit_data(case, description="Mina's wording", reason="Summarised")

    client.force_login(officer)
    assert client.post(reverse("case_edit", args=[case.reference]), first).status_code == 302

    client.force_login(manager)
    page = client.post(reverse("case_edit", args=[case.reference]), second)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Olive Officer changed this case while you were editing it" in body
    assert "Clarified" in body  # their reason, with what they changed
    assert "Olive&#x27;s wording" in body
    assert "Mina&#x27;s wording" in body  # the second person's typing is kept
    case.refresh_from_db()
    assert case.description == "Olive's wording"

    # Saving again, having seen the other change, goes through.
    resubmit = dict(second, version=page.context["form"]["version"].value())
    assert client.post(reverse("case_edit", args=[case.reference]), resubmit).status_code == 302
    case.refresh_from_db()
    assert case.description == "Mina's wording"


def test_a_status_change_in_between_also_makes_the_edit_form_stale(client, officer):
    case = CaseFactory(kind=CaseKind.ENQUIRY, person=PersonFactory(), by=officer)
    stale = _edit_data(case, description="New words")
    services.change_status(case, Status.RESOLVED, by=officer, at=timezone.now(), reason="Done")
    client.force_login(officer)
    page = client.post(reverse("case_edit", args=[case.reference]), stale)
    assert "changed this case while you were editing it" in page.content.decode()
    case.refresh_from_db()
    assert case.description != "New words"
