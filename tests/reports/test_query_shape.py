"""How the report queries are built: the date rules worked out in SQL agree with
casework.deadlines, a page's query count does not grow with the data, and grouping on ids
then naming gives the same rows as grouping on names did."""

import datetime as dt
import random

import pytest
from django.db import connection, transaction
from django.db.models import DateField, Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework import deadlines
from casework.models import Case, Subject
from casework.workflow import CaseKind, Outcome, Status
from reports import queries
from reports.queries import AddMonths, ReportFilters, WorkingDaysBetween, weekday_holidays
from tests.factories import OrganisationFactory, TeamFactory

from .conftest import make_case

D = dt.date
pytestmark = pytest.mark.django_db
PERIOD = {"start": "01/04/2025", "end": "30/09/2025"}


def _evaluate(expressions: dict) -> dict:
    """Evaluate expressions in the database, all in one query."""
    return Subject.objects.annotate(**expressions).values(*expressions).order_by("pk").first()


def test_working_days_in_sql_match_casework_deadlines():
    rng = random.Random(20260401)
    # Around Easter, Christmas, the 2022 and 2023 one-off bank holidays, year ends, weekends,
    # the same day and an end before the start.
    pairs = [
        (D(2025, 4, 17), D(2025, 4, 22)),
        (D(2024, 12, 20), D(2025, 1, 3)),
        (D(2022, 9, 16), D(2022, 9, 20)),
        (D(2023, 5, 5), D(2023, 5, 9)),
        (D(2025, 6, 7), D(2025, 6, 8)),
        (D(2025, 6, 9), D(2025, 6, 9)),
        (D(2025, 6, 9), D(2025, 6, 2)),
    ]
    for _ in range(60):
        start = D(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 1400))
        pairs.append((start, start + dt.timedelta(days=rng.randint(-5, 400))))
    holidays = weekday_holidays(2022, 2026)
    got = _evaluate(
        {
            f"d{i}": WorkingDaysBetween(
                Value(start, DateField()), Value(end, DateField()), holidays
            )
            for i, (start, end) in enumerate(pairs)
        }
    )
    assert [got[f"d{i}"] for i in range(len(pairs))] == [
        deadlines.working_days_between(start, end) for start, end in pairs
    ]


def test_six_month_point_in_sql_matches_casework_deadlines():
    days = [D(2025, 8, 31), D(2024, 8, 29), D(2023, 8, 30), D(2025, 3, 31), D(2025, 2, 28)]
    days += [D(2024, 1, 1) + dt.timedelta(days=n) for n in range(0, 800, 7)]
    got = _evaluate(
        {
            f"d{i}": AddMonths(Value(day, DateField()), deadlines.RESPONSE_MONTHS)
            for i, day in enumerate(days)
        }
    )
    assert [got[f"d{i}"] for i in range(len(days))] == [
        deadlines.six_month_point(day) for day in days
    ]


def _some_cases(by, organisations: int, per_organisation: int):
    team = TeamFactory()
    for n in range(organisations):
        org = OrganisationFactory()
        for k in range(per_organisation):
            make_case(
                by,
                D(2025, 4 + k % 6, 1 + n % 28),
                organisation=org,
                team=team,
                subjects=["COMMUNICATIONS"],
                staff_groups=["MEDICAL"],
                service_area="MATERNITY",
                acknowledged_on=D(2025, 9, 29),
                response_sent_on=D(2025, 9, 30),
            )
        make_case(by, D(2025, 5, 2 + n % 20), kind=CaseKind.PALS_CONCERN, organisation=org)


def _queries(client, name: str) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(f"reports:{name}"), PERIOD).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["trends", "compliance"])
@pytest.mark.parametrize("role", ["manager", "commissioner"])
def test_report_query_count_does_not_grow_with_cases_or_organisations(
    client, by, request, name, role
):
    client.force_login(request.getfixturevalue(role))
    _some_cases(by, organisations=1, per_organisation=1)
    few = _queries(client, name)
    _some_cases(by, organisations=6, per_organisation=4)
    assert _queries(client, name) == few


def test_report_pages_stay_within_their_query_budget(
    client, manager, by, django_assert_max_num_queries
):
    _some_cases(by, organisations=3, per_organisation=2)
    client.force_login(manager)
    # Session and user: 3-5 statements; trends: contacts, cases by kind and month, and for four
    # dimensions one grouped query and one for the names, plus, where the daily counts stand
    # in (PostgreSQL), one more for each of the four counts they serve (the restricted cases
    # the reader may see); compliance: for team and organisation a grouped count, the
    # working days and the names.
    with django_assert_max_num_queries(24):
        client.get(reverse("reports:trends"), PERIOD)
    with django_assert_max_num_queries(16):
        client.get(reverse("reports:compliance"), PERIOD)


def test_two_subjects_with_one_name_count_a_case_once(by):
    Subject.objects.filter(code="STAFF").update(name="Communications")
    make_case(by, D(2025, 4, 3), subjects=["COMMUNICATIONS", "STAFF"])
    make_case(by, D(2025, 9, 3), subjects=["STAFF"])
    f = ReportFilters(D(2025, 4, 1), D(2025, 9, 30))
    assert queries.counts_by(Case.objects.all(), f, "subject") == [("Communications", 2)]
    assert queries.top_movers(Case.objects.all(), f, "subject") == [("Communications", 0, 1, 1)]


def test_organisations_with_one_name_share_a_row(by):
    first = OrganisationFactory(name="Riverside Surgery")
    second = OrganisationFactory(name="Riverside Surgery")
    make_case(by, D(2025, 4, 3), organisation=first, response_sent_on=D(2025, 5, 1))
    make_case(by, D(2025, 4, 10), organisation=second, response_sent_on=D(2025, 5, 15))
    f = ReportFilters(D(2025, 4, 1), D(2025, 9, 30))
    cases = Case.objects.all()
    assert queries.counts_by(cases, f, "organisation") == [("Riverside Surgery", 2)]
    [row] = queries.compliance(cases, f, D(2025, 10, 1), "organisation")
    assert (row.label, row.received, row.responded) == ("Riverside Surgery", 2, 2)
    # 18 working days (Good Friday and Easter Monday out) and 22 (the 5 May bank holiday too).
    assert row.median_working_days == 20


def test_managers_count_no_restricted_case_they_are_not_named_on(client, manager, by):
    make_case(by, D(2025, 4, 7))
    hidden = make_case(by, D(2025, 4, 8), restricted=True)
    named = make_case(by, D(2025, 4, 9), restricted=True, status=Status.CLOSED)
    Case.objects.filter(pk=named.pk).update(outcome=Outcome.UPHELD)
    named.restricted_to.add(manager)
    f = ReportFilters(D(2025, 4, 1), D(2025, 9, 30))
    visible = Case.objects.visible_to(manager)
    assert queries.monthly_cases_by_kind(visible, f)[CaseKind.COMPLAINT][D(2025, 4, 1)] == 2
    [row] = queries.compliance(visible, f, D(2025, 10, 1))
    assert row.received == 2
    assert hidden.pk not in visible.values_list("pk", flat=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the partial index is PostgreSQL's")
def test_open_cases_are_read_from_the_partial_index_of_unfinished_cases(by):
    # casework migration 0006 writes FINISHED's statuses into the index's condition; if they
    # ever differ, the workload report falls back to reading every case.
    make_case(by, D(2025, 4, 3))
    open_cases = Case.objects.unfinished().values("team").annotate(n=queries.count_rows())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = open_cases.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_unfinished_idx" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the partial index is PostgreSQL's")
def test_complaints_by_provider_are_read_from_the_complaint_index_alone(by):
    # casework migration 0006: the outcome is in the statutory-complaint covering index, so
    # the providers report counts a year of complaints without reading the case table.
    make_case(by, D(2025, 4, 3), organisation=OrganisationFactory())
    f = ReportFilters(D(2025, 4, 1), D(2025, 9, 30))
    with CaptureQueriesContext(connection) as captured:
        [row] = queries.complaints_by_provider(Case.objects.all(), f)
    assert row["received"] == 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + captured.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using case_report_complaint_outcome_idx" in plan, plan
