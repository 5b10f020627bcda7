"""The annual report (SI 2009/309 reg 18): text, generation in a Celery task (run eagerly,
as with no broker configured), the PDF's text read back with pdftotext, and publishing."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.urls import reverse

from casework.workflow import Outcome, Status
from reports import annual
from reports.models import AnnualReport, GenerationStatus

from .conftest import make_case

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def year_of_complaints(by):
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
        subjects=["COMMUNICATIONS", "WAITING_TIMES"],
    )
    make_case(
        by,
        D(2025, 5, 12),
        status=Status.CLOSED,
        closed_on=D(2025, 7, 1),
        outcome=Outcome.NOT_UPHELD,
        subjects=["WAITING_TIMES"],
    )
    make_case(by, D(2025, 11, 3))
    make_case(by, D(2025, 6, 1), reg8_exclusion="oral_resolved")


def pdf_text(report: AnnualReport) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed for this test"
    path = report.pdf.path
    return subprocess.run(
        ["pdftotext", "-layout", path, "-"], check=True, capture_output=True, text=True
    ).stdout


def test_manager_writes_generates_and_publishes_the_report(
    client, manager, commissioner, year_of_complaints, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    response = client.post(reverse("reports:annual_reports"), {"year": "2025-26"})
    report = AnnualReport.objects.get()
    assert response.url == reverse("reports:annual_report", args=[report.pk])
    assert report.year_start == D(2025, 4, 1)

    client.post(
        reverse("reports:annual_report", args=[report.pk]),
        {
            "matters_of_general_importance": "Waiting times for outpatient letters.",
            "actions_taken": "A new booking team answers letters within a week.",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:annual_report_generate", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == GenerationStatus.READY
    assert report.progress == 100

    text = " ".join(pdf_text(report).split())
    assert "Annual report on complaints 2025-26" in text
    assert "Complaints received 4" in text
    assert "well-founded (upheld or partly upheld) 2" in text
    assert "Parliamentary and Health Service Ombudsman 1" in text
    assert "Communications 2" in text and "Waiting Times 2" in text
    assert "Waiting times for outpatient letters." in text
    assert "A new booking team answers letters within a week." in text
    assert "November 2025 1" in text

    page = client.get(reverse("reports:annual_report", args=[report.pk])).content.decode()
    assert "Ready to download" in page
    download = client.get(reverse("reports:annual_report_pdf", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    # A commissioner cannot download it before it is published, and can after.
    client.force_login(commissioner)
    assert client.get(reverse("reports:annual_report_pdf", args=[report.pk])).status_code == 404
    assert "2025-26" not in client.get(reverse("reports:annual_reports")).content.decode()
    client.force_login(manager)
    client.post(reverse("reports:annual_report_publish", args=[report.pk]))
    report.refresh_from_db()
    assert report.is_published and report.published_by == manager
    client.force_login(commissioner)
    assert client.get(reverse("reports:annual_report_pdf", args=[report.pk])).status_code == 200
    assert client.get(reverse("reports:annual_report", args=[report.pk])).status_code == 403


def test_every_step_is_in_the_history(by, year_of_complaints, django_capture_on_commit_callbacks):
    report = annual.create(D(2025, 4, 1), by=by)
    annual.save_text(report, by=by, matters="Matters", actions="Actions")
    with django_capture_on_commit_callbacks(execute=True):
        annual.request_generation(report, by=by)
    reasons = list(
        report.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[:3] == [
        "Annual report started",
        "Text sections edited",
        "PDF generation requested",
    ]
    assert reasons[-1] == "PDF generation: Ready to download."


def test_editing_the_text_after_generating_asks_for_a_new_pdf(
    by, django_capture_on_commit_callbacks
):
    report = annual.create(D(2025, 4, 1), by=by)
    with django_capture_on_commit_callbacks(execute=True):
        annual.request_generation(report, by=by)
    report.refresh_from_db()
    annual.save_text(report, by=by, matters="New", actions="")
    assert report.status == GenerationStatus.DRAFT
    with pytest.raises(annual.AnnualReportError, match="Generate the PDF"):
        annual.publish(report, by=by, on=D(2026, 5, 1))


def test_published_text_cannot_change(by, django_capture_on_commit_callbacks):
    report = annual.create(D(2025, 4, 1), by=by)
    with django_capture_on_commit_callbacks(execute=True):
        annual.request_generation(report, by=by)
    report.refresh_from_db()
    annual.publish(report, by=by, on=D(2026, 5, 1))
    with pytest.raises(annual.AnnualReportError, match="published"):
        annual.save_text(report, by=by, matters="Changed", actions="")


def test_a_year_with_no_complaints_still_makes_a_report(by, django_capture_on_commit_callbacks):
    report = annual.create(D(2020, 4, 1), by=by)
    with django_capture_on_commit_callbacks(execute=True):
        annual.request_generation(report, by=by)
    report.refresh_from_db()
    text = " ".join(pdf_text(report).split())
    assert "Complaints received 0" in text
    assert "No complaints were received this year." in text


def test_a_year_written_wrongly_is_explained(client, manager):
    client.force_login(manager)
    html = client.post(reverse("reports:annual_reports"), {"year": "2025-27"}).content.decode()
    assert "There is a problem" in html and "so write 2025-26" in html
    assert not AnnualReport.objects.exists()


def test_commissioners_cannot_start_a_report(client, commissioner):
    client.force_login(commissioner)
    assert client.post(reverse("reports:annual_reports"), {"year": "2025-26"}).status_code == 403


def test_the_status_can_be_polled(client, manager, by):
    report = annual.create(D(2025, 4, 1), by=by)
    AnnualReport.objects.filter(pk=report.pk).update(
        status=GenerationStatus.GENERATING, progress=40, progress_message="Drawing the chart."
    )
    client.force_login(manager)
    status = client.get(reverse("reports:annual_report_status", args=[report.pk])).json()
    assert status == {
        "status": "generating",
        "label": "Being generated",
        "progress": 40,
        "message": "Drawing the chart.",
        "running": True,
    }
    page = client.get(reverse("reports:annual_report", args=[report.pk])).content.decode()
    assert "Being generated: 40% done" in page
    assert "refresh the page" in page
