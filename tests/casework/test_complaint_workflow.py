"""The statutory complaint workflow (SI 2009/309): every action and every rule it enforces."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from casework import services
from casework.complaints import services as complaints
from casework.exceptions import CaseworkError
from casework.letters.models import LetterKind
from casework.letters.services import generate_letter, mark_letter_sent
from casework.models import CaseParty, Consent, PartyRole, StatusChange
from casework.workflow import (
    CaseKind,
    ContactMethod,
    Outcome,
    Reg8Exclusion,
    Status,
    TimeLimitDecision,
    TransitionNotAllowed,
)
from config import roles
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(day, hour=12):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def staff(db):
    officer = UserFactory(username="wf-officer")
    manager = UserFactory(username="wf-manager")
    manager.groups.add(Group.objects.get(name=roles.MANAGER))
    return officer, manager


def complaint(received=dt.date(2025, 1, 6), **kwargs):
    kwargs.setdefault("person", PersonFactory())
    return CaseFactory(kind=CaseKind.COMPLAINT, received_on=received, **kwargs)


def final_letter(case, by):
    person = case.parties.first().person
    return generate_letter(
        case, LetterKind.FINAL_RESPONSE, recipient=person, by=by, at=timezone.now()
    )


def acknowledged(officer, received=dt.date(2025, 1, 6), **kwargs):
    case = complaint(received, **kwargs)
    return complaints.acknowledge(
        case,
        on=received + dt.timedelta(days=1),
        method=ContactMethod.LETTER,
        discussion_offered=True,
        discussion_held=True,
        by=officer,
        at=at(received + dt.timedelta(days=1)),
    )


# Acknowledgement (reg 13)


def test_acknowledgement_records_date_method_and_the_discussion(staff):
    officer, _ = staff
    case = complaint()
    case = complaints.acknowledge(
        case,
        on=dt.date(2025, 1, 8),
        method=ContactMethod.PHONE,
        discussion_offered=True,
        discussion_held=True,
        response_due=dt.date(2025, 3, 7),
        agreed_with_complainant=True,
        by=officer,
        at=at(dt.date(2025, 1, 8)),
    )
    assert case.status == Status.ACKNOWLEDGED
    assert (case.acknowledged_on, case.acknowledgement_method) == (dt.date(2025, 1, 8), "phone")
    assert case.discussion_offered and case.discussion_held
    assert case.response_due == dt.date(2025, 3, 7)
    assert case.response_due_agreed_with_complainant
    assert case.response_due_set_by == officer
    assert case.due_on == dt.date(2025, 3, 7) and case.due_action == "Send the response"


def test_acknowledgement_before_receipt_or_in_the_future_is_refused(staff):
    officer, _ = staff
    case = complaint()
    for day in (dt.date(2025, 1, 5), timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(CaseworkError):
            complaints.acknowledge(
                case,
                on=day,
                method=ContactMethod.LETTER,
                discussion_offered=True,
                discussion_held=False,
                by=officer,
                at=timezone.now(),
            )
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.acknowledged_on is None


def test_without_an_agreed_period_the_response_is_due_the_day_before_six_months(staff):
    officer, _ = staff
    case = acknowledged(officer, received=dt.date(2025, 8, 31))
    # 6 months beginning on 31 Aug 2025 end on 27 Feb 2026 (the six-month point is 28 Feb).
    assert case.due_on == dt.date(2026, 2, 27)


# Time limit (reg 12)


def test_late_complaint_is_flagged_and_cannot_be_acknowledged_without_a_decision(staff):
    officer, _ = staff
    case = complaint(received=dt.date(2025, 6, 2))
    case = complaints.record_time_limit(
        case,
        event_date=dt.date(2024, 5, 1),
        became_aware_on=None,
        by=officer,
        at=at(dt.date(2025, 6, 2)),
    )
    assert case.out_of_time
    assert case.due_action == "Decide whether to take the late complaint on"
    with pytest.raises(CaseworkError, match="12-month time limit"):
        complaints.acknowledge(
            case,
            on=dt.date(2025, 6, 3),
            method=ContactMethod.LETTER,
            discussion_offered=True,
            discussion_held=False,
            by=officer,
            at=at(dt.date(2025, 6, 3)),
        )


def test_awareness_later_than_the_event_keeps_a_complaint_in_time(staff):
    officer, _ = staff
    case = complaint(received=dt.date(2025, 6, 2))
    case = complaints.record_time_limit(
        case,
        event_date=dt.date(2024, 1, 10),
        became_aware_on=dt.date(2024, 9, 1),
        by=officer,
        at=at(dt.date(2025, 6, 2)),
    )
    assert not case.out_of_time


def test_late_complaint_taken_forward_with_reasons_can_be_acknowledged(staff):
    officer, manager = staff
    case = complaint(received=dt.date(2025, 6, 2))
    complaints.record_time_limit(
        case,
        event_date=dt.date(2024, 5, 1),
        became_aware_on=None,
        by=officer,
        at=at(dt.date(2025, 6, 2)),
    )
    with pytest.raises(CaseworkError, match="reasons"):
        complaints.decide_time_limit(
            case, take_forward=True, reasons=" ", by=manager, at=at(dt.date(2025, 6, 2))
        )
    case = complaints.decide_time_limit(
        case,
        take_forward=True,
        reasons="In hospital until April; records all still held",
        by=manager,
        at=at(dt.date(2025, 6, 2)),
    )
    assert case.time_limit_decision == TimeLimitDecision.ACCEPTED
    assert case.time_limit_decided_by == manager
    complaints.acknowledge(
        case,
        on=dt.date(2025, 6, 3),
        method=ContactMethod.LETTER,
        discussion_offered=True,
        discussion_held=False,
        by=officer,
        at=at(dt.date(2025, 6, 3)),
    )


def test_late_complaint_refused_is_closed_as_out_of_time(staff):
    officer, manager = staff
    case = complaint(received=dt.date(2025, 6, 2))
    complaints.record_time_limit(
        case,
        event_date=dt.date(2023, 1, 1),
        became_aware_on=None,
        by=officer,
        at=at(dt.date(2025, 6, 2)),
    )
    case = complaints.decide_time_limit(
        case,
        take_forward=False,
        reasons="No good reason given; staff have left",
        by=manager,
        at=at(dt.date(2025, 6, 3)),
    )
    assert case.status == Status.CLOSED
    assert case.outcome == Outcome.NOT_TAKEN_FORWARD
    assert "Out of time" in case.closure_reason


# Representatives and consent (reg 5)


def _complaint_by_daughter(officer):
    daughter = PersonFactory()
    now = timezone.now()
    contact = services.log_contact(
        by=officer,
        at=now,
        channel="letter",
        contacted_at=now,
        summary="About my mother",
        person=daughter,
        relationship="child",
        new_case_kind=CaseKind.COMPLAINT,
    )
    return contact.case, CaseParty.objects.get(
        case=contact.case, person=daughter, role=PartyRole.REPRESENTATIVE
    )


def test_representatives_complaint_cannot_be_investigated_before_consent(staff):
    officer, _ = staff
    case, party = _complaint_by_daughter(officer)
    complaints.acknowledge(
        case,
        on=timezone.localdate(),
        method=ContactMethod.EMAIL,
        discussion_offered=True,
        discussion_held=False,
        by=officer,
        at=timezone.now(),
    )
    services.update_case_details(case, by=officer, reason="Allocated", assignee=officer)
    with pytest.raises(CaseworkError, match="consent"):
        complaints.start_investigation(case, by=officer, at=timezone.now())
    complaints.record_consent(
        party,
        consent=Consent.GIVEN,
        method=ContactMethod.LETTER,
        on=timezone.localdate(),
        by=officer,
        at=timezone.now(),
    )
    case = complaints.start_investigation(case, by=officer, at=timezone.now())
    assert case.status == Status.INVESTIGATING


@pytest.mark.parametrize(
    ("consent", "best_interests", "can_proceed"),
    [
        (Consent.GIVEN, None, True),
        (Consent.NOT_NEEDED_DECEASED, None, True),
        (Consent.NOT_NEEDED_CHILD, True, True),
        (Consent.NOT_NEEDED_CHILD, False, False),
        (Consent.NOT_NEEDED_NO_CAPACITY, True, True),
        (Consent.NOT_NEEDED_NO_CAPACITY, False, False),
        (Consent.REFUSED, None, False),
    ],
)
def test_consent_positions_that_let_a_representative_act(
    staff, consent, best_interests, can_proceed
):
    officer, _ = staff
    case, party = _complaint_by_daughter(officer)
    complaints.record_consent(
        party,
        consent=consent,
        method=ContactMethod.LETTER,
        on=timezone.localdate(),
        best_interests_confirmed=best_interests,
        by=officer,
        at=timezone.now(),
    )
    assert (complaints.consent_outstanding(case) == []) is can_proceed


def test_child_or_incapacity_needs_the_best_interests_answer(staff):
    officer, _ = staff
    _, party = _complaint_by_daughter(officer)
    with pytest.raises(CaseworkError, match="best interests"):
        complaints.record_consent(
            party,
            consent=Consent.NOT_NEEDED_CHILD,
            method=ContactMethod.PHONE,
            on=timezone.localdate(),
            by=officer,
            at=timezone.now(),
        )


# Investigation, response, approval (reg 14)


def test_investigation_needs_an_investigator(staff):
    officer, _ = staff
    case = acknowledged(officer)
    with pytest.raises(CaseworkError, match="Allocate"):
        complaints.start_investigation(case, by=officer, at=timezone.now())


def _investigating(officer):
    case = acknowledged(officer)
    services.update_case_details(case, by=officer, reason="Allocated", assignee=officer)
    return complaints.start_investigation(case, by=officer, at=timezone.now())


def test_draft_response_must_state_every_section(staff):
    officer, _ = staff
    case = _investigating(officer)
    with pytest.raises(CaseworkError, match="the conclusions reached"):
        complaints.draft_response(
            case,
            how_considered="We read the notes",
            conclusions="",
            actions="None needed",
            by=officer,
            at=timezone.now(),
        )
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING


def test_only_a_complaints_manager_approves_and_only_then_can_it_be_sent(staff):
    officer, manager = staff
    case = _investigating(officer)
    case = complaints.draft_response(
        case,
        how_considered="Read the notes",
        conclusions="Care fell short",
        actions="Training",
        by=officer,
        at=timezone.now(),
    )
    case = complaints.submit_for_approval(case, by=officer, at=timezone.now())
    with pytest.raises(CaseworkError, match="approve"):
        complaints.send_response(
            case,
            outcome=Outcome.UPHELD,
            sent_on=timezone.localdate(),
            by=officer,
            at=timezone.now(),
        )
    with pytest.raises(CaseworkError, match="Only a complaints manager"):
        complaints.approve_response(case, by=officer, at=timezone.now())
    case = complaints.approve_response(case, by=manager, at=timezone.now())
    with pytest.raises(CaseworkError, match="Generate the final response letter"):
        complaints.send_response(
            case,
            outcome=Outcome.UPHELD,
            sent_on=timezone.localdate(),
            by=manager,
            at=timezone.now(),
        )
    final_letter(case, manager)
    with pytest.raises(CaseworkError, match="outcome"):
        complaints.send_response(
            case,
            outcome=Outcome.WITHDRAWN,
            sent_on=timezone.localdate(),
            by=manager,
            at=timezone.now(),
        )
    case = complaints.send_response(
        case,
        outcome=Outcome.PARTLY_UPHELD,
        sent_on=timezone.localdate(),
        by=manager,
        at=timezone.now(),
    )
    assert case.status == Status.CLOSED and case.outcome == Outcome.PARTLY_UPHELD
    assert case.response_sent_on == timezone.localdate()
    assert case.response_in_time is False  # received Jan 2025: long past the 6 months


def test_returned_draft_goes_back_and_loses_its_approval(staff):
    officer, manager = staff
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=Status.AWAITING_APPROVAL)
    complaints.approve_response(case, by=manager, at=timezone.now())
    case = complaints.return_for_changes(
        case, reason="Soften the tone", by=manager, at=timezone.now()
    )
    assert case.status == Status.RESPONSE_DRAFTED and case.response_approved_on is None


def test_response_in_time_is_recorded_against_the_agreed_period(staff):
    officer, manager = staff
    today = timezone.localdate()
    case = CaseFactory(
        kind=CaseKind.COMPLAINT,
        status=Status.AWAITING_APPROVAL,
        received_on=today - dt.timedelta(days=10),
        person=PersonFactory(),
    )
    complaints.set_response_period(
        case,
        due=today + dt.timedelta(days=5),
        agreed_with_complainant=True,
        reason="Agreed by phone",
        by=officer,
        at=timezone.now(),
    )
    complaints.approve_response(case, by=manager, at=timezone.now())
    final_letter(case, manager)
    case = complaints.send_response(
        case, outcome=Outcome.NOT_UPHELD, sent_on=today, by=manager, at=timezone.now()
    )
    assert case.response_in_time is True


# Extensions and the 6 months (reg 14(4))


def test_extension_must_be_agreed_before_the_current_date_passes(staff):
    officer, _ = staff
    today = timezone.localdate()
    case = acknowledged(officer, received=today - dt.timedelta(days=40))
    complaints.set_response_period(
        case,
        due=today - dt.timedelta(days=1) + dt.timedelta(days=1),
        agreed_with_complainant=True,
        reason="Agreed",
        by=officer,
        at=timezone.now(),
    )
    tomorrow = timezone.now() + dt.timedelta(days=1, hours=1)
    with pytest.raises(CaseworkError, match="before the current response date"):
        complaints.set_response_period(
            case,
            due=today + dt.timedelta(days=20),
            agreed_with_complainant=True,
            reason="Too late",
            by=officer,
            at=tomorrow,
        )


def test_extension_must_be_later_than_the_current_date(staff):
    officer, _ = staff
    today = timezone.localdate()
    case = acknowledged(officer, received=today - dt.timedelta(days=10))
    complaints.set_response_period(
        case,
        due=today + dt.timedelta(days=20),
        agreed_with_complainant=True,
        reason="Agreed",
        by=officer,
        at=timezone.now(),
    )
    with pytest.raises(CaseworkError, match="later than the current"):
        complaints.set_response_period(
            case,
            due=today + dt.timedelta(days=10),
            agreed_with_complainant=True,
            reason="Shorter",
            by=officer,
            at=timezone.now(),
        )


def test_past_six_months_no_longer_period_can_be_agreed_and_a_holding_letter_is_due(staff):
    officer, _ = staff
    case = acknowledged(officer, received=dt.date(2025, 1, 6))
    today = timezone.localdate()
    assert services.needs_holding_letter(case, today)
    with pytest.raises(CaseworkError, match="holding letter"):
        complaints.set_response_period(
            case,
            due=today + dt.timedelta(days=30),
            agreed_with_complainant=True,
            reason="More time",
            by=officer,
            at=timezone.now(),
        )
    case = complaints.record_holding_letter(case, sent_on=today, by=officer, at=timezone.now())
    assert not services.needs_holding_letter(case, today)


def test_holding_letter_is_not_due_inside_an_extension_agreed_in_time(staff):
    officer, _ = staff
    received = dt.date(2025, 1, 6)
    case = acknowledged(officer, received=received)
    # Agreed on 1 Jun 2025, before the 6 months expired, running to 31 Aug 2025.
    complaints.set_response_period(
        case,
        due=dt.date(2025, 8, 31),
        agreed_with_complainant=True,
        reason="Independent review",
        by=officer,
        at=at(dt.date(2025, 6, 1)),
    )
    case.refresh_from_db()
    assert not services.needs_holding_letter(case, dt.date(2025, 8, 1))
    assert services.needs_holding_letter(case, dt.date(2025, 9, 1))


# Closing without a response, reg 8, reopening, the Ombudsman


def test_withdrawn_complaint_closes_with_its_reason(staff):
    officer, _ = staff
    case = acknowledged(officer)
    case = complaints.close_without_response(
        case,
        outcome=Outcome.WITHDRAWN,
        reason="Complainant wrote to withdraw",
        by=officer,
        at=timezone.now(),
    )
    assert case.status == Status.CLOSED and case.outcome == Outcome.WITHDRAWN


def test_oral_complaint_resolved_by_next_working_day_is_not_statutory(staff):
    officer, _ = staff
    person = PersonFactory()
    friday = dt.date(2025, 1, 10)
    contact = services.log_contact(
        by=officer,
        at=at(friday, 15),
        channel="phone",
        contacted_at=at(friday, 10),
        summary="Lost property",
        person=person,
        new_case_kind=CaseKind.COMPLAINT,
    )
    case = contact.case
    assert case.made_orally
    with pytest.raises(CaseworkError, match="next working day"):
        complaints.resolve_oral_complaint(
            case, resolved_on=dt.date(2025, 1, 14), by=officer, at=at(dt.date(2025, 1, 14))
        )
    case = complaints.resolve_oral_complaint(
        case, resolved_on=dt.date(2025, 1, 13), by=officer, at=at(dt.date(2025, 1, 13))
    )
    assert case.outcome == Outcome.RESOLVED_NEXT_DAY
    assert case.reg8_exclusion == Reg8Exclusion.ORAL_RESOLVED_NEXT_DAY


def test_written_complaint_cannot_use_the_oral_resolution(staff):
    officer, _ = staff
    now = timezone.now()
    case = services.log_contact(
        by=officer,
        at=now,
        channel="letter",
        contacted_at=now,
        summary="x",
        new_case_kind=CaseKind.COMPLAINT,
    ).case
    with pytest.raises(CaseworkError, match="orally"):
        complaints.resolve_oral_complaint(
            case, resolved_on=timezone.localdate(), by=officer, at=now
        )


def test_closed_complaint_reopens_and_goes_back_to_investigation(staff):
    officer, _ = staff
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=Status.CLOSED, by=officer)
    case = complaints.reopen_complaint(case, reason="New questions", by=officer, at=timezone.now())
    assert case.status == Status.REOPENED and case.due_action.startswith("Agree a new")
    case = complaints.start_investigation(case, by=officer, at=timezone.now())
    assert case.status == Status.INVESTIGATING


def test_ombudsman_referral_and_decision_are_recorded(staff):
    officer, _ = staff
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=Status.CLOSED)
    today = timezone.localdate()
    with pytest.raises(CaseworkError, match="before the referral"):
        complaints.record_ombudsman(
            case,
            referred_on=today,
            decision="Upheld",
            decision_on=today - dt.timedelta(days=3),
            by=officer,
            at=timezone.now(),
        )
    case = complaints.record_ombudsman(
        case,
        referred_on=today - dt.timedelta(days=3),
        decision="Partly upheld",
        decision_on=today,
        recommendations="Apologise",
        by=officer,
        at=timezone.now(),
    )
    assert case.phso_referred_on == today - dt.timedelta(days=3)
    assert case.phso_decision == "Partly upheld"


def test_every_step_of_a_complaint_writes_a_status_row(staff):
    officer, manager = staff
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=Status.CLOSED)
    moves = list(StatusChange.objects.filter(case=case).values_list("old_status", "new_status"))
    assert moves == [
        ("", Status.RECEIVED),
        (Status.RECEIVED, Status.ACKNOWLEDGED),
        (Status.ACKNOWLEDGED, Status.INVESTIGATING),
        (Status.INVESTIGATING, Status.RESPONSE_DRAFTED),
        (Status.RESPONSE_DRAFTED, Status.AWAITING_APPROVAL),
        (Status.AWAITING_APPROVAL, Status.CLOSED),
    ]


def test_an_action_out_of_order_is_refused(staff):
    officer, _ = staff
    case = complaint()
    with pytest.raises(TransitionNotAllowed):
        complaints.submit_for_approval(case, by=officer, at=timezone.now())


def test_a_long_reason_is_kept_whole_on_the_status_row_and_in_history(staff):
    officer, _ = staff
    case = acknowledged(officer)
    reason = "The complainant wrote to withdraw. " * 10
    case = complaints.close_without_response(
        case, outcome=Outcome.WITHDRAWN, reason=reason, by=officer, at=timezone.now()
    )
    assert case.closure_reason == reason
    assert StatusChange.objects.filter(case=case).last().reason.endswith(reason)
    assert reason in case.history.latest().history_change_reason


def test_marking_the_holding_letter_sent_records_it_on_the_case(staff):
    officer, _ = staff
    case = acknowledged(officer, received=dt.date(2025, 1, 6))
    assert services.needs_holding_letter(case, timezone.localdate())
    letter = generate_letter(
        case,
        LetterKind.HOLDING,
        recipient=case.parties.first().person,
        by=officer,
        at=timezone.now(),
        extra={"reason": "An independent clinical review is not back yet."},
    )
    mark_letter_sent(letter, by=officer, at=timezone.now(), method=ContactMethod.LETTER)
    case.refresh_from_db()
    assert case.holding_letter_sent_on == timezone.localdate()
    assert not services.needs_holding_letter(case, timezone.localdate())


def test_only_a_complaints_manager_returns_a_draft_for_changes(staff):
    officer, manager = staff
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=Status.AWAITING_APPROVAL)
    with pytest.raises(CaseworkError, match="Only a complaints manager"):
        complaints.return_for_changes(case, reason="Not my call", by=officer, at=timezone.now())
    case.refresh_from_db()
    assert case.status == Status.AWAITING_APPROVAL
    complaints.return_for_changes(case, reason="Soften the tone", by=manager, at=timezone.now())
    case.refresh_from_db()
    assert case.status == Status.RESPONSE_DRAFTED


@pytest.mark.parametrize("status", [Status.RESPONSE_DRAFTED, Status.AWAITING_APPROVAL])
def test_a_complaint_can_be_withdrawn_until_the_response_is_sent(staff, status):
    officer, _ = staff
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=status)
    case = complaints.close_without_response(
        case, outcome=Outcome.WITHDRAWN, reason="Withdrawn by letter", by=officer, at=timezone.now()
    )
    assert case.status == Status.CLOSED and case.outcome == Outcome.WITHDRAWN


def test_an_action_its_state_does_not_allow_is_refused_whoever_calls_it(staff):
    officer, _ = staff
    case = CaseFactory(kind=CaseKind.COMPLAINT, status=Status.CLOSED)
    with pytest.raises(TransitionNotAllowed, match="cannot record findings while the complaint"):
        complaints.record_findings(
            case, findings="x", actions_agreed="", learning="", by=officer, at=timezone.now()
        )
