"""Celery tasks for reports: thin wrappers, safe to retry."""

from celery import shared_task

from . import annual, daily_counts


@shared_task
def generate_annual_report_task(report_id: int) -> int:
    """Generate an annual report's PDF (reg 18). A retry after success does nothing."""
    annual.generate(report_id)
    return report_id


@shared_task
def compact_daily_counts_task() -> int:
    """Fold the day's +1/-1 rows of the trends' daily counts (reports/daily_counts.py)."""
    return daily_counts.compact()
