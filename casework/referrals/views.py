"""Staff pages for referrals: plan one from a case, record consent, send, record what comes
back, close; the commissioner's reg 7 decision; the bodies of a reg 9 complaint; and the
register of open referrals.

Every view of a case's referrals is a `@case_access` view: the role checked, the case reached
through `Case.objects.visible_to` (a referral on a case the user cannot see is a 404 like a
missing one) and the view recorded in the access log.
"""

from django.contrib import messages
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from casework import deadlines
from casework.access import case_access, serve_private_file
from casework.exceptions import CaseworkError
from casework.letters.models import LetterKind
from casework.referrals import services as referrals
from casework.referrals.forms import (
    AcknowledgementForm,
    CloseReferralForm,
    CommissionerDecisionForm,
    ConsentForm,
    InvolvedBodyForm,
    NewReferralForm,
    ResponseForm,
    SendReferralForm,
)
from casework.referrals.models import Referral
from config.roles import CASEWORK_ROLES, UNIT_WIDE_ROLES, role_required


def _get_referral(case, pk):
    try:
        referral = (
            Referral.objects.select_related("organisation", "consent_given_by", "case")
            .prefetch_related("chasers")
            .get(case=case, pk=pk)
        )
    except Referral.DoesNotExist:
        raise Http404("No such referral on this case.") from None
    return referral


def _back(referral):
    return redirect("referral_detail", reference=referral.case.reference, pk=referral.pk)


@case_access(*CASEWORK_ROLES)
def referral_new(request, case):
    form = NewReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referrals.start_referral(
                case,
                organisation=form.cleaned_data["ods_code"],
                part=form.cleaned_data["part"],
                by=request.user,
                at=timezone.now(),
            )
        except CaseworkError as error:
            form.add_error("ods_code" if "ODS code" in str(error) else None, str(error))
        else:
            messages.success(
                request, f"Referral to {referral.organisation} planned. Record consent next."
            )
            return _back(referral)
    return render(request, "casework/referrals/new.html", {"case": case, "form": form})


@case_access(*CASEWORK_ROLES)
def referral_detail(request, case, pk):
    referral = _get_referral(case, pk)
    today = timezone.localdate()
    return render(
        request,
        "casework/referrals/detail.html",
        {
            "case": case,
            "referral": referral,
            "today": today,
            "ack_days_left": deadlines.working_days_left(referral.acknowledgement_due, today)
            if referral.acknowledgement_due and "acknowledge" in referral.offered_actions
            else None,
            "response_days_left": deadlines.working_days_left(referral.response_due, today)
            if referral.response_due and "response" in referral.offered_actions
            else None,
        },
    )


@case_access(*CASEWORK_ROLES)
def referral_consent(request, case, pk):
    referral = _get_referral(case, pk)
    form = ConsentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referrals.record_consent(
                referral,
                given_by=form.people[data["given_by"]],
                method=data["method"],
                given_on=data["given_on"],
                scope=data["scope"],
                by=request.user,
                at=timezone.now(),
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Consent recorded. The referral can now be sent.")
            return _back(referral)
    return render(
        request,
        "casework/referrals/consent.html",
        {"case": case, "referral": referral, "form": form},
    )


@case_access(*CASEWORK_ROLES)
def referral_send(request, case, pk):
    referral = _get_referral(case, pk)
    if not referral.has_consent:
        # The send page is not offered without consent; the service refuses it as well.
        messages.error(request, "Record the complainant's consent before sending.")
        return _back(referral)
    form = SendReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = referrals.send_referral(
                referral,
                by=request.user,
                at=timezone.now(),
                response_due=form.cleaned_data["response_due"],
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Referral sent to {sent.sent_to}.")
            if sent.notice_refused:
                messages.warning(
                    request,
                    f"No letter to the complainant was made: {sent.notice_refused} Then "
                    f"generate “{LetterKind.REFERRAL_NOTICE.label}” from the case's Letters tab.",
                )
            return _back(sent)
    return render(
        request,
        "casework/referrals/send.html",
        {"case": case, "referral": referral, "form": form},
    )


def _reply_view(request, case, pk, form_class, template, action, success):
    referral = _get_referral(case, pk)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            action(referral, form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success)
            return _back(referral)
    return render(request, template, {"case": case, "referral": referral, "form": form})


@case_access(*CASEWORK_ROLES)
def referral_acknowledge(request, case, pk):
    return _reply_view(
        request,
        case,
        pk,
        AcknowledgementForm,
        "casework/referrals/acknowledge.html",
        lambda referral, data: referrals.record_provider_acknowledgement(
            referral, acknowledged_on=data["acknowledged_on"], by=request.user, at=timezone.now()
        ),
        "Acknowledgement recorded.",
    )


@case_access(*CASEWORK_ROLES)
def referral_response(request, case, pk):
    return _reply_view(
        request,
        case,
        pk,
        ResponseForm,
        "casework/referrals/response.html",
        lambda referral, data: referrals.record_provider_response(
            referral,
            received_on=data["received_on"],
            summary=data["summary"],
            outcome=data["outcome"],
            document=data["document"],
            by=request.user,
            at=timezone.now(),
        ),
        "Response recorded.",
    )


@case_access(*CASEWORK_ROLES)
def referral_close(request, case, pk):
    return _reply_view(
        request,
        case,
        pk,
        CloseReferralForm,
        "casework/referrals/close.html",
        lambda referral, data: referrals.close_referral(
            referral,
            outcome=data["outcome"],
            reason=data["reason"],
            by=request.user,
            at=timezone.now(),
        ),
        "Referral closed.",
    )


FILES = {
    "pack": "pack",
    "letter": "complainant_letter",
    "response": "response_document",
}


@case_access(*CASEWORK_ROLES)
def referral_file(request, case, pk, kind):
    referral = _get_referral(case, pk)
    field = getattr(referral, FILES.get(kind, ""), None) if kind in FILES else None
    if not field:
        raise Http404("No such document on this referral.")
    return serve_private_file(
        request, field, field.name.rsplit("/")[-1], case=case, object_id=f"{referral.pk}/{kind}"
    )


@case_access(*CASEWORK_ROLES)
def commissioner_decision(request, case):
    """SI 2009/309 reg 7: handle it ourselves, or pass it to the provider with consent."""
    existing = getattr(case, "commissioner_decision", None)
    initial = {}
    if existing:
        initial = {
            "provider": existing.provider_id,
            "complainant_consents": "yes" if existing.complainant_consents else "no",
            "decision": existing.decision,
            "reasons": existing.reasons,
        }
    elif case.organisation_id:
        initial = {"provider": case.organisation_id}
    form = CommissionerDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            referrals.record_commissioner_decision(
                case, by=request.user, at=timezone.now(), **form.cleaned_data
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Decision recorded.")
            return redirect("case_detail", reference=case.reference)
    return render(
        request, "casework/referrals/commissioner_decision.html", {"case": case, "form": form}
    )


@case_access(*CASEWORK_ROLES)
def involved_bodies(request, case):
    """SI 2009/309 reg 9: the bodies involved, their parts, the lead, the one response."""
    adding = request.method == "POST" and "produce" not in request.POST
    form = InvolvedBodyForm(request.POST if adding else None)
    if request.method == "POST" and "produce" in request.POST:
        try:
            referrals.produce_coordinated_response(case, by=request.user, at=timezone.now())
        except CaseworkError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Co-ordinated response produced.")
        return redirect("involved_bodies", reference=case.reference)
    if adding and form.is_valid():
        try:
            referrals.set_involved_body(
                case,
                organisation=referrals.find_organisation(form.cleaned_data["ods_code"]),
                part=form.cleaned_data["part"],
                is_lead=form.cleaned_data["is_lead"],
                by=request.user,
            )
        except CaseworkError as error:
            form.add_error("ods_code" if "ODS code" in str(error) else None, str(error))
        else:
            messages.success(request, "Organisation recorded.")
            return redirect("involved_bodies", reference=case.reference)
    bodies = case.involved_bodies.select_related("organisation")
    return render(
        request,
        "casework/referrals/involved_bodies.html",
        {"case": case, "bodies": bodies, "form": form},
    )


@case_access(*CASEWORK_ROLES)
def coordinated_response_file(request, case):
    lead = case.involved_bodies.filter(is_lead=True).first()
    if lead is None or not lead.coordinated_response:
        raise Http404("No co-ordinated response yet.")
    return serve_private_file(
        request,
        lead.coordinated_response,
        lead.coordinated_response.name.rsplit("/")[-1],
        case=case,
        object_id=lead.pk,
    )


@role_required(*UNIT_WIDE_ROLES)
def referral_register(request):
    """Every open referral, by organisation, with working days outstanding since sending."""
    today = timezone.localdate()
    rows = list(
        Referral.objects.visible_to(request.user)
        .open()
        .select_related("organisation", "case")
        # Within each organisation, the longest outstanding first; unsent ones last.
        .order_by("organisation__name", "organisation_id", F("sent_on").asc(nulls_last=True), "pk")
    )
    for referral in rows:
        referral.days_outstanding = (
            deadlines.working_days_between(referral.sent_on, today) if referral.sent_on else None
        )
        referral.overdue = referrals.is_overdue(referral, today)
    return render(request, "casework/referrals/register.html", {"referrals": rows, "today": today})
