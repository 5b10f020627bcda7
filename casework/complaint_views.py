"""The complaint workflow actions: one small page per action (works without JavaScript).

`ACTIONS` lists each action as data — its form, when it is offered, who may use it, and the
service it calls — so the case page can list what can be done now, and the one view below
serves them all. The services enforce the rules again; a refusal is shown on the form with
everything typed kept.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from config.roles import CASEWORK_ROLES, MANAGER, has_role

from . import complaint_forms as f
from . import services
from .access import case_access
from .exceptions import CaseworkError, TransitionNotAllowed
from .models import Case, CaseParty, PartyRole
from .workflow import CaseKind, Status


@dataclass(frozen=True)
class Action:
    title: str
    form: type[forms.Form]
    offered: Callable[[Case, object], bool]
    run: Callable[[Case, dict, object, object], Case]
    button: str
    intro: str = ""
    managers_only: bool = False


def _when(*statuses):
    return lambda case, today: case.status in statuses


ACTIONS: dict[str, Action] = {
    "time-limit": Action(
        "Record when it happened",
        f.TimeLimitForm,
        _when(Status.RECEIVED),
        lambda case, d, by, now: services.record_time_limit(
            case, event_date=d["event_date"], became_aware_on=d["became_aware_on"], by=by, at=now
        ),
        "Save dates",
        "A complaint must be made within 12 months of the event, or of when the complainant "
        "became aware of it if later (reg 12).",
    ),
    "time-limit-decision": Action(
        "Decide on a late complaint",
        f.TimeLimitDecisionForm,
        lambda case, today: (
            case.status == Status.RECEIVED and case.out_of_time and not case.time_limit_decision
        ),
        lambda case, d, by, now: services.decide_time_limit(
            case, take_forward=d["take_forward"], reasons=d["reasons"], by=by, at=now
        ),
        "Record the decision",
        "Refusing closes the complaint as out of time; send the out-of-time letter explaining why.",
    ),
    "acknowledge": Action(
        "Acknowledge the complaint",
        f.AcknowledgeForm,
        _when(Status.RECEIVED),
        lambda case, d, by, now: services.acknowledge(
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
    "response-period": Action(
        "Set or extend the response period",
        f.ResponsePeriodForm,
        _when(
            Status.ACKNOWLEDGED,
            Status.INVESTIGATING,
            Status.RESPONSE_DRAFTED,
            Status.AWAITING_APPROVAL,
            Status.REOPENED,
        ),
        lambda case, d, by, now: services.set_response_period(
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
    "start-investigation": Action(
        "Start the investigation",
        f.ConfirmForm,
        _when(Status.ACKNOWLEDGED, Status.REOPENED),
        lambda case, d, by, now: services.start_investigation(case, by=by, at=now),
        "Start investigation",
        "The complaint must be allocated to an investigator, and any representative's consent "
        "recorded (reg 5).",
    ),
    "findings": Action(
        "Record findings, actions and learning",
        f.FindingsForm,
        _when(Status.INVESTIGATING, Status.RESPONSE_DRAFTED, Status.REOPENED),
        lambda case, d, by, now: services.record_findings(
            case,
            findings=d["findings"],
            actions_agreed=d["actions_agreed"],
            learning=d["learning"],
            by=by,
            at=now,
        ),
        "Save findings",
    ),
    "draft-response": Action(
        "Draft the response",
        f.DraftResponseForm,
        _when(Status.INVESTIGATING, Status.RESPONSE_DRAFTED),
        lambda case, d, by, now: services.draft_response(
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
    "submit": Action(
        "Send for approval",
        f.ConfirmForm,
        _when(Status.RESPONSE_DRAFTED),
        lambda case, d, by, now: services.submit_for_approval(case, by=by, at=now),
        "Send for approval",
    ),
    "approve": Action(
        "Approve the response",
        f.ConfirmForm,
        lambda case, today: (
            case.status == Status.AWAITING_APPROVAL and not case.response_approved_on
        ),
        lambda case, d, by, now: services.approve_response(case, by=by, at=now),
        "Approve",
        managers_only=True,
    ),
    "return": Action(
        "Return the draft for changes",
        f.ReasonForm,
        _when(Status.AWAITING_APPROVAL),
        lambda case, d, by, now: services.return_for_changes(
            case, reason=d["reason"], by=by, at=now
        ),
        "Return for changes",
        managers_only=True,
    ),
    "send-response": Action(
        "Record the response as sent and close",
        f.SendResponseForm,
        lambda case, today: (
            case.status == Status.AWAITING_APPROVAL and bool(case.response_approved_on)
        ),
        lambda case, d, by, now: services.send_response(
            case, outcome=d["outcome"], sent_on=d["sent_on"], by=by, at=now
        ),
        "Close with this outcome",
        "Send the signed final response letter first (Letters tab).",
    ),
    "close": Action(
        "Close without a response",
        f.CloseForm,
        _when(Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.REOPENED),
        lambda case, d, by, now: services.close_without_response(
            case,
            outcome=d["outcome"],
            reason=d["reason"],
            reg8_exclusion=d["reg8_exclusion"],
            by=by,
            at=now,
        ),
        "Close the complaint",
    ),
    "resolve-oral": Action(
        "Resolved by the next working day",
        f.ResolveOralForm,
        lambda case, today: case.status == Status.RECEIVED and case.made_orally,
        lambda case, d, by, now: services.resolve_oral_complaint(
            case, resolved_on=d["resolved_on"], note=d["note"], by=by, at=now
        ),
        "Record as resolved",
        "An oral complaint resolved to the complainant's satisfaction by the end of the next "
        "working day is not handled under the regulations (reg 8(1)(b)).",
    ),
    "reopen": Action(
        "Reopen the complaint",
        f.ReasonForm,
        _when(Status.CLOSED),
        lambda case, d, by, now: services.reopen_complaint(case, reason=d["reason"], by=by, at=now),
        "Reopen",
    ),
    "holding-letter": Action(
        "Record the 6-month holding letter",
        f.HoldingLetterForm,
        lambda case, today: services.needs_holding_letter(case, today),
        lambda case, d, by, now: services.record_holding_letter(
            case, sent_on=d["sent_on"], by=by, at=now
        ),
        "Record letter sent",
        "No response within 6 months (or the period agreed before they ran out): write to the "
        "complainant explaining why, then respond as soon as reasonably practicable "
        "(reg 14(4)).",
    ),
    "ombudsman": Action(
        "Record an Ombudsman referral",
        f.OmbudsmanForm,
        _when(Status.CLOSED, Status.REOPENED),
        lambda case, d, by, now: services.record_ombudsman(
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


def available_actions(case: Case, user, today) -> list[tuple[str, Action]]:
    if case.kind != CaseKind.COMPLAINT:
        return []
    return [
        (slug, action)
        for slug, action in ACTIONS.items()
        if action.offered(case, today) and (not action.managers_only or has_role(user, MANAGER))
    ]


@case_access(*CASEWORK_ROLES)
def complaint_action(request, case, action):
    spec = ACTIONS.get(action)
    if spec is None or case.kind != CaseKind.COMPLAINT:
        raise Http404("No such action for this case.")
    if spec.managers_only and not has_role(request.user, MANAGER):
        raise PermissionDenied("Only a complaints manager can do this.")
    today = timezone.localdate()
    form = spec.form(request.POST if request.method == "POST" else None)
    if not spec.offered(case, today):
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            spec.run(case, form.cleaned_data, request.user, timezone.now())
        except (CaseworkError, TransitionNotAllowed) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{spec.title}: done.")
            return redirect("case_detail", reference=case.reference)
    return render(
        request, "casework/complaint_action.html", {"case": case, "action": spec, "form": form}
    )


@case_access(*CASEWORK_ROLES)
def record_consent(request, case, party_id):
    party = get_object_or_404(CaseParty, pk=party_id, case=case, role=PartyRole.REPRESENTATIVE)
    form = f.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_consent(
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
    action = Action(
        f"Consent for {party.person.full_name} to act for the patient",
        f.ConsentForm,
        lambda c, t: True,
        lambda *a: None,
        "Record consent",
        "A representative acts with the patient's consent, unless the patient has died, is a "
        "child, or lacks capacity — then check they act in the patient's best interests "
        "(reg 5).",
    )
    return render(
        request, "casework/complaint_action.html", {"case": case, "action": action, "form": form}
    )
