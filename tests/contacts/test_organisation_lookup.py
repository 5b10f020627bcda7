"""The organisation lookup behind the autocomplete: who may use it and what it answers."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from contacts.models import OrganisationType
from contacts.selectors import LOOKUP_LIMIT
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/organisations/lookup/"


def lookup(client, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_the_lookup_has_its_address():
    assert reverse("organisation_lookup") == URL


@pytest.mark.parametrize("role", ["officer", "investigator", "manager"])
def test_casework_roles_may_look_up_organisations(client, request, role):
    OrganisationFactory(ods_code="A81001", name="Smith Surgery")
    client.force_login(request.getfixturevalue(role))
    assert [r["ods_code"] for r in lookup(client, "smith")] == ["A81001"]


@pytest.mark.parametrize("role", ["commissioner", "administrator"])
def test_other_roles_are_refused_as_on_the_organisation_pages(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL, {"q": "smith"}).status_code == 403
    assert client.get(reverse("organisation_list")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL, {"q": "smith"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_result_gives_code_name_type_and_whether_closed(officer_client):
    OrganisationFactory(
        ods_code="RX1",
        name="Riverside Hospitals NHS Trust",
        org_type=OrganisationType.TRUST,
        closed_on=dt.date(2024, 3, 1),
    )
    assert lookup(officer_client, "rx1") == [
        {
            "ods_code": "RX1",
            "name": "Riverside Hospitals NHS Trust",
            "type": "NHS trust",
            "closed": True,
        }
    ]


def test_codes_match_from_the_start_and_names_anywhere(officer_client):
    OrganisationFactory(ods_code="A81001", name="Smith Surgery")
    OrganisationFactory(ods_code="B81001", name="Jones Dental")
    OrganisationFactory(ods_code="C81001", name="The A81 Practice")
    found = {r["ods_code"] for r in lookup(officer_client, "a81")}
    assert found == {"A81001", "C81001"}  # code prefix, and a name containing "A81"
    assert [r["ods_code"] for r in lookup(officer_client, "dental")] == ["B81001"]


def test_every_word_typed_must_be_in_the_name(officer_client):
    OrganisationFactory(ods_code="A81001", name="Smith Surgery, Leeds")
    OrganisationFactory(ods_code="A81002", name="Smith Surgery, York")
    assert [r["ods_code"] for r in lookup(officer_client, "smith leeds")] == ["A81001"]


def test_open_organisations_come_first_then_the_closest_match(officer_client):
    OrganisationFactory(ods_code="A81003", name="Old Riverside", closed_on=dt.date(2020, 1, 1))
    OrganisationFactory(ods_code="A81002", name="The Riverside Practice")
    OrganisationFactory(ods_code="A81001", name="Riverside Surgery")
    names = [r["name"] for r in lookup(officer_client, "riverside")]
    assert names == ["Riverside Surgery", "The Riverside Practice", "Old Riverside"]


def test_an_exact_code_comes_before_longer_codes(officer_client):
    OrganisationFactory(ods_code="RX1AB", name="Alpha Site")
    OrganisationFactory(ods_code="RX1", name="Zulu Trust")
    assert [r["ods_code"] for r in lookup(officer_client, "RX1")] == ["RX1", "RX1AB"]


def test_at_most_twenty_results_come_back(officer_client):
    for n in range(LOOKUP_LIMIT + 5):
        OrganisationFactory(ods_code=f"P{n:05d}", name=f"Pharmacy {n}")
    assert LOOKUP_LIMIT == 20
    assert len(lookup(officer_client, "pharmacy")) == 20


def test_fewer_than_two_characters_look_up_nothing(officer_client):
    OrganisationFactory(ods_code="A81001", name="Smith Surgery")
    assert lookup(officer_client, "s") == []
    assert lookup(officer_client, "") == []
    assert lookup(officer_client, "   ") == []


def test_the_lookup_is_one_query_however_big_the_directory(
    officer_client, django_assert_max_num_queries
):
    for n in range(50):
        OrganisationFactory(ods_code=f"P{n:05d}", name=f"Pharmacy {n}")
    # The session, the user and their roles; saving the session (three statements); the lookup.
    with django_assert_max_num_queries(7) as captured:
        lookup(officer_client, "pharmacy")
    lookups = [q["sql"] for q in captured.captured_queries if "contacts_organisation" in q["sql"]]
    assert len(lookups) == 1
    assert "LIMIT 20" in lookups[0]


def test_only_get_is_allowed(officer_client):
    assert officer_client.post(URL, {"q": "smith"}).status_code == 405


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the lookup's indexes are PostgreSQL-only"
)
def test_postgresql_has_the_lookup_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'contacts_organisation'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"organisation_ods_code_prefix_idx", "organisation_name_trgm_idx"} <= names
