"""The annual report (SI 2009/309 reg 18): editing its text, generating its PDF, publishing.

Generation runs in a Celery task (reports.tasks) and records its progress on the row, which
the page polls. Each step saves the row with the user and a reason for its history.
"""

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from casework.models import Case
from core.history import save_with_reason
from core.pdf import render_pdf

from . import charts, queries, spc
from .models import AnnualReport, GenerationStatus


class AnnualReportError(Exception):
    """An action the report's state does not allow; the message says why."""


def create(year_start: dt.date, *, by) -> AnnualReport:
    report = AnnualReport(year_start=year_start)
    save_with_reason(report, by, "Annual report started")
    return report


def save_text(report: AnnualReport, *, by, matters: str, actions: str) -> AnnualReport:
    """Change the text sections; a PDF made before the change no longer matches, so it must
    be generated again before publishing."""
    if report.is_published:
        raise AnnualReportError("This report has been published; its text can no longer change.")
    if report.is_running:
        raise AnnualReportError("Wait until the PDF has finished generating, then edit the text.")
    report.matters_of_general_importance = matters
    report.actions_taken = actions
    if report.status == GenerationStatus.READY:
        report.status = GenerationStatus.DRAFT
        report.progress_message = "The text has changed since the PDF was made: generate it again."
    save_with_reason(report, by, "Text sections edited")
    return report


def request_generation(report: AnnualReport, *, by) -> AnnualReport:
    """Queue the PDF: the task starts once this transaction commits (at once, in-process,
    when no Celery broker is configured)."""
    from .tasks import generate_annual_report_task

    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if report.is_published:
            raise AnnualReportError("This report has been published; it cannot be regenerated.")
        if report.is_running:
            raise AnnualReportError("The PDF is already being generated.")
        report.status = GenerationStatus.QUEUED
        report.progress = 0
        report.progress_message = "Waiting for a worker to start."
        report.error = ""
        save_with_reason(report, by, "PDF generation requested")
        transaction.on_commit(lambda: generate_annual_report_task.delay(report.pk))
    return report


def _step(report: AnnualReport, progress: int, message: str, **changes) -> None:
    report.progress = progress
    report.progress_message = message
    for name, value in changes.items():
        setattr(report, name, value)
    save_with_reason(report, None, f"PDF generation: {message}")


def generate(report_id: int) -> AnnualReport:
    """Count the year's figures, draw the chart and render the PDF, recording progress."""
    report = AnnualReport.objects.get(pk=report_id)
    if report.status == GenerationStatus.READY and report.pdf:
        return report  # a retried task that already finished: nothing to do
    start = report.year_start
    end = dt.date(start.year + 1, 3, 31)
    _step(report, 10, "Counting the year's complaints.", status=GenerationStatus.GENERATING)
    try:
        figures = queries.annual_report_figures(Case.objects.all(), start, end)
        _step(report, 40, "Drawing the chart.")
        months = list(figures["monthly"])
        analysis = spc.xmr(list(figures["monthly"].values()))
        chart = charts.xmr_svg("Complaints received each month", months, analysis)
        _step(report, 60, "Rendering the PDF.")
        pdf = render_pdf(
            "reports/annual_report_pdf.html",
            {
                "report": report,
                "ORGANISATION_NAME": settings.ORGANISATION_NAME,
                "start": start,
                "end": end,
                "figures": figures,
                "monthly": list(zip(months, figures["monthly"].values(), strict=True)),
                "chart": chart,
                "chart_description": charts.describe(analysis),
            },
        )
        report.pdf.save(f"annual-report-{report.year_label}.pdf", ContentFile(pdf), save=False)
        _step(
            report,
            100,
            "Ready to download.",
            status=GenerationStatus.READY,
            generated_at=timezone.now(),
        )
    except Exception as error:
        _step(report, report.progress, "Generation failed.", status=GenerationStatus.FAILED,
              error=str(error)[:2000])  # fmt: skip
        raise
    return report


def publish(report: AnnualReport, *, by, on: dt.date) -> AnnualReport:
    if report.status != GenerationStatus.READY:
        raise AnnualReportError("Generate the PDF from the current text before publishing.")
    if report.is_published:
        raise AnnualReportError("This report has already been published.")
    report.published_on = on
    report.published_by = by
    save_with_reason(report, by, "Published")
    return report
