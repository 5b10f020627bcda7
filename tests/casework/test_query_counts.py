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
    with django_assert_max_num_queries(30 + SESSION_SAVE) as small_page:
        officer_client.get(reverse("case_detail", args=[small.reference]))
    with django_assert_max_num_queries(30 + SESSION_SAVE) as big_page:
        officer_client.get(reverse("case_detail", args=[big.reference]))
    assert len(big_page.captured_queries) == len(small_page.captured_queries)


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
    with django_assert_max_num_queries(30) as quiet_page:
        officer_client.get(reverse("case_detail", args=[quiet.reference]))
    with django_assert_max_num_queries(30) as edited_page:
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
