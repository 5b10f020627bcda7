"""Pages run a fixed number of queries however many rows they show (no N+1)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.workflow import CaseKind
from tests.factories import CaseFactory, PersonFactory, subject

pytestmark = pytest.mark.django_db

# Every signed-in request also saves its session (SESSION_SAVE_EVERY_REQUEST, so the
# inactivity timeout slides): an UPDATE inside a savepoint, three statements whatever the page.
SESSION_SAVE = 3

# The case page's own queries (its prefetches, history tables and access log row).
CASE_PAGE = 20


def _busy_case(officer, contacts=12):
    person = PersonFactory()
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=person, by=officer)
    for n in range(contacts):
        now = timezone.now()
        services.log_contact(
            by=officer,
            at=now,
            channel="phone",
            contacted_at=now,
            summary=f"Update {n}",
            person=PersonFactory(),
            case=case,
            relationship="relative",
        )
    return case


def test_case_list_query_count_does_not_grow_with_rows(
    officer_client, officer, django_assert_max_num_queries
):
    for _ in range(25):
        CaseFactory(kind=CaseKind.ENQUIRY)
    with django_assert_max_num_queries(10 + SESSION_SAVE):
        officer_client.get(reverse("case_list"))


def test_case_page_query_count_does_not_grow_with_contacts(
    officer_client, officer, django_assert_max_num_queries
):
    small = _busy_case(officer, contacts=1)
    big = _busy_case(officer, contacts=15)
    with django_assert_max_num_queries(CASE_PAGE + SESSION_SAVE) as small_page:
        officer_client.get(reverse("case_detail", args=[small.reference]))
    with django_assert_max_num_queries(CASE_PAGE + SESSION_SAVE) as big_page:
        officer_client.get(reverse("case_detail", args=[big.reference]))
    assert len(big_page.captured_queries) == len(small_page.captured_queries)


def test_case_page_with_all_contacts_shown_has_a_fixed_query_count(
    officer_client, officer, django_assert_max_num_queries
):
    from casework.selectors import CONTACTS_SHOWN

    small = _busy_case(officer, contacts=1)
    big = _busy_case(officer, contacts=CONTACTS_SHOWN + 5)
    with django_assert_max_num_queries(CASE_PAGE + SESSION_SAVE) as latest_page:
        officer_client.get(reverse("case_detail", args=[big.reference]))
    with django_assert_max_num_queries(CASE_PAGE + SESSION_SAVE) as small_page:
        officer_client.get(reverse("case_detail", args=[small.reference]), {"contacts": "all"})
    with django_assert_max_num_queries(CASE_PAGE + SESSION_SAVE) as big_page:
        page = officer_client.get(reverse("case_detail", args=[big.reference]), {"contacts": "all"})
    assert page.content.decode().count('class="nhsuk-card"') == CONTACTS_SHOWN + 6
    assert len(big_page.captured_queries) == len(small_page.captured_queries)
    assert len(big_page.captured_queries) == len(latest_page.captured_queries)


def test_my_work_query_count_is_bounded(officer_client, officer, django_assert_max_num_queries):
    for _ in range(10):
        _busy_case(officer, contacts=1)
    with django_assert_max_num_queries(15 + SESSION_SAVE):
        officer_client.get(reverse("home"))


def test_case_page_query_count_does_not_grow_with_history(
    officer_client, officer, django_assert_max_num_queries
):
    quiet = _busy_case(officer, contacts=1)
    edited = _busy_case(officer, contacts=1)
    for case, edits in ((quiet, 2), (edited, 20)):
        for n in range(edits):
            services.update_case_details(
                case,
                by=officer,
                reason=f"Edit {n}",
                description=f"Version {n}",
                subjects=[subject("COMMUNICATIONS")] if n % 2 else [],
            )
    # One more than a page with contacts alone: the names of the subjects the edits changed.
    with django_assert_max_num_queries(CASE_PAGE + 1 + SESSION_SAVE) as quiet_page:
        officer_client.get(reverse("case_detail", args=[quiet.reference]))
    with django_assert_max_num_queries(CASE_PAGE + 1 + SESSION_SAVE) as edited_page:
        officer_client.get(reverse("case_detail", args=[edited.reference]))
    assert len(edited_page.captured_queries) == len(quiet_page.captured_queries)


def test_person_search_query_count_does_not_grow_with_results(
    officer_client, officer, django_assert_max_num_queries
):
    CaseFactory(person=PersonFactory(family_name="Quinn"))
    for _ in range(12):
        CaseFactory(person=PersonFactory(family_name="Okafor"))
    with django_assert_max_num_queries(12) as one:
        officer_client.get(reverse("person_search"), {"q": "Quinn"})
    with django_assert_max_num_queries(12) as many:
        page = officer_client.get(reverse("person_search"), {"q": "Okafor"})
    assert page.content.decode().count("Okafor") >= 12
    assert len(many.captured_queries) == len(one.captured_queries)


# The lists many cases have none of, each read only when the case has rows in it:
# escalations, organisations involved, letters, the commissioner's decision.
CASE_LISTS = 4


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _case_with_every_list(officer, rows):
    from casework.letters.models import LetterKind
    from casework.letters.services import generate_letter
    from casework.referrals import services as referrals
    from casework.referrals.models import CommissionerDecisionChoice
    from casework.workflow import ContactMethod
    from tests.factories import OrganisationFactory

    person = PersonFactory(address="2 Low Road\nLeeds", postcode="LS2 1AA")
    concern = CaseFactory(kind=CaseKind.PALS_CONCERN, person=person, by=officer)
    now = timezone.now()
    for n in range(rows):
        organisation = OrganisationFactory(name=f"Surgery number {n}")
        referral = referrals.start_referral(
            concern, organisation=organisation, part=f"Part {n}", by=officer, at=now
        )
        referrals.record_consent(
            referral,
            given_by=person,
            method=ContactMethod.PHONE,
            given_on=timezone.localdate(),
            scope="Share my concern with the surgery",
            by=officer,
            at=now,
        )
        referrals.set_involved_body(
            concern, organisation=organisation, part=f"Part {n}", is_lead=n == 0, by=officer
        )
        generate_letter(concern, LetterKind.ACKNOWLEDGEMENT, recipient=person, by=officer, at=now)
    referrals.record_commissioner_decision(
        concern,
        provider=organisation,
        decision=CommissionerDecisionChoice.HANDLE_ITSELF,
        complainant_consents=False,
        reasons="Handled here",
        by=officer,
        at=now,
    )
    services.escalate_to_complaint(concern, by=officer, at=now, reason="Wants a formal reply")
    return concern


def test_case_page_reads_each_of_its_other_lists_once_whatever_its_rows(
    officer_client, officer, media_in_tmp, django_assert_max_num_queries
):
    one = _case_with_every_list(officer, rows=1)
    three = _case_with_every_list(officer, rows=3)
    # And one for the names of the organisations the referrals' history names.
    most = CASE_PAGE + CASE_LISTS + 1 + SESSION_SAVE
    with django_assert_max_num_queries(most) as one_page:
        officer_client.get(reverse("case_detail", args=[one.reference]))
    with django_assert_max_num_queries(most) as three_page:
        response = officer_client.get(reverse("case_detail", args=[three.reference]))
    assert len(three_page.captured_queries) == len(one_page.captured_queries)
    page = response.content.decode()
    assert "Referrals (3)" in page and "Letters (3)" in page and "Escalated to" in page
    assert all(f"Surgery number {n}" in page for n in range(3))
    assert "Organisations involved (reg 9): Surgery number 0 (lead)" in page
    assert "Commissioner's decision (reg 7): <strong>The commissioner handles" in page
