"""The complaint workflow actions: one small page per action (works without JavaScript).

Which actions a complaint allows, from which states and to whom, is the workflow table's
(`workflow.COMPLAINT_ACTIONS`); `PAGES` adds only what a page needs — its form, the service it
calls, its button and explanation, and any condition beyond the state (a late complaint
needing a decision, an approved response). The case page lists what can be done now, and the
one view below serves them all. The services check the same table again; a refusal is shown
on the form with everything typed kept.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from casework import services
from casework.access import case_access
from casework.complaints import forms as f
from casework.complaints import services as complaints
from casework.exceptions import CaseworkError
from casework.models import Case, CaseParty, PartyRole
from casework.workflow import COMPLAINT_ACTIONS, CaseKind
from config.roles import CASEWORK_ROLES


@dataclass(frozen=True)
class Page:
    title: str
    form: type[forms.Form]
    run: Callable[[Case, dict, object, object], Case]
    button: str
    intro: str = ""
    # A condition beyond the workflow table's states and roles; None: none.
    also_needs: Callable[[Case, object], bool] | None = None


PAGES: dict[str, Page] = {
    "time-limit": Page(
        "Record when it happened",
        f.TimeLimitForm,
        lambda case, d, by, now: complaints.record_time_limit(
            case, event_date=d["event_date"], became_aware_on=d["became_aware_on"], by=by, at=now
        ),
        "Save dates",
        "A complaint must be made within 12 months of the event, or of when the complainant "
        "became aware of it if later (reg 12).",
    ),
    "time-limit-decision": Page(
        "Decide on a late complaint",
        f.TimeLimitDecisionForm,
        lambda case, d, by, now: complaints.decide_time_limit(
            case, take_forward=d["take_forward"], reasons=d["reasons"], by=by, at=now
        ),
        "Record the decision",
        "Refusing closes the complaint as out of time; send the out-of-time letter explaining why.",
        also_needs=lambda case, today: case.out_of_time and not case.time_limit_decision,
    ),
    "acknowledge": Page(
        "Acknowledge the complaint",
        f.AcknowledgeForm,
        lambda case, d, by, now: complaints.acknowledge(
            case,
            on=d["on"],
            method=d["method"],
            discussion_offered=d["discussion_offered"],
            discussion_held=d["discussion_held"],
            response_due=d["response_due"],
            agreed_with_complainant=bool(d["agreed_with_complainant"]),
            by=by,
            at=now,
        ),
        "Record acknowledgement",
        "Acknowledge no later than 3 working days after the day of receipt, offering to discuss "
        "how the complaint will be handled and the response period (reg 13).",
    ),
    "response-period": Page(
        "Set or extend the response period",
        f.ResponsePeriodForm,
        lambda case, d, by, now: complaints.set_response_period(
            case,
            due=d["due"],
            agreed_with_complainant=d["agreed_with_complainant"],
            reason=d["reason"],
            by=by,
            at=now,
        ),
        "Save response date",
        "An extension must be agreed before the current date passes; a period beyond 6 months "
        "only before the 6 months expire (reg 14(4)).",
    ),
    "start-investigation": Page(
        "Start the investigation",
        f.ConfirmForm,
        lambda case, d, by, now: complaints.start_investigation(case, by=by, at=now),
        "Start investigation",
        "The complaint must be allocated to an investigator, and any representative's consent "
        "recorded (reg 5).",
    ),
    "findings": Page(
        "Record findings, actions and learning",
        f.FindingsForm,
        lambda case, d, by, now: complaints.record_findings(
            case,
            findings=d["findings"],
            actions_agreed=d["actions_agreed"],
            learning=d["learning"],
            by=by,
            at=now,
        ),
        "Save findings",
    ),
    "draft-response": Page(
        "Draft the response",
        f.DraftResponseForm,
        lambda case, d, by, now: complaints.draft_response(
            case,
            how_considered=d["how_considered"],
            conclusions=d["conclusions"],
            actions=d["actions"],
            by=by,
            at=now,
        ),
        "Save draft",
        "The response explains how the complaint was considered, the conclusions, and the "
        "action taken; the letter adds the right to go to the Ombudsman (reg 14(2)).",
    ),
    "submit": Page(
        "Send for approval",
        f.ConfirmForm,
        lambda case, d, by, now: complaints.submit_for_approval(case, by=by, at=now),
        "Send for approval",
    ),
    "approve": Page(
        "Approve the response",
        f.ConfirmForm,
        lambda case, d, by, now: complaints.approve_response(case, by=by, at=now),
        "Approve",
        also_needs=lambda case, today: not case.response_approved_on,
    ),
    "return": Page(
        "Return the draft for changes",
        f.ReasonForm,
        lambda case, d, by, now: complaints.return_for_changes(
            case, reason=d["reason"], by=by, at=now
        ),
        "Return for changes",
    ),
    "send-response": Page(
        "Record the response as sent and close",
        f.SendResponseForm,
        lambda case, d, by, now: complaints.send_response(
            case, outcome=d["outcome"], sent_on=d["sent_on"], by=by, at=now
        ),
        "Close with this outcome",
        "Send the signed final response letter first (Letters tab).",
        also_needs=lambda case, today: bool(case.response_approved_on),
    ),
    "close": Page(
        "Close without a response",
        f.CloseForm,
        lambda case, d, by, now: complaints.close_without_response(
            case,
            outcome=d["outcome"],
            reason=d["reason"],
            reg8_exclusion=d["reg8_exclusion"],
            by=by,
            at=now,
        ),
        "Close the complaint",
    ),
    "resolve-oral": Page(
        "Resolved by the next working day",
        f.ResolveOralForm,
        lambda case, d, by, now: complaints.resolve_oral_complaint(
            case, resolved_on=d["resolved_on"], note=d["note"], by=by, at=now
        ),
        "Record as resolved",
        "An oral complaint resolved to the complainant's satisfaction by the end of the next "
        "working day is not handled under the regulations (reg 8(1)(b)).",
        also_needs=lambda case, today: case.made_orally,
    ),
    "reopen": Page(
        "Reopen the complaint",
        f.ReasonForm,
        lambda case, d, by, now: complaints.reopen_complaint(
            case, reason=d["reason"], by=by, at=now
        ),
        "Reopen",
    ),
    "holding-letter": Page(
        "Record the 6-month holding letter",
        f.HoldingLetterForm,
        lambda case, d, by, now: complaints.record_holding_letter(
            case, sent_on=d["sent_on"], by=by, at=now
        ),
        "Record letter sent",
        "No response within 6 months (or the period agreed before they ran out): write to the "
        "complainant explaining why, then respond as soon as reasonably practicable "
        "(reg 14(4)).",
        also_needs=services.needs_holding_letter,
    ),
    "ombudsman": Page(
        "Record an Ombudsman referral",
        f.OmbudsmanForm,
        lambda case, d, by, now: complaints.record_ombudsman(
            case,
            referred_on=d["referred_on"],
            decision=d["decision"],
            decision_on=d["decision_on"],
            recommendations=d["recommendations"],
            by=by,
            at=now,
        ),
        "Save",
    ),
}


def _offered(name: str, case: Case, user, today) -> bool:
    """Whether the page for action `name` is open to `user` now: the workflow table allows it
    from the complaint's state and for the user's role, and the page's own condition holds."""
    action, page = COMPLAINT_ACTIONS[name], PAGES[name]
    return (
        case.kind == CaseKind.COMPLAINT
        and case.status in action.allowed_from
        and action.allowed_for(user)
        and (page.also_needs is None or page.also_needs(case, today))
    )


def available_actions(case: Case, user, today) -> list[tuple[str, Page]]:
    """What the user can do with the complaint now, in the workflow table's order."""
    return [(name, PAGES[name]) for name in COMPLAINT_ACTIONS if _offered(name, case, user, today)]


@case_access(*CASEWORK_ROLES)
def complaint_action(request, case, action):
    page = PAGES.get(action)
    if page is None or case.kind != CaseKind.COMPLAINT:
        raise Http404("No such action for this case.")
    if not COMPLAINT_ACTIONS[action].allowed_for(request.user):
        raise PermissionDenied("Only a complaints manager can do this.")
    today = timezone.localdate()
    form = page.form(request.POST if request.method == "POST" else None)
    if not _offered(action, case, request.user, today):
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            page.run(case, form.cleaned_data, request.user, timezone.now())
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{page.title}: done.")
            return redirect("case_detail", reference=case.reference)
    return render(
        request, "casework/complaint_action.html", {"case": case, "action": page, "form": form}
    )


@case_access(*CASEWORK_ROLES)
def record_consent(request, case, party_id):
    party = get_object_or_404(CaseParty, pk=party_id, case=case, role=PartyRole.REPRESENTATIVE)
    form = f.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            complaints.record_consent(
                party,
                consent=d["consent"],
                method=d["method"],
                on=d["on"],
                best_interests_confirmed=d["best_interests_confirmed"],
                notes=d["notes"],
                by=request.user,
                at=timezone.now(),
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Consent recorded for {party.person.full_name}.")
            return redirect("case_detail", reference=case.reference)
    action = Page(
        f"Consent for {party.person.full_name} to act for the patient",
        f.ConsentForm,
        lambda *a: None,
        "Record consent",
        "A representative acts with the patient's consent, unless the patient has died, is a "
        "child, or lacks capacity — then check they act in the patient's best interests "
        "(reg 5).",
    )
    return render(
        request, "casework/complaint_action.html", {"case": case, "action": action, "form": form}
    )
