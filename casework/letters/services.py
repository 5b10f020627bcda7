"""Letters: render an administrator-edited template for a case, make the PDF, keep it.

`generate_letter` is the one way a letter comes into being and `mark_letter_sent` the one way
it is recorded as sent; workflow services and views call these. Each takes the acting user and
the time, runs in one transaction, refuses with a `CaseworkError` a user can act on (nothing is
saved when it refuses), and records who and why in the letter's history.

Templates are Django template syntax rendered by a sandboxed engine: no template loaders (so
no `{% include %}` or `{% extends %}` of files), no tag libraries beyond the built-ins, and a
context of plain strings only (never model instances), so an administrator's wording can reach
nothing but the placeholders listed in `PLACEHOLDERS`. The rendered text is plain text: a line
starting with "# " is a heading, a blank line starts a new paragraph; it is escaped when it is
laid out as HTML for WeasyPrint (templates/pdf/letter.html).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone

from casework import deadlines
from casework.exceptions import CaseworkError
from casework.letters.models import Letter, LetterKind, LetterTemplate
from casework.models import Case, PartyRole
from casework.workflow import ContactMethod
from contacts.models import Organisation, Person
from core.history import save_with_reason
from core.pdf import render_pdf

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from casework.referrals.models import Referral

logger = logging.getLogger(__name__)

# The placeholders a template may use, with what they hold (shown to administrators).
PLACEHOLDERS = {
    "organisation_name": "The name of our service (the ORGANISATION_NAME setting)",
    "reference": "The case reference, for example COMP-2026-000045",
    "letter_date": "Today's date, for example Thursday 9 January 2025",
    "received_date": "The date the complaint was received",
    "acknowledgement_due_date": "The last day to acknowledge the complaint (reg 13(1))",
    "response_due_date": (
        "The agreed response date or, until one is agreed, the last day of the six months "
        "from receipt (regs 13 and 14)"
    ),
    "six_months_end_date": "The last day of the six months from receipt (reg 14(4))",
    "recipient_name": "The name of the person the letter is to",
    "recipient_address": "Their postal address, with the postcode",
    "patient_name": "The patient's name, if the patient is recorded on the case",
    "complainant_name": "The complainant's name, if recorded",
    "about_organisation": "The organisation the case is about, if recorded",
    "event_date": "The date of the events complained about, if recorded (reg 12)",
    "time_limit_date": "The last day the complaint was in time (reg 12), if known",
    "how_considered": "The response: how the complaint was considered (reg 14(2)(a))",
    "conclusions": "The response: the conclusions reached (reg 14(2)(b))",
    "actions": "The response: the action taken or to be taken (reg 14(2)(c))",
    "reason": (
        "Holding, out-of-time and best-interests letters: the reason, typed when the letter "
        "is generated (out of time: the recorded time-limit reasons unless one is typed)"
    ),
    "referred_to_name": "Referral notice: the organisation the complaint was sent to",
    "referred_to_address": "Referral notice: that organisation's complaints address",
    "referred_part": (
        "Referral notice: the part of the complaint that was sent, or blank when the whole "
        "complaint was"
    ),
    "referral_acknowledgement_due_date": (
        "Referral notice: the day that organisation should acknowledge the complaint by"
    ),
    "referral_response_due_date": "Referral notice: the day it should respond by",
    "signatory": (
        "Who signs: for a final response the manager who approved it, otherwise the person "
        "generating the letter"
    ),
}

# SI 2009/309 reg 14(2): the parts every final response must contain, as Case fields.
FINAL_RESPONSE_PARTS = {
    "response_how_considered": "how the complaint was considered",
    "response_conclusions": "the conclusions reached",
    "response_actions": "the action taken or to be taken",
}
OMBUDSMAN = "Parliamentary and Health Service Ombudsman"

# Kinds whose purpose is to give a reason the user types when generating the letter.
REASON_NEEDED = {
    LetterKind.HOLDING: "Explain why the response is delayed: the holding letter must say why "
    "(SI 2009/309 reg 14(4)).",
    LetterKind.BEST_INTERESTS: "Explain why we are not satisfied the representative is acting "
    "in the patient's best interests (SI 2009/309 reg 5).",
    LetterKind.OUT_OF_TIME: "Give the reasons for the time-limit decision, or record them on the "
    "case first (SI 2009/309 reg 12).",
}
REFERRAL_KEYS = {
    "referred_to_name",
    "referred_to_address",
    "referred_part",
    "referral_acknowledgement_due_date",
    "referral_response_due_date",
}
EXTRA_KEYS = {"reason"} | REFERRAL_KEYS

_INVALID = "\x00placeholder:%s\x00"
_INVALID_RE = re.compile("\x00placeholder:(.*?)\x00")
# No loaders and no libraries: only the built-in tags and filters, nothing from disk.
_ENGINE = Engine(loaders=[], libraries={}, string_if_invalid=_INVALID, autoescape=False)


def long_date(day: date | None) -> str:
    """e.g. Thursday 9 January 2025 (no leading zero, as letters are written)."""
    if day is None:
        return ""
    return f"{day:%A} {day.day} {day:%B %Y}"


def postal_address(person: Person) -> str:
    """The address as printed: the address lines, then the postcode unless already there."""
    lines = [line.strip() for line in (person.address or "").splitlines() if line.strip()]
    postcode = (person.postcode or "").strip()
    squashed = "".join(lines).replace(" ", "").upper()
    if postcode and postcode.replace(" ", "").upper() not in squashed:
        lines.append(postcode)
    return "\n".join(lines)


@dataclass
class Block:
    kind: str  # "heading" or "paragraph"
    text: str


def text_blocks(text: str) -> list[Block]:
    """Split rendered letter text into headings ("# ...") and paragraphs (blank-line apart)."""
    blocks = []
    for chunk in re.split(r"\n[ \t]*\n", text.strip()):
        chunk = chunk.strip("\n")
        if not chunk.strip():
            continue
        if chunk.startswith("# "):
            heading, _, rest = chunk.partition("\n")
            blocks.append(Block("heading", heading[2:].strip()))
            if rest.strip():
                blocks.append(Block("paragraph", rest.strip()))
        else:
            blocks.append(Block("paragraph", chunk.strip()))
    return blocks


def _person_in_role(case: Case, role: str) -> Person | None:
    party = case.parties.filter(role=role).select_related("person").order_by("id").first()
    return party.person if party else None


def _user_name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _refuse_final_response(case: Case) -> None:
    """SI 2009/309 reg 14(2): no final response without how the complaint was considered, the
    conclusions and the action taken or to be taken."""
    missing = [
        label for field, label in FINAL_RESPONSE_PARTS.items() if not getattr(case, field).strip()
    ]
    if missing:
        raise CaseworkError(
            "The final response cannot be generated until the case records "
            + _join(missing)
            + ". A response must contain each of these (SI 2009/309 reg 14(2))."
        )


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sent_to(org: Organisation) -> dict[str, str]:
    return {"referred_to_name": org.name, "referred_to_address": org.complaints_postal_address}


def referral_notice_details(referral: Referral) -> dict[str, str]:
    """What a referral notice says about one referral: where it went, which part, and the
    organisation's dates once it is sent."""
    return {
        **_sent_to(referral.organisation),
        "referred_part": "" if referral.is_whole_complaint else referral.part,
        "referral_acknowledgement_due_date": long_date(referral.acknowledgement_due),
        "referral_response_due_date": long_date(referral.response_due),
    }


def _referral_details(case: Case) -> dict[str, str]:
    """A referral notice generated by hand from the Letters tab: the case's latest sent
    referral, or the organisation the case is about when nothing has been sent."""
    referral = (
        case.referrals.filter(sent_on__isnull=False)
        .select_related("organisation")
        .order_by("-sent_on", "-pk")
        .first()
    )
    if referral is not None:
        return referral_notice_details(referral)
    return _sent_to(case.organisation) if case.organisation else {}


def letter_context(
    case: Case,
    kind: str,
    *,
    recipient: Person,
    by: User,
    at: datetime,
    extra: Mapping[str, object] | None = None,
) -> dict[str, str]:
    """The placeholders' values for this case: plain strings only."""
    details = {k: str(v).strip() for k, v in (extra or {}).items() if v is not None}
    unknown = set(details) - EXTRA_KEYS
    if unknown:
        raise ValueError(f"Unknown letter details: {', '.join(sorted(unknown))}")
    patient = _person_in_role(case, PartyRole.PATIENT)
    complainant = _person_in_role(case, PartyRole.COMPLAINANT)
    six_months_end = deadlines.six_month_point(case.received_on) - timedelta(days=1)
    time_limit = (
        deadlines.time_limit_expires(case.event_date, case.became_aware_on)
        if case.event_date
        else None
    )
    reason = details.get("reason", "")
    if kind == LetterKind.OUT_OF_TIME and not reason:
        reason = case.time_limit_reasons.strip()
    if kind == LetterKind.REFERRAL_NOTICE and not details.get("referred_to_name"):
        details = {**details, **_referral_details(case)}
    referral = {key: details.get(key, "") for key in sorted(REFERRAL_KEYS)}
    signatory: User | None = by
    if kind == LetterKind.FINAL_RESPONSE and case.response_approved_by_id:
        signatory = case.response_approved_by
    return {
        "organisation_name": settings.ORGANISATION_NAME,
        "reference": case.reference,
        "letter_date": long_date(timezone.localdate(at)),
        "received_date": long_date(case.received_on),
        "acknowledgement_due_date": long_date(case.acknowledgement_due),
        "response_due_date": long_date(case.response_due or six_months_end),
        "six_months_end_date": long_date(six_months_end),
        "recipient_name": recipient.full_name,
        "recipient_address": postal_address(recipient),
        "patient_name": patient.full_name if patient else "",
        "complainant_name": complainant.full_name if complainant else "",
        "about_organisation": case.organisation.name if case.organisation else "",
        "event_date": long_date(case.event_date),
        "time_limit_date": long_date(time_limit),
        "how_considered": case.response_how_considered.strip(),
        "conclusions": case.response_conclusions.strip(),
        "actions": case.response_actions.strip(),
        "reason": reason,
        **referral,
        "signatory": _user_name(signatory),
    }


def render_letter_text(template: LetterTemplate, context: dict[str, str]) -> str:
    """Render an administrator's template; a mistake in it is a CaseworkError naming it."""
    fix = "An administrator needs to correct it in the admin (Letter templates)."
    try:
        compiled = _ENGINE.from_string(template.body.replace("\r\n", "\n"))
    except TemplateSyntaxError as error:
        raise CaseworkError(
            f"The “{template.name}” letter template has a mistake: {error}. {fix}"
        ) from error
    try:
        text = compiled.render(Context(context, autoescape=False))
    except Exception as error:  # any failure inside an administrator's template, not our code
        logger.warning("Letter template %s failed to render: %r", template.pk, error)
        raise CaseworkError(
            f"The “{template.name}” letter template could not be filled in ({error}). {fix}"
        ) from error
    unknown = sorted(set(_INVALID_RE.findall(text)))
    if unknown:
        names = ", ".join("{{ " + name + " }}" for name in unknown)
        raise CaseworkError(
            f"The “{template.name}” letter template uses {names}, which is not a placeholder "
            f"the system fills in. {fix}"
        )
    return text.strip() + "\n"


def check_template_body(body: str) -> None:
    """Raise CaseworkError if `body` would not render (used by the admin form on save)."""
    sample = {name: f"[{name}]" for name in PLACEHOLDERS}
    render_letter_text(LetterTemplate(name="edited", body=body), sample)


@transaction.atomic
def generate_letter(
    case: Case,
    kind: str,
    *,
    recipient: Person | None,
    by: User,
    at: datetime,
    extra: Mapping[str, object] | None = None,
) -> Letter:
    """Render the active template of `kind` for `recipient` on `case`, make the PDF and keep it.

    Refuses (CaseworkError, nothing saved) when the recipient has no postal address, is not
    on the case, there is no template in use for the kind, a reason the letter must give is
    missing, or a final response lacks a part SI 2009/309 reg 14(2) requires.
    """
    kind = LetterKind(kind)
    case = Case.objects.select_related("organisation", "response_approved_by").get(pk=case.pk)
    if recipient is None:
        raise CaseworkError("Choose who the letter is to.")
    if not case.parties.filter(person=recipient).exists():
        raise CaseworkError(f"{recipient.full_name} is not on case {case.reference}.")
    if not (recipient.address or "").strip():
        raise CaseworkError(
            f"Add {recipient.full_name}'s postal address before generating a letter."
        )
    template = LetterTemplate.objects.filter(kind=kind, is_active=True).first()
    if template is None:
        raise CaseworkError(
            f"There is no {kind.label} letter template in use. Ask an administrator to add one "
            "or switch it back on in the admin."
        )
    if kind == LetterKind.FINAL_RESPONSE:
        _refuse_final_response(case)
    context = letter_context(case, kind, recipient=recipient, by=by, at=at, extra=extra)
    if kind in REASON_NEEDED and not context["reason"]:
        raise CaseworkError(REASON_NEEDED[kind])
    if kind == LetterKind.CONSENT_REQUEST and not context["patient_name"]:
        raise CaseworkError("Add the patient to the case before asking for their consent.")
    if kind == LetterKind.BEST_INTERESTS and not context["patient_name"]:
        raise CaseworkError("Add the patient to the case before writing about their interests.")
    if kind == LetterKind.REFERRAL_NOTICE and not context["referred_to_name"]:
        raise CaseworkError(
            "Record the organisation the complaint is about (Edit details) before telling the "
            "complainant where it was sent."
        )
    text = render_letter_text(template, context)
    if kind == LetterKind.FINAL_RESPONSE and OMBUDSMAN not in text:
        # reg 14(2)(d): the response must tell the complainant of their right to go to the PHSO.
        raise CaseworkError(
            f"The final response must tell the complainant of their right to take the "
            f"complaint to the {OMBUDSMAN}, and the “{template.name}” template no longer "
            "does. An administrator needs to restore that paragraph in the admin (Letter "
            "templates) (SI 2009/309 reg 14(2))."
        )
    pdf = render_pdf(
        "pdf/letter.html",
        {
            **context,
            "title": f"{template.name}: {case.reference}",
            "footer": f"{case.reference} ·",
            "blocks": text_blocks(text),
        },
    )
    letter = Letter(
        case=case,
        kind=kind,
        template=template,
        recipient=recipient,
        recipient_name=context["recipient_name"],
        recipient_address=context["recipient_address"],
        text=text,
        generated_by=by,
        generated_at=at,
    )
    letter.pdf.save(letter.download_name, ContentFile(pdf), save=False)
    try:
        save_with_reason(letter, by, f"{template.name} generated for {recipient.full_name}")
    except Exception:
        # The file reached storage before the row failed: do not leave it orphaned.
        letter.pdf.delete(save=False)
        raise
    return letter


@transaction.atomic
def mark_letter_sent(
    letter: Letter, *, by: User, at: datetime, method: str, sent_on: date | None = None
) -> Letter:
    """Record that a letter went out, how and on which day (today unless given)."""
    letter = Letter.objects.select_for_update().select_related("case").get(pk=letter.pk)
    sent_on = sent_on or timezone.localdate(at)
    if letter.is_sent:
        raise CaseworkError(
            f"This letter was already marked as sent on {long_date(letter.sent_on)} "
            f"by {_user_name(letter.sent_by)}."
        )
    if method not in ContactMethod.values:
        raise CaseworkError("Choose how the letter was sent.")
    if sent_on > timezone.localdate(at):
        raise CaseworkError("The date the letter was sent cannot be in the future.")
    generated_on = timezone.localdate(letter.generated_at)
    if sent_on < generated_on:
        raise CaseworkError(
            f"The date the letter was sent cannot be before it was generated, on "
            f"{long_date(generated_on)}."
        )
    letter.sent_on = sent_on
    letter.sent_by = by
    letter.sent_method = method
    save_with_reason(
        letter, by, f"Sent by {ContactMethod(method).label.lower()} on {sent_on:%d %b %Y}"
    )
    if letter.kind == LetterKind.HOLDING:
        # SI 2009/309 reg 14(4): the explanation has gone; the case records it too.
        from casework.complaints import services as complaints

        complaints.record_holding_letter(letter.case, sent_on=sent_on, by=by, at=at)
    return letter
