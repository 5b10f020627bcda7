"""The kinds of case, their states, and which state changes are allowed: the one table.

The workflow is data. For a formal complaint, `COMPLAINT_ACTIONS` lists every action staff can
take — the states it may be taken from, the states it may move the complaint to (none: it
records something and the status stays) and the roles allowed (none named: every casework
role). The complaint rows of `TRANSITIONS` are derived from it, the services check each
action against it (`check_action`) before they change anything, and the case page offers
exactly the actions it allows the user. Informal cases move by `INFORMAL_TRANSITIONS`;
referrals by `REFERRAL_ACTIONS`, from which `REFERRAL_TRANSITIONS` is derived in the same way.
`check_transition` is the one place that says yes or no to a move; nothing else sets a status.

Case states, in the words the team uses:

- **open** — an enquiry, PALS concern, compliment or comment being dealt with informally.
- **resolved** — an informal case finished: the question answered, the concern sorted out, the
  compliment passed on. It can be reopened if the person comes back.
- **escalated** — a PALS concern that could not be resolved informally, or that the person
  wanted investigated, and became a formal complaint (a new, linked case whose clock starts on
  the escalation date).
- **received** — a formal complaint logged and not yet acknowledged (3 working days,
  SI 2009/309 reg 13(1)).
- **acknowledged** — acknowledged, with the offer to discuss handling and the response period.
- **investigating** — allocated and under investigation.
- **response drafted** — the investigator has drafted the response.
- **awaiting approval** — the draft is with a complaints manager to approve and sign off.
- **closed** — finished, with an outcome: the response was sent (upheld, partly upheld, not
  upheld), or the complaint was withdrawn or not taken forward (with the reason). A
  complainant may withdraw at any point until the response is sent, so every open state can
  close without a response.
- **reopened** — the complainant came back after closure; the case goes back to investigation.

Referral states (a complaint, or part of one, passed to another organisation):

- **awaiting consent** — planned; nothing identifying the patient may leave yet.
- **ready to send** — the complainant's consent to share with this organisation recorded.
- **sent** — the pack went to the organisation's complaints contact.
- **acknowledged** — the organisation confirmed it has the complaint.
- **response received** — its response (and document) came back.
- **closed** — finished, with the outcome recorded (before a response only with a reason).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

from config.roles import MANAGER, has_role

from .exceptions import RoleNotAllowed, TransitionNotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class CaseKind(models.TextChoices):
    ENQUIRY = "enquiry", "Enquiry"
    PALS_CONCERN = "pals_concern", "PALS concern"
    COMPLIMENT = "compliment", "Compliment"
    COMMENT = "comment", "Comment or suggestion"
    COMPLAINT = "complaint", "Formal complaint"


# Readable reference prefixes: PALS-2026-000123, COMP-2026-000045.
REFERENCE_PREFIX = {
    CaseKind.ENQUIRY: "ENQ",
    CaseKind.PALS_CONCERN: "PALS",
    CaseKind.COMPLIMENT: "CPL",
    CaseKind.COMMENT: "CMT",
    CaseKind.COMPLAINT: "COMP",
}


class Status(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated to complaint"
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    INVESTIGATING = "investigating", "Investigating"
    RESPONSE_DRAFTED = "response_drafted", "Response drafted"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    WITHDRAWN = "withdrawn", "Withdrawn"
    NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward"
    # SI 2009/309 reg 8(1)(b): recorded, but not a statutory complaint.
    RESOLVED_NEXT_DAY = "resolved_next_day", "Resolved by the next working day (reg 8)"


# Outcomes that mean the response was sent: the complaint was considered and answered.
RESPONSE_OUTCOMES = {Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD}


class ContactMethod(models.TextChoices):
    """How an acknowledgement, letter or decision reached the complainant (reg 13(1): orally
    or in writing)."""

    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


class TimeLimitDecision(models.TextChoices):
    """SI 2009/309 reg 12(2): a late complaint is taken forward only when the complainant had
    good reasons for the delay AND it is still possible to investigate effectively and fairly."""

    NOT_NEEDED = "", "Not needed (in time)"
    ACCEPTED = "accepted", "Taken forward: good reasons and a fair investigation is possible"
    REFUSED = "refused", "Not taken forward: out of time"


class Reg8Exclusion(models.TextChoices):
    """Complaints not required to be handled under the regulations (SI 2009/309 reg 8(1))."""

    ORAL_RESOLVED_NEXT_DAY = (
        "oral_resolved",
        ("Oral complaint resolved to the complainant's satisfaction by the next working day"),
    )
    BY_RESPONSIBLE_BODY = "responsible_body", "Made by one responsible body about another"
    EMPLOYEE = "employee", "An employee's complaint about their employment"
    ALREADY_INVESTIGATED = (
        "already_investigated",
        ("Already investigated under the regulations or by the Ombudsman"),
    )
    FOI_OR_SAR = "foi_or_sar", "About a subject access or freedom of information request"


_INFORMAL: dict[str, set[str]] = {
    Status.OPEN: {Status.RESOLVED},
    Status.RESOLVED: {Status.OPEN},
}

INFORMAL_TRANSITIONS: dict[str, dict[str, set[str]]] = {
    CaseKind.ENQUIRY: _INFORMAL,
    CaseKind.COMPLIMENT: _INFORMAL,
    CaseKind.COMMENT: _INFORMAL,
    CaseKind.PALS_CONCERN: {
        Status.OPEN: {Status.RESOLVED, Status.ESCALATED},
        Status.RESOLVED: {Status.OPEN},
        Status.ESCALATED: set(),
    },
}


@dataclass(frozen=True)
class Action:
    """One action of a workflow: what it does (in the users' words: "approve the response"),
    the states it may be taken from, the states it may move to (empty: the status stays), and
    the roles that may take it (empty: anyone who may work the case)."""

    does: str
    allowed_from: frozenset[str]
    moves_to: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()

    def allowed_for(self, user: User | AnonymousUser) -> bool:
        return not self.roles or has_role(user, *self.roles)


def _action(
    does: str,
    allowed_from: Iterable[str],
    moves_to: Iterable[str] = (),
    roles: Iterable[str] = (),
) -> Action:
    return Action(does, frozenset(allowed_from), frozenset(moves_to), frozenset(roles))


# Every state of a complaint before it is closed.
COMPLAINT_OPEN = (
    Status.RECEIVED,
    Status.ACKNOWLEDGED,
    Status.INVESTIGATING,
    Status.RESPONSE_DRAFTED,
    Status.AWAITING_APPROVAL,
    Status.REOPENED,
)
_UNDER_WAY = COMPLAINT_OPEN[1:]  # acknowledged and after

# The statutory complaint workflow (SI 2009/309). Keys are the actions' names in URLs and
# services alike.
COMPLAINT_ACTIONS: dict[str, Action] = {
    # reg 12(1): when the matter happened, for the 12-month time limit.
    "time-limit": _action("record when it happened", [Status.RECEIVED]),
    # reg 12(2): refusing a late complaint closes it as not taken forward.
    "time-limit-decision": _action(
        "decide on a late complaint", [Status.RECEIVED], [Status.CLOSED]
    ),
    # reg 13: acknowledge within 3 working days, offering to discuss the response period.
    "acknowledge": _action("acknowledge the complaint", [Status.RECEIVED], [Status.ACKNOWLEDGED]),
    # regs 13(3)-(4), 14(4).
    "response-period": _action("set or extend the response period", _UNDER_WAY),
    "start-investigation": _action(
        "start the investigation",
        [Status.ACKNOWLEDGED, Status.REOPENED],
        [Status.INVESTIGATING],
    ),
    "findings": _action(
        "record findings",
        [Status.INVESTIGATING, Status.RESPONSE_DRAFTED, Status.REOPENED],
    ),
    # reg 14(2): how it was considered, the conclusions, the action taken.
    "draft-response": _action(
        "draft the response",
        [Status.INVESTIGATING, Status.RESPONSE_DRAFTED],
        [Status.RESPONSE_DRAFTED],
    ),
    "submit": _action(
        "send the response for approval", [Status.RESPONSE_DRAFTED], [Status.AWAITING_APPROVAL]
    ),
    # reg 14(2): signed by the responsible person.
    "approve": _action("approve the response", [Status.AWAITING_APPROVAL], roles=[MANAGER]),
    "return": _action(
        "return the draft for changes",
        [Status.AWAITING_APPROVAL],
        [Status.RESPONSE_DRAFTED],
        roles=[MANAGER],
    ),
    "send-response": _action(
        "record the response as sent", [Status.AWAITING_APPROVAL], [Status.CLOSED]
    ),
    # Withdrawn, or not taken forward (a reg 8 exclusion among them), at any point until
    # the response is sent.
    "close": _action("close the complaint without a response", COMPLAINT_OPEN, [Status.CLOSED]),
    # reg 8(1)(b): an oral complaint resolved by the next working day.
    "resolve-oral": _action(
        "record it as resolved by the next working day", [Status.RECEIVED], [Status.CLOSED]
    ),
    "reopen": _action("reopen the complaint", [Status.CLOSED], [Status.REOPENED]),
    # reg 14(4): no response within 6 months (or the period agreed before they ran out).
    "holding-letter": _action("record a holding letter", COMPLAINT_OPEN),
    "ombudsman": _action("record an Ombudsman referral", [Status.CLOSED, Status.REOPENED]),
}


def _moves(actions: dict[str, Action], states: Iterable[str]) -> dict[str, set[str]]:
    """{state: states some action moves it to}, every state listed (staying put is no move)."""
    return {
        state: {
            target
            for action in actions.values()
            if state in action.allowed_from
            for target in action.moves_to
            if target != state
        }
        for state in states
    }


TRANSITIONS: dict[str, dict[str, set[str]]] = {
    **INFORMAL_TRANSITIONS,
    CaseKind.COMPLAINT: _moves(COMPLAINT_ACTIONS, (*COMPLAINT_OPEN, Status.CLOSED)),
}

INITIAL_STATUS = {
    CaseKind.ENQUIRY: Status.OPEN,
    CaseKind.PALS_CONCERN: Status.OPEN,
    CaseKind.COMPLIMENT: Status.OPEN,
    CaseKind.COMMENT: Status.OPEN,
    CaseKind.COMPLAINT: Status.RECEIVED,
}

# States in which a case is finished and drops off everyone's work list.
FINISHED = {Status.RESOLVED, Status.ESCALATED, Status.CLOSED}

# NHS.UK tag colours for the statuses (the colour always goes with the status text).
STATUS_TAG_COLOURS = {
    Status.OPEN: "blue",
    Status.RECEIVED: "yellow",
    Status.ACKNOWLEDGED: "blue",
    Status.INVESTIGATING: "purple",
    Status.RESPONSE_DRAFTED: "aqua-green",
    Status.AWAITING_APPROVAL: "orange",
    Status.REOPENED: "red",
    Status.RESOLVED: "green",
    Status.CLOSED: "grey",
    Status.ESCALATED: "grey",
}


def allowed_next(kind: str, status: str) -> set[str]:
    return set(TRANSITIONS.get(kind, {}).get(status, set()))


def _label(choices: type[models.TextChoices], value: str) -> str:
    return choices(value).label.lower() if value in choices.values else value


def check_transition(kind: str, old: str, new: str) -> None:
    """Raise TransitionNotAllowed, with a message a user can act on, unless old → new is
    allowed for this kind of case."""
    if new not in allowed_next(kind, old):
        raise TransitionNotAllowed(
            f"A {_label(CaseKind, kind)} that is {_label(Status, old)} cannot be moved to "
            f"{_label(Status, new)}."
        )


def check_action(name: str, status: str, user: User) -> Action:
    """The complaint action `name`, if a complaint that is `status` allows it and `user`'s
    role may take it; otherwise RoleNotAllowed or TransitionNotAllowed, in plain words."""
    action = COMPLAINT_ACTIONS[name]
    if not action.allowed_for(user):
        roles = " or ".join(sorted(role.lower() for role in action.roles))
        raise RoleNotAllowed(f"Only a {roles} can {action.does}.")
    if status not in action.allowed_from:
        raise TransitionNotAllowed(
            f"You cannot {action.does} while the complaint is {_label(Status, status)}."
        )
    return action


# --- Referrals ---------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    """Where a referral is (described in the module docstring). Stored, so the register
    filters and sorts on it cheaply."""

    AWAITING_CONSENT = "awaiting_consent", "Awaiting consent"
    READY = "ready", "Ready to send"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESPONSE_RECEIVED = "response_received", "Response received"
    CLOSED = "closed", "Closed"


# Referrals the organisation still owes us something on.
REFERRAL_OUTSTANDING = {ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED}
REFERRAL_OPEN = {
    ReferralStatus.AWAITING_CONSENT,
    ReferralStatus.READY,
    ReferralStatus.SENT,
    ReferralStatus.ACKNOWLEDGED,
    ReferralStatus.RESPONSE_RECEIVED,
}

# SI 2009/309 regs 6(5)-(6), 7 and 9. Keys are the actions' names in URLs.
REFERRAL_ACTIONS: dict[str, Action] = {
    # reg 7(2): consent to share with this organisation; it can be corrected until sent.
    "consent": _action(
        "record consent",
        [ReferralStatus.AWAITING_CONSENT, ReferralStatus.READY],
        [ReferralStatus.READY],
    ),
    "send": _action("send the referral", [ReferralStatus.READY], [ReferralStatus.SENT]),
    "acknowledge": _action(
        "record its acknowledgement", [ReferralStatus.SENT], [ReferralStatus.ACKNOWLEDGED]
    ),
    "response": _action(
        "record its response", REFERRAL_OUTSTANDING, [ReferralStatus.RESPONSE_RECEIVED]
    ),
    "close": _action("close the referral", REFERRAL_OPEN, [ReferralStatus.CLOSED]),
}

REFERRAL_TRANSITIONS = _moves(REFERRAL_ACTIONS, ReferralStatus.values)

REFERRAL_TAG_COLOURS = {
    ReferralStatus.AWAITING_CONSENT: "yellow",
    ReferralStatus.READY: "aqua-green",
    ReferralStatus.SENT: "blue",
    ReferralStatus.ACKNOWLEDGED: "blue",
    ReferralStatus.RESPONSE_RECEIVED: "purple",
    ReferralStatus.CLOSED: "grey",
}


def check_referral_transition(old: str, new: str) -> None:
    """Raise TransitionNotAllowed unless a referral may move from `old` to `new` (or stay,
    where an action allows that: consent corrected before sending)."""
    allowed = REFERRAL_TRANSITIONS.get(old, set()) | {
        target
        for action in REFERRAL_ACTIONS.values()
        if old in action.allowed_from
        for target in action.moves_to
    }
    if new not in allowed:
        raise TransitionNotAllowed(
            f"A referral that is {_label(ReferralStatus, old)} cannot be moved to "
            f"{_label(ReferralStatus, new)}."
        )


def referral_actions(status: str) -> set[str]:
    """The referral actions a referral that is `status` allows."""
    return {name for name, action in REFERRAL_ACTIONS.items() if status in action.allowed_from}
