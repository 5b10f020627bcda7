"""The triage queue: contacts from every channel that arrived without a case.

Staff mark a contact's priority (urgent clinical and safeguarding concerns alert the duty
manager), attach it to an existing case, open a new case from it, or resolve it on the spot.
One function per action, taking the acting user and the time, like `casework.services`; each
locks the contact row and refuses a contact someone else has already dealt with.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.exceptions import CaseworkError
from casework.models import Case, PartyRole, Relationship
from casework.workflow import REFERENCE_PREFIX, CaseKind
from config.roles import MANAGER
from contacts.models import ALERT_PRIORITIES, Contact, Organisation, Person, Priority, TriageStatus
from core.history import save_with_reason

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A case reference anywhere in an e-mail subject, e.g. "Re: COMP-2026-000045 my complaint".
REFERENCE_PATTERN = re.compile(
    r"\b(" + "|".join(sorted(REFERENCE_PREFIX.values())) + r")-(\d{4})-(\d{6})\b", re.IGNORECASE
)

# What the public chose on the form → the case kind triage proposes (staff may choose another).
DECLARED_KIND_TO_CASE_KIND = {
    "concern": CaseKind.PALS_CONCERN,
    "complaint": CaseKind.COMPLAINT,
    "compliment": CaseKind.COMPLIMENT,
    "question": CaseKind.ENQUIRY,
}


def case_from_subject(subject: str) -> Case | None:
    """The case whose reference the subject carries, if it exists (e-mail intake)."""
    match = REFERENCE_PATTERN.search(subject or "")
    if not match:
        return None
    reference = "-".join(part.upper() for part in match.groups())
    return Case.objects.filter(reference=reference).first()


def waiting_contacts() -> QuerySet[Contact]:
    """The queue: urgent clinical and safeguarding first, then high, then normal; within each,
    the longest waiting first."""
    return (
        Contact.objects.filter(triage_status=TriageStatus.WAITING, case__isnull=True)
        .select_related("person")
        .prefetch_related("attachments")
        .order_by("priority_rank", "contacted_at", "id")
    )


def _locked_waiting(contact: Contact) -> Contact:
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.triage_status != TriageStatus.WAITING or contact.case_id:
        raise CaseworkError("Someone has already dealt with this contact; it is no longer waiting.")
    return contact


@transaction.atomic
def set_priority(
    contact: Contact, priority: str, *, by: User, at: datetime, reason: str = ""
) -> Contact:
    """Mark how urgent a waiting contact is. Raising it to urgent clinical or safeguarding
    e-mails the duty manager once the change is saved."""
    if priority not in Priority.values:
        raise CaseworkError("Choose a priority from the list.")
    contact = _locked_waiting(contact)
    old = contact.priority
    if old == priority:
        return contact
    contact.priority = priority
    label = Priority(priority).label
    save_with_reason(
        contact, by, reason or f"Priority changed from {Priority(old).label} to {label}"
    )
    if priority in ALERT_PRIORITIES:
        transaction.on_commit(lambda: alert_duty_manager(contact, by=by))
    return contact


def duty_manager_addresses() -> list[str]:
    """DUTY_MANAGER_EMAIL when set (a shared duty inbox), else every active complaints
    manager with an e-mail address (docs/decisions/0005-triage-and-intake.md)."""
    if settings.DUTY_MANAGER_EMAIL:
        return [settings.DUTY_MANAGER_EMAIL]
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=MANAGER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def alert_duty_manager(contact: Contact, *, by: User) -> None:
    """E-mail the duty manager about an urgent clinical or safeguarding contact. The message
    says what kind and links to it; the details stay in the system, not in e-mail."""
    recipients = duty_manager_addresses()
    if not recipients:
        return
    context = {
        "contact": contact,
        "by": by,
        "url": settings.SITE_URL.rstrip("/") + reverse("triage_contact", args=[contact.pk]),
    }
    send_mail(
        subject=f"{contact.get_priority_display()}: a contact in triage needs you now",
        message=render_to_string("casework/triage/alert_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )


def _mark_attached(contact: Contact, case: Case, by: User, at: datetime, reason: str) -> None:
    contact.case = case
    contact.organisation = contact.organisation or case.organisation
    contact.triage_status = TriageStatus.ATTACHED
    contact.triaged_by = by
    contact.triaged_at = at
    save_with_reason(contact, by, reason)


@transaction.atomic
def attach_to_case(contact: Contact, case: Case, *, by: User, at: datetime) -> Contact:
    """Attach a waiting contact to an existing case (the caller has checked the user may see
    the case)."""
    contact = _locked_waiting(contact)
    _mark_attached(contact, case, by, at, f"Attached to {case.reference} at triage")
    if contact.person is not None:
        services.add_party(case, contact.person, PartyRole.CONTACT, by=by)
    return contact


def _split_name(full_name: str) -> tuple[str, str]:
    parts = full_name.strip().split()
    if not parts:
        return "Not", "known"
    if len(parts) == 1:
        return parts[0], ""
    return " ".join(parts[:-1]), parts[-1]


def _person_from_details(name: str, *, by: User, reason: str, **fields: Any) -> Person:
    given, family = _split_name(name)
    return services.create_person(
        by=by, reason=reason, given_name=given, family_name=family or "(not given)", **fields
    )


@transaction.atomic
def open_case_from_contact(
    contact: Contact,
    *,
    kind: str,
    by: User,
    at: datetime,
    organisation: Organisation | None = None,
) -> Case:
    """Open a new case from a waiting contact. The case is received on the day the contact
    came in, so a complaint's 3-working-day acknowledgement (SI 2009/309 reg 13(1)) runs from
    receipt, not from triage. The sender becomes a party: the patient when writing for
    themselves, else a representative with the reg 5(2) basis they declared as the consent."""
    contact = _locked_waiting(contact)
    if kind not in CaseKind.values:
        raise CaseworkError("Choose what kind of case to open.")
    case = services.open_case(
        kind=kind,
        received_on=timezone.localdate(contact.contacted_at),
        description=contact.summary,
        by=by,
        at=at,
        organisation=organisation,
        reason=f"Case opened at triage from a {contact.get_channel_display().lower()} contact"
        + (f" ({contact.reference})" if contact.reference else ""),
    )
    if contact.event_date:
        case.event_date = contact.event_date
        save_with_reason(case, by, "Date of the event as given by the person")
    _mark_attached(contact, case, by, at, f"Case {case.reference} opened at triage")
    _add_people(contact, case, by=by, at=at)
    return case


def _add_people(contact: Contact, case: Case, *, by: User, at: datetime) -> None:
    sender = contact.person
    if sender is None and (contact.sender_name or contact.sender_email):
        sender = _person_from_details(
            contact.sender_name or contact.sender_email.split("@")[0],
            by=by,
            reason=f"Added from {contact.reference or 'a contact'} at triage",
            email=contact.sender_email,
            phone=contact.sender_phone,
        )
        contact.person = sender
        save_with_reason(contact, by, "Sender added as a person at triage")
    if sender is None:
        return
    is_complaint = case.kind == CaseKind.COMPLAINT
    if not contact.on_behalf:
        services.add_party(case, sender, PartyRole.PATIENT, by=by, relationship=Relationship.SELF)
        if is_complaint:
            services.add_party(
                case, sender, PartyRole.COMPLAINANT, by=by, relationship=Relationship.SELF
            )
        return
    relationship = (
        contact.relationship_to_patient
        if contact.relationship_to_patient in Relationship.values
        else Relationship.OTHER
    )
    representative = services.add_party(
        case, sender, PartyRole.REPRESENTATIVE, by=by, relationship=relationship
    )
    if contact.representative_basis:
        # SI 2009/309 reg 5(2): the basis the representative declared on the form; for a
        # child or a person lacking capacity the best-interests check (reg 5(4)) is still to do.
        representative.consent = contact.representative_basis
        representative.consent_recorded_on = timezone.localdate(contact.contacted_at)
        representative.consent_notes = "Declared on the public form"
        save_with_reason(representative, by, "Basis for acting declared on the public form (reg 5)")
    if is_complaint:
        services.add_party(case, sender, PartyRole.COMPLAINANT, by=by, relationship=relationship)
    if contact.patient_name:
        patient = _person_from_details(
            contact.patient_name,
            by=by,
            reason=f"Patient named in {contact.reference or 'a contact'}",
            date_of_birth=contact.patient_date_of_birth,
        )
        services.add_party(case, patient, PartyRole.PATIENT, by=by)


@transaction.atomic
def resolve_on_the_spot(contact: Contact, *, by: User, at: datetime, note: str) -> Contact:
    """Close a waiting contact that needs no case (a question answered, a misdirected e-mail),
    saying how it was resolved."""
    if not (note or "").strip():
        raise CaseworkError("Say how the contact was resolved.")
    contact = _locked_waiting(contact)
    contact.triage_status = TriageStatus.RESOLVED
    contact.triage_note = note.strip()
    contact.triaged_by = by
    contact.triaged_at = at
    save_with_reason(contact, by, f"Resolved on the spot at triage: {note.strip()[:200]}")
    return contact
