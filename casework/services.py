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

from contacts.history import save_with_reason
from contacts.models import Channel, Contact, Organisation, Person

from . import deadlines
from .exceptions import CaseworkError, EditConflict
from .models import (
    BEST_INTERESTS_NEEDED,
    Case,
    CaseParty,
    Consent,
    LetterKind,
    PartyRole,
    ReferenceCounter,
    Relationship,
    StatusChange,
)
from .workflow import (
    INITIAL_STATUS,
    REFERENCE_PREFIX,
    RESPONSE_OUTCOMES,
    CaseKind,
    ContactMethod,
    Outcome,
    Reg8Exclusion,
    Status,
    TimeLimitDecision,
    check_action,
    check_transition,
)


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


def _refresh_due(case: Case) -> None:
    case.due_on, case.due_action = next_deadline(case)


def _record_status(case: Case, old: str, new: str, by, at: datetime, reason: str) -> None:
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
    by,
    at: datetime,
    organisation: Organisation | None = None,
    service_area=None,
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
    _refresh_due(case)
    save_with_reason(case, by, reason)
    _record_status(case, "", case.status, by, at, reason)
    return case


@transaction.atomic
def add_party(
    case: Case, person: Person, role: str, *, by, relationship: str = "", reason: str = ""
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
def create_person(*, by, reason: str = "Person added", **fields) -> Person:
    person = Person(**fields)
    person.full_clean()
    save_with_reason(person, by, reason)
    return person


@transaction.atomic
def change_status(
    case: Case, new_status: str, *, by, at: datetime, reason: str, outcome: str = ""
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
    _refresh_due(case)
    save_with_reason(case, by, reason)
    _record_status(case, old, new_status, by, at, reason)
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
    by,
    reason: str,
    subjects=None,
    staff_groups=None,
    expected_version: int | None = None,
    **changes,
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
    save_with_reason(concern, by, reason)
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


# ---------------------------------------------------------------------------------------
# The statutory complaint workflow (SI 2009/309). Each action locks the case, checks the
# transition and the rule it implements, records its milestone fields, a StatusChange row
# when the status moves, and the next deadline.
# ---------------------------------------------------------------------------------------


def _locked_complaint(case: Case, action: str, by) -> Case:
    """The complaint, its row locked, if the workflow table lets `by` take `action` on it
    now (workflow.COMPLAINT_ACTIONS: the states it is allowed from, and the roles)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.kind != CaseKind.COMPLAINT:
        raise CaseworkError(f"{case.reference} is not a formal complaint.")
    check_action(action, case.status, by)
    return case


def _move(case: Case, new: str, *, by, at: datetime, reason: str) -> None:
    old = case.status
    check_transition(case.kind, old, new)
    case.status = new
    _refresh_due(case)
    save_with_reason(case, by, reason)
    _record_status(case, old, new, by, at, reason)


def _not_future(day: date, at: datetime, what: str) -> None:
    if day > timezone.localdate(at):
        raise CaseworkError(f"The {what} cannot be in the future.")


@transaction.atomic
def record_time_limit(
    case: Case, *, event_date: date, became_aware_on: date | None, by, at: datetime
) -> Case:
    """Record when the matter happened and when the complainant became aware of it, and
    flag the complaint if it came in after the 12-month time limit (SI 2009/309 reg 12(1))."""
    case = _locked_complaint(case, "time-limit", by)
    _not_future(event_date, at, "date of the event")
    if became_aware_on:
        _not_future(became_aware_on, at, "date the complainant became aware")
        if became_aware_on < event_date:
            raise CaseworkError("The complainant cannot have become aware before the event.")
    case.event_date, case.became_aware_on = event_date, became_aware_on
    case.out_of_time = deadlines.is_out_of_time(case.received_on, event_date, became_aware_on)
    if not case.out_of_time:
        case.time_limit_decision = ""
    _refresh_due(case)
    reason = (
        "Received after the 12-month time limit (reg 12): a decision is needed"
        if case.out_of_time
        else "Event date recorded: within the time limit"
    )
    save_with_reason(case, by, reason)
    return case


@transaction.atomic
def decide_time_limit(case: Case, *, take_forward: bool, reasons: str, by, at: datetime) -> Case:
    """SI 2009/309 reg 12(2): take a late complaint forward only when the complainant had good
    reasons for the delay and it is still possible to investigate it effectively and fairly.
    Refusing closes the complaint as not taken forward; the out-of-time letter explains why."""
    case = _locked_complaint(case, "time-limit-decision", by)
    if not case.out_of_time:
        raise CaseworkError("This complaint is within the time limit: no decision is needed.")
    if not reasons.strip():
        raise CaseworkError("Give the reasons for the decision; they are kept on the record.")
    case.time_limit_decision = (
        TimeLimitDecision.ACCEPTED if take_forward else TimeLimitDecision.REFUSED
    )
    case.time_limit_reasons = reasons
    case.time_limit_decided_by = by
    case.time_limit_decided_on = timezone.localdate(at)
    if take_forward:
        _refresh_due(case)
        save_with_reason(case, by, f"Late complaint taken forward: {reasons}")
        return case
    case.outcome = Outcome.NOT_TAKEN_FORWARD
    case.closure_reason = f"Out of time (reg 12): {reasons}"
    case.closed_on = timezone.localdate(at)
    _move(case, Status.CLOSED, by=by, at=at, reason=case.closure_reason)
    return case


@transaction.atomic
def acknowledge(
    case: Case,
    *,
    on: date,
    method: str,
    discussion_offered: bool,
    discussion_held: bool,
    by,
    at: datetime,
    response_due: date | None = None,
    agreed_with_complainant: bool = False,
) -> Case:
    """SI 2009/309 reg 13: acknowledge (orally or in writing) and offer to discuss how the
    complaint will be handled and the response period. A late acknowledgement is still
    recorded — the compliance report shows it — but a date before receipt is not."""
    case = _locked_complaint(case, "acknowledge", by)
    _not_future(on, at, "acknowledgement date")
    if on < case.received_on:
        raise CaseworkError("The acknowledgement cannot be before the complaint was received.")
    if not method:
        raise CaseworkError("Choose how the complaint was acknowledged.")
    if case.out_of_time and case.time_limit_decision != TimeLimitDecision.ACCEPTED:
        raise CaseworkError(
            "This complaint was made after the 12-month time limit. Record the decision to "
            "take it forward (good reasons and a fair investigation still possible) first."
        )
    if discussion_held and not discussion_offered:
        raise CaseworkError("A discussion can only have been held if it was offered.")
    case.acknowledged_on, case.acknowledged_by = on, by
    case.acknowledgement_method = method
    case.discussion_offered, case.discussion_held = discussion_offered, discussion_held
    if response_due:
        _set_response_due(case, response_due, agreed_with_complainant, by, at)
    _move(
        case,
        Status.ACKNOWLEDGED,
        by=by,
        at=at,
        reason=f"Acknowledged by {ContactMethod(method).label.lower()} on {on:%d %b %Y}",
    )
    return case


def _set_response_due(case: Case, due: date, agreed: bool, by, at: datetime) -> None:
    if due <= case.received_on:
        raise CaseworkError("The response date must be after the complaint was received.")
    case.response_due = due
    case.response_due_agreed_with_complainant = agreed
    case.response_due_set_by = by
    case.response_due_set_on = timezone.localdate(at)


@transaction.atomic
def set_response_period(
    case: Case, *, due: date, agreed_with_complainant: bool, reason: str, by, at: datetime
) -> Case:
    """Set or extend the response period (SI 2009/309 regs 13(3)-(4), 14(4)).

    An extension must be agreed before the current response date passes, and a period longer
    than 6 months only before the 6 months expire; after that the body writes to explain
    the delay (the holding letter) instead.
    """
    case = _locked_complaint(case, "response-period", by)
    if not reason.strip():
        raise CaseworkError("Give the reason, for example what was agreed with the complainant.")
    today = timezone.localdate(at)
    if case.response_due:
        if today > case.response_due:
            raise CaseworkError(
                f"An extension must be agreed before the current response date "
                f"({case.response_due:%d %B %Y}) passes. It has passed: send the holding "
                "letter explaining the delay instead."
            )
        if due <= case.response_due:
            raise CaseworkError(
                f"An extension must be later than the current response date "
                f"({case.response_due:%d %B %Y})."
            )
    six_months = deadlines.six_month_point(case.received_on)
    if due >= six_months and today >= six_months:
        raise CaseworkError(
            "The 6 months from receipt have passed, so a longer period can no longer be agreed "
            "(reg 14(4)). Send the holding letter explaining why there is no response yet."
        )
    if due < today:
        raise CaseworkError("The response date cannot be in the past.")
    _set_response_due(case, due, agreed_with_complainant, by, at)
    _refresh_due(case)
    save_with_reason(case, by, reason)
    return case


def consent_outstanding(case: Case) -> list[CaseParty]:
    """Representatives who cannot yet act for the patient (SI 2009/309 reg 5): consent not
    given, or given as not needed without the best-interests check being satisfied."""
    return [
        party
        for party in case.parties.filter(role=PartyRole.REPRESENTATIVE).select_related("person")
        if lacks_consent(party)
    ]


def lacks_consent(representative: CaseParty) -> bool:
    """Whether this representative cannot yet act for the patient (SI 2009/309 reg 5); for
    pages that already hold the case's parties."""
    if representative.consent in (Consent.GIVEN, Consent.NOT_NEEDED_DECEASED):
        return False
    return not (
        representative.consent in BEST_INTERESTS_NEEDED and representative.best_interests_confirmed
    )


@transaction.atomic
def record_consent(
    party: CaseParty,
    *,
    consent: str,
    method: str,
    on: date,
    by,
    at: datetime,
    best_interests_confirmed: bool | None = None,
    notes: str = "",
) -> CaseParty:
    """Record the patient's consent for a representative, or why it is not needed
    (SI 2009/309 reg 5(2)); for a child or a patient lacking capacity, whether the body is
    satisfied the representative acts in their best interests (reg 5(4))."""
    party = CaseParty.objects.select_for_update().get(pk=party.pk)
    if party.role != PartyRole.REPRESENTATIVE:
        raise CaseworkError("Consent is recorded for a representative acting for the patient.")
    _not_future(on, at, "consent date")
    if consent in BEST_INTERESTS_NEEDED and best_interests_confirmed is None:
        raise CaseworkError(
            "Say whether you are satisfied the representative is acting in the patient's best "
            "interests (reg 5(4))."
        )
    party.consent, party.consent_method, party.consent_recorded_on = consent, method, on
    party.consent_recorded_by = by
    party.best_interests_confirmed = (
        best_interests_confirmed if consent in BEST_INTERESTS_NEEDED else None
    )
    party.consent_notes = notes
    save_with_reason(party, by, f"Consent recorded: {Consent(consent).label}")
    return party


@transaction.atomic
def start_investigation(case: Case, *, by, at: datetime) -> Case:
    """Move an acknowledged (or reopened) complaint into investigation. A complaint made on
    someone's behalf cannot progress until consent, or the reason it is not needed, is
    recorded (SI 2009/309 reg 5)."""
    case = _locked_complaint(case, "start-investigation", by)
    missing = consent_outstanding(case)
    if missing:
        names = ", ".join(p.person.full_name for p in missing)
        raise CaseworkError(
            f"Record the patient's consent (or why it is not needed) for {names} before the "
            "investigation starts."
        )
    if case.assignee_id is None:
        raise CaseworkError("Allocate the complaint to an investigator first.")
    _move(case, Status.INVESTIGATING, by=by, at=at, reason="Investigation started")
    return case


@transaction.atomic
def record_findings(
    case: Case, *, findings: str, actions_agreed: str, learning: str, by, at: datetime
) -> Case:
    case = _locked_complaint(case, "findings", by)
    case.findings, case.actions_agreed, case.learning = findings, actions_agreed, learning
    save_with_reason(case, by, "Findings, actions and learning recorded")
    return case


RESPONSE_SECTIONS = (
    ("response_how_considered", "how the complaint was considered"),
    ("response_conclusions", "the conclusions reached"),
    ("response_actions", "the action taken or to be taken"),
)


def missing_response_sections(case: Case) -> list[str]:
    """What the response must state under SI 2009/309 reg 14(2) and is still empty."""
    return [label for field, label in RESPONSE_SECTIONS if not getattr(case, field).strip()]


@transaction.atomic
def draft_response(
    case: Case, *, how_considered: str, conclusions: str, actions: str, by, at: datetime
) -> Case:
    """Record the draft response. Every section reg 14(2) requires must be written."""
    case = _locked_complaint(case, "draft-response", by)
    case.response_how_considered = how_considered
    case.response_conclusions = conclusions
    case.response_actions = actions
    missing = missing_response_sections(case)
    if missing:
        raise CaseworkError("The response must state " + ", ".join(missing) + ".")
    if case.status == Status.RESPONSE_DRAFTED:
        save_with_reason(case, by, "Draft response revised")
    else:
        _move(case, Status.RESPONSE_DRAFTED, by=by, at=at, reason="Response drafted")
    return case


@transaction.atomic
def submit_for_approval(case: Case, *, by, at: datetime) -> Case:
    case = _locked_complaint(case, "submit", by)
    _move(case, Status.AWAITING_APPROVAL, by=by, at=at, reason="Sent for approval")
    return case


@transaction.atomic
def approve_response(case: Case, *, by, at: datetime) -> Case:
    """A complaints manager approves the response for signature (reg 14(2): signed by the
    responsible person)."""
    case = _locked_complaint(case, "approve", by)
    missing = missing_response_sections(case)
    if missing:
        raise CaseworkError("The response must state " + ", ".join(missing) + ".")
    case.response_approved_by, case.response_approved_on = by, timezone.localdate(at)
    save_with_reason(case, by, "Response approved")
    return case


@transaction.atomic
def return_for_changes(case: Case, *, reason: str, by, at: datetime) -> Case:
    """A complaints manager sends the draft back to be changed; its approval is withdrawn."""
    case = _locked_complaint(case, "return", by)
    if not reason.strip():
        raise CaseworkError("Say what needs changing.")
    case.response_approved_by, case.response_approved_on = None, None
    _move(case, Status.RESPONSE_DRAFTED, by=by, at=at, reason=f"Returned for changes: {reason}")
    return case


@transaction.atomic
def send_response(case: Case, *, outcome: str, sent_on: date, by, at: datetime) -> Case:
    """Record that the approved, signed response was sent and close the complaint with its
    outcome; record whether it was within the response period (regs 14, 16)."""
    case = _locked_complaint(case, "send-response", by)
    if outcome not in RESPONSE_OUTCOMES:
        raise CaseworkError("Choose the outcome: upheld, partly upheld or not upheld.")
    _not_future(sent_on, at, "date the response was sent")
    if case.response_approved_on is None:
        raise CaseworkError("A complaints manager must approve the response before it is sent.")
    missing = missing_response_sections(case)
    if missing:
        raise CaseworkError("The response must state " + ", ".join(missing) + ".")
    if not case.letters.filter(kind=LetterKind.FINAL_RESPONSE).exists():
        # The letter is where reg 14(2)'s contents and the Ombudsman paragraph are checked.
        raise CaseworkError(
            "Generate the final response letter (Letters tab) before recording the response "
            "as sent."
        )
    case.outcome = outcome
    case.response_sent_on = sent_on
    case.response_in_time = sent_on <= response_deadline(case)
    case.closed_on = sent_on
    case.closure_reason = ""
    _move(
        case,
        Status.CLOSED,
        by=by,
        at=at,
        reason=f"Response sent on {sent_on:%d %b %Y}: {Outcome(outcome).label.lower()}",
    )
    return case


CLOSING_OUTCOMES = {Outcome.WITHDRAWN, Outcome.NOT_TAKEN_FORWARD}


@transaction.atomic
def close_without_response(
    case: Case, *, outcome: str, reason: str, by, at: datetime, reg8_exclusion: str = ""
) -> Case:
    """Close a complaint that is withdrawn or not taken forward, with the reason (for a reg 8
    exclusion, which one)."""
    case = _locked_complaint(case, "close", by)
    if outcome not in CLOSING_OUTCOMES:
        raise CaseworkError("Choose whether the complaint was withdrawn or not taken forward.")
    if not reason.strip():
        raise CaseworkError("Give the reason the complaint is closed without a response.")
    case.outcome, case.closure_reason = outcome, reason
    case.reg8_exclusion = reg8_exclusion
    case.closed_on = timezone.localdate(at)
    _move(case, Status.CLOSED, by=by, at=at, reason=f"{Outcome(outcome).label}: {reason}")
    return case


@transaction.atomic
def resolve_oral_complaint(
    case: Case, *, resolved_on: date, by, at: datetime, note: str = ""
) -> Case:
    """SI 2009/309 reg 8(1)(b): an oral complaint resolved to the complainant's satisfaction
    not later than the next working day is recorded as resolved and is not a statutory
    complaint (excluded from statutory counts)."""
    case = _locked_complaint(case, "resolve-oral", by)
    if not case.made_orally:
        raise CaseworkError(
            "Only a complaint made orally (by phone or in person) can be resolved this way."
        )
    _not_future(resolved_on, at, "resolution date")
    if not deadlines.resolved_within_next_working_day(case.received_on, resolved_on):
        last = deadlines.oral_resolution_deadline(case.received_on)
        raise CaseworkError(
            f"It was resolved after the next working day ({last:%A %d %B %Y}), so it must be "
            "handled as a formal complaint."
        )
    case.outcome = Outcome.RESOLVED_NEXT_DAY
    case.reg8_exclusion = Reg8Exclusion.ORAL_RESOLVED_NEXT_DAY
    case.closure_reason = note or "Resolved to the complainant's satisfaction"
    case.closed_on = resolved_on
    _move(
        case,
        Status.CLOSED,
        by=by,
        at=at,
        reason="Oral complaint resolved by the next working day (reg 8(1)(b))",
    )
    return case


@transaction.atomic
def reopen_complaint(case: Case, *, reason: str, by, at: datetime) -> Case:
    """The complainant came back after the response: reopen for further investigation."""
    case = _locked_complaint(case, "reopen", by)
    if not reason.strip():
        raise CaseworkError("Say why the complaint is reopened.")
    case.response_due = None
    case.response_approved_by, case.response_approved_on = None, None
    _move(case, Status.REOPENED, by=by, at=at, reason=f"Reopened: {reason}")
    return case


@transaction.atomic
def record_holding_letter(case: Case, *, sent_on: date, by, at: datetime) -> Case:
    """SI 2009/309 reg 14(4): record that the letter explaining why there is no response yet
    was sent."""
    case = _locked_complaint(case, "holding-letter", by)
    _not_future(sent_on, at, "date the letter was sent")
    case.holding_letter_sent_on = sent_on
    save_with_reason(case, by, "Holding letter sent (reg 14(4))")
    return case


@transaction.atomic
def record_ombudsman(
    case: Case,
    *,
    referred_on: date,
    by,
    at: datetime,
    decision: str = "",
    decision_on: date | None = None,
    recommendations: str = "",
) -> Case:
    """Record that the complainant took the complaint to the Parliamentary and Health Service
    Ombudsman, and the Ombudsman's decision and recommendations when they come."""
    case = _locked_complaint(case, "ombudsman", by)
    _not_future(referred_on, at, "date of referral to the Ombudsman")
    if decision_on:
        _not_future(decision_on, at, "date of the Ombudsman's decision")
        if decision_on < referred_on:
            raise CaseworkError("The decision cannot come before the referral.")
    if decision_on and not decision.strip():
        raise CaseworkError("Enter the Ombudsman's decision.")
    case.phso_referred_on = referred_on
    case.phso_decision, case.phso_decision_on = decision, decision_on
    case.phso_recommendations = recommendations
    save_with_reason(case, by, "Ombudsman referral recorded")
    return case
