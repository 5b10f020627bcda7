"""Staff pages as each role sees them, and the log-a-contact form's handling of bad input."""

import datetime as dt

import pytest
from django.urls import reverse

from casework.models import Case
from casework.workflow import CaseKind, Status
from contacts.models import Contact, Person
from tests.factories import (
    CaseFactory,
    OrganisationFactory,
    PersonFactory,
    contact_form_data,
    subject,
)

pytestmark = pytest.mark.django_db


def _contact_post(**overrides):
    return contact_form_data(**overrides)


def _new_person(**overrides):
    data = {
        "new_person": "1",
        "person-given_name": "Jo",
        "person-family_name": "Bloggs",
        "person-date_of_birth": "15/03/1984",
        "person-nhs_number": "943 476 5919",
        "person-phone": "07700 900123",
        "person-postcode": "LS1 4AP",
    }
    data.update(overrides)
    return data


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("case_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("url_name", ["case_list", "person_search", "log_contact"])
def test_commissioner_cannot_open_pages_that_show_people(client, commissioner, url_name):
    client.force_login(commissioner)
    assert client.get(reverse(url_name)).status_code == 403


def test_commissioner_lands_on_reports(client, commissioner):
    client.force_login(commissioner)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:overview")
    assert b"Cases received by kind" in response.content


def test_commissioner_cannot_open_a_case_page(client, commissioner):
    case = CaseFactory()
    client.force_login(commissioner)
    assert client.get(reverse("case_detail", args=[case.reference])).status_code == 403


def test_investigator_sees_only_their_teams_cases(client, investigator, team):
    mine = CaseFactory()
    Case.objects.filter(pk=mine.pk).update(team=team)
    other = CaseFactory()
    client.force_login(investigator)
    assert client.get(reverse("case_detail", args=[mine.reference])).status_code == 200
    assert client.get(reverse("case_detail", args=[other.reference])).status_code == 404
    listing = client.get(reverse("case_list")).content.decode()
    assert mine.reference in listing and other.reference not in listing


def test_officer_logs_a_contact_from_a_new_person_and_a_case_opens(officer_client):
    response = officer_client.post(reverse("log_contact"), {**_contact_post(), **_new_person()})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", args=[case.reference])
    assert case.kind == CaseKind.PALS_CONCERN and case.status == Status.OPEN
    person = Person.objects.get()
    assert person.nhs_number == "9434765919"
    assert Contact.objects.get().person == person


def test_second_contact_for_a_found_person_can_join_their_open_case(officer_client):
    person = PersonFactory(family_name="Bloggs")
    case = CaseFactory(kind=CaseKind.PALS_CONCERN, person=person)
    found = officer_client.get(reverse("log_contact"), {"q": "Bloggs"}).content.decode()
    assert person.full_name in found and case.reference in found
    form_page = officer_client.get(reverse("log_contact"), {"person": person.pk}).content.decode()
    assert case.reference in form_page
    officer_client.post(
        reverse("log_contact"),
        _contact_post(person_id=person.pk, case_choice=case.reference, summary="Rang back"),
    )
    assert case.contacts.count() == 2
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"person-nhs_number": "943 476 5918"}, "check digit"),
        ({"person-date_of_birth": "01/01/2999"}, "Date of birth must be today or in the past"),
        ({"contacted_on": "01/01/2999"}, "must not be in the future"),
        ({"channel": ""}, "Select how the person contacted us"),
        ({"kind": ""}, "Select what kind of matter the new case is"),
        ({"summary": ""}, "Enter what the person told us"),
    ],
)
def test_bad_input_shows_a_plain_error_and_keeps_what_was_typed(officer_client, overrides, message):
    data = {**_contact_post(), **_new_person()}
    data.update(overrides)
    response = officer_client.post(reverse("log_contact"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert 'value="Bloggs"' in page  # the person's name survives the round trip
    if overrides.get("summary") != "":
        assert "Could not get through to the ward" in page
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_nhs_number_already_on_file_is_refused_to_avoid_a_duplicate(officer_client):
    PersonFactory(given_name="Jo", family_name="Bloggs", nhs_number="9434765919")
    response = officer_client.post(reverse("log_contact"), {**_contact_post(), **_new_person()})
    assert "already has this NHS number" in response.content.decode()
    assert Person.objects.count() == 1


def test_case_list_filters_by_kind_subject_and_received_dates(officer_client, officer):
    complaint = CaseFactory(kind=CaseKind.COMPLAINT, received_on=dt.date(2026, 4, 10))
    complaint.subjects.add(subject("COMMUNICATIONS"))
    concern = CaseFactory(kind=CaseKind.PALS_CONCERN, received_on=dt.date(2026, 4, 12))
    old = CaseFactory(kind=CaseKind.COMPLAINT, received_on=dt.date(2025, 1, 10))
    page = officer_client.get(reverse("case_list"), {"kind": "complaint"}).content.decode()
    assert complaint.reference in page and old.reference in page
    assert concern.reference not in page
    page = officer_client.get(
        reverse("case_list"),
        {"subject": subject("COMMUNICATIONS").pk, "received_after": "01/04/2026"},
    ).content.decode()
    assert complaint.reference in page
    assert concern.reference not in page and old.reference not in page


def test_case_list_search_matches_reference_and_person_name(officer_client):
    person = PersonFactory(family_name="Quigley")
    case = CaseFactory(person=person)
    other = CaseFactory()
    page = officer_client.get(reverse("case_list"), {"q": "Quigley"}).content.decode()
    assert case.reference in page and other.reference not in page
    page = officer_client.get(reverse("case_list"), {"q": other.reference}).content.decode()
    assert other.reference in page and case.reference not in page


def test_case_list_search_matches_lower_case_reference_legacy_reference_and_description(
    officer_client,
):
    old_system = CaseFactory()
    Case.objects.filter(pk=old_system.pk).update(legacy_reference="DATIX-4411")
    described = CaseFactory(description="Waited nine hours in the discharge lounge")
    other = CaseFactory()
    for query, expected in (
        (other.reference.lower(), other),
        ("DATIX-4411", old_system),
        ("discharge LOUNGE", described),
    ):
        page = officer_client.get(reverse("case_list"), {"q": query}).content.decode()
        shown = {c.reference for c in (old_system, described, other) if c.reference in page}
        assert shown == {expected.reference}, query


def test_case_list_bad_date_filter_says_what_is_wrong(officer_client):
    page = officer_client.get(reverse("case_list"), {"received_after": "31/02/2026"})
    assert "Enter a real date" in page.content.decode()


def test_case_list_pages_through_results(officer_client):
    for _ in range(27):
        CaseFactory(kind=CaseKind.ENQUIRY)
    first = officer_client.get(reverse("case_list")).content.decode()
    second = officer_client.get(reverse("case_list"), {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second


def test_case_page_shows_people_contacts_deadline_and_history(officer_client, officer):
    person = PersonFactory(given_name="Jo", family_name="Bloggs")
    case = CaseFactory(
        kind=CaseKind.COMPLAINT, person=person, received_on=dt.date(2025, 1, 6), by=officer
    )
    organisation = OrganisationFactory(name="Riverside Surgery")
    officer_client.post(
        reverse("case_edit", args=[case.reference]),
        {
            "description": case.description,
            "organisation": organisation.pk,
            "reason": "Practice named in the follow-up call",
        },
    )
    page = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Jo Bloggs" in page and "Complainant" in page and "Patient" in page
    assert "Acknowledge the complaint" in page and "Thursday 9 January 2025" in page
    assert "Overdue by" in page  # January 2025 is long past
    assert "Practice named in the follow-up call" in page  # the reason, in History
    assert "Riverside Surgery" in page and "—" in page  # old → new of the organisation


def test_editing_a_case_without_a_reason_is_refused_and_keeps_the_edit(officer_client):
    case = CaseFactory()
    response = officer_client.post(
        reverse("case_edit", args=[case.reference]),
        {"description": "A new description typed by the officer", "reason": ""},
    )
    page = response.content.decode()
    assert "Enter the reason for the change" in page
    assert "A new description typed by the officer" in page
    case.refresh_from_db()
    assert case.description != "A new description typed by the officer"


def test_status_form_offers_only_allowed_moves_for_a_pals_concern(officer_client):
    case = CaseFactory(kind=CaseKind.PALS_CONCERN)
    url = reverse("case_change_status", args=[case.reference])
    page = officer_client.get(url).content
    assert b'value="resolved"' in page and b'value="escalated"' in page
    assert b'value="closed"' not in page
    response = officer_client.post(url, {"new_status": "resolved", "reason": ""})
    assert "Enter the reason for the change" in response.content.decode()
    officer_client.post(url, {"new_status": "resolved", "reason": "Ward rang back"})
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_my_work_lists_assigned_cases_and_whats_due(officer_client, officer):
    case = CaseFactory(kind=CaseKind.COMPLAINT, received_on=dt.date(2025, 1, 6), by=officer)
    Case.objects.filter(pk=case.pk).update(assignee=officer)
    page = officer_client.get(reverse("home")).content.decode()
    assert "My work" in page
    assert page.count(case.reference) >= 2  # in "due or overdue" and in "my open cases"
    assert "Overdue by" in page


def test_person_page_lists_their_cases_with_deadlines(officer_client):
    person = PersonFactory(given_name="Jo", family_name="Bloggs")
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=person, received_on=dt.date(2025, 1, 6))
    page = officer_client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert case.reference in page and "Overdue by" in page


def test_investigator_cannot_open_a_person_outside_their_teams_cases(client, investigator):
    stranger = PersonFactory()
    CaseFactory(person=stranger)
    client.force_login(investigator)
    assert client.get(reverse("person_detail", args=[stranger.pk])).status_code == 404


def test_case_list_beyond_the_count_cap_says_more_than_and_still_pages(officer_client, monkeypatch):
    monkeypatch.setattr("core.pagination.COUNT_CAP", 30)
    for _ in range(60):
        CaseFactory(kind=CaseKind.ENQUIRY)
    first = officer_client.get(reverse("case_list")).content.decode()
    assert "More than 30 cases" in first and "Page 1 (more than 30 cases match" in first
    third = officer_client.get(reverse("case_list"), {"page": 3}).content.decode()
    assert "Page 3 (" in third and "Page 2" in third  # the previous link
    assert "page=4" not in third  # 60 cases: the third page of 25 is the last
    assert third.count('class="nhsuk-table__row"') >= 10


def test_case_page_history_shows_the_latest_fifty_changes_with_a_link_to_all(
    officer_client, officer
):
    from casework import services
    from casework.views import HISTORY_SHOWN

    case = CaseFactory(kind=CaseKind.ENQUIRY, by=officer)
    for n in range(HISTORY_SHOWN + 5):
        services.update_case_details(case, by=officer, reason=f"Edit number {n}",
                                     description=f"Version {n}")  # fmt: skip
    page = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert f"Reason: Edit number {HISTORY_SHOWN + 4}" in page  # the newest is shown
    assert "Reason: Edit number 0<" not in page  # the oldest edits are behind the link
    # The oldest change shown still says what it changed from (a version not shown).
    assert "Version 4 → Version 5" in page and "Version 3 → Version 4" not in page
    assert "Show all" in page and "?history=all#history" in page
    everything = officer_client.get(
        reverse("case_detail", args=[case.reference]), {"history": "all"}
    ).content.decode()
    assert "Reason: Edit number 0<" in everything and "Show all" not in everything


def test_showing_all_contacts_keeps_all_history_shown_and_the_other_way(officer_client, officer):
    from casework import services
    from casework.selectors import CONTACTS_SHOWN
    from casework.views import HISTORY_SHOWN

    case = _case_with_contacts(officer, CONTACTS_SHOWN + 3)
    for n in range(HISTORY_SHOWN + 5):
        services.update_case_details(case, by=officer, reason=f"Edit number {n}",
                                     description=f"Version {n}")  # fmt: skip
    url = reverse("case_detail", args=[case.reference])
    with_history = officer_client.get(url, {"history": "all"}).content.decode()
    assert "?contacts=all&amp;history=all#contacts" in with_history
    with_contacts = officer_client.get(url, {"contacts": "all"}).content.decode()
    assert "?history=all&amp;contacts=all#history" in with_contacts
    both = officer_client.get(url, {"contacts": "all", "history": "all"}).content.decode()
    assert "Reason: Edit number 0<" in both and "Call number 1." in both


def _case_with_contacts(officer, count):
    """A case with `count` contacts: the one it was opened with, then "Call number 0." and
    on, a day apart."""
    from django.utils import timezone

    from casework import services

    received = timezone.localdate() - dt.timedelta(days=count + 2)
    case = CaseFactory(kind=CaseKind.ENQUIRY, by=officer, received_on=received)
    start = timezone.now() - dt.timedelta(days=count)
    for n in range(count - 1):
        services.log_contact(
            by=officer,
            at=timezone.now(),
            channel="phone",
            contacted_at=start + dt.timedelta(days=n),
            summary=f"Call number {n}.",
            person=PersonFactory(),
            case=case,
            relationship="relative",
        )
    return case


def _tab(page, panel, next_panel):
    return page[page.index(f'id="{panel}"') : page.index(f'id="{next_panel}"')]


def test_case_page_lists_the_latest_contacts_with_a_link_to_all(officer_client, officer):
    from casework.selectors import CONTACTS_SHOWN

    total = CONTACTS_SHOWN + 3
    case = _case_with_contacts(officer, total)
    url = reverse("case_detail", args=[case.reference])
    page = officer_client.get(url).content.decode()
    contacts = _tab(page, "contacts", "referrals")
    assert f"Contacts ({total})" in page  # the tab counts them all
    assert f"Showing the latest {CONTACTS_SHOWN} of {total} contacts" in contacts
    assert "?contacts=all#contacts" in contacts
    assert contacts.count('class="nhsuk-card"') == CONTACTS_SHOWN
    newest, oldest_shown = f"Call number {total - 2}.", f"Call number {total - 2 - 19}."
    assert newest in contacts and oldest_shown in contacts
    assert "Call number 1." not in contacts  # the oldest are behind the link
    assert contacts.index(oldest_shown) < contacts.index(newest)  # oldest first, as before

    everything = officer_client.get(url, {"contacts": "all"}).content.decode()
    contacts = _tab(everything, "contacts", "referrals")
    assert contacts.count('class="nhsuk-card"') == total
    assert all(f"Call number {n}." in contacts for n in range(total - 1))
    assert "Showing the latest" not in contacts
    assert contacts.index("Call number 0.") < contacts.index("Call number 1.")


def test_case_page_timeline_shows_the_latest_events_with_a_link_to_all(officer_client, officer):
    from casework.selectors import CONTACTS_SHOWN

    total = CONTACTS_SHOWN + 3
    case = _case_with_contacts(officer, total)
    url = reverse("case_detail", args=[case.reference])
    page = officer_client.get(url).content.decode()
    timeline = _tab(page, "timeline", "letters")
    assert f"Showing the latest {CONTACTS_SHOWN} events" in timeline
    assert "?contacts=all#timeline" in timeline
    assert timeline.count("<li>") == CONTACTS_SHOWN
    assert f"Call number {total - 2}." in timeline and "Call number 1." not in timeline

    everything = officer_client.get(url, {"contacts": "all"}).content.decode()
    timeline = _tab(everything, "timeline", "letters")
    assert "Showing the latest" not in timeline
    assert timeline.count("<li>") == total + 1  # every contact, and the case opening
    assert "Call number 0." in timeline and "Status: Open" in timeline


def test_case_page_with_few_contacts_shows_them_all_without_a_link(officer_client, officer):
    case = _case_with_contacts(officer, 2)
    page = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Contacts (2)" in page and "Call number 0." in page
    assert _tab(page, "contacts", "referrals").count('class="nhsuk-card"') == 2
    assert "?contacts=all" not in page


def test_case_page_history_mixes_contacts_logged_between_case_edits(officer_client, officer):
    from django.utils import timezone

    from casework import services
    from casework.views import HISTORY_SHOWN

    case = CaseFactory(kind=CaseKind.ENQUIRY, by=officer)
    for n in range(HISTORY_SHOWN + 5):
        if n in (2, 40):
            now = timezone.now()
            services.log_contact(
                by=officer,
                at=now,
                channel="phone",
                contacted_at=now,
                summary=f"Rang after edit {n}.",
                person=PersonFactory(),
                case=case,
                relationship="relative",
            )
        services.update_case_details(case, by=officer, reason=f"Edit number {n}",
                                     description=f"Version {n}")  # fmt: skip
    page = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    history = page[page.index('id="history"') :]
    assert "Showing the latest 50 changes" in history
    assert "Rang after edit 40." in history  # newer than the oldest edit shown
    assert "Rang after edit 2." not in history  # older: behind the link
    assert f"Reason: Edit number {HISTORY_SHOWN + 4}" in history
    everything = officer_client.get(
        reverse("case_detail", args=[case.reference]), {"history": "all"}
    ).content.decode()
    assert "Rang after edit 2." in everything[everything.index('id="history"') :]
