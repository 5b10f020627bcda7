"""The statutory complaint workflow (SI 2009/309): one function per action a complaint
allows (see workflow.COMPLAINT_ACTIONS). Each locks the case, checks the action against the
table (the complaint's state and the user's role), applies the rule it implements, records
its milestone fields, a StatusChange row when the status moves, and the next deadline."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from casework import deadlines
from casework.exceptions import CaseworkError
from casework.letters.models import LetterKind
from casework.models import (
    BEST_INTERESTS_NEEDED,
    Case,
    CaseParty,
    Consent,
    PartyRole,
)
from casework.services import record_status, refresh_due, response_deadline
from casework.workflow import (
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
from core.history import save_with_reason

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# ---------------------------------------------------------------------------------------


def _locked_complaint(case: Case, action: str, by: User) -> Case:
    """The complaint, its row locked, if the workflow table lets `by` take `action` on it
    now (workflow.COMPLAINT_ACTIONS: the states it is allowed from, and the roles)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.kind != CaseKind.COMPLAINT:
        raise CaseworkError(f"{case.reference} is not a formal complaint.")
    check_action(action, case.status, by)
    return case


def _move(case: Case, new: str, *, by: User, at: datetime, reason: str) -> None:
    old = case.status
    check_transition(case.kind, old, new)
    case.status = new
    refresh_due(case)
    save_with_reason(case, by, reason)
    record_status(case, old, new, by, at, reason)


def _not_future(day: date, at: datetime, what: str) -> None:
    if day > timezone.localdate(at):
        raise CaseworkError(f"The {what} cannot be in the future.")


@transaction.atomic
def record_time_limit(
    case: Case, *, event_date: date, became_aware_on: date | None, by: User, at: datetime
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
    refresh_due(case)
    reason = (
        "Received after the 12-month time limit (reg 12): a decision is needed"
        if case.out_of_time
        else "Event date recorded: within the time limit"
    )
    save_with_reason(case, by, reason)
    return case


@transaction.atomic
def decide_time_limit(
    case: Case, *, take_forward: bool, reasons: str, by: User, at: datetime
) -> Case:
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
        refresh_due(case)
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
    by: User,
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


def _set_response_due(case: Case, due: date, agreed: bool, by: User, at: datetime) -> None:
    if due <= case.received_on:
        raise CaseworkError("The response date must be after the complaint was received.")
    case.response_due = due
    case.response_due_agreed_with_complainant = agreed
    case.response_due_set_by = by
    case.response_due_set_on = timezone.localdate(at)


@transaction.atomic
def set_response_period(
    case: Case, *, due: date, agreed_with_complainant: bool, reason: str, by: User, at: datetime
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
    refresh_due(case)
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
    by: User,
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
def start_investigation(case: Case, *, by: User, at: datetime) -> Case:
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
    case: Case, *, findings: str, actions_agreed: str, learning: str, by: User, at: datetime
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
    case: Case, *, how_considered: str, conclusions: str, actions: str, by: User, at: datetime
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
def submit_for_approval(case: Case, *, by: User, at: datetime) -> Case:
    case = _locked_complaint(case, "submit", by)
    _move(case, Status.AWAITING_APPROVAL, by=by, at=at, reason="Sent for approval")
    return case


@transaction.atomic
def approve_response(case: Case, *, by: User, at: datetime) -> Case:
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
def return_for_changes(case: Case, *, reason: str, by: User, at: datetime) -> Case:
    """A complaints manager sends the draft back to be changed; its approval is withdrawn."""
    case = _locked_complaint(case, "return", by)
    if not reason.strip():
        raise CaseworkError("Say what needs changing.")
    case.response_approved_by, case.response_approved_on = None, None
    _move(case, Status.RESPONSE_DRAFTED, by=by, at=at, reason=f"Returned for changes: {reason}")
    return case


@transaction.atomic
def send_response(case: Case, *, outcome: str, sent_on: date, by: User, at: datetime) -> Case:
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
    case: Case, *, outcome: str, reason: str, by: User, at: datetime, reg8_exclusion: str = ""
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
    case: Case, *, resolved_on: date, by: User, at: datetime, note: str = ""
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
def reopen_complaint(case: Case, *, reason: str, by: User, at: datetime) -> Case:
    """The complainant came back after the response: reopen for further investigation."""
    case = _locked_complaint(case, "reopen", by)
    if not reason.strip():
        raise CaseworkError("Say why the complaint is reopened.")
    case.response_due = None
    case.response_approved_by, case.response_approved_on = None, None
    _move(case, Status.REOPENED, by=by, at=at, reason=f"Reopened: {reason}")
    return case


@transaction.atomic
def record_holding_letter(case: Case, *, sent_on: date, by: User, at: datetime) -> Case:
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
    by: User,
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
