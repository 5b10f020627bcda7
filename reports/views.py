"""Report pages for complaints managers and commissioners: aggregates only, small numbers
suppressed for commissioners, every table downloadable as CSV and Excel.

Who counts what: figures are counted over `countable_cases(user)`. A complaints manager
counts the cases they may see (`Case.objects.visible_to`, the whole unit). A commissioner
may see no case at all (`visible_to` gives them none) but reads aggregates of every case:
no view here shows them a row, a person, a name or free text, and counts from 1 to 4 are
shown as "<5" on pages and in downloads.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from casework.models import Case
from casework.workflow import CaseKind
from config.roles import COMMISSIONER, MANAGER, has_role, role_required
from contacts.models import OrganisationType

from . import annual, charts, ko41, queries, spc
from .forms import AnnualReportTextForm, KO41Form, NewAnnualReportForm, ReportFilterForm
from .models import AnnualReport
from .suppression import suppress
from .tables import Figures, FormattedRows, Table, csv_response, xlsx_response

READERS = (MANAGER, COMMISSIONER)


# Rows of a long table shown on a page (the largest first); downloads have every row.
PAGE_ROWS = 100


# Every reader's countable cases include every unrestricted case (managers see the whole unit,
# commissioners count everything), so the daily counts can stand in for those
# (reports/daily_counts.py; `whole_unit=True` in the queries).
WHOLE_UNIT = True


def countable_cases(user):
    if has_role(user, MANAGER):
        return Case.objects.visible_to(user)
    return Case.objects.all()


def is_suppressed(user) -> bool:
    """Commissioners see suppressed figures; a manager who is also a commissioner sees the
    real ones (they may see the cases themselves)."""
    return not has_role(user, MANAGER)


def financial_year_start(today: dt.date) -> dt.date:
    return queries.financial_year(today)[0]


def _filter_form(request):
    """The filter form and the filters it gives (None when the input is wrong)."""
    today = timezone.localdate()
    start = financial_year_start(today)
    data = {k: v for k, v in request.GET.items() if k not in ("download", "table")}
    form = ReportFilterForm(
        data or None, today=today, default_start=start, initial={"start": start, "end": today}
    )
    if not form.is_bound:
        return form, queries.ReportFilters(start, today)
    return form, (form.filters() if form.is_valid() else None)


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("download", None)
    query.pop("table", None)
    return query.urlencode()


def _respond(request, template: str, context: dict, tables: list[Table], name: str):
    """Render the page, or download one of its tables (?download=csv|xlsx&table=slug)."""
    fmt = request.GET.get("download")
    if fmt:
        table = next((t for t in tables if t.slug == request.GET.get("table")), None)
        if table is None or fmt not in ("csv", "xlsx"):
            raise Http404("There is no such table to download.")
        filename = f"{name}-{table.slug}"
        return (csv_response if fmt == "csv" else xlsx_response)(table, filename)
    context.setdefault("query_string", _query_string(request))
    context.setdefault("suppressed", is_suppressed(request.user))
    return render(request, template, context)


def _series_table(slug, caption, months, analysis, figures: Figures) -> Table:
    rows = []
    for month, point in zip(months, analysis.points, strict=True):
        hidden = figures.suppressed and 1 <= point.value <= 4
        signal = "" if hidden else "; ".join(point.signals) or "common cause"
        rows.append([f"{month:%B %Y}", figures.count(int(point.value)), signal])
    return Table(slug, caption, ["Month", "Count", "Signal"], rows)


def _chart(slug, title, series: dict, figures: Figures) -> dict:
    months = list(series)
    analysis = spc.xmr(list(series.values()))
    hidden = (
        {i for i, v in enumerate(series.values()) if 1 <= v <= 4} if figures.suppressed else set()
    )
    return {
        "title": title,
        "svg": charts.xmr_svg(title, months, analysis, hidden),
        "description": charts.describe(analysis),
        "variation": analysis.variation,
        "few_points": len(months) < 15,
        "hidden": bool(hidden),
        "table": _series_table(slug, f"{title}: monthly counts", months, analysis, figures),
    }


@role_required(*READERS)
def overview(request):
    """The reports index: what each report is for, and this year's cases by kind."""
    today = timezone.localdate()
    start = financial_year_start(today)
    rows = queries.cases_by_kind(start, today)
    total = sum(r["count"] for r in rows)
    fmt = suppress if is_suppressed(request.user) else str
    return render(
        request,
        "reports/overview.html",
        {
            "start": start,
            "end": today,
            "rows": [{"kind": r["kind"], "count": fmt(r["count"])} for r in rows],
            "total": fmt(total),
            "is_manager": has_role(request.user, MANAGER),
        },
    )


MOVER_DIMENSIONS = ("subject", "service_area", "organisation")


@role_required(*READERS)
def trends(request):
    form, f = _filter_form(request)
    figures = Figures(is_suppressed(request.user))
    context = {"form": form, "filters": f}
    tables: list[Table] = []
    if f is not None:
        cases = countable_cases(request.user)
        contacts = queries.monthly_contacts(cases, f, whole_unit=WHOLE_UNIT)
        series = queries.case_series(cases, f, whole_unit=WHOLE_UNIT)
        all_cases, by_kind = series.total, series.by_kind
        context["empty"] = not any(contacts.values()) and not any(all_cases.values())
        chart_list = [
            _chart("contacts-by-month", "Contacts", contacts, figures),
            _chart("cases-by-month", "All cases", all_cases, figures),
        ]
        chart_list += [
            _chart(f"{kind}-by-month", CaseKind(kind).label, by_kind[kind], figures)
            for kind in CaseKind.values
            if not f.kind or f.kind == kind
        ]
        context["charts"] = [] if context["empty"] else chart_list
        tables += [c["table"] for c in chart_list]
        # One grouped query per dimension gives its counts and its top movers.
        counted = {"kind": queries.Breakdown(series.kind_counts, [])}
        for dimension in ("subject", "service_area", "staff_group", "organisation"):
            counted[dimension] = queries.breakdown(
                cases, f, dimension, movers=dimension in MOVER_DIMENSIONS, whole_unit=WHOLE_UNIT
            )
        breakdowns = []
        for dimension in ("kind", "subject", "service_area", "staff_group", "organisation"):
            label = queries.DIMENSIONS[dimension][1]
            table = Table(
                f"by-{dimension.replace('_', '-')}",
                f"Cases by {label.lower()}",
                [label, "Cases"],
                FormattedRows(counted[dimension].counts, lambda r: [r[0], figures.count(r[1])]),
                page_limit=PAGE_ROWS,
            )
            breakdowns.append(table)
        movers = []
        for dimension in MOVER_DIMENSIONS:
            label = queries.DIMENSIONS[dimension][1]
            rows = counted[dimension].movers
            movers.append(
                Table(
                    f"movers-{dimension.replace('_', '-')}",
                    f"Top movers by {label.lower()}: {f.end:%B %Y} against the month before",
                    [label, "Month before", "Latest month", "Change"],
                    [
                        [name, figures.count(a), figures.count(b), _change(b - a, figures)]
                        for name, a, b, _ in rows
                    ],
                    empty_message="No change between the last two months of the period.",
                )
            )
        context.update(breakdowns=breakdowns, movers=movers)
        tables += breakdowns + movers
    return _respond(request, "reports/trends.html", context, tables, "trends")


def _change(delta: int, figures: Figures) -> str:
    # A change of 1-4 could be subtracted back to a small count, so it is suppressed too.
    shown = figures.count(abs(delta))
    return f"+{shown}" if delta > 0 else f"-{shown}"


def _compliance_rows(rows: list[queries.Compliance], figures: Figures) -> FormattedRows:
    return FormattedRows(
        rows,
        lambda r: [
            r.label,
            figures.count(r.received),
            figures.rate(r.acknowledged_in_time, r.acknowledgement_measured),
            figures.rate(r.responded_in_time, r.responded),
            figures.rate(r.over_six_months, r.received),
            figures.median(r.median_working_days, r.responded),
            figures.count(r.open_now),
            figures.count(r.overdue_now),
        ],
    )


COMPLIANCE_COLUMNS = [
    "Complaints received",
    "Acknowledged within 3 working days",
    "Answered within the agreed response period",
    "Over 6 months",
    "Median working days to respond",
    "Open now",
    "Overdue now",
]


@role_required(*READERS)
def compliance(request):
    form, f = _filter_form(request)
    figures = Figures(is_suppressed(request.user))
    context = {"form": form, "filters": f}
    tables = []
    if f is not None:
        cases = countable_cases(request.user)
        today = timezone.localdate()
        by = queries.compliance_tables(cases, f, today, ("team", "organisation"))
        overall = by[None]
        context["empty"] = not overall[0].received
        tables = [
            Table(
                "all-complaints",
                "Statutory complaints received in the period",
                ["", *COMPLIANCE_COLUMNS],
                _compliance_rows(overall, figures),
            ),
            Table(
                "by-team",
                "By team",
                ["Team", *COMPLIANCE_COLUMNS],
                _compliance_rows(by["team"], figures),
            ),
            Table(
                "by-organisation",
                "By organisation, most complaints first",
                ["Organisation", *COMPLIANCE_COLUMNS],
                _compliance_rows(
                    sorted(by["organisation"], key=lambda c: (-c.received, c.label)), figures
                ),
                page_limit=PAGE_ROWS,
            ),
        ]
        context["tables"] = tables
    return _respond(request, "reports/compliance.html", context, tables, "compliance")


@role_required(*READERS)
def providers(request):
    form, f = _filter_form(request)
    figures = Figures(is_suppressed(request.user))
    context = {"form": form, "filters": f}
    tables = []
    if f is not None:
        cases = countable_cases(request.user)
        types = dict(OrganisationType.choices)
        # A row per provider in the directory (thousands at national scale): formatted
        # when read, the page showing the first PAGE_ROWS and the downloads every one.
        rows = FormattedRows(
            queries.complaints_by_provider(cases, f),
            lambda r: [
                r["organisation__name"],
                r["organisation__ods_code"],
                types.get(r["organisation__org_type"], r["organisation__org_type"]),
                "Yes" if r["organisation__is_independent_contractor"] else "No",
                figures.count(r["received"]),
                figures.count(r["upheld"]),
                figures.count(r["partly_upheld"]),
                figures.count(r["not_upheld"]),
                figures.rate(r["responded_in_time"], r["responded"]),
            ],
        )
        tables = [
            Table(
                "complaints-by-provider",
                "Statutory complaints by provider",
                [
                    "Provider",
                    "ODS code",
                    "Type",
                    "Independent contractor",
                    "Complaints",
                    "Upheld",
                    "Partly upheld",
                    "Not upheld",
                    "Answered within the agreed response period",
                ],
                rows,
                label_columns=4,
                empty_message="No complaints about any provider in this period.",
                page_limit=PAGE_ROWS,
            )
        ]
        tables.append(
            Table(
                "referrals-by-provider",
                "Referrals to providers and how quickly they answered",
                [
                    "Provider",
                    "ODS code",
                    "Type",
                    "Referrals sent",
                    "Acknowledged within 3 working days",
                    "Answered",
                    "Answered by the date due",
                    "Still outstanding",
                    "Median working days to answer",
                ],
                FormattedRows(
                    queries.referral_response_times(cases, f),
                    lambda r: [
                        r["organisation__name"],
                        r["organisation__ods_code"],
                        types.get(r["organisation__org_type"], r["organisation__org_type"]),
                        figures.count(r["sent"]),
                        figures.rate(r["acknowledged_in_time"], r["sent"]),
                        figures.count(r["answered"]),
                        figures.rate(r["answered_in_time"], r["answered"]),
                        figures.count(r["outstanding"]),
                        figures.median(r["median_working_days"], r["answered"]),
                    ],
                ),
                label_columns=3,
                empty_message="No referrals were sent for cases received in this period.",
                page_limit=PAGE_ROWS,
            )
        )
        context["tables"] = tables
    return _respond(request, "reports/providers.html", context, tables, "providers")


@role_required(MANAGER)
def workload(request):
    """Open cases now by team and investigator, for complaints managers only (names)."""
    form, f = _filter_form(request)
    figures = Figures(False)
    context = {"form": form, "filters": f}
    tables = []
    if f is not None:
        cases = countable_cases(request.user)
        today = timezone.localdate()
        by_team = queries.workload(cases, f, today, "team")
        by_person = queries.workload(cases, f, today, "assignee")
        people = {
            u.pk: (u.get_full_name() or u.username)
            for u in get_user_model().objects.filter(pk__in=[r["assignee"] for r in by_person])
        }
        columns = ["Open", "Due in the next 5 working days", "Overdue"]
        tables = [
            Table(
                "by-team",
                "Open cases by team",
                ["Team", *columns],
                sorted(
                    [r["team__name"] or "No team", r["open"], r["due_soon"], r["overdue"]]
                    for r in by_team
                ),
            ),
            Table(
                "by-investigator",
                "Open cases by investigator",
                ["Investigator", *columns],
                sorted(
                    [
                        people.get(r["assignee"], "Not allocated"),
                        r["open"],
                        r["due_soon"],
                        r["overdue"],
                    ]
                    for r in by_person
                ),  # fmt: skip
            ),
        ]
        caseload = queries.open_caseload_by_month(cases, f, today)
        chart = _chart("open-caseload", "Open cases at the end of each month", caseload, figures)
        if caseload:
            context["chart"] = chart
            tables.append(chart["table"])
        context["tables"] = tables[:2]
    return _respond(request, "reports/workload.html", context, tables, "workload")


@role_required(*READERS)
def ko41_return(request):
    """The KO41a/KO41b return for one organisation, or every organisation and their total,
    for a year, downloaded as CSV."""
    form = KO41Form(request.GET or None)
    if form.is_bound and form.is_valid():
        start, end = form.period
        return_type, year = form.cleaned_data["return_type"], form.cleaned_data["year"]
        suppressed = is_suppressed(request.user)
        if form.every_organisation:
            unit = ko41.ko41_unit_return(return_type, start, end)
            body, who = ko41.unit_to_csv(unit, suppressed=suppressed), "all"
        else:
            organisation = form.cleaned_data["organisation"]
            lines = ko41.ko41_return(return_type, organisation, start, end)
            body, who = ko41.to_csv(lines, suppressed=suppressed), organisation.ods_code
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        filename = f"KO41{return_type}-{who}-{year}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(
        request, "reports/ko41.html", {"form": form, "suppressed": is_suppressed(request.user)}
    )


@role_required(*READERS)
def annual_reports(request):
    is_manager = has_role(request.user, MANAGER)
    form = NewAnnualReportForm(request.POST or None)
    if request.method == "POST":
        if not is_manager:
            raise PermissionDenied("Only complaints managers start annual reports.")
        if form.is_valid():
            report = annual.create(form.cleaned_data["year"], by=request.user)
            return redirect("reports:annual_report", pk=report.pk)
    reports = AnnualReport.objects.all()
    if not is_manager:
        reports = reports.filter(published_on__isnull=False)
    return render(
        request,
        "reports/annual_reports.html",
        {"form": form, "reports": reports, "is_manager": is_manager},
    )


@role_required(MANAGER)
def annual_report(request, pk):
    report = get_object_or_404(AnnualReport, pk=pk)
    form = AnnualReportTextForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            annual.save_text(
                report,
                by=request.user,
                matters=form.cleaned_data["matters_of_general_importance"],
                actions=form.cleaned_data["actions_taken"],
            )
        except annual.AnnualReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The text has been saved.")
            return redirect("reports:annual_report", pk=report.pk)
    return render(request, "reports/annual_report.html", {"report": report, "form": form})


@require_POST
@role_required(MANAGER)
def annual_report_generate(request, pk):
    report = get_object_or_404(AnnualReport, pk=pk)
    try:
        annual.request_generation(report, by=request.user)
    except annual.AnnualReportError as error:
        messages.error(request, str(error))
    except Exception:
        # The task ran in-process (no broker) and failed; the report row says why.
        messages.error(request, "The PDF could not be generated. The reason is shown below.")
    return redirect("reports:annual_report", pk=pk)


@require_POST
@role_required(MANAGER)
def annual_report_publish(request, pk):
    report = get_object_or_404(AnnualReport, pk=pk)
    try:
        annual.publish(report, by=request.user, on=timezone.localdate())
    except annual.AnnualReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The annual report for {report.year_label} is published.")
    return redirect("reports:annual_report", pk=pk)


@role_required(MANAGER)
def annual_report_status(request, pk):
    """The generation status, polled by the annual report page while the PDF is made."""
    report = get_object_or_404(AnnualReport, pk=pk)
    return JsonResponse(
        {
            "status": report.status,
            "label": report.get_status_display(),
            "progress": report.progress,
            "message": report.progress_message,
            "running": report.is_running,
        }
    )


@role_required(*READERS)
def annual_report_pdf(request, pk):
    report = get_object_or_404(AnnualReport, pk=pk)
    if not report.pdf or (not has_role(request.user, MANAGER) and not report.is_published):
        raise Http404("That report has no PDF to download.")
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=True,
        filename=f"annual-report-{report.year_label}.pdf",
        content_type="application/pdf",
    )
