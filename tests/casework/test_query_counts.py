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
CASE_PAGE = 24


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
