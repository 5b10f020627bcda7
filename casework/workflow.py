"""The kinds of case, their states, and which state changes are allowed.

The workflow is data: `TRANSITIONS` maps each kind to {state: states it may move to}, and
`check_transition` is the one place that says yes or no. Services call it before every
change; nothing else sets `Case.status`.

States, in the words the team uses:

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
  upheld), or the complaint was withdrawn or not taken forward (with the reason).
- **reopened** — the complainant came back after closure; the case goes back to investigation.
"""

from django.db import models


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

    ORAL_RESOLVED_NEXT_DAY = "oral_resolved", (
        "Oral complaint resolved to the complainant's satisfaction by the next working day"
    )
    BY_RESPONSIBLE_BODY = "responsible_body", "Made by one responsible body about another"
    EMPLOYEE = "employee", "An employee's complaint about their employment"
    ALREADY_INVESTIGATED = "already_investigated", (
        "Already investigated under the regulations or by the Ombudsman"
    )
    FOI_OR_SAR = "foi_or_sar", "About a subject access or freedom of information request"


_INFORMAL = {
    Status.OPEN: {Status.RESOLVED},
    Status.RESOLVED: {Status.OPEN},
}

TRANSITIONS: dict[str, dict[str, set[str]]] = {
    CaseKind.ENQUIRY: _INFORMAL,
    CaseKind.COMPLIMENT: _INFORMAL,
    CaseKind.COMMENT: _INFORMAL,
    CaseKind.PALS_CONCERN: {
        Status.OPEN: {Status.RESOLVED, Status.ESCALATED},
        Status.RESOLVED: {Status.OPEN},
        Status.ESCALATED: set(),
    },
    CaseKind.COMPLAINT: {
        # Closing straight from received covers withdrawal, reg 8 exclusions and out of time.
        Status.RECEIVED: {Status.ACKNOWLEDGED, Status.CLOSED},
        Status.ACKNOWLEDGED: {Status.INVESTIGATING, Status.CLOSED},
        Status.INVESTIGATING: {Status.RESPONSE_DRAFTED, Status.CLOSED},
        Status.RESPONSE_DRAFTED: {Status.AWAITING_APPROVAL, Status.INVESTIGATING},
        Status.AWAITING_APPROVAL: {Status.CLOSED, Status.RESPONSE_DRAFTED},
        Status.CLOSED: {Status.REOPENED},
        Status.REOPENED: {Status.INVESTIGATING, Status.CLOSED},
    },
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


class TransitionNotAllowed(Exception):
    """An attempt to move a case to a state its kind does not allow from where it is."""


def allowed_next(kind: str, status: str) -> set[str]:
    return set(TRANSITIONS.get(kind, {}).get(status, set()))


def check_transition(kind: str, old: str, new: str) -> None:
    """Raise TransitionNotAllowed, with a message a user can act on, unless old → new is
    allowed for this kind of case."""
    if new not in allowed_next(kind, old):
        kind_label = CaseKind(kind).label.lower() if kind in CaseKind.values else kind
        old_label = Status(old).label.lower() if old in Status.values else old
        new_label = Status(new).label.lower() if new in Status.values else new
        raise TransitionNotAllowed(
            f"A {kind_label} that is {old_label} cannot be moved to {new_label}."
        )
