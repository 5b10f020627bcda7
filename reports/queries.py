"""Aggregate reads for reports: counted in the database, never row by row in Python.
No function here returns a person, a name or free text."""

from datetime import date

from django.db.models import Count

from casework.models import Case
from casework.workflow import CaseKind


def cases_by_kind(start: date, end: date) -> list[dict]:
    """Cases received between start and end (inclusive), counted by kind, every kind listed."""
    counts = dict(
        Case.objects.filter(received_on__range=(start, end))
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [{"kind": label, "count": counts.get(value, 0)} for value, label in CaseKind.choices]
