"""Writes that change cases. One function per action; views, imports and tasks call these.

Each takes the acting user and the time as arguments, runs in one transaction, locks the case
row before changing its status, checks the transition (`casework.workflow`), writes a
StatusChange row, records a history change reason, and stores the next deadline.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from contacts.models import Contact, Organisation, Person

from . import deadlines
from .exceptions import CaseworkError
from .models import Case, CaseParty, PartyRole, ReferenceCounter, Relationship, StatusChange
from .workflow import INITIAL_STATUS, REFERENCE_PREFIX, CaseKind, Status, check_transition


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


def next_deadline(case: Case) -> tuple[date | None, str]:
    """The next deadline of a case and the action due by then, from its stored dates."""
    if case.is_finished:
        return None, ""
    if case.kind == CaseKind.COMPLAINT:
        if case.status == Status.RECEIVED:
            # SI 2009/309 reg 13(1): acknowledge within 3 working days of receipt.
            return case.acknowledgement_due, "Acknowledge the complaint"
        # Until a response period is agreed, reg 14(4)'s 6 months (beginning on the day of
        # receipt, so the six-month point itself is already late) is the backstop.
        last_day = deadlines.six_month_point(case.received_on) - timedelta(days=1)
        return last_day, "Send the response"
    target = deadlines.pals_target_due(case.received_on, settings.PALS_TARGET_WORKING_DAYS)
    return target, "Resolve the concern" if case.kind == CaseKind.PALS_CONCERN else "Reply"


def _refresh_due(case: Case) -> None:
    case.due_on, case.due_action = next_deadline(case)


def _save_with_reason(obj, by, reason: str, **kwargs) -> None:
    obj._change_reason = reason
    obj._history_user = by
    obj.save(**kwargs)


def _record_status(case: Case, old: str, new: str, by, at: datetime, reason: str) -> None:
    change = StatusChange(
        case=case, old_status=old, new_status=new, changed_by=by, changed_at=at, reason=reason
    )
    _save_with_reason(change, by, reason)


@transaction.atomic
def open_case(
    *,
    kind: str,
    received_on: date,
    description: str,
    by,
    at: datetime,
    organisation: Organisation | None = None,
    service_area=None,
    escalated_from: Case | None = None,
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
        opened_by=by,
    )
    if kind == CaseKind.COMPLAINT:
        case.acknowledgement_due = deadlines.acknowledgement_due(received_on)
    _refresh_due(case)
    _save_with_reason(case, by, reason)
    _record_status(case, "", case.status, by, at, reason)
    return case


@transaction.atomic
def add_party(
    case: Case, person: Person, role: str, *, by, relationship: str = "", reason: str = ""
) -> CaseParty:
    """Add a person to a case in a role; adding the same person twice in one role is a no-op."""
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
        _save_with_reason(party, by, reason or "Relationship to the patient changed")
    return party


def _default_role(kind: str) -> str:
    return PartyRole.COMPLAINANT if kind == CaseKind.COMPLAINT else PartyRole.CONTACT


@transaction.atomic
def log_contact(
    *,
    by,
    at: datetime,
    channel: str,
    contacted_at: datetime,
    summary: str,
    person: Person | None = None,
    relationship: str = Relationship.SELF,
    case: Case | None = None,
    new_case_kind: str | None = None,
    organisation: Organisation | None = None,
    service_area=None,
    from_organisation: Organisation | None = None,
) -> Contact:
    """Log one contact, attached to `case` or to a new case of `new_case_kind`.

    The person who made contact becomes a party to the case: the patient when they speak for
    themselves, otherwise a representative with their relationship to the patient (and the
    complainant, for a formal complaint).
    """
    if contacted_at > at:
        raise CaseworkError("The contact cannot have happened in the future.")
    if case is None and new_case_kind is None:
        raise CaseworkError("Choose a case for the contact, or open a new one.")
    if case is None:
        case = open_case(
            kind=new_case_kind,
            received_on=timezone.localdate(contacted_at),
            description=summary,
            by=by,
            at=at,
            organisation=organisation,
            service_area=service_area,
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
    _save_with_reason(contact, by, f"Contact logged on {case.reference}")
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
def create_person(*, by, reason: str = "Person added", **fields) -> Person:
    person = Person(**fields)
    person.full_clean()
    _save_with_reason(person, by, reason)
    return person


@transaction.atomic
def change_status(
    case: Case, new_status: str, *, by, at: datetime, reason: str, outcome: str = ""
) -> Case:
    """Move a case to `new_status` if its kind allows it from where it is now."""
    case = Case.objects.select_for_update().get(pk=case.pk)
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
    _refresh_due(case)
    _save_with_reason(case, by, reason)
    _record_status(case, old, new_status, by, at, reason)
    return case


# Fields staff may edit on the case page; everything else changes through an action.
EDITABLE_FIELDS = ("description", "organisation", "service_area", "team", "assignee")


@transaction.atomic
def update_case_details(
    case: Case, *, by, reason: str, subjects=None, staff_groups=None, **changes
) -> Case:
    """Edit a case's details and coding, with the reason recorded in its history."""
    if not reason.strip():
        raise CaseworkError("Give a reason for the change, so the history explains it.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise CaseworkError(f"These details cannot be edited here: {', '.join(sorted(unknown))}.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    for field, value in changes.items():
        setattr(case, field, value)
    case._change_reason = reason
    case._history_user = by
    if subjects is not None:
        case.subjects.set(subjects)
    if staff_groups is not None:
        case.staff_groups.set(staff_groups)
    # Saved last so the history row written now includes the new subjects and staff groups.
    case.save()
    return case


@transaction.atomic
def escalate_to_complaint(case: Case, *, by, at: datetime, reason: str) -> Case:
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
    _refresh_due(concern)
    _save_with_reason(concern, by, reason)
    _record_status(concern, old, Status.ESCALATED, by, at, reason)
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
