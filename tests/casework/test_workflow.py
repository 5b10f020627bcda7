"""The transition table: every allowed move, and a sample of refused ones."""

import pytest

from casework.workflow import (
    TRANSITIONS,
    CaseKind,
    Status,
    TransitionNotAllowed,
    check_transition,
)

ALLOWED = [
    (kind, old, new)
    for kind, table in TRANSITIONS.items()
    for old, targets in table.items()
    for new in targets
]

REFUSED = [
    (CaseKind.COMPLAINT, Status.RECEIVED, Status.INVESTIGATING),
    (CaseKind.COMPLAINT, Status.RECEIVED, Status.RESPONSE_DRAFTED),
    (CaseKind.COMPLAINT, Status.ACKNOWLEDGED, Status.AWAITING_APPROVAL),
    (CaseKind.COMPLAINT, Status.INVESTIGATING, Status.AWAITING_APPROVAL),
    (CaseKind.COMPLAINT, Status.RESPONSE_DRAFTED, Status.CLOSED),
    (CaseKind.COMPLAINT, Status.CLOSED, Status.INVESTIGATING),
    (CaseKind.COMPLAINT, Status.RECEIVED, Status.RESOLVED),
    (CaseKind.PALS_CONCERN, Status.OPEN, Status.CLOSED),
    (CaseKind.PALS_CONCERN, Status.ESCALATED, Status.OPEN),
    (CaseKind.PALS_CONCERN, Status.OPEN, Status.ACKNOWLEDGED),
    (CaseKind.ENQUIRY, Status.OPEN, Status.ESCALATED),
    (CaseKind.COMPLIMENT, Status.OPEN, Status.RECEIVED),
]


@pytest.mark.parametrize(("kind", "old", "new"), ALLOWED)
def test_allowed_transition_passes_the_check(kind, old, new):
    check_transition(kind, old, new)


@pytest.mark.parametrize(("kind", "old", "new"), REFUSED)
def test_refused_transition_raises_with_a_plain_message(kind, old, new):
    with pytest.raises(TransitionNotAllowed, match="cannot be moved to"):
        check_transition(kind, old, new)


def test_every_kind_has_a_transition_table():
    assert set(TRANSITIONS) == set(CaseKind.values)
