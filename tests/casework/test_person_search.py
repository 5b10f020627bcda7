"""Finding people: the first page of a search, in the order people read, scoped to the user.

`casework.access.find_people` finds the first matches unscoped (on PostgreSQL from the name
indexes, through a UNION of family-name and given-name matches) and checks only those
against the user's scope; these tests hold it to what scoping the whole search would show.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.access import find_people, people_visible_to
from casework.records.services import update_case_protection
from casework.workflow import CaseKind
from config import roles
from contacts.selectors import first_people_ids, search_people
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _restrict(case, by):
    return update_case_protection(
        case,
        restricted=True,
        restriction_reason="staff",
        restricted_to=[],
        litigation_hold=False,
        reason="The complainant is a member of staff",
        by=by,
        at=timezone.now(),
    )


def _on_a_case(person, by, restricted_by=None):
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=person, by=by)
    if restricted_by is not None:
        _restrict(case, restricted_by)
    return person


@pytest.fixture
def okafors(db):
    """Family-name and given-name matches for "oka", in mixed case, in the order expected."""
    people = [
        ("Okay", "Adams"),  # a given name that matches
        ("ada", "okafor"),
        ("Bola", "OKAFOR"),
        ("chidi", "Okafor"),
        ("Emeka", "Okafor"),
        ("Okafor", "Okafor"),  # both names match: listed once
        ("Zara", "Okami"),
        ("Okoro", "Smith"),  # "Oko" does not start with "Oka"
        ("Okapi", "Zee"),
    ]
    made = [PersonFactory(given_name=given, family_name=family) for given, family in people]
    return [person for person in made if person.given_name != "Okoro"]


def test_search_orders_by_family_name_then_given_name_whatever_their_case(okafors):
    assert list(search_people("oka")) == okafors


@pytest.mark.parametrize("limit", [1, 3, 5, 8, 20])
def test_first_people_ids_are_the_first_of_the_search_in_its_order(okafors, limit):
    expected = [person.pk for person in okafors][:limit]
    assert first_people_ids("oka", limit) == expected
    assert first_people_ids("OKA", limit) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Okafor", ["ada", "Bola", "chidi", "Emeka", "Okafor"]),
        ("okafor e", ["Emeka"]),
        ("E Okafor", ["Emeka"]),
        ("a ok", ["Okay", "ada"]),
        ("Adams, Okay", ["Okay"]),
        ("Zee", ["Okapi"]),
    ],
)
def test_first_people_ids_finds_what_the_search_finds(okafors, query, expected):
    found = [person.given_name for person in search_people(query)]
    assert found == expected
    ids = first_people_ids(query, 10)
    assert ids == [person.pk for person in search_people(query)]


def test_first_people_ids_finds_numbers_and_postcodes_as_the_search_does(db):
    person = PersonFactory(nhs_number="9434765919", postcode="LS1 4AP")
    for query in ("943 476 5919", "ls1 4ap", "Nobody", "   "):
        assert first_people_ids(query, 10) == [p.pk for p in search_people(query)]
    assert first_people_ids("943 476 5919", 10) == [person.pk]


def test_find_people_leaves_out_people_only_on_hidden_cases(officer, manager):
    shown = _on_a_case(PersonFactory(family_name="Okafor", given_name="Bola"), officer)
    _on_a_case(PersonFactory(family_name="Okafor", given_name="Ada"), officer, manager)
    both = _on_a_case(PersonFactory(family_name="Okafor", given_name="Chidi"), officer, manager)
    CaseFactory(kind=CaseKind.ENQUIRY, person=both, by=officer)
    assert find_people(officer, "Okafor") == [shown, both]


@pytest.mark.parametrize("hidden_first", [0, 2, 4, 5, 6, 9])
def test_find_people_gives_the_first_visible_however_many_are_hidden(
    officer, manager, hidden_first
):
    # A page of 3 checks the first 6 matches; with more than 3 of those hidden it must look
    # further, and still give what scoping the whole search gives.
    people = []
    for n in range(12):
        restricted_by = manager if n < hidden_first else None
        person = PersonFactory(family_name="Okafor", given_name=f"Person {n:02}")
        people.append(_on_a_case(person, officer, restricted_by))
    expected = list(search_people("Okafor", people_visible_to(officer))[:3])
    assert expected == people[hidden_first : hidden_first + 3]
    assert find_people(officer, "Okafor", limit=3) == expected


def test_find_people_for_an_investigator_gives_only_their_teams_people(investigator, officer, team):
    theirs = []
    for n in range(8):
        person = PersonFactory(family_name="Okafor", given_name=f"Person {n:02}")
        case = CaseFactory(kind=CaseKind.ENQUIRY, person=person, by=officer)
        if n in (1, 6, 7):
            case.team = team
            case.save(update_fields=["team"])
            theirs.append(person)
    assert find_people(investigator, "Okafor", limit=2) == theirs[:2]
    assert find_people(investigator, "Okafor", limit=3) == theirs


def test_finding_a_page_of_people_takes_two_queries_however_many_match(
    officer, django_assert_num_queries
):
    _on_a_case(PersonFactory(family_name="Quinn"), officer)
    for n in range(12):
        _on_a_case(PersonFactory(family_name="Okafor", given_name=f"Person {n:02}"), officer)
    roles.roles_of(officer)  # read once per request, before the view runs
    with django_assert_num_queries(2):
        assert len(find_people(officer, "Quinn")) == 1
    with django_assert_num_queries(2):
        assert len(find_people(officer, "Okafor")) == 12


def test_the_search_page_lists_people_in_the_order_people_read(officer_client, officer):
    for given, family in [("bola", "OKAFOR"), ("Ada", "okafor"), ("Okafor", "Adams")]:
        _on_a_case(PersonFactory(given_name=given, family_name=family), officer)
    results = officer_client.get(reverse("person_search"), {"q": "okafor"}).context["results"]
    assert [(p.given_name, p.family_name) for p in results] == [
        ("Okafor", "Adams"),
        ("Ada", "okafor"),
        ("bola", "OKAFOR"),
    ]


def test_each_person_found_shows_their_five_newest_visible_cases_with_status(
    officer_client, officer, manager
):
    person = PersonFactory(family_name="Manycases")
    today = timezone.localdate()
    cases = [
        CaseFactory(person=person, by=officer, received_on=today - dt.timedelta(days=days))
        for days in (7, 6, 5, 4, 3, 2, 1)
    ]
    _restrict(cases[-1], manager)  # the newest, hidden from the officer
    page = officer_client.get(reverse("person_search"), {"q": "Manycases"})
    [found] = page.context["results"]
    newest_visible = cases[-2::-1][:5]
    assert [c.reference for c in found.visible_cases] == [c.reference for c in newest_visible]
    html = page.content.decode()
    assert cases[0].reference not in html and cases[-1].reference not in html
    for case in newest_visible:
        assert f"{case.reference}</a> ({case.get_status_display().lower()})" in html
    assert found.contact_count == 6


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the name indexes are PostgreSQL-only"
)
def test_postgresql_reads_a_name_search_from_the_name_indexes_alone(okafors):
    with CaptureQueriesContext(connection) as captured:
        first_people_ids("Okafor", 100)
    [query] = captured.captured_queries
    with connection.cursor() as cursor:
        # A handful of test rows would be read from the table; ask what the indexes allow.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using person_family_name_order_idx" in plan
    assert "Index Only Scan using person_given_name_order_idx" in plan
