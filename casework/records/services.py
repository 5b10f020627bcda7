"""Records management: who may see a sensitive case, retention and destruction, and the
subject access export. Writes follow the services' pattern (one function per action, taking
`by` and `at`, one transaction, a history reason); see
docs/decisions/0007-retention-and-destruction.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from casework.exceptions import CaseworkError
from casework.models import Case, CaseParty, StatusChange
from casework.records.models import DestructionDecision
from config.roles import ADMINISTRATOR, MANAGER, has_role
from contacts.models import Contact, Person
from core.history import save_with_reason, stamp_reason

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REDACTED = "[Destroyed after retention review]"

# Free text that may identify someone or describe their health: cleared on destruction.
# Everything coded (kind, status, dates, outcome, KO41 subjects, service area, staff groups,
# organisation, whether the response was in time) stays for statistics.
CASE_FREE_TEXT = (
    "description",
    "time_limit_reasons",
    "findings",
    "actions_agreed",
    "learning",
    "response_how_considered",
    "response_conclusions",
    "response_actions",
    "closure_reason",
    "phso_decision",
    "phso_recommendations",
)
PERSON_REDACTION = {
    "title": "",
    "given_name": "Redacted",
    "family_name": "person",
    "date_of_birth": None,
    "date_of_death": None,
    "nhs_number": "",
    "phone": "",
    "email": "",
    "address": "",
    "postcode": "",
}


@transaction.atomic
def update_case_protection(
    case: Case,
    *,
    restricted: bool,
    restriction_reason: str,
    restricted_to: Iterable[User],
    litigation_hold: bool,
    reason: str,
    by: User,
    at: datetime,
) -> Case:
    """Restrict a case to named staff (staff complainant, VIP, safeguarding), or lift the
    restriction; put it on or take it off litigation hold. Managers only. The manager making
    a case restricted is always among the named staff, so nobody locks themselves out."""
    if not has_role(by, MANAGER):
        raise CaseworkError("Only a complaints manager can change who may see a case.")
    if not reason.strip():
        raise CaseworkError("Give the reason for the change, so the history explains it.")
    if restricted and not restriction_reason:
        raise CaseworkError("Select why the case is restricted.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.restricted = restricted
    case.restriction_reason = restriction_reason if restricted else ""
    case.litigation_hold = litigation_hold
    stamp_reason(case, by, reason)
    names = set(restricted_to) | ({by} if restricted else set())
    case.restricted_to.set(names if restricted else [])
    case.save()
    return case


@transaction.atomic
def destroy_case(case: Case, *, by: User, at: datetime, reason: str) -> DestructionDecision:
    """Destroy a case's personal data after its retention period (NHS Records Management Code
    of Practice: complaint files 10 years after closure, then reviewed; nothing destroyed
    without a recorded decision).

    Nothing is deleted: the case row stays with its coded facts; its free text, its contacts'
    summaries, its status-change reasons and consent notes are replaced, in the rows *and*
    in their history; each person on it who is on no other retained case is redacted the
    same way. The decision (who, when, why) is a DestructionDecision row, and the redaction
    itself a history row with that reason."""
    if not has_role(by, MANAGER, ADMINISTRATOR):
        raise CaseworkError("Only a complaints manager or an administrator can destroy records.")
    if not reason.strip():
        raise CaseworkError("Give the reason for the decision; it is kept on the record.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not Case.objects.past_retention(at.date()).filter(pk=case.pk).exists():
        raise CaseworkError(
            f"{case.reference} is not due for destruction: it is still within its retention "
            "period, under litigation hold, or already destroyed."
        )
    # past_retention lists only cases with a closing date, and the row is locked.
    assert case.closed_on is not None
    person_ids = set(CaseParty.objects.filter(case=case).values_list("person_id", flat=True)) | set(
        Contact.objects.filter(case=case, person__isnull=False).values_list("person", flat=True)
    )
    elsewhere = Q(case_parties__case__destroyed_on__isnull=True) & ~Q(case_parties__case=case)
    elsewhere |= Q(contacts__case__destroyed_on__isnull=True) & ~Q(contacts__case=case)
    kept = set(
        Person.objects.filter(pk__in=person_ids).filter(elsewhere).values_list("pk", flat=True)
    )
    redact = person_ids - kept

    message = f"Personal data destroyed after retention review: {reason}"
    for party in CaseParty.objects.filter(case=case):
        party.consent_notes = ""
        save_with_reason(party, by, message)
    CaseParty.history.filter(case_id=case.pk).update(consent_notes="")
    for contact in Contact.objects.filter(case=case):
        contact.summary = REDACTED
        save_with_reason(contact, by, message)
    Contact.history.filter(case_id=case.pk).update(summary=REDACTED)
    # Status-change rows are facts (who moved it when); only their typed reasons go.
    StatusChange.objects.filter(case=case).exclude(reason="").update(reason=REDACTED)
    StatusChange.history.filter(case_id=case.pk).exclude(reason="").update(reason=REDACTED)
    for person in Person.objects.filter(pk__in=redact):
        for name, value in PERSON_REDACTION.items():
            setattr(person, name, value)
        save_with_reason(person, by, message)
    Person.history.filter(id__in=redact).update(**PERSON_REDACTION)

    free_text = {name: "" for name in CASE_FREE_TEXT}
    free_text["description"] = REDACTED
    # Earlier history rows of the case held the same text; their change reasons may too.
    case.history.update(**free_text)
    case.history.exclude(history_change_reason__isnull=True).update(history_change_reason=REDACTED)
    for name, value in free_text.items():
        setattr(case, name, value)
    case.destroyed_on = at.date()
    save_with_reason(case, by, message)
    return DestructionDecision.objects.create(
        case=case,
        case_reference=case.reference,
        closed_on=case.closed_on,
        decided_by=by,
        decided_at=at,
        reason=reason,
        people_redacted=len(redact),
        people_kept=len(kept),
    )


def _person_record(person: Person) -> dict:
    return {
        "id": person.pk,
        "title": person.title,
        "first_name": person.given_name,
        "last_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "date_of_death": person.date_of_death,
        "nhs_number": person.nhs_number,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "postcode": person.postcode,
        "recorded_on": person.created_at,
    }


def _letters(case: Case) -> list[dict]:
    """Letters' metadata, where the letters feature is installed (it adds `case.letters`)."""
    letters = getattr(case, "letters", None)
    if letters is None:
        return []
    rows = []
    for letter in letters.all():
        rows.append(
            {
                "id": letter.pk,
                "letter": str(letter),
                **{
                    f.name: getattr(letter, f.name)
                    for f in letter._meta.concrete_fields
                    if f.get_internal_type() in ("DateField", "DateTimeField", "CharField")
                },
            }
        )
    return rows


def subject_access_data(person: Person, user: User) -> dict[str, object]:
    """Everything held about one person, for a subject access request (UK GDPR art. 15):
    their record and its history, and each case they are party to or made a contact on,
    with their part in it and the contacts. Cases restricted to named staff that `user` is
    not named on are counted, with who can complete that part, but not opened."""
    visible = Case.objects.visible_to(user)
    related = Case.objects.filter(Q(parties__person=person) | Q(contacts__person=person)).distinct()
    cases = (
        related.filter(pk__in=visible.values("pk"))
        .select_related("organisation", "service_area", "team")
        .prefetch_related("subjects")
        .order_by("received_on", "id")
    )
    withheld = related.exclude(pk__in=visible.values("pk")).prefetch_related("restricted_to")
    case_rows = []
    for case in cases:
        parties = CaseParty.objects.filter(case=case, person=person)
        contacts = Contact.objects.filter(case=case).order_by("contacted_at")
        case_rows.append(
            {
                "reference": case.reference,
                "kind": case.get_kind_display(),
                "status": case.get_status_display(),
                "received_on": case.received_on,
                "closed_on": case.closed_on,
                "outcome": case.get_outcome_display(),
                "organisation": str(case.organisation or ""),
                "service_area": str(case.service_area or ""),
                "subjects": [str(s) for s in case.subjects.all()],
                "description": case.description,
                "findings": case.findings,
                "response_conclusions": case.response_conclusions,
                "their_part": [
                    {
                        "role": p.get_role_display(),
                        "relationship": p.get_relationship_display(),
                        "consent": p.get_consent_display(),
                        "consent_notes": p.consent_notes,
                    }
                    for p in parties
                ],
                "contacts": [
                    {
                        "when": c.contacted_at,
                        "channel": c.get_channel_display(),
                        "from_this_person": c.person_id == person.pk,
                        "summary": c.summary,
                    }
                    for c in contacts
                ],
                "letters": _letters(case),
            }
        )
    history = [
        {
            "when": row.history_date,
            "change": {"+": "Created", "~": "Changed", "-": "Deleted"}[row.history_type],
            "by": (row.history_user.get_full_name() or row.history_user.get_username())
            if row.history_user
            else "System",
            "reason": row.history_change_reason or "",
        }
        for row in person.history.select_related("history_user").order_by("history_id")
    ]
    return {
        "person": _person_record(person),
        "cases": case_rows,
        "record_history": history,
        "restricted_cases_withheld": [
            {
                "count_note": "Restricted case: ask one of the named staff to add it",
                "named_staff": sorted(
                    u.get_full_name() or u.get_username() for u in case.restricted_to.all()
                ),
            }
            for case in withheld
        ],
    }
