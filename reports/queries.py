"""Aggregate reads for reports: counted in the database, never row by row in Python.

No function here returns a person, a name or free text, except `workload`, whose
investigator rows are for complaints managers only (the view enforces that).

Every function takes the base queryset of cases the reader may count (see
`reports.views.countable_cases`) and a `ReportFilters`, so pages, downloads, the KO41 return
and the annual report all count the same way.

How the trends and compliance pages stay fast at a million cases: rows are counted with
COUNT(1) (no DISTINCT: only the many-to-many dimensions join, and a (case, subject) pair is
unique); months are filtered counts, not a truncated date per row; a breakdown and its top
movers are one grouped query; cases by month in total, by kind, and by kind for the period are
one; groups are ids, named afterwards from the small tables; compliance counts everything in
one pass per grouping (open and overdue now included), works out the six-month point and the
working days in SQL (`AddMonths`, `WorkingDaysBetween`), and on PostgreSQL the median by
organisation too (`Median`).

Indexes these queries lean on: on PostgreSQL, two covering indexes (casework migration
0006_postgresql_indexes) give index-only scans of the period: case_report_received_idx,
(received_on) INCLUDE (kind, restricted, id, organisation_id, service_area_id, team_id), for
the trends (cases by kind and month, by organisation and service area, and the period's case
ids hash-joined to the subject and staff group rows); and case_report_complaint_outcome_idx
(the same migration), the same key over statutory complaints only (WHERE kind = 'complaint' AND
reg8_exclusion = '') with every compliance column and the outcome, for the compliance and
providers pages. Contact (contacted_at) serves contacts per month as an index-only scan.
Elsewhere, and on SQLite: (kind, received_on) for period filters, (organisation, received_on)
for the provider and organisation filters, (status, due_on) for open and overdue, (team,
status) and (assignee, status) for workload, and (kind, closed_on) for complaints closed in a
year (KO41, the annual report); all declared in Case.Meta.
"""

import datetime as dt
import json
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db import NotSupportedError, connection
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from casework import deadlines
from casework.models import Case, ServiceArea, StaffGroup, Subject, Team
from casework.referrals.models import Referral
from casework.workflow import FINISHED, REFERRAL_OUTSTANDING, CaseKind, Outcome
from contacts.models import Contact, Organisation

from . import daily_counts

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


def count_rows(filter: Q | None = None) -> Count:
    """COUNT(1), with an optional FILTER: counting rows rather than a column lets PostgreSQL
    answer from an index that does not hold the column (an index-only scan)."""
    return Count(Value(1), filter=filter)


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


def _per_month(months: list[dt.date], bounds) -> dict[str, Count]:
    """One filtered count per month (`m0`, `m1`, ...), `bounds(month)` giving its Q. Comparing
    each row with the month's bounds costs the database far less than truncating every row's
    date (a function call per row and, for a timestamp, a time-zone conversion)."""
    return {f"m{i}": count_rows(filter=bounds(month)) for i, month in enumerate(months)}


def _month_days(months: list[dt.date], f: ReportFilters) -> dict[str, tuple[dt.date, dt.date]]:
    """{"m0": (first day, last day), ...}: each month's days within the period, the bounds the
    daily counts are summed over (as `_per_month` names its counts)."""
    return {
        f"m{i}": (max(month, f.start), min(month_end(month), f.end))
        for i, month in enumerate(months)
    }


def _received_in_month(month: dt.date) -> Q:
    return Q(received_on__range=(month, month_end(month)))


def monthly_cases(cases: QuerySet, f: ReportFilters) -> dict[dt.date, int]:
    """Cases received per month of the period (months with none are 0)."""
    months = months_between(f.start, f.end)
    counts = received_in_period(cases, f).aggregate(**_per_month(months, _received_in_month))
    return {m: counts[f"m{i}"] for i, m in enumerate(months)}


@dataclass
class CaseSeries:
    """Cases received in the period month by month, in total and by kind, and by kind for the
    whole period: one grouped query (`case_series`), since the total is the sum of the kinds."""

    total: dict[dt.date, int]
    by_kind: dict[str, dict[dt.date, int]]
    kind_counts: list[tuple[str, int]]


def case_series(cases: QuerySet, f: ReportFilters, whole_unit: bool = False) -> CaseSeries:
    """With `whole_unit` (`cases` holds every unrestricted case), the daily counts stand in
    for the unrestricted cases where they can (reports/daily_counts.py)."""
    months = months_between(f.start, f.end)
    rows = []
    if daily_counts.serve(f, whole_unit, "kind"):
        rows = [
            (r["kind"], *(r[f"m{i}"] for i in range(len(months))))
            for r in daily_counts.case_rows(f, _month_days(months, f), f.start, f.end)
        ]
        cases = cases.filter(restricted=True)
    rows += (
        received_in_period(cases, f)
        .values_list("kind")
        .annotate(**_per_month(months, _received_in_month))
        .order_by()
    )
    counts: dict[str, dict[dt.date, int]] = {}
    for kind, *monthly in rows:
        by_month = counts.setdefault(kind, dict.fromkeys(months, 0))
        for month, n in zip(months, monthly, strict=True):
            by_month[month] += n
    zero = dict.fromkeys(months, 0)
    return CaseSeries(
        total={m: sum(c[m] for c in counts.values()) for m in months},
        by_kind={kind: counts.get(kind, zero).copy() for kind in CaseKind.values},
        kind_counts=_ranked(
            ("kind", kind, sum(monthly.values())) for kind, monthly in counts.items()
        ),
    )


def monthly_cases_by_kind(cases: QuerySet, f: ReportFilters) -> dict[str, dict[dt.date, int]]:
    """{kind: {month: count}} for every kind, months with none 0."""
    return case_series(cases, f).by_kind


def monthly_contacts(
    cases: QuerySet, f: ReportFilters, whole_unit: bool = False
) -> dict[dt.date, int]:
    """Contacts made per month of the period. The case filters apply through the contact's
    case (the organisation filters through the contact's own organisation, so contacts still
    in triage count too); with a case filter set, contacts with no case drop out. With no
    case filter, every contact counts. From the daily counts where they are kept."""
    months = months_between(f.start, f.end)
    # The filters that apply through the contact's case.
    case_filters = ReportFilters(
        f.start, f.end, team=f.team, kind=f.kind, subject=f.subject, service_area=f.service_area
    )
    by_case = case_filters != ReportFilters(f.start, f.end)
    kept = dict.fromkeys(range(len(months)), 0)
    if daily_counts.serve(f, whole_unit, "contacts"):
        counts = daily_counts.contact_counts(f, _month_days(months, f))
        kept = {i: counts[f"m{i}"] for i in kept}
        if not by_case:
            return {m: kept[i] for i, m in enumerate(months)}
        # The restricted cases' contacts the reader may count, from the cases.
        cases = cases.filter(restricted=True)
    tz = timezone.get_current_timezone()

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=tz)

    contacts = Contact.objects.filter(
        contacted_at__gte=midnight(f.start),
        contacted_at__lt=midnight(f.end + dt.timedelta(days=1)),
    )
    if f.organisation is not None:
        contacts = contacts.filter(organisation=f.organisation)
    if f.org_type:
        contacts = contacts.filter(organisation__org_type=f.org_type)
    if by_case:
        contacts = contacts.filter(case__in=apply_filters(cases, case_filters).values("pk"))
    counts = contacts.aggregate(
        **_per_month(
            months,
            lambda m: Q(
                contacted_at__gte=midnight(m),
                contacted_at__lt=midnight(deadlines.add_months(m, 1)),
            ),
        )
    )
    return {m: kept[i] + counts[f"m{i}"] for i, m in enumerate(months)}


# What each breakdown groups on, and the label of its column.
DIMENSIONS = {
    "kind": ("kind", "Kind"),
    "subject": ("subjects__name", "Subject"),
    "service_area": ("service_area__name", "Service area"),
    "staff_group": ("staff_groups__name", "Staff group"),
    "organisation": ("organisation__name", "Organisation"),
}

# The id the database groups each named dimension on, and the table its names come from:
# grouping on a small integer and naming the few groups afterwards is far cheaper than joining
# every case to the names and grouping on text. For subjects and staff groups the group is the
# many-to-many row's target, counted once per case (the pair is unique), and the cases with
# none fall into the NULL group of the outer join.
GROUPED_ON = {
    "subject": ("subjects", Subject),
    "service_area": ("service_area", ServiceArea),
    "staff_group": ("staff_groups", StaffGroup),
    "organisation": ("organisation", Organisation),
}
MANY_TO_MANY = ("subject", "staff_group")


def _label(dimension: str, value) -> str:
    if value in (None, ""):
        return NO_VALUE
    if dimension == "kind":
        return CaseKind(value).label
    return value


def _ranked(rows) -> list[tuple[str, int]]:
    """(dimension, value, count) rows with a count, labelled, largest first."""
    return sorted(
        ((_label(dimension, value), n) for dimension, value, n in rows if n),
        key=lambda r: (-r[1], r[0]),
    )


def _names(model, ids: list) -> dict:
    """{id: name} for the groups a report found, looked up after grouping in one query: by id
    for a few, or the whole (small) table when there are many, rather than a query with
    thousands of parameters."""
    ids = [i for i in ids if i is not None]
    names = model.objects.order_by()
    if len(ids) <= 500:
        names = names.filter(pk__in=ids)
    return dict(names.values_list("pk", "name"))


@dataclass
class Breakdown:
    """Cases received in the period by one dimension (largest first), and the top movers
    between the last two months of the period."""

    counts: list[tuple[str, int]]
    movers: list[tuple[str, int, int, int]]


def _movers_months(f: ReportFilters) -> tuple[dt.date, dt.date] | None:
    """The month before the last month of the period, and the last; None when the period
    does not reach back into the month before."""
    latest = f.end.replace(day=1)
    previous = deadlines.add_months(latest, -1)
    if previous < f.start.replace(day=1):
        return None
    return previous, latest


def breakdown(
    cases: QuerySet,
    f: ReportFilters,
    dimension: str,
    movers: bool = True,
    limit: int = 5,
    whole_unit: bool = False,
) -> Breakdown:
    """Cases received in the period by one dimension, and (with `movers`) the `limit`
    categories whose count changed most between the last two months, in one grouped query
    over both date ranges. A case with several subjects (or staff groups) counts once under
    each; one with none under "Not recorded". With `whole_unit` (`cases` holds every
    unrestricted case), the daily counts stand in for the unrestricted cases where they can."""
    window = _movers_months(f) if movers else None
    lowest, highest = f.start, f.end
    days = {"n": (f.start, f.end)}
    if window is None:
        measures = {"n": count_rows()}
    else:
        previous, latest = window
        lowest, highest = min(lowest, previous), max(highest, month_end(latest))
        days.update(before=(previous, month_end(previous)), after=(latest, month_end(latest)))
        measures = {
            name: count_rows(filter=Q(received_on__range=bounds)) for name, bounds in days.items()
        }
    group_on, model = GROUPED_ON.get(dimension, (dimension, None))
    rows, counted = [], cases
    if daily_counts.serve(f, whole_unit, dimension) and dimension in daily_counts.DIMENSION_TABLES:
        rows = daily_counts.dimension_rows(f, dimension, group_on, days, lowest, highest)
        counted = cases.filter(restricted=True)
    grouped = (
        apply_filters(counted, f)
        .filter(received_on__range=(lowest, highest))
        .values(group_on)
        .annotate(**measures)
    )
    rows += grouped.order_by()
    if model is None:
        names = None
    else:
        names = _names(model, [r[group_on] for r in rows])
        if dimension in MANY_TO_MANY and len(set(names.values())) < len(names):
            # Two of the categories share a name: a case under both counts once under it,
            # which only counting distinct cases by name can tell.
            return _breakdown_by_name(cases, f, dimension, window, limit)
    # One pass over the groups (a row per organisation of the directory, at national scale).
    totals: dict[object, int] = defaultdict(int)
    changes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        name = r[group_on] if names is None else names.get(r[group_on])
        totals[name] += r["n"]
        if window is not None and (r["before"] or r["after"]):
            change = changes[_label(dimension, name)]
            change[0] += r["before"]
            change[1] += r["after"]
    return Breakdown(
        counts=_ranked((dimension, value, n) for value, n in totals.items()),
        movers=_movers(changes, limit),
    )


def _movers(changes: dict[str, list[int]], limit: int) -> list[tuple[str, int, int, int]]:
    movers = [(name, a, b, b - a) for name, (a, b) in changes.items() if a != b]
    movers.sort(key=lambda r: (-abs(r[3]), r[0]))
    return movers[:limit]


def _breakdown_by_name(cases, f, dimension, window, limit) -> Breakdown:
    """`breakdown` for a many-to-many dimension whose names are not unique: distinct cases
    grouped by name (slower; only when an administrator has given two codes one name)."""
    field, _ = DIMENSIONS[dimension]
    rows = (
        received_in_period(cases, f)
        .values_list(field)
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    changes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if window is not None:
        previous, latest = window
        for value, month, n in (
            apply_filters(cases, f)
            .filter(received_on__range=(previous, month_end(latest)))
            .annotate(month=TruncMonth("received_on"))
            .values_list(field, "month")
            .annotate(n=Count("id", distinct=True))
            .order_by()
        ):
            changes[_label(dimension, value)][0 if _month_key(month) == previous else 1] += n
    return Breakdown(
        counts=_ranked((dimension, value, n) for value, n in rows), movers=_movers(changes, limit)
    )


def counts_by(cases: QuerySet, f: ReportFilters, dimension: str) -> list[tuple[str, int]]:
    """Cases received in the period by one dimension, largest first. A case with several
    subjects (or staff groups) counts once under each; one with none under "Not recorded"."""
    return breakdown(cases, f, dimension, movers=False).counts


def top_movers(
    cases: QuerySet, f: ReportFilters, dimension: str, limit: int = 5
) -> list[tuple[str, int, int, int]]:
    """(name, previous month, latest month, change) for the categories whose count changed
    most between the last two months of the period, biggest change first."""
    return breakdown(cases, f, dimension, limit=limit).movers


# Compliance ---------------------------------------------------------------------------------

GROUPS = {
    "team": ("team", "Team"),
    "organisation": ("organisation", "Organisation"),
}
GROUP_MODELS = {"team": Team, "organisation": Organisation}


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


class AddMonths(Func):
    """A date `months` calendar months later, clamped to the last day of a shorter month, as
    `casework.deadlines.add_months` (31 Aug + 6 months is 28 Feb): PostgreSQL's interval
    arithmetic clamps the same way; SQLite rolls over, so the end of the month caps it."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        super().__init__(expression)
        self.months = int(months)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("AddMonths is written for PostgreSQL and SQLite.")

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + make_interval(months => {self.months}))::date", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        later = f"date({sql}, '{self.months:+d} months')"
        month_end = f"date({sql}, 'start of month', '{self.months + 1:+d} months', '-1 day')"
        return f"min({later}, {month_end})", [*params, *params]


EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


class WorkingDaysBetween(Func):
    """`casework.deadlines.working_days_between(start, end)` in SQL: the working days after
    `start` up to and including `end`, 0 when `end` is not after `start`.

    Counted as W(end) - W(start), where W(d) is the weekdays from 1 Jan 0001 (a Monday) up to
    d less the weekday bank holidays up to d; `holidays` must list every weekday bank holiday
    of the years the dates span (`weekday_holidays`)."""

    output_field = IntegerField()

    def __init__(self, start, end, holidays: list[dt.date]):
        super().__init__(start, end)
        self.holidays = sorted(holidays)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("WorkingDaysBetween is written for PostgreSQL and SQLite.")

    def _counted(self, compiler, ordinal, holidays_up_to, greatest, least):
        parts = []
        for expression in self.source_expressions:
            sql, params = compiler.compile(expression)
            day = ordinal.format(sql)
            held, held_params = holidays_up_to(sql, params)
            parts.append(
                (
                    f"(({day}) / 7 * 5 + {least}(({day}) %% 7, 5) - {held})",
                    [*params, *params, *held_params],
                )
            )
        (start, start_params), (end, end_params) = parts
        return f"{greatest}({end} - {start}, 0)", [*end_params, *start_params]

    def as_postgresql(self, compiler, connection, **extra):
        def holidays_up_to(sql, params):
            if not self.holidays:
                return "0", []
            return f"width_bucket({sql}, %s::date[])", [*params, self.holidays]

        ordinal = "({}) - DATE '1970-01-01' + " + str(EPOCH_ORDINAL)
        return self._counted(compiler, ordinal, holidays_up_to, "GREATEST", "LEAST")

    def as_sqlite(self, compiler, connection, **extra):
        def holidays_up_to(sql, params):
            days = json.dumps([d.isoformat() for d in self.holidays])
            return f"(SELECT count(*) FROM json_each(%s) WHERE value <= {sql})", [days, *params]

        ordinal = "CAST(julianday({}) - 2440587.5 AS INTEGER) + " + str(EPOCH_ORDINAL)
        return self._counted(compiler, ordinal, holidays_up_to, "max", "min")


def weekday_holidays(first_year: int, last_year: int) -> list[dt.date]:
    """The Monday-to-Friday days that are not working days (bank holidays) in those years."""
    day, last = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    holidays = []
    while day <= last:
        if day.weekday() < 5 and not deadlines.is_working_day(day):
            holidays.append(day)
        day += dt.timedelta(days=1)
    return holidays


class Median(Aggregate):
    """The median (PostgreSQL's `percentile_cont(0.5)`): the middle value, or the mean of the
    two middle values when the count is even, as `weighted_median`."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class _Counted:
    """One group's compliance counts as the database gave them: its name (when grouped on a
    team or organisation), the counts, and either the median working days to respond (worked
    out in the database) or the (working days, how many) pairs to work it out from."""

    name: object
    counts: dict
    median: float | None = None
    durations: list[tuple[int, int]] | None = None


def _count_compliance(
    complaints: QuerySet,
    f: ReportFilters,
    today: dt.date,
    key: str | None,
    named_from=None,
    median_in_database: bool = False,
) -> dict[object, _Counted]:
    """Compliance counts of `complaints` grouped on `key` (a column: "team", "organisation"),
    named from `named_from` after grouping, or for the whole set if `key` is None.

    Every count comes from one pass over the complaints received in the period or still open.
    The median working days to respond is worked out in that pass too with
    `median_in_database` (PostgreSQL); otherwise a second query groups the responses to (key,
    working days, how many) and the medians are worked out from those pairs, as they are for
    groups that share a name (two organisations called the same are one row)."""
    in_period = Q(received_on__range=(f.start, f.end))
    responded = in_period & Q(response_sent_on__isnull=False)
    unfinished = ~Q(status__in=FINISHED)
    # reg 14(4): answered, closed or still open on or after the six-month point.
    past_six_months = GreaterThanOrEqual(
        Coalesce("response_sent_on", "closed_on", Value(today, DateField())),
        AddMonths("received_on", deadlines.RESPONSE_MONTHS),
    )
    # Working days need the bank holidays (reg 2) of every year from the earliest receipt to
    # the latest response, which is never after today (responses cannot be recorded ahead).
    holidays = weekday_holidays(f.start.year, max(f.start.year, f.end.year, today.year))
    working_days = WorkingDaysBetween("received_on", "response_sent_on", holidays)
    measures = {
        "received": count_rows(filter=in_period),
        "acknowledgement_measured": count_rows(
            filter=in_period
            & (Q(acknowledged_on__isnull=False) | Q(acknowledgement_due__lt=today)),
        ),
        "acknowledged_in_time": count_rows(
            filter=in_period & Q(acknowledged_on__lte=F("acknowledgement_due"))
        ),
        "responded": count_rows(filter=responded),
        "responded_in_time": count_rows(
            filter=in_period & Q(response_sent_on__lte=F("response_due"))
        ),
        "over_six_months": count_rows(filter=in_period & Q(past_six_months)),
        # Open and overdue now, whenever the complaint came in.
        "open_now": count_rows(filter=unfinished),
        "overdue_now": count_rows(filter=unfinished & Q(due_on__lt=today)),
    }
    if median_in_database:
        measures["median"] = Median(working_days, filter=responded)
    counted = complaints.filter(in_period | unfinished)
    if key is None:
        rows = [counted.aggregate(**measures)]
    else:
        rows = list(counted.values(key).annotate(**measures).order_by())
        if named_from is not None:
            names = _names(named_from, [r[key] for r in rows])
            for r in rows:
                r["name"] = names.get(r[key])
    # Each row's counts are its dict once the group, name and median are taken out.
    groups = {
        (r.pop(key) if key else None): _Counted(r.pop("name", None), r, r.pop("median", None))
        for r in rows
    }
    if median_in_database:
        names = defaultdict(list)
        for group_id, group in groups.items():
            names[group.name].append(group_id)
        pending = [i for ids in names.values() if len(ids) > 1 for i in ids]
    else:
        pending = list(groups)
    if not pending:
        return groups
    for group_id in pending:
        groups[group_id].durations = []
    durations = complaints.filter(responded)
    if key is not None and len(pending) < len(groups):
        durations = durations.filter(**{f"{key}__in": pending})
    for *group, days, n in (
        durations.annotate(days=working_days)
        .values_list(*([key] if key else []), "days")
        .annotate(n=count_rows())
        .order_by()
    ):
        groups[group[0] if key else None].durations.append((days, n))
    return groups


def _compliance_row(label: str, groups: list[_Counted]) -> Compliance:
    if len(groups) == 1 and groups[0].durations is None:
        return Compliance(label, **groups[0].counts, median_working_days=groups[0].median)
    row = Compliance(label=label)
    durations = []
    for group in groups:
        for name, n in group.counts.items():
            setattr(row, name, getattr(row, name) + n)
        durations += group.durations
    row.median_working_days = weighted_median(durations)
    return row


def compliance_tables(
    cases: QuerySet, f: ReportFilters, today: dt.date, groups: tuple[str, ...] = ()
) -> dict[str | None, list[Compliance]]:
    """Compliance figures for statutory complaints received in the period: {None: [the overall
    row], group: [a row per team or organisation], ...} for each of `groups`. Open and overdue
    are now, whenever the complaint came in.

    - acknowledged in time: of complaints acknowledged, or whose acknowledgement is due
      before today, those acknowledged on or before `acknowledgement_due`;
    - answered in time: of responses sent, those sent on or before `response_due` (the agreed
      response period, including an agreed extension);
    - over six months: of complaints received, those answered (or closed, or still open today)
      on or after the six-month point (`casework.deadlines.six_month_point`);
    - median working days from receipt to the response sent (reg 2 working days).

    Each complaint has one team and one organisation, so the overall row is the sum of the
    first group's rows (their working days pooled for the median) and costs no query of its
    own. Rows are grouped on the team or organisation id and named afterwards; two
    organisations with one name share a row, as they always have.
    """
    complaints = statutory_complaints(apply_filters(cases, f))
    tables: dict[str | None, list[Compliance]] = {}
    for group in groups:
        key, _ = GROUPS[group]
        # The first grouping also gives the overall median, so it keeps its working days.
        counted = _count_compliance(
            complaints,
            f,
            today,
            key,
            named_from=GROUP_MODELS[group],
            median_in_database=bool(tables) and connection.vendor == "postgresql",
        )
        if None not in tables:
            tables[None] = [_compliance_row("All complaints", list(counted.values()))]
        by_name: dict[object, list[_Counted]] = defaultdict(list)
        for group_counts in counted.values():
            by_name[group_counts.name].append(group_counts)
        rows = [_compliance_row(name or NO_VALUE, parts) for name, parts in by_name.items()]
        tables[group] = sorted(rows, key=lambda c: (c.label == NO_VALUE, c.label))
    if None not in tables:
        counted = _count_compliance(complaints, f, today, None)
        tables[None] = [_compliance_row("All complaints", list(counted.values()))]
    return tables


def compliance(
    cases: QuerySet, f: ReportFilters, today: dt.date, group: str | None = None
) -> list[Compliance]:
    """Compliance figures for statutory complaints received in the period, overall (one row)
    or by team or organisation (see `compliance_tables`)."""
    return compliance_tables(cases, f, today, (group,) if group else ())[group]


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

    All counted in the database per provider, the median too on PostgreSQL; elsewhere the
    database groups the answers to (provider, working days, how many) and the median is
    worked out from those few pairs."""

    referrals = Referral.objects.filter(
        case__in=received_in_period(cases, f).values("pk"), sent_on__isnull=False
    )
    keys = (
        "organisation",
        "organisation__name",
        "organisation__ods_code",
        "organisation__org_type",
    )
    answered = Q(response_received_on__isnull=False)
    # Bank holidays of every year from the earliest sending (a referral is sent after its
    # case is received, a year before the period at the most for a case logged late) to the
    # latest answer, which is never after today.
    holidays = weekday_holidays(f.start.year - 1, max(f.end.year, timezone.localdate().year))
    working_days = WorkingDaysBetween("sent_on", "response_received_on", holidays)
    median_in_database = connection.vendor == "postgresql"
    measures = {
        "sent": count_rows(),
        "acknowledged_in_time": count_rows(filter=Q(acknowledged_on__lte=F("acknowledgement_due"))),
        "answered": count_rows(filter=answered),
        "answered_in_time": count_rows(filter=Q(response_received_on__lte=F("response_due"))),
        "outstanding": count_rows(filter=Q(status__in=REFERRAL_OUTSTANDING)),
    }
    if median_in_database:
        measures["median_working_days"] = Median(working_days, filter=answered)
    rows = {
        r["organisation"]: r
        # The providers sent the most first (a page shows the first hundred).
        for r in referrals.values(*keys)
        .annotate(**measures)
        .order_by("-sent", "organisation__name")
    }
    if not median_in_database:
        durations: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for org, days, n in (
            referrals.filter(answered)
            .annotate(days=working_days)
            .values_list("organisation", "days")
            .annotate(n=count_rows())
            .order_by()
        ):
            durations[org].append((days, n))
        for org, row in rows.items():
            row["median_working_days"] = weighted_median(durations.get(org, []))
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
    # Only cases received by the last point and not closed before the first can count at
    # any point: saying so lets the database skip the rest (most of the cases, years on).
    candidates = apply_filters(cases, f).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=min(points.values())),
        received_on__lte=max(points.values()),
    )
    counts = candidates.aggregate(
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
