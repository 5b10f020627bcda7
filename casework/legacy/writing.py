"""Writing checked rows in bulk: cases, people, parties, the first contact and history dated
to the original events, with references reserved under the counters' lock."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import F, Model
from django.db.models.functions import Lower
from django.utils import timezone

from casework import deadlines, services
from casework.legacy.reading import EVENT_TIME, HISTORIC_NOTE, LegacyCase, PersonDetails
from casework.models import (
    Case,
    CaseParty,
    PartyRole,
    ReferenceCounter,
    Relationship,
    StatusChange,
)
from casework.workflow import INITIAL_STATUS, REFERENCE_PREFIX, CaseKind, Status
from contacts.models import Contact, Person, TriageStatus
from core.history import stamp_reason

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RecordT = TypeVar("RecordT", bound=Model)


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, EVENT_TIME))


def build_case(legacy: LegacyCase, by: User | None) -> Case:
    """The case a row becomes (without its reference, given when it is written)."""
    is_complaint = legacy.kind == CaseKind.COMPLAINT
    case = Case(
        legacy_reference=legacy.legacy_ref,
        kind=legacy.kind,
        status=final_status(legacy),
        received_on=legacy.received_on,
        description=legacy.description,
        organisation_id=legacy.organisation_id,
        acknowledgement_due=(
            deadlines.acknowledgement_due(legacy.received_on) if is_complaint else None
        ),
        acknowledged_on=legacy.acknowledged_on if is_complaint else None,
        response_due=legacy.response_due,
        response_sent_on=legacy.response_sent_on,
        response_in_time=(
            legacy.response_sent_on <= legacy.response_due
            if legacy.response_sent_on and legacy.response_due
            else None
        ),
        outcome=legacy.outcome,
        closed_on=legacy.closed_on,
        phso_referred_on=legacy.phso_referred_on,
        opened_by=by,
    )
    case.due_on, case.due_action = services.next_deadline(case)
    return case


def _reserve_references(cases: list[LegacyCase]) -> list[str]:
    """One counter update per prefix and year for the whole batch, under the same lock the
    services use (services.next_reference), so staff opening cases meanwhile get other numbers."""
    wanted: dict[tuple[str, int], int] = {}
    for case in cases:
        key = (REFERENCE_PREFIX[CaseKind(case.kind)], case.received_on.year)
        wanted[key] = wanted.get(key, 0) + 1
    next_number: dict[tuple[str, int], int] = {}
    for (prefix, year), count in wanted.items():
        counters = ReferenceCounter.objects.filter(prefix=prefix, year=year)
        if not counters.update(last_number=F("last_number") + count):
            ReferenceCounter.objects.create(prefix=prefix, year=year, last_number=count)
        last = counters.values_list("last_number", flat=True).get()
        next_number[(prefix, year)] = last - count + 1
    references = []
    for case in cases:
        key = (REFERENCE_PREFIX[CaseKind(case.kind)], case.received_on.year)
        references.append(f"{key[0]}-{key[1]}-{next_number[key]:06d}")
        next_number[key] += 1
    return references


def _match_people(
    batch: list[LegacyCase], by: User | None
) -> tuple[dict[int, Person], dict[int, Person], int]:
    """Patients and complainants for the batch: existing people matched on NHS number, else on
    name and date of birth; the rest created (with history dated to the case's receipt)."""
    patients = [c.patient for c in batch if c.patient]
    numbers = {p.nhs_number for p in patients if p.nhs_number}
    by_number = {p.nhs_number: p for p in Person.objects.filter(nhs_number__in=numbers)}
    dated = [p for p in patients if p.date_of_birth]
    by_name: dict[tuple[str, str, date | None], Person] = {}
    if dated:
        candidates = Person.objects.annotate(family_key=Lower("family_name")).filter(
            family_key__in={p.family_name.casefold() for p in dated},
            date_of_birth__in={p.date_of_birth for p in dated},
        )
        for match in candidates:
            key = (
                match.given_name.casefold(),
                match.family_name.casefold(),
                match.date_of_birth,
            )
            by_name.setdefault(key, match)
    created: list[Person] = []
    patient_of: dict[int, Person] = {}
    complainant_of: dict[int, Person] = {}

    def new_person(details: PersonDetails, case: LegacyCase) -> Person:
        person = Person(
            given_name=details.given_name,
            family_name=details.family_name,
            date_of_birth=details.date_of_birth,
            nhs_number=details.nhs_number,
        )
        _stamp(person, case.received_on, by, case)
        created.append(person)
        return person

    for index, case in enumerate(batch):
        details = case.patient
        if details:
            person = by_number.get(details.nhs_number) if details.nhs_number else None
            if person is None and details.date_of_birth:
                candidate = by_name.get(details.name_key)
                if candidate and (not candidate.nhs_number or not details.nhs_number):
                    person = candidate
            if person is None:
                person = new_person(details, case)
                if details.nhs_number:
                    by_number[details.nhs_number] = person
                if details.date_of_birth:
                    by_name[details.name_key] = person
            patient_of[index] = person
        if case.complainant:
            # No date of birth or NHS number: too little to match safely, so always new.
            complainant_of[index] = new_person(case.complainant, case)
    Person.objects.bulk_create(created)
    Person.history.bulk_history_create(created)
    return patient_of, complainant_of, len(created)


def _history(objs: Iterable[Any], model: Any, *, update: bool = False) -> list[Any]:
    objs = list(objs)
    return model.history.bulk_history_create(objs, update=update) if objs else []


def _stamp(obj: RecordT, day: date, by: User | None, case: LegacyCase, reason: str = "") -> RecordT:
    obj._history_date = at_noon(day)  # type: ignore[attr-defined]
    return stamp_reason(obj, by, reason or case.reason)


def final_status(case: LegacyCase) -> str:
    if case.kind == CaseKind.COMPLAINT:
        if case.closed_on:
            return Status.CLOSED
        return Status.ACKNOWLEDGED if case.acknowledged_on else Status.RECEIVED
    return Status.RESOLVED if case.closed_on else Status.OPEN


def write_batch(built: list[tuple[LegacyCase, Case]], by: User | None) -> int:
    batch = [legacy for legacy, _ in built]
    cases = [case for _, case in built]
    patient_of, complainant_of, people_created = _match_people(batch, by)
    for case, reference in zip(cases, _reserve_references(batch), strict=True):
        case.reference = reference
    Case.objects.bulk_create(cases)

    # The case's history, one record per original event, each dated to it.
    created_records: list[Case] = []
    updated_records: list[Case] = []
    status_changes: list[StatusChange] = []
    for legacy, case in zip(batch, cases, strict=True):
        initial = INITIAL_STATUS[CaseKind(case.kind)]
        events: list[tuple[date, str, str]] = [(legacy.received_on, "", initial)]
        if case.status in (Status.ACKNOWLEDGED, Status.CLOSED) and legacy.acknowledged_on:
            events.append((legacy.acknowledged_on, initial, Status.ACKNOWLEDGED))
        if legacy.closed_on:
            events.append((legacy.closed_on, events[-1][2], case.status))
        for number, (day, old, new) in enumerate(events):
            reason = legacy.reason
            if legacy.historic and new == Status.RESOLVED:
                reason += f" ({HISTORIC_NOTE})"
            snapshot = copy.copy(case)
            snapshot.status = new
            if new in (Status.RECEIVED, Status.OPEN):
                snapshot.acknowledged_on = None
            if new not in (Status.CLOSED, Status.RESOLVED):
                snapshot.closed_on, snapshot.outcome = None, ""
                snapshot.response_sent_on, snapshot.phso_referred_on = None, None
            _stamp(snapshot, day, by, legacy, reason)
            (updated_records if number else created_records).append(snapshot)
            change = StatusChange(
                case=case,
                old_status=old,
                new_status=new,
                changed_by=by,
                changed_at=at_noon(day),
                reason=reason,
            )
            status_changes.append(_stamp(change, day, by, legacy, reason))
    records = _history(created_records, Case) + _history(updated_records, Case, update=True)
    StatusChange.objects.bulk_create(status_changes)
    _history(status_changes, StatusChange)

    # Subjects, with the m2m history on every historical record of the case.
    through = Case.subjects.through
    links = through.objects.bulk_create(
        through(case_id=case.pk, subject_id=subject_id)
        for legacy, case in zip(batch, cases, strict=True)
        for subject_id in legacy.subject_ids
    )
    links_of: dict[int, list] = {}
    for link in links:
        links_of.setdefault(link.case_id, []).append(link)
    history_through = Case.history.model._meta.get_field("historicalcase_subjects").related_model
    history_through.objects.bulk_create(
        history_through(id=link.pk, history=record, case_id=record.id, subject_id=link.subject_id)
        for record in records
        for link in links_of.get(record.id, [])
    )

    # The people on each case, and the contact that started it.
    parties, contacts = [], []
    for index, (legacy, case) in enumerate(zip(batch, cases, strict=True)):
        patient, complainant = patient_of.get(index), complainant_of.get(index)
        roles: list[tuple[Person, str, str]] = []
        if patient:
            roles.append((patient, PartyRole.PATIENT, Relationship.SELF))
        if complainant:
            roles.append((complainant, PartyRole.REPRESENTATIVE, legacy.relationship))
        speaker = complainant or patient
        if case.kind == CaseKind.COMPLAINT and speaker:
            roles.append(
                (
                    speaker,
                    PartyRole.COMPLAINANT,
                    legacy.relationship if complainant else Relationship.SELF,
                )
            )
        for person, role, relationship in roles:
            parties.append(
                _stamp(
                    CaseParty(case=case, person=person, role=role, relationship=relationship),
                    legacy.received_on,
                    by,
                    legacy,
                )
            )
        if legacy.channel:
            contacts.append(
                _stamp(
                    Contact(
                        case=case,
                        person=complainant or patient,
                        channel=legacy.channel,
                        contacted_at=at_noon(legacy.received_on),
                        summary=legacy.description,
                        organisation_id=legacy.organisation_id,
                        logged_by=by,
                        triage_status=TriageStatus.NOT_TRIAGED,
                    ),
                    legacy.received_on,
                    by,
                    legacy,
                )
            )
    CaseParty.objects.bulk_create(parties)
    _history(parties, CaseParty)
    Contact.objects.bulk_create(contacts)
    _history(contacts, Contact)
    return people_created
