"""Report pages for managers and commissioners: aggregates only, small numbers suppressed."""

from datetime import date

from django.shortcuts import render
from django.utils import timezone

from config.roles import COMMISSIONER, MANAGER, role_required

from . import queries
from .suppression import suppress


def financial_year_start(today: date) -> date:
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


@role_required(MANAGER, COMMISSIONER)
def overview(request):
    today = timezone.localdate()
    start = financial_year_start(today)
    rows = queries.cases_by_kind(start, today)
    total = sum(r["count"] for r in rows)
    return render(
        request,
        "reports/overview.html",
        {
            "start": start,
            "end": today,
            "rows": [{"kind": r["kind"], "count": suppress(r["count"])} for r in rows],
            "total": suppress(total),
        },
    )
