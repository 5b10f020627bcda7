"""Helpers for report tests: cases built through the services (tests/factories.py), then the
milestone fields the workflow services will set written directly, as the brief allows."""

import datetime as dt

import pytest

from casework.models import Case, ServiceArea, StaffGroup, Subject
from casework.workflow import CaseKind
from tests.factories import CaseFactory, UserFactory

D = dt.date


@pytest.fixture
def by(db):
    return UserFactory(username="builder")


def make_case(
    by,
    received_on,
    *,
    kind=CaseKind.COMPLAINT,
    status=None,
    organisation=None,
    person=None,
    subjects=(),
    staff_groups=(),
    **fields,
):
    """A case received on `received_on`, moved to `status`, with `fields` set directly."""
    case = CaseFactory(
        kind=kind,
        received_on=received_on,
        status=status,
        organisation=organisation,
        person=person,
        by=by,
    )
    if "service_area" in fields and isinstance(fields["service_area"], str):
        fields["service_area"] = ServiceArea.objects.get(code=fields["service_area"])
    if fields:
        Case.objects.filter(pk=case.pk).update(**fields)
    if subjects:
        case.subjects.set(Subject.objects.filter(code__in=subjects))
    if staff_groups:
        case.staff_groups.set(StaffGroup.objects.filter(code__in=staff_groups))
    case.refresh_from_db()
    return case
