"""Logging contacts, opening cases, references, status changes and their history."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from casework import services
from casework.exceptions import CaseworkError
from casework.models import CaseParty, PartyRole, Relationship, StatusChange
from casework.workflow import CaseKind, Outcome, Status, TransitionNotAllowed
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def test_complaint_reference_reads_comp_year_and_six_digits():
    case = CaseFactory(kind=CaseKind.COMPLAINT, received_on=dt.date(2026, 11, 20))
    assert re.fullmatch(r"COMP-2026-\d{6}", case.reference)


def test_references_count_up_separately_per_kind_and_year():
    first = CaseFactory(kind=CaseKind.PALS_CONCERN, received_on=dt.date(2026, 11, 2))
    second = CaseFactory(kind=CaseKind.PALS_CONCERN, received_on=dt.date(2026, 11, 3))
    complaint = CaseFactory(kind=CaseKind.COMPLAINT, received_on=dt.date(2026, 11, 3))
    old_year = CaseFactory(kind=CaseKind.PALS_CONCERN, received_on=dt.date(2025, 12, 31))
    assert first.reference == "PALS-2026-000001"
    assert second.reference == "PALS-2026-000002"
    assert complaint.reference == "COMP-2026-000001"
    assert old_year.reference == "PALS-2025-000001"


def test_logging_a_contact_for_a_new_complaint_sets_the_acknowledgement_deadline():
    officer = UserFactory()
    person = PersonFactory()
    contact = services.log_contact(
        by=officer,
        at=_at(dt.date(2025, 1, 6), 12),
        channel="phone",
        contacted_at=_at(dt.date(2025, 1, 6)),
        summary="Rude receptionist",
        person=person,
        new_case_kind=CaseKind.COMPLAINT,
    )
    case = contact.case
    assert case.status == Status.RECEIVED
    assert case.received_on == dt.date(2025, 1, 6)
    # SI 2009/309 reg 13(1): received Mon 6 Jan 2025 → acknowledge by Thu 9 Jan.
    assert case.acknowledgement_due == dt.date(2025, 1, 9)
    assert case.due_on == dt.date(2025, 1, 9)
    assert case.due_action == "Acknowledge the complaint"


def test_pals_concern_is_due_by_the_local_target(settings):
    settings.PALS_TARGET_WORKING_DAYS = 5
    case = CaseFactory(kind=CaseKind.PALS_CONCERN, received_on=dt.date(2025, 1, 6))
    assert case.status == Status.OPEN
    assert case.due_on == dt.date(2025, 1, 13)


def test_person_speaking_for_themselves_is_patient_and_complainant():
    person = PersonFactory()
    case = CaseFactory(kind=CaseKind.COMPLAINT, person=person)
    roles = set(CaseParty.objects.filter(case=case, person=person).values_list("role", flat=True))
    assert roles == {PartyRole.PATIENT, PartyRole.COMPLAINANT}


def test_representative_is_recorded_with_relationship():
    officer = UserFactory()
    daughter = PersonFactory()
    now = timezone.now()
    contact = services.log_contact(
        by=officer,
        at=now,
        channel="email",
        contacted_at=now,
        summary="About my mother's discharge",
        person=daughter,
        relationship=Relationship.CHILD,
        new_case_kind=CaseKind.COMPLAINT,
    )
    party = CaseParty.objects.get(case=contact.case, person=daughter, role=PartyRole.REPRESENTATIVE)
    assert party.relationship == Relationship.CHILD
    assert CaseParty.objects.filter(case=contact.case, role=PartyRole.COMPLAINANT).exists()


def test_second_contact_joins_the_existing_case():
    person = PersonFactory()
    case = CaseFactory(kind=CaseKind.PALS_CONCERN, person=person)
    now = timezone.now()
    services.log_contact(
        by=UserFactory(),
        at=now,
        channel="phone",
        contacted_at=now,
        summary="Calling back",
        person=person,
        case=case,
    )
    assert case.contacts.count() == 2
    assert CaseParty.objects.filter(case=case, person=person).count() == 1


def test_contact_in_the_future_is_refused():
    with pytest.raises(CaseworkError, match="future"):
        services.log_contact(
            by=UserFactory(),
            at=timezone.now(),
            channel="phone",
            contacted_at=timezone.now() + dt.timedelta(hours=2),
            summary="x",
            new_case_kind=CaseKind.ENQUIRY,
        )


def test_status_change_writes_a_status_row_and_history_with_who_and_why():
    officer = UserFactory(username="officer-x")
    case = CaseFactory(kind=CaseKind.PALS_CONCERN)
    services.change_status(
        case, Status.RESOLVED, by=officer, at=timezone.now(), reason="Ward called back"
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.due_on is None
    change = StatusChange.objects.filter(case=case).last()
    assert (change.old_status, change.new_status, change.changed_by) == (
        Status.OPEN,
        Status.RESOLVED,
        officer,
    )
    latest = case.history.latest()
    assert latest.history_user == officer
    assert latest.history_change_reason == "Ward called back"


def test_illegal_status_change_saves_nothing():
    case = CaseFactory(kind=CaseKind.PALS_CONCERN)
    rows_before = StatusChange.objects.count()
    with pytest.raises(TransitionNotAllowed):
        services.change_status(
            case, Status.ACKNOWLEDGED, by=UserFactory(), at=timezone.now(), reason="wrong kind"
        )
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert StatusChange.objects.count() == rows_before


def test_a_complaint_cannot_be_moved_by_the_generic_status_change():
    case = CaseFactory(kind=CaseKind.COMPLAINT)
    with pytest.raises(CaseworkError, match="its own actions"):
        services.change_status(
            case,
            Status.CLOSED,
            by=UserFactory(),
            at=timezone.now(),
            reason="x",
            outcome=Outcome.UPHELD,
        )
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_editing_details_needs_a_reason_and_records_it():
    case = CaseFactory()
    editor = UserFactory()
    organisation = OrganisationFactory()
    with pytest.raises(CaseworkError, match="reason"):
        services.update_case_details(case, by=editor, reason=" ", organisation=organisation)
    services.update_case_details(
        case, by=editor, reason="Wrong practice recorded", organisation=organisation
    )
    record = case.history.latest()
    assert record.organisation_id == organisation.pk
    assert record.history_change_reason == "Wrong practice recorded"
    assert record.history_user == editor


def test_escalating_a_pals_concern_opens_a_linked_complaint_with_its_own_clock():
    person = PersonFactory()
    concern = CaseFactory(
        kind=CaseKind.PALS_CONCERN, person=person, received_on=dt.date(2022, 9, 1)
    )
    complaint = services.escalate_to_complaint(
        concern, by=UserFactory(), at=_at(dt.date(2022, 9, 16)), reason="Wants an investigation"
    )
    concern.refresh_from_db()
    assert concern.status == Status.ESCALATED
    assert complaint.escalated_from == concern
    assert complaint.kind == CaseKind.COMPLAINT and complaint.status == Status.RECEIVED
    # The clock starts on the escalation day, Fri 16 Sep 2022; Mon 19 was the State Funeral.
    assert complaint.received_on == dt.date(2022, 9, 16)
    assert complaint.acknowledgement_due == dt.date(2022, 9, 22)
    roles = set(complaint.parties.filter(person=person).values_list("role", flat=True))
    assert roles == {PartyRole.PATIENT, PartyRole.COMPLAINANT}


def test_escalation_is_refused_through_the_generic_status_change():
    concern = CaseFactory(kind=CaseKind.PALS_CONCERN)
    with pytest.raises(CaseworkError, match="escalate_to_complaint"):
        services.change_status(
            concern, Status.ESCALATED, by=UserFactory(), at=timezone.now(), reason="x"
        )
