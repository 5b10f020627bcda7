"""Walking a complaint through its workflow with the real services, for demo data and tests.

`advance_complaint(case, Status.CLOSED, ...)` acknowledges, allocates, investigates, drafts,
submits, approves and sends — each step the service a user's click would call — so demo and
test cases carry the milestones, status rows and history that real use produces.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from casework.complaints import services as complaints
from casework.letters.models import LetterKind

from . import services
from .letters.services import generate_letter
from .models import Consent, PartyRole
from .workflow import ContactMethod, Outcome, Status

ORDER = [
    Status.RECEIVED,
    Status.ACKNOWLEDGED,
    Status.INVESTIGATING,
    Status.RESPONSE_DRAFTED,
    Status.AWAITING_APPROVAL,
    Status.CLOSED,
]


def advance_complaint(
    case,
    target: str,
    *,
    by,
    manager,
    investigator=None,
    at: datetime,
    outcome: str = Outcome.UPHELD,
    step=timedelta(0),
):
    """Move a received complaint to `target` (or to reopened, via closed). `step` spaces the
    milestones out in time (never past `at`); returns the refreshed case."""
    when = min(timezone.localtime(timezone.now()), at)
    path = ORDER[1 : ORDER.index(target) + 1] if target in ORDER else ORDER[1:]

    def tick():
        nonlocal when
        when = min(when + step, at)
        return when

    for status in path:
        if status == Status.ACKNOWLEDGED:
            case = complaints.acknowledge(
                case,
                on=timezone.localdate(tick()),
                method=ContactMethod.LETTER,
                discussion_offered=True,
                discussion_held=False,
                by=by,
                at=when,
            )
        elif status == Status.INVESTIGATING:
            for party in complaints.consent_outstanding(case):
                complaints.record_consent(
                    party,
                    consent=Consent.GIVEN,
                    method=ContactMethod.LETTER,
                    on=timezone.localdate(when),
                    by=by,
                    at=when,
                )
            case = services.update_case_details(
                case,
                by=manager,
                reason="Allocated for investigation",
                assignee=investigator or by,
            )
            case = complaints.start_investigation(case, by=investigator or by, at=tick())
        elif status == Status.RESPONSE_DRAFTED:
            case = complaints.draft_response(
                case,
                how_considered="We reviewed the records and spoke to the staff involved.",
                conclusions="The care fell short of the standard we expect in part.",
                actions="The ward has changed its discharge checklist.",
                by=investigator or by,
                at=tick(),
            )
        elif status == Status.AWAITING_APPROVAL:
            case = complaints.submit_for_approval(case, by=investigator or by, at=tick())
        elif status == Status.CLOSED:
            case = complaints.approve_response(case, by=manager, at=tick())
            generate_letter(
                case,
                LetterKind.FINAL_RESPONSE,
                recipient=_complainant(case),
                by=manager,
                at=when,
            )
            case = complaints.send_response(
                case, outcome=outcome, sent_on=timezone.localdate(when), by=manager, at=when
            )
    if target == Status.REOPENED:
        case = complaints.reopen_complaint(
            case, reason="The complainant came back with questions", by=by, at=tick()
        )
    return case


def _complainant(case):
    party = (
        case.parties.filter(role=PartyRole.COMPLAINANT).select_related("person").first()
        or case.parties.select_related("person").first()
    )
    if party is None:
        raise ValueError(f"{case.reference} has no complainant to write to.")
    return party.person
