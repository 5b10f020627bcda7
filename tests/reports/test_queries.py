"""Trend, compliance, provider and workload figures against hand-counted case sets."""

import datetime as dt

import pytest

from casework import services
from casework.models import Case, Team
from casework.workflow import CaseKind, Outcome, Status
from contacts.models import OrganisationType
from reports import queries
from reports.queries import ReportFilters
from tests.factories import OrganisationFactory, UserFactory, subject

from .conftest import make_case

D = dt.date
pytestmark = pytest.mark.django_db

APR, MAY, JUN = D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1)


@pytest.fixture
def orgs(db):
    a = OrganisationFactory(name="Riverside Surgery", ods_code="A81001")
    b = OrganisationFactory(
        name="City Hospital",
        ods_code="RX1",
        org_type=OrganisationType.TRUST,
        is_independent_contractor=False,
    )
    return a, b


@pytest.fixture
def trend_cases(by, orgs):
    a, b = orgs
    first = make_case(
        by,
        D(2025, 4, 3),
        organisation=a,
        subjects=["COMMUNICATIONS", "STAFF"],
        service_area="MATERNITY",
        staff_groups=["MEDICAL"],
    )
    make_case(
        by, D(2025, 4, 20), kind=CaseKind.PALS_CONCERN, organisation=a, subjects=["COMMUNICATIONS"]
    )
    make_case(by, D(2025, 5, 2), organisation=b, subjects=["APPOINTMENTS"])
    make_case(by, D(2025, 5, 9), organisation=b, subjects=["COMMUNICATIONS"])
    make_case(by, D(2025, 5, 31), kind=CaseKind.ENQUIRY)
    for day in (2, 16, 30):
        make_case(
            by,
            D(2025, 6, day),
            kind=CaseKind.PALS_CONCERN,
            organisation=a,
            subjects=["COMMUNICATIONS"],
        )
    # Outside the period.
    make_case(by, D(2025, 3, 31), subjects=["COMMUNICATIONS"])
    make_case(by, D(2025, 7, 1), subjects=["COMMUNICATIONS"])
    # A second contact on the first case, in May.
    at = dt.datetime(2025, 5, 20, 11, 0, tzinfo=dt.UTC)
    services.log_contact(
        by=by, at=at, channel="email", contacted_at=at, summary="Chased", case=first
    )
    return first


def period(**kwargs):
    return ReportFilters(D(2025, 4, 1), D(2025, 6, 30), **kwargs)


def test_cases_and_contacts_by_month(trend_cases):
    cases = Case.objects.all()
    assert queries.monthly_cases(cases, period()) == {APR: 2, MAY: 3, JUN: 3}
    assert queries.monthly_contacts(cases, period()) == {APR: 2, MAY: 4, JUN: 3}


def test_cases_by_kind_by_month(trend_cases):
    by_kind = queries.monthly_cases_by_kind(Case.objects.all(), period())
    assert by_kind[CaseKind.COMPLAINT] == {APR: 1, MAY: 2, JUN: 0}
    assert by_kind[CaseKind.PALS_CONCERN] == {APR: 1, MAY: 0, JUN: 3}
    assert by_kind[CaseKind.ENQUIRY] == {APR: 0, MAY: 1, JUN: 0}
    assert by_kind[CaseKind.COMPLIMENT] == {APR: 0, MAY: 0, JUN: 0}


def test_a_case_counts_under_each_of_its_subjects(trend_cases):
    assert queries.counts_by(Case.objects.all(), period(), "subject") == [
        ("Communications", 6),
        ("Appointments", 1),
        ("Not recorded", 1),
        ("Staff", 1),
    ]


def test_counts_by_service_area_staff_group_and_organisation(trend_cases):
    cases = Case.objects.all()
    assert queries.counts_by(cases, period(), "service_area") == [
        ("Not recorded", 7),
        ("Maternity", 1),
    ]
    assert queries.counts_by(cases, period(), "staff_group") == [
        ("Not recorded", 7),
        ("Medical (including surgical)", 1),
    ]
    assert queries.counts_by(cases, period(), "organisation") == [
        ("Riverside Surgery", 5),
        ("City Hospital", 2),
        ("Not recorded", 1),
    ]


def test_top_movers_compare_the_last_two_months(trend_cases):
    assert queries.top_movers(Case.objects.all(), period(), "subject") == [
        ("Communications", 1, 3, 2),
        ("Appointments", 1, 0, -1),
        ("Not recorded", 1, 0, -1),
    ]


def test_filters_narrow_every_count(trend_cases, orgs):
    a, b = orgs
    cases = Case.objects.all()
    assert queries.monthly_cases(cases, period(organisation=a)) == {APR: 2, MAY: 0, JUN: 3}
    assert queries.monthly_cases(cases, period(org_type=OrganisationType.TRUST)) == {
        APR: 0,
        MAY: 2,
        JUN: 0,
    }
    assert queries.monthly_cases(cases, period(kind=CaseKind.PALS_CONCERN)) == {
        APR: 1,
        MAY: 0,
        JUN: 3,
    }
    staff = period(subject=subject("STAFF"))
    assert queries.monthly_cases(cases, staff) == {APR: 1, MAY: 0, JUN: 0}
    # The subject filter picks cases; those cases still count under all their subjects.
    assert queries.counts_by(cases, staff, "subject") == [("Communications", 1), ("Staff", 1)]
    # Contacts follow the case filters: the first case's two contacts (April and May).
    assert queries.monthly_contacts(cases, staff) == {APR: 1, MAY: 1, JUN: 0}


def test_an_empty_period_counts_zero_every_month(trend_cases):
    empty = ReportFilters(D(2024, 1, 1), D(2024, 2, 29))
    assert queries.monthly_cases(Case.objects.all(), empty) == {D(2024, 1, 1): 0, D(2024, 2, 1): 0}
    assert queries.counts_by(Case.objects.all(), empty, "subject") == []


# Compliance ---------------------------------------------------------------------------------

TODAY = D(2026, 6, 1)


@pytest.fixture
def compliance_cases(by, orgs):
    a, b = orgs
    team_a = Team.objects.create(name="Team A")
    team_b = Team.objects.create(name="Team B")
    # C1: received Mon 7 Apr 2025; acknowledgement due Thu 10 Apr; acknowledged in time;
    # answered 30 May within the agreed period: 35 working days (April 15 after Good Friday
    # and Easter Monday, May 20 after the two bank holidays).
    make_case(
        by,
        D(2025, 4, 7),
        status=Status.CLOSED,
        organisation=a,
        team=team_a,
        acknowledged_on=D(2025, 4, 10),
        response_due=D(2025, 6, 2),
        response_sent_on=D(2025, 5, 30),
        closed_on=D(2025, 5, 30),
        outcome=Outcome.UPHELD,
    )
    # C2: received Fri 11 Apr 2025; due Wed 16 Apr; acknowledged late on the 17th; answered
    # late on 4 Jul (due 30 Jun): 56 working days (11 + 20 + 21 + 4).
    make_case(
        by,
        D(2025, 4, 11),
        status=Status.CLOSED,
        organisation=a,
        team=team_a,
        acknowledged_on=D(2025, 4, 17),
        response_due=D(2025, 6, 30),
        response_sent_on=D(2025, 7, 4),
        closed_on=D(2025, 7, 4),
        outcome=Outcome.NOT_UPHELD,
    )
    # C3: received 1 May 2025, never acknowledged (due 7 May: 5 May was a bank holiday), still
    # open and past six months.
    make_case(by, D(2025, 5, 1), organisation=b, team=team_b)
    # C4: received 1 Sep 2025, acknowledged next day; answered 2 Mar 2026, after the
    # six-month point (1 Mar 2026) and after the agreed 1 Dec 2025; no team.
    make_case(
        by,
        D(2025, 9, 1),
        status=Status.CLOSED,
        organisation=b,
        acknowledged_on=D(2025, 9, 2),
        response_due=D(2025, 12, 1),
        response_sent_on=D(2026, 3, 2),
        closed_on=D(2026, 3, 2),
        outcome=Outcome.PARTLY_UPHELD,
    )
    # Not counted: a reg 8 exclusion, a PALS concern, one from before the period (open and
    # overdue, so it counts in "open now" and "overdue now" only).
    make_case(by, D(2025, 4, 10), team=team_a, reg8_exclusion="oral_resolved")
    make_case(by, D(2025, 4, 10), kind=CaseKind.PALS_CONCERN, team=team_a)
    make_case(by, D(2025, 3, 3), team=team_a)


COMPLIANCE_PERIOD = ReportFilters(D(2025, 4, 1), D(2025, 9, 30))


def test_the_case_builder_stores_the_acknowledgement_deadline_as_next_due(compliance_cases):
    c3 = Case.objects.get(received_on=D(2025, 5, 1))
    assert c3.acknowledgement_due == D(2025, 5, 7)
    assert c3.due_on == D(2025, 5, 7)


def test_compliance_overall(compliance_cases):
    [row] = queries.compliance(Case.objects.all(), COMPLIANCE_PERIOD, TODAY)
    assert (row.received, row.acknowledgement_measured, row.acknowledged_in_time) == (4, 4, 2)
    assert (row.responded, row.responded_in_time) == (3, 1)
    assert row.over_six_months == 2
    assert row.median_working_days == 56
    assert (row.open_now, row.overdue_now) == (2, 2)


def test_compliance_by_team(compliance_cases):
    rows = {
        r.label: r for r in queries.compliance(Case.objects.all(), COMPLIANCE_PERIOD, TODAY, "team")
    }
    assert list(rows) == ["Team A", "Team B", "Not recorded"]
    a, b, none = rows["Team A"], rows["Team B"], rows["Not recorded"]
    assert (a.received, a.acknowledged_in_time, a.acknowledgement_measured) == (2, 1, 2)
    assert (a.responded_in_time, a.responded, a.over_six_months) == (1, 2, 0)
    assert a.median_working_days == 45.5  # the mean of 35 and 56
    assert (a.open_now, a.overdue_now) == (1, 1)  # the complaint from before the period
    assert (b.received, b.acknowledged_in_time, b.acknowledgement_measured) == (1, 0, 1)
    assert (b.responded, b.over_six_months, b.median_working_days) == (0, 1, None)
    assert (b.open_now, b.overdue_now) == (1, 1)
    assert (none.received, none.acknowledged_in_time, none.over_six_months) == (1, 1, 1)


def test_complaints_by_provider(compliance_cases):
    rows = queries.complaints_by_provider(Case.objects.all(), COMPLIANCE_PERIOD)
    assert [
        (
            r["organisation__name"],
            r["received"],
            r["upheld"],
            r["partly_upheld"],
            r["not_upheld"],
            r["responded"],
            r["responded_in_time"],
        )
        for r in rows
    ] == [
        ("City Hospital", 2, 0, 1, 0, 1, 0),
        ("Riverside Surgery", 2, 1, 0, 1, 2, 1),
    ]


@pytest.mark.parametrize(
    ("pairs", "median"),
    [
        ([], None),
        ([(5, 1)], 5),
        ([(1, 1), (3, 1)], 2),
        ([(1, 2), (9, 1)], 1),
        ([(2, 2), (4, 2)], 3),
    ],
)
def test_weighted_median(pairs, median):
    assert queries.weighted_median(pairs) == median


# Workload -----------------------------------------------------------------------------------


def test_workload_by_team_and_investigator(by):
    team_a = Team.objects.create(name="Team A")
    team_b = Team.objects.create(name="Team B")
    ivan = UserFactory(username="ivan")
    monday = D(2026, 6, 1)
    make_case(by, D(2026, 5, 1), team=team_a, assignee=ivan, due_on=monday)  # due today
    # 5 working days after Mon 1 Jun 2026 is Mon 8 Jun: inside; Tue 9 Jun is not.
    make_case(by, D(2026, 5, 1), team=team_a, assignee=ivan, due_on=D(2026, 6, 8))
    make_case(by, D(2026, 5, 1), team=team_b, due_on=D(2026, 6, 9))
    make_case(by, D(2026, 5, 1), team=team_a, due_on=D(2026, 5, 29))  # overdue
    make_case(by, D(2026, 5, 1), team=team_a, status=Status.CLOSED, due_on=D(2026, 5, 29))
    f = ReportFilters(D(2026, 4, 1), monday)
    by_team = {r["team__name"]: r for r in queries.workload(Case.objects.all(), f, monday, "team")}
    assert {k: (v["open"], v["due_soon"], v["overdue"]) for k, v in by_team.items()} == {
        "Team A": (3, 2, 1),
        "Team B": (1, 0, 0),
    }
    by_person = {
        r["assignee"]: r for r in queries.workload(Case.objects.all(), f, monday, "assignee")
    }
    assert (by_person[ivan.pk]["open"], by_person[ivan.pk]["due_soon"]) == (2, 2)
    assert (by_person[None]["open"], by_person[None]["overdue"]) == (2, 1)


def test_open_caseload_at_each_month_end(by):
    make_case(by, D(2025, 4, 10), status=Status.CLOSED, closed_on=D(2025, 5, 15))
    make_case(by, D(2025, 4, 20))
    # Closed on the last day of June: not open at the end of June.
    make_case(by, D(2025, 6, 3), status=Status.CLOSED, closed_on=D(2025, 6, 30))
    f = ReportFilters(D(2025, 4, 1), D(2025, 6, 30))
    assert queries.open_caseload_by_month(Case.objects.all(), f, D(2026, 1, 1)) == {
        APR: 2,
        MAY: 1,
        JUN: 1,
    }


# Annual report figures (reg 18) -------------------------------------------------------------


def test_annual_report_figures(by):
    year = (D(2025, 4, 1), D(2026, 3, 31))
    make_case(
        by,
        D(2025, 4, 10),
        status=Status.CLOSED,
        closed_on=D(2025, 6, 1),
        outcome=Outcome.UPHELD,
        subjects=["COMMUNICATIONS"],
        phso_referred_on=D(2025, 9, 1),
    )
    make_case(
        by,
        D(2025, 5, 10),
        status=Status.CLOSED,
        closed_on=D(2025, 7, 1),
        outcome=Outcome.PARTLY_UPHELD,
        subjects=["COMMUNICATIONS", "STAFF"],
    )
    make_case(
        by,
        D(2025, 5, 12),
        status=Status.CLOSED,
        closed_on=D(2025, 7, 1),
        outcome=Outcome.NOT_UPHELD,
    )
    # Received the year before, decided (well-founded) this year, referred this year.
    make_case(
        by,
        D(2025, 2, 1),
        status=Status.CLOSED,
        closed_on=D(2025, 4, 30),
        outcome=Outcome.UPHELD,
        phso_referred_on=D(2025, 12, 1),
    )
    # Not counted: reg 8 exclusion, a PALS concern, decided the year after.
    make_case(by, D(2025, 6, 1), reg8_exclusion="oral_resolved")
    make_case(by, D(2025, 6, 1), kind=CaseKind.PALS_CONCERN)
    make_case(
        by, D(2026, 3, 1), status=Status.CLOSED, closed_on=D(2026, 4, 2), outcome=Outcome.UPHELD
    )
    figures = queries.annual_report_figures(Case.objects.all(), *year)
    assert figures["received"] == 4
    assert figures["well_founded"] == 3
    assert figures["decided"] == 4
    assert figures["ombudsman"] == 2
    assert figures["subjects"] == [("Communications", 2), ("Not recorded", 2), ("Staff", 1)]
    assert figures["monthly"][D(2025, 4, 1)] == 1
    assert figures["monthly"][D(2025, 5, 1)] == 2
    assert figures["monthly"][D(2026, 3, 1)] == 1
    assert sum(figures["monthly"].values()) == 4
