"""The daily counts kept by PostgreSQL triggers (reports/daily_counts.py) must always say what
counting the cases says: after cases are added, escalated, re-dated, restricted, given and
relieved of subjects and staff groups, and contacts logged and moved, the trends figures
counted from the daily counts equal those counted from the cases, and the rows equal a count
from scratch, before and after the nightly fold."""

import dataclasses
import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from casework.models import Case, ServiceArea, StaffGroup, Subject, Team
from casework.workflow import CaseKind
from contacts.models import Contact, Organisation, OrganisationType
from reports import daily_counts, queries
from reports.models import (
    DailyCaseCount,
    DailyContactCount,
    DailyStaffGroupCount,
    DailySubjectContactCount,
    DailySubjectCount,
)
from reports.queries import ReportFilters
from reports.tasks import compact_daily_counts_task
from tests.factories import OrganisationFactory, TeamFactory

from .conftest import D, make_case

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the daily counts are kept by PostgreSQL triggers"
)


KEY = ("day", "kind", "service_area", "team", "org_type")


def _kept() -> dict:
    """Every daily table, summed by key, keys summing to 0 left out."""
    kept = {}
    for model, key in (
        (DailyCaseCount, KEY),
        (DailySubjectCount, (*KEY, "subject")),
        (DailyStaffGroupCount, (*KEY, "staff_group")),
        (DailyContactCount, KEY),
        (DailySubjectContactCount, (*KEY, "subject")),
    ):
        sums = Counter()
        for row in model.objects.values(*key, "n"):
            sums[tuple(row[k] for k in key)] += row["n"]
        kept[model.__name__] = {k: n for k, n in sums.items() if n}
    return kept


def _from_scratch() -> dict:
    """The same figures counted from the cases and contacts in Python."""
    cases, subjects, groups = Counter(), Counter(), Counter()
    for case in (
        Case.objects.filter(restricted=False)
        .select_related("organisation")
        .prefetch_related("subjects", "staff_groups")
    ):
        key = (
            case.received_on,
            case.kind,
            case.service_area_id or 0,
            case.team_id or 0,
            case.organisation.org_type if case.organisation else "",
        )
        cases[key] += 1
        for s in case.subjects.all() or [None]:
            subjects[(*key, s.pk if s else 0)] += 1
        for g in case.staff_groups.all() or [None]:
            groups[(*key, g.pk if g else 0)] += 1
    contacts, subject_contacts = Counter(), Counter()
    for contact in Contact.objects.select_related("case", "organisation").prefetch_related(
        "case__subjects"
    ):
        case = contact.case if contact.case and not contact.case.restricted else None
        key = (
            timezone.localtime(contact.contacted_at).date(),
            case.kind if case else "",
            (case.service_area_id or 0) if case else 0,
            (case.team_id or 0) if case else 0,
            contact.organisation.org_type if contact.organisation else "",
        )
        contacts[key] += 1
        for s in case.subjects.all() if case else ():
            subject_contacts[(*key, s.pk)] += 1
    return {
        "DailyCaseCount": dict(cases),
        "DailySubjectCount": dict(subjects),
        "DailyStaffGroupCount": dict(groups),
        "DailyContactCount": dict(contacts),
        "DailySubjectContactCount": dict(subject_contacts),
    }


def _figures(cases, f: ReportFilters, whole_unit: bool) -> dict:
    series = queries.case_series(cases, f, whole_unit=whole_unit)
    return {
        "contacts": queries.monthly_contacts(cases, f, whole_unit=whole_unit),
        "cases": series.total,
        "by_kind": series.by_kind,
        "kinds": series.kind_counts,
        **{
            dimension: queries.breakdown(cases, f, dimension, whole_unit=whole_unit)
            for dimension in ("subject", "service_area", "staff_group", "organisation")
        },
    }


@pytest.fixture
def busy_year(by, manager):
    """Cases and contacts across a year, then changed every way the counts can move; the
    manager is named on one restricted case."""
    practice = OrganisationFactory(org_type=OrganisationType.GP_PRACTICE)
    pals, complaints = TeamFactory(name="PALS"), TeamFactory(name="Complaints")
    trust = OrganisationFactory(org_type=OrganisationType.TRUST)
    first = make_case(
        by, D(2025, 4, 3), subjects=["COMMUNICATIONS", "STAFF"], organisation=practice
    )
    second = make_case(
        by,
        D(2025, 5, 20),
        kind=CaseKind.PALS_CONCERN,
        staff_groups=["MEDICAL"],
        service_area="MATERNITY",
        organisation=trust,
    )
    third = make_case(by, D(2025, 9, 30), kind=CaseKind.ENQUIRY, organisation=practice)
    hidden = make_case(by, D(2025, 6, 1), subjects=["STAFF"], restricted=True)
    named = make_case(by, D(2025, 7, 1), subjects=["COMMUNICATIONS"], restricted=True)
    named.restricted_to.add(manager)
    for n in range(4):
        make_case(by, D(2025, 8, 10 + n), kind=CaseKind.COMPLIMENT, subjects=["STAFF"])
    # Escalated, re-dated, moved to another service area.
    Case.objects.filter(pk=second.pk).update(kind=CaseKind.COMPLAINT, received_on=D(2025, 6, 2))
    second.service_area = ServiceArea.objects.get(code="ACCIDENT_AND_EMERGENCY")
    second.save()
    # Subjects and staff groups given, changed and taken away.
    first.subjects.remove(Subject.objects.get(code="STAFF"))
    third.subjects.set(Subject.objects.filter(code__in=["COMMUNICATIONS", "STAFF"]))
    third.subjects.set(Subject.objects.filter(code="STAFF"))
    second.staff_groups.clear()
    first.staff_groups.add(*StaffGroup.objects.all()[:2])
    # Restricted after the event, and a restricted case opened up again.
    Case.objects.filter(pk=third.pk).update(restricted=True)
    Case.objects.filter(pk=third.pk).update(restricted=False)
    Case.objects.filter(pk=first.pk).update(restricted=True)
    Case.objects.filter(pk=first.pk).update(restricted=False)
    Case.objects.filter(pk=hidden.pk).update(received_on=D(2025, 6, 3))
    # Contacts either side of midnight in summer time, one moved a day.
    contact = Contact.objects.filter(case=third).first()
    Contact.objects.filter(pk=contact.pk).update(
        contacted_at=dt.datetime(2025, 7, 31, 23, 30, tzinfo=dt.UTC)  # 1 August in London
    )
    # A contact moved to another case, and one from triage attached to a case.
    Contact.objects.filter(pk=Contact.objects.filter(case=first).first().pk).update(case=second)
    triage = Contact.objects.create(
        channel="email", contacted_at=dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC), summary="Help"
    )
    Contact.objects.filter(pk=triage.pk).update(case=named)
    # Contacts given an organisation and moved to another; a case moved to another
    # organisation, and one to none; an organisation that changes type.
    Contact.objects.filter(case=second).update(organisation=trust)
    Contact.objects.filter(case=first).update(organisation=practice)
    Contact.objects.filter(case=first).update(organisation=trust)
    Contact.objects.filter(pk=triage.pk).update(organisation=practice)
    Case.objects.filter(pk=third.pk).update(organisation=trust)
    Case.objects.filter(pk=hidden.pk).update(organisation=practice)
    Case.objects.filter(kind=CaseKind.COMPLIMENT).update(organisation=practice)
    Case.objects.filter(pk=third.pk).update(organisation=None)
    practice.org_type = OrganisationType.DENTAL_PRACTICE
    practice.save()
    Organisation.objects.filter(pk=trust.pk).update(org_type=OrganisationType.GP_PRACTICE)
    # Cases allocated to teams, reallocated, and one taken off its team.
    Case.objects.exclude(kind=CaseKind.COMPLAINT).update(team=pals)
    Case.objects.filter(kind=CaseKind.COMPLAINT).update(team=complaints)
    second.team = pals
    second.save()
    Case.objects.filter(pk=named.pk).update(team=complaints)
    Case.objects.filter(pk=first.pk).update(team=None)
    # A case with subjects and contacts restricted for good: its contacts leave the counts.
    Case.objects.filter(pk=Case.objects.filter(kind=CaseKind.COMPLIMENT).first().pk).update(
        restricted=True
    )
    return manager


def test_the_daily_counts_equal_a_count_from_scratch(busy_year):
    assert _kept() == _from_scratch()
    compact_daily_counts_task()
    assert _kept() == _from_scratch()
    # Folded: one row per key.
    assert DailySubjectCount.objects.count() == len(_from_scratch()["DailySubjectCount"])
    DailySubjectCount.objects.update(n=0)  # as if a restore had run without triggers
    call_command("rebuild_daily_counts")
    assert _kept() == _from_scratch()


@pytest.mark.parametrize(
    "f",
    [
        ReportFilters(D(2025, 4, 1), D(2026, 3, 31)),
        ReportFilters(D(2025, 5, 15), D(2025, 9, 30)),
        ReportFilters(D(2025, 4, 1), D(2026, 3, 31), kind=CaseKind.COMPLAINT),
        ReportFilters(D(2025, 8, 11), D(2025, 8, 12), kind=CaseKind.COMPLIMENT),
        ReportFilters(D(2025, 4, 1), D(2026, 3, 31), service_area="ACCIDENT_AND_EMERGENCY"),
        ReportFilters(D(2025, 4, 1), D(2026, 3, 31), org_type=OrganisationType.GP_PRACTICE),
        ReportFilters(D(2025, 4, 1), D(2026, 3, 31), org_type=OrganisationType.DENTAL_PRACTICE),
        ReportFilters(
            D(2025, 5, 15),
            D(2025, 9, 30),
            kind=CaseKind.COMPLAINT,
            service_area="ACCIDENT_AND_EMERGENCY",
            org_type=OrganisationType.GP_PRACTICE,
        ),
        ReportFilters(D(2025, 4, 1), D(2026, 3, 31), subject="STAFF"),
        ReportFilters(D(2025, 4, 1), D(2026, 3, 31), team="PALS"),
        ReportFilters(D(2025, 4, 1), D(2026, 3, 31), team="Complaints", subject="STAFF"),
        ReportFilters(
            D(2025, 5, 15),
            D(2025, 9, 30),
            kind=CaseKind.COMPLIMENT,
            subject="STAFF",
            org_type=OrganisationType.DENTAL_PRACTICE,
        ),
    ],
    ids=[
        "year",
        "part-months",
        "complaints",
        "two-days",
        "service-area",
        "gp-practices",
        "dental-practices",
        "every-filter-kept",
        "subject",
        "subject-and-more",
        "team",
        "team-and-subject",
    ],
)
def test_trends_from_the_daily_counts_equal_trends_from_the_cases(busy_year, f):
    if isinstance(f.service_area, str):
        f = dataclasses.replace(f, service_area=ServiceArea.objects.get(code=f.service_area))
    if isinstance(f.subject, str):
        f = dataclasses.replace(f, subject=Subject.objects.get(code=f.subject))
    if isinstance(f.team, str):
        f = dataclasses.replace(f, team=Team.objects.get(name=f.team))
    assert daily_counts.serve(f, whole_unit=True, counting="contacts")
    for cases in (Case.objects.all(), Case.objects.visible_to(busy_year)):
        assert _figures(cases, f, whole_unit=True) == _figures(cases, f, whole_unit=False)


def test_a_change_rolled_back_leaves_no_count(by):
    from django.db import transaction

    before = _kept()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(by, D(2025, 4, 3), subjects=["STAFF"])
        raise RuntimeError("the user's request failed")
    assert _kept() == before


def test_the_data_generator_leaves_the_daily_counts_whole(db):
    # generate_data loads without triggers when it may (as a superuser), then recounts.
    call_command("generate_data", cases=300, seed=5, stdout=open("/dev/null", "w"))
    assert _kept() == _from_scratch()
    assert sum(_kept()["DailyCaseCount"].values()) == Case.objects.filter(restricted=False).count()
