"""Every other list and detail page runs the same number of queries with a few rows as with
many (no N+1): the case list, case page, My work and person search are in
test_query_counts.py."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from casework.referrals.models import Referral
from casework.workflow import CaseKind
from contacts.models import Contact, TriageStatus
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

# Generous enough for any page here; the real check is that the count does not grow.
MAX_QUERIES = 30


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _same_count_with_more_rows(client, url, add_rows, django_assert_max_num_queries):
    add_rows(2)
    few = _queries(client, url)
    add_rows(10)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _queries(client, url)
    assert many == few


def test_person_page(client, manager, django_assert_max_num_queries):
    person = PersonFactory()

    def add(n):
        for _ in range(n):
            CaseFactory(kind=CaseKind.ENQUIRY, person=person)

    client.force_login(manager)
    _same_count_with_more_rows(
        client, reverse("person_detail", args=[person.pk]), add, django_assert_max_num_queries
    )


def test_deadlines_at_risk(client, manager, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            CaseFactory(kind=CaseKind.COMPLAINT, organisation=OrganisationFactory())

    client.force_login(manager)
    _same_count_with_more_rows(
        client, reverse("deadlines_at_risk"), add, django_assert_max_num_queries
    )


def test_triage_queue(client, manager, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            now = timezone.now()
            Contact.objects.create(
                person=PersonFactory(),
                channel="web",
                contacted_at=now,
                logged_at=now,
                summary="Waiting",
                triage_status=TriageStatus.WAITING,
            )

    client.force_login(manager)
    _same_count_with_more_rows(client, reverse("triage_queue"), add, django_assert_max_num_queries)


def _referrals(organisation=None):
    def add(n):
        for _ in range(n):
            case = CaseFactory(kind=CaseKind.COMPLAINT)
            Referral.objects.create(
                case=case,
                organisation=organisation or OrganisationFactory(),
                created_at=timezone.now(),
            )

    return add


def test_referral_register(client, manager, django_assert_max_num_queries):
    client.force_login(manager)
    _same_count_with_more_rows(
        client, reverse("referral_register"), _referrals(), django_assert_max_num_queries
    )


def test_organisation_list(client, manager, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            OrganisationFactory()

    client.force_login(manager)
    _same_count_with_more_rows(
        client, reverse("organisation_list"), add, django_assert_max_num_queries
    )


def test_organisation_page(client, manager, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    client.force_login(manager)
    _same_count_with_more_rows(
        client,
        reverse("organisation_detail", args=[organisation.pk]),
        _referrals(organisation),
        django_assert_max_num_queries,
    )


def test_retention_review(client, manager, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            case = CaseFactory(kind=CaseKind.COMPLAINT, closed=True)
            Case.objects.filter(pk=case.pk).update(
                closed_on=timezone.localdate() - dt.timedelta(days=11 * 366)
            )

    client.force_login(manager)
    _same_count_with_more_rows(
        client, reverse("retention_review"), add, django_assert_max_num_queries
    )
