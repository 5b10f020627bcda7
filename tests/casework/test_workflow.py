"""The workflow tables, checked against lists written out here by hand (not built from the
tables under test): every allowed move and action, and the refused ones."""

import pytest
from django.contrib.auth.models import AnonymousUser

from casework.complaints.views import PAGES
from casework.exceptions import RoleNotAllowed
from casework.workflow import (
    COMPLAINT_ACTIONS,
    TRANSITIONS,
    CaseKind,
    ReferralStatus,
    Status,
    TransitionNotAllowed,
    check_action,
    check_referral_transition,
    check_transition,
)

C, P, E = CaseKind.COMPLAINT, CaseKind.PALS_CONCERN, CaseKind.ENQUIRY
S = Status

ALLOWED = [
    (C, S.RECEIVED, S.ACKNOWLEDGED),
    (C, S.RECEIVED, S.CLOSED),
    (C, S.ACKNOWLEDGED, S.INVESTIGATING),
    (C, S.ACKNOWLEDGED, S.CLOSED),
    (C, S.INVESTIGATING, S.RESPONSE_DRAFTED),
    (C, S.INVESTIGATING, S.CLOSED),
    (C, S.RESPONSE_DRAFTED, S.AWAITING_APPROVAL),
    # Withdrawn at any point until the response is sent.
    (C, S.RESPONSE_DRAFTED, S.CLOSED),
    (C, S.AWAITING_APPROVAL, S.RESPONSE_DRAFTED),
    (C, S.AWAITING_APPROVAL, S.CLOSED),
    (C, S.CLOSED, S.REOPENED),
    (C, S.REOPENED, S.INVESTIGATING),
    (C, S.REOPENED, S.CLOSED),
    (P, S.OPEN, S.RESOLVED),
    (P, S.OPEN, S.ESCALATED),
    (P, S.RESOLVED, S.OPEN),
    (E, S.OPEN, S.RESOLVED),
    (E, S.RESOLVED, S.OPEN),
    (CaseKind.COMPLIMENT, S.OPEN, S.RESOLVED),
    (CaseKind.COMMENT, S.RESOLVED, S.OPEN),
]

REFUSED = [
    (C, S.RECEIVED, S.INVESTIGATING),
    (C, S.RECEIVED, S.RESPONSE_DRAFTED),
    (C, S.ACKNOWLEDGED, S.AWAITING_APPROVAL),
    (C, S.INVESTIGATING, S.AWAITING_APPROVAL),
    # No action takes a drafted response back to investigation: findings and the draft are
    # changed in place.
    (C, S.RESPONSE_DRAFTED, S.INVESTIGATING),
    (C, S.CLOSED, S.INVESTIGATING),
    (C, S.CLOSED, S.CLOSED),
    (C, S.RECEIVED, S.RESOLVED),
    (C, S.REOPENED, S.RESPONSE_DRAFTED),
    (P, S.OPEN, S.CLOSED),
    (P, S.ESCALATED, S.OPEN),
    (P, S.OPEN, S.ACKNOWLEDGED),
    (E, S.OPEN, S.ESCALATED),
    (CaseKind.COMPLIMENT, S.OPEN, S.RECEIVED),
]


@pytest.mark.parametrize(("kind", "old", "new"), ALLOWED)
def test_allowed_transition_passes_the_check(kind, old, new):
    check_transition(kind, old, new)


@pytest.mark.parametrize(("kind", "old", "new"), REFUSED)
def test_refused_transition_raises_with_a_plain_message(kind, old, new):
    with pytest.raises(TransitionNotAllowed, match="cannot be moved to"):
        check_transition(kind, old, new)


def test_the_allowed_list_is_every_move_there_is():
    moves = {
        (k, old, new) for k, table in TRANSITIONS.items() for old, t in table.items() for new in t
    }
    written = {(k, old, new) for k, old, new in ALLOWED}
    # Compliments and comments move exactly as enquiries do.
    for kind in (CaseKind.COMPLIMENT, CaseKind.COMMENT):
        written |= {(kind, S.OPEN, S.RESOLVED), (kind, S.RESOLVED, S.OPEN)}
    assert moves == written


def test_every_kind_has_a_transition_table():
    assert set(TRANSITIONS) == set(CaseKind.values)


# Every complaint action, and every state it may be taken from.
ACTION_STATES = {
    "time-limit": {S.RECEIVED},
    "time-limit-decision": {S.RECEIVED},
    "acknowledge": {S.RECEIVED},
    "response-period": {
        S.ACKNOWLEDGED, S.INVESTIGATING, S.RESPONSE_DRAFTED, S.AWAITING_APPROVAL, S.REOPENED
    },
    "start-investigation": {S.ACKNOWLEDGED, S.REOPENED},
    "findings": {S.INVESTIGATING, S.RESPONSE_DRAFTED, S.REOPENED},
    "draft-response": {S.INVESTIGATING, S.RESPONSE_DRAFTED},
    "submit": {S.RESPONSE_DRAFTED},
    "approve": {S.AWAITING_APPROVAL},
    "return": {S.AWAITING_APPROVAL},
    "send-response": {S.AWAITING_APPROVAL},
    "close": {
        S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING, S.RESPONSE_DRAFTED, S.AWAITING_APPROVAL,
        S.REOPENED,
    },
    "resolve-oral": {S.RECEIVED},
    "reopen": {S.CLOSED},
    "holding-letter": {
        S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING, S.RESPONSE_DRAFTED, S.AWAITING_APPROVAL,
        S.REOPENED,
    },
    "ombudsman": {S.CLOSED, S.REOPENED},
}  # fmt: skip
MANAGERS_ONLY = {"approve", "return"}
COMPLAINT_STATES = [
    S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING, S.RESPONSE_DRAFTED, S.AWAITING_APPROVAL,
    S.CLOSED, S.REOPENED,
]  # fmt: skip
GRID = [(name, state) for name in ACTION_STATES for state in COMPLAINT_STATES]


def test_every_action_of_the_table_is_written_out_here_and_has_a_page():
    assert set(COMPLAINT_ACTIONS) == set(ACTION_STATES) == set(PAGES)


@pytest.mark.parametrize(("name", "state"), GRID)
def test_each_complaint_action_is_allowed_from_exactly_its_states(name, state, manager):
    if state in ACTION_STATES[name]:
        check_action(name, state, manager)
    else:
        with pytest.raises(TransitionNotAllowed, match="while the complaint is"):
            check_action(name, state, manager)


@pytest.mark.parametrize("name", sorted(ACTION_STATES))
def test_only_a_manager_approves_or_returns_a_response(name, officer, investigator, manager):
    state = sorted(ACTION_STATES[name])[0]
    check_action(name, state, manager)
    for user in (officer, investigator):
        if name in MANAGERS_ONLY:
            with pytest.raises(RoleNotAllowed, match="Only a complaints manager can"):
                check_action(name, state, user)
        else:
            check_action(name, state, user)


def test_nobody_signed_out_may_take_a_managers_action():
    with pytest.raises(RoleNotAllowed):
        check_action("approve", S.AWAITING_APPROVAL, AnonymousUser())


R = ReferralStatus
REFERRAL_ALLOWED = [
    (R.AWAITING_CONSENT, R.READY),
    (R.READY, R.READY),  # consent corrected before sending
    (R.READY, R.SENT),
    (R.SENT, R.ACKNOWLEDGED),
    (R.SENT, R.RESPONSE_RECEIVED),
    (R.ACKNOWLEDGED, R.RESPONSE_RECEIVED),
    (R.AWAITING_CONSENT, R.CLOSED),
    (R.READY, R.CLOSED),
    (R.SENT, R.CLOSED),
    (R.ACKNOWLEDGED, R.CLOSED),
    (R.RESPONSE_RECEIVED, R.CLOSED),
]
REFERRAL_REFUSED = [
    (R.AWAITING_CONSENT, R.SENT),  # nothing leaves without consent (reg 7(2))
    (R.AWAITING_CONSENT, R.ACKNOWLEDGED),
    (R.SENT, R.READY),
    (R.SENT, R.SENT),
    (R.ACKNOWLEDGED, R.SENT),
    (R.RESPONSE_RECEIVED, R.ACKNOWLEDGED),
    (R.CLOSED, R.SENT),
    (R.CLOSED, R.CLOSED),
    (R.CLOSED, R.AWAITING_CONSENT),
]


@pytest.mark.parametrize(("old", "new"), REFERRAL_ALLOWED)
def test_allowed_referral_move(old, new):
    check_referral_transition(old, new)


@pytest.mark.parametrize(("old", "new"), REFERRAL_REFUSED)
def test_refused_referral_move(old, new):
    with pytest.raises(TransitionNotAllowed, match="A referral that is"):
        check_referral_transition(old, new)
