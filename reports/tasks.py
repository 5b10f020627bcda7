"""Celery tasks for reports: thin wrappers, safe to retry."""

from celery import shared_task

from . import annual


@shared_task
def generate_annual_report_task(report_id: int) -> int:
    """Generate an annual report's PDF (reg 18). A retry after success does nothing."""
    annual.generate(report_id)
    return report_id
