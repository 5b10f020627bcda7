"""Aggregate reads for reports: counted in the database, never row by row in Python.

No function here returns a person, a name or free text, except `workload`, whose
investigator rows are for complaints managers only (the view enforces that).

Every function takes the base queryset of cases the reader may count (see
`reports.views.countable_cases`) and a `ReportFilters`, so pages, downloads, the KO41 return
and the annual report all count the same way.

Indexes these queries lean on (casework.models.Case.Meta): (kind, received_on) for every
period filter, (organisation, received_on) for the provider and organisation filters,
(status, due_on) for open and overdue, (team, status) and (assignee, status) for workload;
added for reports: Case (kind, closed_on) for complaints closed in a year (KO41, the annual
report; casework migration 0007_report_indexes) and Contact (contacted_at) for contacts per
month (contacts migration 0002_report_indexes). To be confirmed with the benchmark harness.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from casework import deadlines
from casework.models import Case, Referral, ReferralStatus, ServiceArea, Subject, Team
from casework.workflow import FINISHED, CaseKind, Outcome
from contacts.models import Contact, Organisation

NO_VALUE = "Not recorded"


@dataclass(frozen=True)
class ReportFilters:
    """What a report counts: cases received from `start` to `end` inclusive, narrowed by the
    optional filters (each None for "any")."""

    start: dt.date
    end: dt.date
    organisation: Organisation | None = None
    org_type: str = ""
    team: Team | None = None
    kind: str = ""
    subject: Subject | None = None
    service_area: ServiceArea | None = None


def financial_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The NHS financial year (1 April to 31 March) containing `day`."""
    first = dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    return first, dt.date(first.year + 1, 3, 31)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every calendar month from start's to end's, inclusive."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = deadlines.add_months(month, 1)
    return months


def month_end(month: dt.date) -> dt.date:
    return deadlines.add_months(month, 1) - dt.timedelta(days=1)


def _month_key(value) -> dt.date:
    # TruncMonth gives a date for a DateField and an aware datetime for a DateTimeField.
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def apply_filters(cases: QuerySet, f: ReportFilters) -> QuerySet:
    """Narrow cases by everything in `f` except the period."""
    if f.organisation is not None:
        cases = cases.filter(organisation=f.organisation)
    if f.org_type:
        cases = cases.filter(organisation__org_type=f.org_type)
    if f.team is not None:
        cases = cases.filter(team=f.team)
    if f.kind:
        cases = cases.filter(kind=f.kind)
    if f.service_area is not None:
        cases = cases.filter(service_area=f.service_area)
    if f.subject is not None:
        # A subquery rather than a join, so a later grouping by subject still sees every
        # subject of the matching cases, not only the one filtered on.
        cases = cases.filter(
            pk__in=Case.subjects.through.objects.filter(subject=f.subject).values("case_id")
        )
    return cases


def received_in_period(cases: QuerySet, f: ReportFilters) -> QuerySet:
    return apply_filters(cases, f).filter(received_on__range=(f.start, f.end))


def statutory_complaints(cases: QuerySet) -> QuerySet:
    """Formal complaints handled under the regulations: a reg 8 exclusion (SI 2009/309
    reg 8(1)) takes a complaint out of every statutory count."""
    return cases.filter(kind=CaseKind.COMPLAINT, reg8_exclusion="")


# Trends -------------------------------------------------------------------------------------


def cases_by_kind(start: dt.date, end: dt.date) -> list[dict]:
    """Cases received between start and end (inclusive), counted by kind, every kind listed."""
    counts = dict(
        Case.objects.filter(received_on__range=(start, end))
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [{"kind": label, "count": counts.get(value, 0)} for value, label in CaseKind.choices]


def monthly_cases(cases: QuerySet, f: ReportFilters) -> dict[dt.date, int]:
    """Cases received per month of the period (months with none are 0)."""
    rows = (
        received_in_period(cases, f)
        .annotate(month=TruncMonth("received_on"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {_month_key(month): n for month, n in rows}
    return {m: counts.get(m, 0) for m in months_between(f.start, f.end)}


def monthly_cases_by_kind(cases: QuerySet, f: ReportFilters) -> dict[str, dict[dt.date, int]]:
    """{kind: {month: count}} for every kind, months with none 0."""
    rows = (
        received_in_period(cases, f)
        .annotate(month=TruncMonth("received_on"))
        .values_list("kind", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {(kind, _month_key(month)): n for kind, month, n in rows}
    months = months_between(f.start, f.end)
    return {kind: {m: counts.get((kind, m), 0) for m in months} for kind in CaseKind.values}


def monthly_contacts(cases: QuerySet, f: ReportFilters) -> dict[dt.date, int]:
    """Contacts made per month of the period. The case filters apply through the contact's
    case (the organisation filters through the contact's own organisation, so contacts still
    in triage count too); with a case filter set, contacts with no case drop out."""
    tz = timezone.get_current_timezone()
    contacts = Contact.objects.filter(
        contacted_at__gte=dt.datetime.combine(f.start, dt.time.min, tzinfo=tz),
        contacted_at__lt=dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )
    if f.organisation is not None:
        contacts = contacts.filter(organisation=f.organisation)
    if f.org_type:
        contacts = contacts.filter(organisation__org_type=f.org_type)
    case_filters = ReportFilters(
        f.start, f.end, team=f.team, kind=f.kind, subject=f.subject, service_area=f.service_area
    )
    if case_filters != ReportFilters(f.start, f.end):
        contacts = contacts.filter(case__in=apply_filters(cases, case_filters).values("pk"))
    rows = (
        contacts.annotate(month=TruncMonth("contacted_at", tzinfo=tz))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {_month_key(month): n for month, n in rows}
    return {m: counts.get(m, 0) for m in months_between(f.start, f.end)}


# What each breakdown groups on, and the label of its column.
DIMENSIONS = {
    "kind": ("kind", "Kind"),
    "subject": ("subjects__name", "Subject"),
    "service_area": ("service_area__name", "Service area"),
    "staff_group": ("staff_groups__name", "Staff group"),
    "organisation": ("organisation__name", "Organisation"),
}


def _label(dimension: str, value) -> str:
    if value in (None, ""):
        return NO_VALUE
    if dimension == "kind":
        return CaseKind(value).label
    return value


def counts_by(cases: QuerySet, f: ReportFilters, dimension: str) -> list[tuple[str, int]]:
    """Cases received in the period by one dimension, largest first. A case with several
    subjects (or staff groups) counts once under each; one with none under "Not recorded"."""
    field, _ = DIMENSIONS[dimension]
    rows = (
        received_in_period(cases, f)
        .values_list(field)
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    return sorted(((_label(dimension, v), n) for v, n in rows), key=lambda r: (-r[1], r[0]))


def top_movers(
    cases: QuerySet, f: ReportFilters, dimension: str, limit: int = 5
) -> list[tuple[str, int, int, int]]:
    """(name, previous month, latest month, change) for the categories whose count changed
    most between the last two months of the period, biggest change first."""
    field, _ = DIMENSIONS[dimension]
    latest = f.end.replace(day=1)
    previous = deadlines.add_months(latest, -1)
    if previous < f.start.replace(day=1):
        return []
    rows = (
        apply_filters(cases, f)
        .filter(received_on__range=(previous, month_end(latest)))
        .annotate(month=TruncMonth("received_on"))
        .values_list(field, "month")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for value, month, n in rows:
        counts[_label(dimension, value)][0 if _month_key(month) == previous else 1] += n
    movers = [(name, a, b, b - a) for name, (a, b) in counts.items() if a != b]
    movers.sort(key=lambda r: (-abs(r[3]), r[0]))
    return movers[:limit]


# Compliance ---------------------------------------------------------------------------------

GROUPS = {
    "team": ("team__name", "Team"),
    "organisation": ("organisation__name", "Organisation"),
}


@dataclass
class Compliance:
    """Compliance with the statutory deadlines for complaints received in the period."""

    label: str
    received: int = 0
    # SI 2009/309 reg 13(1): acknowledged not later than 3 working days after receipt.
    acknowledgement_measured: int = 0
    acknowledged_in_time: int = 0
    # reg 13(7)/14: the response sent within the response period agreed (or decided).
    responded: int = 0
    responded_in_time: int = 0
    # reg 14(4): six months from receipt without a response.
    over_six_months: int = 0
    median_working_days: float | None = None
    open_now: int = 0
    overdue_now: int = 0


def compliance(
    cases: QuerySet, f: ReportFilters, today: dt.date, group: str | None = None
) -> list[Compliance]:
    """Compliance figures for statutory complaints received in the period, overall (one row)
    or by team or organisation. Open and overdue are now, whenever the complaint came in.

    - acknowledged in time: of complaints acknowledged, or whose acknowledgement is due
      before today, those acknowledged on or before `acknowledgement_due`;
    - answered in time: of responses sent, those sent on or before `response_due` (the agreed
      response period, including an agreed extension);
    - over six months: of complaints received, those answered (or closed, or still open today)
      on or after the six-month point (`casework.deadlines.six_month_point`);
    - median working days from receipt to the response sent (reg 2 working days).
    """
    field = GROUPS[group][0] if group else None
    keys = [field] if field else []
    complaints = statutory_complaints(received_in_period(cases, f))
    rows: dict[object, Compliance] = {}

    def row(key) -> Compliance:
        if key not in rows:
            label = "All complaints" if not field else (key or NO_VALUE)
            rows[key] = Compliance(label=label)
        return rows[key]

    measures = {
        "received": Count("id"),
        "acknowledgement_measured": Count(
            "id", filter=Q(acknowledged_on__isnull=False) | Q(acknowledgement_due__lt=today)
        ),
        "acknowledged_in_time": Count(
            "id", filter=Q(acknowledged_on__lte=F("acknowledgement_due"))
        ),
        "responded": Count("id", filter=Q(response_sent_on__isnull=False)),
        "responded_in_time": Count("id", filter=Q(response_sent_on__lte=F("response_due"))),
    }
    for r in _grouped(complaints, field, measures):
        target = row(r.get(field) if field else None)
        for name in measures:
            setattr(target, name, r[name])

    # Six months and working days are calendar rules the database cannot apply (the
    # end-of-month clamp, bank holidays), so the database first collapses the complaints to
    # distinct (group, received, answered, closed) date combinations with a count, and only
    # those — a few hundred a year per group, not one per complaint — are looped over here.
    durations: dict[object, list[tuple[int, int]]] = defaultdict(list)
    combinations = (
        complaints.values_list(*keys, "received_on", "response_sent_on", "closed_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    for values in combinations:
        key = values[0] if field else None
        received, sent, closed, n = values[-4:]
        finished = sent or closed or today
        if deadlines.is_past_six_months(received, finished):
            row(key).over_six_months += n
        if sent is not None:
            durations[key].append((deadlines.working_days_between(received, sent), n))
    for key, pairs in durations.items():
        row(key).median_working_days = weighted_median(pairs)

    now = statutory_complaints(apply_filters(cases, f)).unfinished()
    current = {"open_now": Count("id"), "overdue_now": Count("id", filter=Q(due_on__lt=today))}
    for r in _grouped(now, field, current):
        target = row(r.get(field) if field else None)
        target.open_now, target.overdue_now = r["open_now"], r["overdue_now"]

    if not field:
        return [row(None)]
    return sorted(rows.values(), key=lambda c: (c.label == NO_VALUE, c.label))


def _grouped(cases: QuerySet, field: str | None, measures: dict) -> list[dict]:
    """One row per value of `field` (a GROUP BY), or a single row for the whole set."""
    if field is None:
        return [cases.aggregate(**measures)]
    return list(cases.values(field).annotate(**measures).order_by())


def weighted_median(pairs: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times); the mean of the two middle
    values when the count is even."""
    total = sum(n for _, n in pairs)
    if not total:
        return None
    ordered = sorted(pairs)

    def nth(k: int) -> int:  # 0-based
        seen = 0
        for value, n in ordered:
            seen += n
            if k < seen:
                return value
        raise IndexError(k)

    middle = total // 2
    if total % 2:
        return float(nth(middle))
    return statistics.fmean((nth(middle - 1), nth(middle)))


# Providers ----------------------------------------------------------------------------------


def complaints_by_provider(cases: QuerySet, f: ReportFilters) -> list[dict]:
    """Statutory complaints received in the period about each organisation, with outcomes
    and responses sent in time. Organisations only: no people."""
    rows = (
        statutory_complaints(received_in_period(cases, f))
        .filter(organisation__isnull=False)
        .values(
            "organisation__name",
            "organisation__ods_code",
            "organisation__org_type",
            "organisation__is_independent_contractor",
        )
        .annotate(
            received=Count("id"),
            upheld=Count("id", filter=Q(outcome=Outcome.UPHELD)),
            partly_upheld=Count("id", filter=Q(outcome=Outcome.PARTLY_UPHELD)),
            not_upheld=Count("id", filter=Q(outcome=Outcome.NOT_UPHELD)),
            responded=Count("id", filter=Q(response_sent_on__isnull=False)),
            responded_in_time=Count("id", filter=Q(response_sent_on__lte=F("response_due"))),
        )
        .order_by("-received", "organisation__name")
    )
    return list(rows)


def referral_response_times(cases: QuerySet, f: ReportFilters) -> list[dict]:
    """Referrals sent to each provider for cases received in the period: how many were sent,
    acknowledged within 3 working days, answered, answered by the date they were due, still
    outstanding, and the median working days from sending to the provider's response.

    Counted in the database per provider; the median needs working days (bank holidays), so
    the database first collapses the answered referrals to distinct (provider, sent, answered)
    date pairs with a count, and only those are looped over here."""

    referrals = Referral.objects.filter(
        case__in=received_in_period(cases, f).values("pk"), sent_on__isnull=False
    )
    keys = (
        "organisation",
        "organisation__name",
        "organisation__ods_code",
        "organisation__org_type",
    )
    rows = {
        r["organisation"]: dict(r, median_working_days=None)
        for r in referrals.values(*keys)
        .annotate(
            sent=Count("id"),
            acknowledged_in_time=Count(
                "id", filter=Q(acknowledged_on__lte=F("acknowledgement_due"))
            ),
            answered=Count("id", filter=Q(response_received_on__isnull=False)),
            answered_in_time=Count("id", filter=Q(response_received_on__lte=F("response_due"))),
            outstanding=Count(
                "id", filter=Q(status__in=[ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED])
            ),
        )
        .order_by("organisation__name")
    }
    durations: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for org, sent, answered, n in (
        referrals.filter(response_received_on__isnull=False)
        .values_list("organisation", "sent_on", "response_received_on")
        .annotate(n=Count("id"))
        .order_by()
    ):
        durations[org].append((deadlines.working_days_between(sent, answered), n))
    for org, pairs in durations.items():
        rows[org]["median_working_days"] = weighted_median(pairs)
    return list(rows.values())


# Workload (complaints managers only) --------------------------------------------------------


def workload(cases: QuerySet, f: ReportFilters, today: dt.date, by: str) -> list[dict]:
    """Open cases now per team (`by="team"`) or per investigator (`by="assignee"`): open,
    due within the next 5 working days (today included), and overdue."""
    field = {"team": "team__name", "assignee": "assignee"}[by]
    soon = deadlines.add_working_days(today, 5)
    rows = (
        apply_filters(cases, f)
        .unfinished()
        .values(field)
        .annotate(
            open=Count("id"),
            due_soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=soon)),
            overdue=Count("id", filter=Q(due_on__lt=today)),
        )
        .order_by()
    )
    return list(rows)


def open_caseload_by_month(cases: QuerySet, f: ReportFilters, today: dt.date) -> dict[dt.date, int]:
    """Cases open at the end of each month of the period (or today, for the current month):
    received by then and not finished by then. One query: a filtered count per month."""
    points = {m: min(month_end(m), today) for m in months_between(f.start, f.end) if m <= today}
    if not points:
        return {}
    counts = apply_filters(cases, f).aggregate(
        **{
            f"m{i}": Count(
                "id",
                filter=Q(received_on__lte=day)
                & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))
                # A finished case with no closing date (imported, say) is not open.
                & ~Q(status__in=FINISHED, closed_on__isnull=True),
            )
            for i, day in enumerate(points.values())
        }
    )
    return {m: counts[f"m{i}"] for i, m in enumerate(points)}


# Annual report (SI 2009/309 reg 18) ---------------------------------------------------------


def annual_report_figures(cases: QuerySet, start: dt.date, end: dt.date) -> dict:
    """The numbers reg 18(2) asks for, for the year from `start` to `end`:

    - complaints received (statutory complaints received in the year);
    - decided to be well-founded (closed in the year as upheld or partly upheld);
    - referred to the Ombudsman (referral date in the year, as far as the body knows);
    - the subject matter (complaints received, by subject; once under each subject);
    - received per month, for the chart.
    """
    statutory = statutory_complaints(cases)
    f = ReportFilters(start, end)
    counted = statutory.aggregate(
        received=Count("id", filter=Q(received_on__range=(start, end))),
        well_founded=Count(
            "id",
            filter=Q(closed_on__range=(start, end))
            & Q(outcome__in=[Outcome.UPHELD, Outcome.PARTLY_UPHELD]),
        ),
        decided=Count(
            "id",
            filter=Q(closed_on__range=(start, end))
            & Q(outcome__in=[Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD]),
        ),
        ombudsman=Count("id", filter=Q(phso_referred_on__range=(start, end))),
    )
    return {
        **counted,
        "subjects": counts_by(statutory, f, "subject"),
        "monthly": monthly_cases(statutory, f),
    }
