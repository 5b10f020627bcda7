"""Writes that change cases. One function per action; views, imports and tasks call these.

Each takes the acting user and the time as arguments, runs in one transaction, locks the case
row before changing its status, checks the transition (`casework.workflow`), writes a
StatusChange row, records a history change reason, and stores the next deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from contacts.models import Channel, Contact, Organisation, Person
from core.history import save_with_reason, stamp_reason

from . import deadlines
from .exceptions import CaseworkError, EditConflict
from .models import (
    Case,
    CaseParty,
    PartyRole,
    ReferenceCounter,
    Relationship,
    ServiceArea,
    StaffGroup,
    StatusChange,
    Subject,
)
from .workflow import (
    INITIAL_STATUS,
    REFERENCE_PREFIX,
    CaseKind,
    Status,
    check_transition,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def next_reference(kind: str, year: int) -> str:
    """Issue the next reference for this kind and year, e.g. COMP-2026-000045.

    The counter row is incremented with an UPDATE before it is read, so the database's row
    lock (PostgreSQL) or write lock (SQLite, IMMEDIATE transactions) queues concurrent
    callers: two officers saving at the same moment get different numbers.
    """
    prefix = REFERENCE_PREFIX[CaseKind(kind)]
    with transaction.atomic():
        counters = ReferenceCounter.objects.filter(prefix=prefix, year=year)
        if not counters.update(last_number=F("last_number") + 1):
            try:
                with transaction.atomic():
                    ReferenceCounter.objects.create(prefix=prefix, year=year, last_number=1)
            except IntegrityError:
                # Another transaction created the row first; take the next number after it.
                counters.update(last_number=F("last_number") + 1)
        number = counters.values_list("last_number", flat=True).get()
    return f"{prefix}-{year}-{number:06d}"


def response_deadline(case: Case) -> date:
    """The last day the response is in time: the agreed response period if one was set,
    else the end of reg 14(4)'s 6 months beginning on the day of receipt (the six-month
    point itself is already late)."""
    if case.response_due:
        return case.response_due
    return deadlines.six_month_point(case.received_on) - timedelta(days=1)


def next_deadline(case: Case) -> tuple[date | None, str]:
    """The next deadline of a case and the action due by then, from its stored dates."""
    if case.is_finished:
        return None, ""
    if case.kind == CaseKind.COMPLAINT:
        if case.status == Status.RECEIVED:
            if case.out_of_time and not case.time_limit_decision:
                # SI 2009/309 reg 12(2): decide before taking a late complaint forward.
                return case.acknowledgement_due, "Decide whether to take the late complaint on"
            # SI 2009/309 reg 13(1): acknowledge within 3 working days of receipt.
            return case.acknowledgement_due, "Acknowledge the complaint"
        if case.status == Status.REOPENED:
            return case.response_due, "Agree a new response date and reinvestigate"
        if case.status == Status.AWAITING_APPROVAL:
            return response_deadline(case), "Approve and send the response"
        return response_deadline(case), "Send the response"
    target = deadlines.pals_target_due(case.received_on, settings.PALS_TARGET_WORKING_DAYS)
    return target, "Resolve the concern" if case.kind == CaseKind.PALS_CONCERN else "Reply"


def needs_holding_letter(case: Case, today: date) -> bool:
    """SI 2009/309 reg 14(4): no response within 6 months of receipt, or within the longer
    period agreed before they expired — the body must write to explain why. Once that letter
    has gone, it must respond as soon as reasonably practicable (no second letter)."""
    if case.kind != CaseKind.COMPLAINT or case.response_sent_on or case.is_finished:
        return False
    last_day = max(
        deadlines.six_month_point(case.received_on) - timedelta(days=1),
        case.response_due or date.min,
    )
    if today <= last_day:
        return False
    return not (case.holding_letter_sent_on and case.holding_letter_sent_on > last_day)


def refresh_due(case: Case) -> None:
    case.due_on, case.due_action = next_deadline(case)


def record_status(case: Case, old: str, new: str, by: User, at: datetime, reason: str) -> None:
    change = StatusChange(
        case=case, old_status=old, new_status=new, changed_by=by, changed_at=at, reason=reason
    )
    save_with_reason(change, by, reason)


@transaction.atomic
def open_case(
    *,
    kind: str,
    received_on: date,
    description: str,
    by: User,
    at: datetime,
    organisation: Organisation | None = None,
    service_area: ServiceArea | None = None,
    escalated_from: Case | None = None,
    made_orally: bool = False,
    reason: str = "Case opened",
) -> Case:
    """Open a new case with its reference, initial status and first deadline."""
    if received_on > timezone.localdate(at):
        raise CaseworkError("The received date cannot be in the future.")
    case = Case(
        reference=next_reference(kind, received_on.year),
        kind=kind,
        status=INITIAL_STATUS[CaseKind(kind)],
        received_on=received_on,
        description=description,
        organisation=organisation,
        service_area=service_area,
        escalated_from=escalated_from,
        made_orally=made_orally,
        opened_by=by,
    )
    if kind == CaseKind.COMPLAINT:
        case.acknowledgement_due = deadlines.acknowledgement_due(received_on)
    refresh_due(case)
    save_with_reason(case, by, reason)
    record_status(case, "", case.status, by, at, reason)
    return case


@transaction.atomic
def add_party(
    case: Case, person: Person, role: str, *, by: User, relationship: str = "", reason: str = ""
) -> CaseParty:
    """Add a person to a case in a role; adding the same person twice in one role is a no-op."""
    require_reason_if_finished(case, reason)
    party, created = CaseParty.objects.get_or_create(
        case=case, person=person, role=role, defaults={"relationship": relationship}
    )
    if created:
        # get_or_create saved once without a reason; give that history row its reason.
        record = party.history.latest()
        record.history_change_reason = reason or f"{person} added as {party.get_role_display()}"
        record.history_user = by
        record.save()
    elif relationship and party.relationship != relationship:
        party.relationship = relationship
        save_with_reason(party, by, reason or "Relationship to the patient changed")
    return party


# Channels on which a complaint is made orally (reg 13(2), and reg 8(1)(b) for resolution).
ORAL_CHANNELS = {Channel.PHONE, Channel.IN_PERSON}


def _default_role(kind: str) -> str:
    return PartyRole.COMPLAINANT if kind == CaseKind.COMPLAINT else PartyRole.CONTACT


@transaction.atomic
def log_contact(
    *,
    by: User,
    at: datetime,
    channel: str,
    contacted_at: datetime,
    summary: str,
    person: Person | None = None,
    relationship: str = Relationship.SELF,
    case: Case | None = None,
    new_case_kind: str | None = None,
    organisation: Organisation | None = None,
    service_area: ServiceArea | None = None,
    from_organisation: Organisation | None = None,
) -> Contact:
    """Log one contact, attached to `case` or to a new case of `new_case_kind`.

    The person who made contact becomes a party to the case: the patient when they speak for
    themselves, otherwise a representative with their relationship to the patient (and the
    complainant, for a formal complaint).
    """
    if contacted_at > at:
        raise CaseworkError("The contact cannot have happened in the future.")
    if case is None:
        if new_case_kind is None:
            raise CaseworkError("Choose a case for the contact, or open a new one.")
        case = open_case(
            kind=new_case_kind,
            received_on=timezone.localdate(contacted_at),
            description=summary,
            by=by,
            at=at,
            organisation=organisation,
            service_area=service_area,
            made_orally=channel in ORAL_CHANNELS,
            reason=f"Case opened from a {channel.replace('_', ' ')} contact",
        )
    contact = Contact(
        case=case,
        person=person,
        channel=channel,
        contacted_at=contacted_at,
        summary=summary,
        organisation=organisation or case.organisation,
        from_organisation=from_organisation,
        logged_by=by,
    )
    save_with_reason(contact, by, f"Contact logged on {case.reference}")
    if person is not None:
        if relationship == Relationship.SELF:
            add_party(case, person, PartyRole.PATIENT, by=by, relationship=Relationship.SELF)
            if case.kind == CaseKind.COMPLAINT:
                add_party(
                    case, person, PartyRole.COMPLAINANT, by=by, relationship=Relationship.SELF
                )
        else:
            add_party(case, person, PartyRole.REPRESENTATIVE, by=by, relationship=relationship)
            if case.kind == CaseKind.COMPLAINT:
                add_party(case, person, PartyRole.COMPLAINANT, by=by, relationship=relationship)
    return contact


@transaction.atomic
def create_person(*, by: User, reason: str = "Person added", **fields: Any) -> Person:
    person = Person(**fields)
    person.full_clean()
    save_with_reason(person, by, reason)
    return person


@transaction.atomic
def change_status(
    case: Case, new_status: str, *, by: User, at: datetime, reason: str, outcome: str = ""
) -> Case:
    """Move a case to `new_status` if its kind allows it from where it is now."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.kind == CaseKind.COMPLAINT:
        raise CaseworkError(
            "A formal complaint moves on through its own actions (acknowledge, investigate, "
            "respond), which check the rules of the Complaints Regulations."
        )
    old = case.status
    check_transition(case.kind, old, new_status)
    if new_status == Status.ESCALATED:
        raise CaseworkError(
            "Escalate a PALS concern with escalate_to_complaint, which opens the linked complaint."
        )
    if new_status == Status.CLOSED and not outcome:
        raise CaseworkError("Choose an outcome before closing the case.")
    if not reason.strip():
        raise CaseworkError("Give a reason for the change.")
    case.status = new_status
    if new_status in (Status.CLOSED, Status.RESOLVED, Status.ESCALATED):
        case.closed_on = timezone.localdate(at)
        case.outcome = outcome
    elif old in (Status.CLOSED, Status.RESOLVED):
        case.closed_on = None
        case.outcome = ""
    refresh_due(case)
    save_with_reason(case, by, reason)
    record_status(case, old, new_status, by, at, reason)
    return case


def require_reason_if_finished(case: Case, reason: str) -> None:
    """A closed (or otherwise finished) case is the record of what was decided: any later
    change to it must say why, so the history explains it (SI 2009/309 reg 16: the record
    of each complaint and its outcome)."""
    if case.is_finished and not (reason or "").strip():
        raise CaseworkError(
            f"This case is {case.get_status_display().lower()}: give the reason for changing it."
        )


def case_version(case: Case) -> int:
    """The id of the case's latest history row: it changes whenever anyone saves the case, so
    an edit form carries it to notice that someone else saved in between."""
    return case.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0


# Fields staff may edit on the case page; everything else changes through an action.
EDITABLE_FIELDS = ("description", "organisation", "service_area", "team", "assignee")


@transaction.atomic
def update_case_details(
    case: Case,
    *,
    by: User,
    reason: str,
    subjects: Iterable[Subject] | None = None,
    staff_groups: Iterable[StaffGroup] | None = None,
    expected_version: int | None = None,
    **changes: Any,
) -> Case:
    """Edit a case's details and coding, with the reason recorded in its history.

    With `expected_version` (the `case_version` the editor's form was built from), the save is
    refused with EditConflict if anyone saved the case since — optimistic locking, so two
    people editing at once cannot silently overwrite each other."""
    if not reason.strip():
        raise CaseworkError("Give a reason for the change, so the history explains it.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise CaseworkError(f"These details cannot be edited here: {', '.join(sorted(unknown))}.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_reason_if_finished(case, reason)
    if expected_version is not None:
        current = case_version(case)
        if current != expected_version:
            from .selectors import case_history_since

            raise EditConflict(
                current_version=current, changes=case_history_since(case, expected_version)
            )
    for field, value in changes.items():
        setattr(case, field, value)
    stamp_reason(case, by, reason)
    if subjects is not None:
        case.subjects.set(subjects)
    if staff_groups is not None:
        case.staff_groups.set(staff_groups)
    # Saved last so the history row written now includes the new subjects and staff groups.
    case.save()
    return case


@transaction.atomic
def escalate_to_complaint(case: Case, *, by: User, at: datetime, reason: str) -> Case:
    """Escalate a PALS concern to a formal complaint: the concern is marked escalated and a
    new complaint, linked to it and with the same people, starts its own clock on the day of
    escalation (its received date), so the 3-working-day acknowledgement runs from then."""
    if not reason.strip():
        raise CaseworkError("Give a reason for the escalation.")
    concern = Case.objects.select_for_update().get(pk=case.pk)
    check_transition(concern.kind, concern.status, Status.ESCALATED)
    old = concern.status
    concern.status = Status.ESCALATED
    concern.closed_on = timezone.localdate(at)
    refresh_due(concern)
    save_with_reason(concern, by, reason)
    record_status(concern, old, Status.ESCALATED, by, at, reason)
    complaint = open_case(
        kind=CaseKind.COMPLAINT,
        received_on=timezone.localdate(at),
        description=concern.description,
        by=by,
        at=at,
        organisation=concern.organisation,
        service_area=concern.service_area,
        escalated_from=concern,
        reason=f"Escalated from {concern.reference}: {reason}",
    )
    complaint.subjects.set(concern.subjects.all())
    for party in concern.parties.all():
        add_party(
            complaint,
            party.person,
            party.role,
            by=by,
            relationship=party.relationship,
            reason=f"Carried over from {concern.reference}",
        )
        if party.role in (PartyRole.PATIENT, PartyRole.REPRESENTATIVE):
            if (
                party.role == PartyRole.REPRESENTATIVE
                or not concern.parties.filter(role=PartyRole.REPRESENTATIVE).exists()
            ):
                add_party(
                    complaint,
                    party.person,
                    PartyRole.COMPLAINANT,
                    by=by,
                    relationship=party.relationship,
                    reason=f"Complainant on {concern.reference}",
                )
    return complaint
