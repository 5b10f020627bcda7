"""Referring complaints to other organisations, and the replies that come back.

One function per action, like casework.services: each takes the acting user and the time,
runs in one transaction, locks the referral row where it changes state, records a history
reason, and raises CaseworkError with a message a person can act on.

The rules (SI 2009/309):
- reg 6(5)-(6) and reg 7(2): nothing identifying the patient leaves until the complainant's
  consent to share with *that* organisation is recorded. `send_referral` refuses otherwise,
  whoever calls it, and the database refuses a sent referral without consent as well.
- reg 7: a commissioner receiving a complaint about a provider records whether it handles it
  itself or (with consent) passes it to the provider: `record_commissioner_decision`.
- reg 9: a complaint spanning several bodies has one lead and one co-ordinated response:
  `set_involved_body` and `produce_coordinated_response`.

Deadlines for the organisation: an acknowledgement 3 working days after the day we send
(the same rule as reg 13(1), which binds it once it has the complaint) and a response by
the date agreed with it, or `settings.REFERRAL_RESPONSE_WORKING_DAYS` working days after
sending. `chase_overdue_referrals` (the daily job) chases each overdue referral at most once
a day and tells the case owner.

E-mail to the organisation carries the referral pack (it is the point of the referral, and
consent covers it); chasers and the note to the case owner carry references and dates only.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casework import deadlines
from casework.exceptions import CaseworkError
from casework.letters.models import LetterKind
from casework.letters.services import generate_letter, referral_notice_details
from casework.models import Case, PartyRole
from casework.referrals.models import (
    CaseOrganisation,
    ChaserKind,
    CommissionerDecision,
    CommissionerDecisionChoice,
    Referral,
    ReferralChaser,
)
from casework.workflow import (
    REFERRAL_ACTIONS,
    REFERRAL_OUTSTANDING,
    ContactMethod,
    Outcome,
    ReferralStatus,
    check_referral_transition,
)
from contacts.models import Organisation, Person
from contacts.validators import normalise_ods_code
from core.history import save_with_reason
from core.pdf import render_pdf

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)

# A provider's response document: what offices send, within what a mail server carries.
RESPONSE_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
RESPONSE_DOCUMENT_TYPES = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".rtf": (b"{\\rtf",),
    ".txt": (),
}
RETRYABLE_ERRORS = (OSError, smtplib.SMTPException)


def _long(day: date) -> str:
    """6 January 2025 (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


# --- Organisations -----------------------------------------------------------------------


def find_organisation(ods_code: str) -> Organisation:
    """The organisation with this ODS code, or CaseworkError saying there is none."""
    code = normalise_ods_code(ods_code)
    if not code:
        raise CaseworkError("Enter the organisation's ODS code, like A81001.")
    try:
        return Organisation.objects.get(ods_code=code)
    except Organisation.DoesNotExist:
        raise CaseworkError(
            f"No organisation in the directory has the ODS code {code}. Check the code, or "
            "ask an administrator to import the latest ODS file."
        ) from None


def _check_can_receive(org: Organisation, *, need_email: bool) -> None:
    if org.closed_on is not None:
        raise CaseworkError(
            f"{org} closed on {_long(org.closed_on)}; a referral cannot go to a closed "
            "organisation. Refer it to the organisation that took over its services."
        )
    if need_email and not org.complaints_contact_email:
        raise CaseworkError(
            f"{org} has no complaints contact e-mail address. Add its complaints contact on "
            "the organisation's page before sending."
        )


@transaction.atomic
def update_complaints_contact(
    org: Organisation, *, name: str, email: str, address: str, by: User, reason: str
) -> Organisation:
    """Staff keep each organisation's complaints contact; the reason goes in its history."""
    if not reason.strip():
        raise CaseworkError("Give a reason for the change, so the history explains it.")
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    org.complaints_contact_name = name.strip()
    org.complaints_contact_email = email.strip()
    org.complaints_contact_address = address.strip()
    save_with_reason(org, by, reason)
    return org


# --- Planning a referral and the consent ---------------------------------------------------


def _lock(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("organisation", "case", "consent_given_by")
        .get(pk=referral.pk)
    )


def _allows(referral: Referral, action: str) -> bool:
    """Whether the workflow table lets a referral in its state take `action`."""
    return referral.status in REFERRAL_ACTIONS[action].allowed_from


def _move(referral: Referral, new: str) -> None:
    """Set the referral's status, if the workflow table allows the move
    (workflow.REFERRAL_ACTIONS); the one place a referral's status changes."""
    check_referral_transition(referral.status, new)
    referral.status = new


def _same_part_exists(
    case: Case, org: Organisation, part: str, exclude_pk: int | None = None
) -> bool:
    qs = Referral.objects.filter(case=case, organisation=org, part__iexact=part)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


@transaction.atomic
def start_referral(
    case: Case, *, organisation: Organisation | str, part: str, by: User, at: datetime
) -> Referral:
    """Plan a referral of `part` of the case ("all" for the whole complaint) to an
    organisation, given as an Organisation or its ODS code. Nothing is sent: consent first."""
    org = find_organisation(organisation) if isinstance(organisation, str) else organisation
    if org is None or org.pk is None:
        raise CaseworkError("Choose the organisation to refer to.")
    part = " ".join((part or "").split())
    if not part:
        raise CaseworkError('Say which part of the complaint goes to them, or "all".')
    if case.is_finished:
        raise CaseworkError(f"{case.reference} is finished; reopen it before referring it.")
    _check_can_receive(org, need_email=False)
    if _same_part_exists(case, org, part):
        raise CaseworkError(
            f"{case.reference} already has a referral of “{part}” to {org}. Open that referral "
            "instead of making a second one."
        )
    referral = Referral(case=case, organisation=org, part=part, created_by=by, created_at=at)
    try:
        with transaction.atomic():
            save_with_reason(referral, by, f"Referral to {org} planned: {part}")
    except IntegrityError:
        # Another officer made the same referral a moment ago.
        raise CaseworkError(
            f"{case.reference} already has a referral of “{part}” to {org}."
        ) from None
    return referral


CONSENT_ROLES = (PartyRole.COMPLAINANT, PartyRole.PATIENT, PartyRole.REPRESENTATIVE)


@transaction.atomic
def record_consent(
    referral: Referral,
    *,
    given_by: Person | None,
    method: str,
    given_on: date | None,
    scope: str,
    by: User,
    at: datetime,
) -> Referral:
    """Record the complainant's consent to share the complaint with this referral's
    organisation (SI 2009/309 reg 7(2)): who gave it, how, when, and what it covers."""
    referral = _lock(referral)
    if not _allows(referral, "consent"):
        raise CaseworkError("This referral has been sent; its consent can no longer change.")
    if (
        given_by is None
        or not referral.case.parties.filter(person=given_by, role__in=CONSENT_ROLES).exists()
    ):
        raise CaseworkError(
            "Consent must come from the complainant, the patient or their representative on "
            "this case."
        )
    if method not in ContactMethod.values:
        raise CaseworkError("Choose how consent was given.")
    if given_on is None or given_on > timezone.localdate(at):
        raise CaseworkError("The date consent was given must be today or in the past.")
    if given_on < referral.case.received_on:
        raise CaseworkError("Consent cannot have been given before the case was received.")
    if not scope.strip():
        raise CaseworkError("Say what the consent covers (what may be shared, with whom).")
    referral.consent_given_by = given_by
    referral.consent_method = method
    referral.consent_given_on = given_on
    referral.consent_scope = scope.strip()
    referral.consent_recorded_by = by
    _move(referral, ReferralStatus.READY)
    save_with_reason(
        referral,
        by,
        f"Consent to share with {referral.organisation} given by {given_by.full_name}",
    )
    return referral


# --- Sending ------------------------------------------------------------------------------


def _complainant(case: Case) -> Person | None:
    party = (
        case.parties.filter(role=PartyRole.COMPLAINANT).select_related("person").first()
        or case.parties.filter(role=PartyRole.PATIENT).select_related("person").first()
    )
    return party.person if party else None


def _patient(case: Case) -> Person | None:
    party = case.parties.filter(role=PartyRole.PATIENT).select_related("person").first()
    return party.person if party else None


def _pack_context(referral: Referral, today: date) -> dict:
    return {
        "referral": referral,
        "case": referral.case,
        "organisation": referral.organisation,
        "complainant": _complainant(referral.case),
        "patient": _patient(referral.case),
        "today": today,
        "sender": settings.ORGANISATION_NAME,
        "reply_to": settings.DEFAULT_FROM_EMAIL,
    }


@transaction.atomic
def send_referral(
    referral: Referral, *, by: User, at: datetime, response_due: date | None = None
) -> Referral:
    """Send the referral pack to the organisation's complaints contact, store the pack on the
    referral, set the organisation's deadlines and generate the complainant's letter saying
    where the complaint went (`referral.notice`; when it cannot be made, `notice_refused`
    says why and the referral is sent all the same).

    Refuses, whoever calls it: no consent recorded for this organisation (reg 7(2)); a closed
    organisation; one without a complaints contact e-mail; a referral already sent; the same
    part already sent to the same organisation. The e-mail is sent inside the transaction, so
    a mail server that refuses leaves the referral unsent, to be tried again.
    """
    referral = _lock(referral)
    org = referral.organisation
    today = timezone.localdate(at)
    if referral.sent_on:
        raise CaseworkError(f"This referral was already sent on {_long(referral.sent_on)}.")
    if referral.status == ReferralStatus.CLOSED:
        raise CaseworkError("This referral was closed before it was sent.")
    if not referral.has_consent or not _allows(referral, "send"):
        raise CaseworkError(
            f"Record the complainant's consent to share the complaint with {org} before "
            "sending: nothing identifying the patient leaves without it."
        )
    _check_can_receive(org, need_email=True)
    if _same_part_exists(referral.case, org, referral.part, exclude_pk=referral.pk):
        raise CaseworkError(f"“{referral.part}” has already been referred to {org}.")
    if response_due is not None and response_due <= today:
        raise CaseworkError("The agreed response date must be after today.")

    referral.sent_on = today
    referral.sent_by = by
    referral.sent_to = org.complaints_contact_email
    referral.acknowledgement_due = deadlines.acknowledgement_due(today)
    referral.response_due_agreed = response_due is not None
    referral.response_due = response_due or deadlines.add_working_days(
        today, settings.REFERRAL_RESPONSE_WORKING_DAYS
    )
    _move(referral, ReferralStatus.SENT)
    context = _pack_context(referral, today)
    pack = render_pdf("pdf/referral_pack.html", context)
    stem = f"{referral.case.reference}-{org.ods_code or org.pk}-{referral.pk}"
    referral.pack.save(f"referral-pack-{stem}.pdf", ContentFile(pack), save=False)
    try:
        reason = f"Referral pack sent to {org} ({referral.sent_to})"
        _make_notice(referral, context["complainant"], by=by, at=at)
        if referral.notice_refused:
            reason += f"; no letter to the complainant: {referral.notice_refused}"
        save_with_reason(referral, by, reason)
        message = EmailMessage(
            subject=f"Complaint referral {referral.case.reference}: please respond by "
            f"{_long(referral.response_due)}",
            body=_render_text("email/referral_sent.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[referral.sent_to],
        )
        message.attach(f"referral-pack-{stem}.pdf", pack, "application/pdf")
        message.send()
    except BaseException:
        # The rows roll back with the transaction; the files already in storage would not.
        referral.pack.delete(save=False)
        if referral.notice is not None:
            referral.notice.pdf.delete(save=False)
        raise
    return referral


def _make_notice(referral: Referral, complainant: Person | None, *, by: User, at: datetime) -> None:
    """The complainant is told where the complaint went (reg 6(6): it is treated as made to
    that body), in the REFERRAL_NOTICE letter on the case's Letters tab. A letter that cannot
    be made does not hold the referral back: `notice_refused` keeps the reason, to put right."""
    try:
        if complainant is None:
            raise CaseworkError("There is no complainant or patient on the case.")
        referral.notice = generate_letter(
            referral.case,
            LetterKind.REFERRAL_NOTICE,
            recipient=complainant,
            by=by,
            at=at,
            extra=referral_notice_details(referral),
        )
    except CaseworkError as error:
        referral.notice_refused = str(error)


def _render_text(template: str, context: dict) -> str:
    from django.template.loader import render_to_string

    return render_to_string(template, context)


# --- What comes back -----------------------------------------------------------------------


def _check_reply_date(referral: Referral, day: date | None, at: datetime, what: str) -> None:
    if day is None:
        raise CaseworkError(f"Enter the date of the {what}.")
    if day > timezone.localdate(at):
        raise CaseworkError(f"The date of the {what} must be today or in the past.")
    if referral.sent_on and day < referral.sent_on:
        raise CaseworkError(
            f"The {what} cannot be before the referral was sent ({_long(referral.sent_on)})."
        )


@transaction.atomic
def record_provider_acknowledgement(
    referral: Referral, *, acknowledged_on: date, by: User, at: datetime
) -> Referral:
    referral = _lock(referral)
    if not _allows(referral, "acknowledge"):
        raise CaseworkError(
            "Only a sent referral that is not yet acknowledged can be acknowledged."
        )
    _check_reply_date(referral, acknowledged_on, at, "acknowledgement")
    referral.acknowledged_on = acknowledged_on
    _move(referral, ReferralStatus.ACKNOWLEDGED)
    save_with_reason(referral, by, f"{referral.organisation} acknowledged the referral")
    return referral


def validate_response_document(upload: UploadedFile | None) -> None:
    """A response document must be a PDF, Word, OpenDocument, RTF or text file of at most
    10 MB, and its contents must match its name (a renamed program is refused)."""
    if upload is None:
        return
    # An upload always has both (Django's upload handlers set them); a bare File may not.
    assert upload.name is not None and upload.size is not None
    suffix = PurePath(upload.name).suffix.lower()
    if suffix not in RESPONSE_DOCUMENT_TYPES:
        raise CaseworkError(
            "The response document must be a PDF, Word (.doc or .docx), OpenDocument (.odt), "
            "RTF or text file."
        )
    if upload.size > RESPONSE_DOCUMENT_MAX_BYTES:
        raise CaseworkError("The response document must be 10 MB or smaller.")
    if upload.size == 0:
        raise CaseworkError("The response document is empty.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    signatures = RESPONSE_DOCUMENT_TYPES[suffix]
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise CaseworkError(f"The file is named {suffix} but is not a {suffix[1:].upper()} file.")
    if suffix == ".txt" and b"\x00" in head:
        raise CaseworkError("The file is named .txt but is not a text file.")


@transaction.atomic
def record_provider_response(
    referral: Referral,
    *,
    received_on: date,
    summary: str,
    by: User,
    at: datetime,
    document: UploadedFile | None = None,
    outcome: str = "",
) -> Referral:
    """The organisation's response came back: when, what it says, and the document."""
    referral = _lock(referral)
    if not _allows(referral, "response"):
        raise CaseworkError("A response can only be recorded for a referral that was sent.")
    _check_reply_date(referral, received_on, at, "response")
    if not summary.strip():
        raise CaseworkError("Summarise what the organisation's response says.")
    if outcome and outcome not in Outcome.values:
        raise CaseworkError("Choose the outcome from the list.")
    validate_response_document(document)
    if referral.acknowledged_on is None:
        # A response shows they had it; the acknowledgement is no longer awaited.
        referral.acknowledged_on = received_on
    referral.response_received_on = received_on
    referral.response_summary = summary.strip()
    referral.outcome = outcome
    if document is not None:
        assert document.name is not None  # validate_response_document saw it
        suffix = PurePath(document.name).suffix.lower()
        referral.response_document.save(
            f"response-{referral.case.reference}-{referral.pk}{suffix}", document, save=False
        )
    _move(referral, ReferralStatus.RESPONSE_RECEIVED)
    save_with_reason(referral, by, f"Response received from {referral.organisation}")
    return referral


@transaction.atomic
def close_referral(
    referral: Referral, *, outcome: str, reason: str, by: User, at: datetime
) -> Referral:
    """Finish a referral with its outcome. One still awaiting a response can be closed only
    with a reason (e.g. the complaint was withdrawn)."""
    referral = _lock(referral)
    if not _allows(referral, "close"):
        raise CaseworkError("This referral is already closed.")
    if outcome not in Outcome.values:
        raise CaseworkError("Choose the outcome of the referral.")
    if referral.status != ReferralStatus.RESPONSE_RECEIVED and not reason.strip():
        raise CaseworkError(
            "No response has been recorded: give the reason for closing the referral without one."
        )
    referral.outcome = outcome
    referral.closed_on = timezone.localdate(at)
    referral.closed_by = by
    _move(referral, ReferralStatus.CLOSED)
    save_with_reason(referral, by, reason.strip() or "Referral closed after the response")
    return referral


# --- The daily chase -----------------------------------------------------------------------


def _case_owner(case: Case) -> User | None:
    return case.assignee or case.opened_by


def _chaser_kind(referral: Referral, today: date) -> str | None:
    if (
        referral.status == ReferralStatus.SENT
        and referral.acknowledgement_due
        and referral.acknowledgement_due < today
    ):
        return ChaserKind.ACKNOWLEDGEMENT
    if (
        referral.status in REFERRAL_OUTSTANDING
        and referral.response_due
        and referral.response_due < today
    ):
        return ChaserKind.RESPONSE
    return None


def is_overdue(referral: Referral, today: date) -> bool:
    """The organisation is late with its acknowledgement or its response."""
    return _chaser_kind(referral, today) is not None


def chase_referral(referral: Referral, today: date, *, now: datetime) -> bool:
    """Chase one overdue referral unless it was chased today; True if a chaser went."""
    with transaction.atomic():
        referral = _lock(referral)
        kind = _chaser_kind(referral, today)
        if kind is None:
            return False
        chaser, created = ReferralChaser.objects.get_or_create(
            referral=referral,
            sent_on=today,
            defaults={"kind": kind, "sent_at": now, "sent_to": referral.sent_to},
        )
        if not created:
            return False
        chaser.history.update(history_change_reason=f"{chaser.get_kind_display()}: chased")
        due = (
            referral.acknowledgement_due
            if kind == ChaserKind.ACKNOWLEDGEMENT
            else (referral.response_due)
        )
        assert due is not None  # _chaser_kind names a kind only when its due date is set
        context = {
            "referral": referral,
            "kind": kind,
            "due": due,
            "working_days_overdue": -deadlines.working_days_left(due, today),
            "sender": settings.ORGANISATION_NAME,
            "case_url": settings.SITE_URL.rstrip("/")
            + reverse("case_detail", args=[referral.case.reference]),
        }
        EmailMessage(
            subject=f"Reminder: complaint referral {referral.case.reference} — "
            f"{'acknowledgement' if kind == ChaserKind.ACKNOWLEDGEMENT else 'response'} overdue",
            body=_render_text("email/referral_chaser.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[referral.sent_to],
        ).send()
        owner = _case_owner(referral.case)
        if owner is not None and owner.email:
            EmailMessage(
                subject=f"{referral.case.reference}: referral to {referral.organisation.name} "
                "is overdue; we have chased them",
                body=_render_text("email/referral_chaser_owner.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[owner.email],
            ).send()
    return True


def chase_overdue_referrals(today: date, *, now: datetime) -> int:
    """Chase every referral past its acknowledgement or response date (at most once a day
    each) and tell the case owner; returns how many were chased. A mail error for one does
    not stop the rest; the first is raised at the end so the Celery task retries, and the
    retry chases only those not yet chased today."""
    overdue = (
        Referral.objects.awaiting_acknowledgement(today) | Referral.objects.awaiting_response(today)
    ).exclude(chasers__sent_on=today)
    chased = 0
    failures: list[Exception] = []
    for referral in overdue.distinct().order_by("pk"):
        try:
            if chase_referral(referral, today, now=now):
                chased += 1
        except RETRYABLE_ERRORS as error:
            logger.warning("Referral %s not chased: %r", referral.pk, error)
            failures.append(error)
    if failures:
        raise failures[0]
    return chased


# --- The commissioner's decision (reg 7) and co-ordination (reg 9) ---------------------------


@transaction.atomic
def record_commissioner_decision(
    case: Case,
    *,
    provider: Organisation | None,
    decision: str,
    complainant_consents: bool,
    reasons: str,
    by: User,
    at: datetime,
) -> CommissionerDecision:
    """SI 2009/309 reg 7: the commissioner asked the complainant whether details may go to
    the provider, and decides to handle the complaint itself or pass it to the provider
    (only with consent). Recorded once per case; a change of mind updates it, with history."""
    if decision not in CommissionerDecisionChoice.values:
        raise CaseworkError("Choose whether to handle the complaint or pass it to the provider.")
    if decision == CommissionerDecisionChoice.PASS_TO_PROVIDER and not complainant_consents:
        raise CaseworkError(
            "The complaint can be passed to the provider only if the complainant consents "
            "(reg 7). Without consent, the commissioner handles it itself."
        )
    if not reasons.strip():
        raise CaseworkError("Give the reasons for the decision.")
    if provider is None:
        raise CaseworkError("Choose the provider the complaint is about.")
    decision_row = CommissionerDecision.objects.filter(case=case).first() or CommissionerDecision(
        case=case
    )
    decision_row.provider = provider
    decision_row.decision = decision
    decision_row.complainant_consents = complainant_consents
    decision_row.reasons = reasons.strip()
    decision_row.decided_by = by
    decision_row.decided_on = timezone.localdate(at)
    save_with_reason(
        decision_row, by, f"Commissioner's decision (reg 7): {decision_row.get_decision_display()}"
    )
    return decision_row


@transaction.atomic
def set_involved_body(
    case: Case, *, organisation: Organisation, part: str, is_lead: bool, by: User
) -> CaseOrganisation:
    """Record a body involved in the complaint and its part; making one the lead makes the
    others not (SI 2009/309 reg 9: the bodies agree which one leads)."""
    if not part.strip():
        raise CaseworkError("Describe this organisation's part of the complaint.")
    body = CaseOrganisation.objects.filter(case=case, organisation=organisation).first()
    if body is None:
        body = CaseOrganisation(case=case, organisation=organisation)
    if is_lead:
        for other in CaseOrganisation.objects.filter(case=case, is_lead=True).exclude(
            organisation=organisation
        ):
            other.is_lead = False
            save_with_reason(other, by, f"{organisation} now leads the response")
    body.part = part.strip()
    body.is_lead = is_lead
    save_with_reason(
        body, by, f"{organisation} involved{' as lead' if is_lead else ''}: {body.part}"
    )
    return body


@transaction.atomic
def produce_coordinated_response(case: Case, *, by: User, at: datetime) -> CaseOrganisation:
    """Bring each body's part and its response together in one co-ordinated response PDF
    from the lead body (reg 9), stored on the lead's row."""
    bodies = list(case.involved_bodies.select_related("organisation"))
    lead = next((b for b in bodies if b.is_lead), None)
    if lead is None:
        raise CaseworkError("Record which organisation leads before producing the response.")
    referrals = {
        r.organisation_id: r
        for r in case.referrals.exclude(response_summary="").select_related("organisation")
    }
    sections = [{"body": body, "referral": referrals.get(body.organisation_id)} for body in bodies]
    missing = [
        body.organisation.name
        for body in bodies
        if body.organisation_id not in referrals and not body.is_lead
    ]
    if missing:
        raise CaseworkError(
            "Waiting for the response from " + ", ".join(missing) + " before the co-ordinated "
            "response can bring the parts together."
        )
    pdf = render_pdf(
        "pdf/coordinated_response.html",
        {
            "case": case,
            "lead": lead,
            "sections": sections,
            "complainant": _complainant(case),
            "today": timezone.localdate(at),
            "sender": settings.ORGANISATION_NAME,
        },
    )
    lead.coordinated_response.save(
        f"coordinated-response-{case.reference}.pdf", ContentFile(pdf), save=False
    )
    lead.coordinated_response_on = timezone.localdate(at)
    save_with_reason(lead, by, "Co-ordinated response produced (reg 9)")
    return lead
