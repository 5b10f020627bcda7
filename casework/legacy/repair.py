"""Rows already imported: compare them with the case, and repair a case imported from an
incomplete row when nobody has worked it since (see the package's importer docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet

from casework import deadlines, services
from casework.legacy.reading import HISTORIC_NOTE, IMPORTED, REPAIRED, LegacyCase
from casework.legacy.report import Difference
from casework.legacy.writing import at_noon, final_status
from casework.letters.models import Letter
from casework.models import Case, CaseParty, StatusChange
from casework.referrals.models import CaseOrganisation, Referral
from casework.workflow import CaseKind, Status
from contacts.models import Contact, ContactAttachment
from core.history import save_with_reason, stamp_reason

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What a repair may fill in when the case has it empty (the row's field names in brackets).
REPAIRABLE = {
    "acknowledged_on": "acknowledged_date",
    "response_due": "response_due_date",
    "response_sent_on": "response_sent_date",
    "outcome": "outcome",
    "closed_on": "closed_date",
    "phso_referred_on": "ombudsman_referred",
    "organisation_id": "organisation_ods_code",
}


@dataclass
class _Imported:
    """What the import compares a row with: the case as it is, and whether staff have worked
    it since (see `_worked`)."""

    pk: int
    reference: str
    values: dict
    subject_ids: set[int]
    worked: bool


def imported_cases(refs: list[str]) -> dict[str, _Imported]:
    fields = (
        "pk",
        "reference",
        "legacy_reference",
        "kind",
        "status",
        "received_on",
        "description",
        *REPAIRABLE,
    )
    found: dict[str, _Imported] = {}
    for start in range(0, len(refs), 5000):
        chunk = refs[start : start + 5000]
        rows = list(Case.objects.filter(legacy_reference__in=chunk).values(*fields))
        if not rows:
            continue
        ids = [row["pk"] for row in rows]
        subjects: dict[int, set[int]] = {}
        for case_id, subject_id in Case.subjects.through.objects.filter(
            case_id__in=ids
        ).values_list("case_id", "subject_id"):
            subjects.setdefault(case_id, set()).add(subject_id)
        worked = _worked(ids)
        for row in rows:
            found[row["legacy_reference"]] = _Imported(
                row["pk"],
                row["reference"],
                row,
                subjects.get(row["pk"], set()),
                row["pk"] in worked,
            )
    return found


def _case_histories() -> list[tuple[QuerySet, str]]:
    """Every history table that holds a case's work, with the path from its rows to the case:
    the case itself, its parties, status changes, contacts (and their attachments), letters,
    referrals and the organisations involved."""
    return [
        (Case.history.all(), "id"),
        (CaseParty.history.all(), "case_id"),
        (StatusChange.history.all(), "case_id"),
        (Contact.history.all(), "case_id"),
        (ContactAttachment.history.all(), "contact__case_id"),
        (Letter.history.all(), "case_id"),
        (Referral.history.all(), "case_id"),
        (CaseOrganisation.history.all(), "case_id"),
    ]


def _worked(ids: list[int]) -> set[int]:
    """The cases among `ids` that staff have worked since the import: any history row of the
    case or of what hangs off it (a note or call logged, a letter, a referral, a party added)
    that neither the import nor a repair wrote."""
    worked: set[int] = set()
    for history, to_case in _case_histories():
        worked.update(
            history.filter(**{f"{to_case}__in": ids})
            .exclude(history_change_reason__startswith=IMPORTED)
            .exclude(history_change_reason__startswith=REPAIRED)
            .values_list(to_case, flat=True)
            .distinct()
        )
    return worked


def _shown(value: object) -> str:
    if value in (None, ""):
        return "empty"
    return f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)


def difference_from(legacy: LegacyCase, imported: _Imported) -> Difference | None:
    """How the row differs from the case it was imported as, and whether filling in the
    case's gaps repairs it; None when they agree."""
    stored = imported.values
    gaps, clashes = [], []
    for name, column in (("kind", "kind"), ("received_on", "received_date")):
        if stored[name] != getattr(legacy, name):
            clashes.append(
                f"{column} {_shown(getattr(legacy, name))} in the file, {_shown(stored[name])} "
                "in the case"
            )
    if stored["description"] != legacy.description:
        if legacy.description.startswith(stored["description"]):
            gaps.append("description completed (it was cut short)")
        else:
            clashes.append("description differs")
    for name, column in REPAIRABLE.items():
        here, there = getattr(legacy, name), stored[name]
        if here == there or (name == "outcome" and not here and not there):
            continue
        if there in (None, ""):
            if name == "closed_on" and legacy.historic:
                gaps.append("resolved as historic on its received date")
            else:
                gaps.append(f"{column} {_shown(here)}")
        else:
            clashes.append(f"{column} {_shown(here)} in the file, {_shown(there)} in the case")
    missing_subjects = set(legacy.subject_ids) - imported.subject_ids
    if imported.subject_ids - set(legacy.subject_ids):
        clashes.append("the case has subjects the file does not")
    elif missing_subjects:
        gaps.append(f"{len(missing_subjects)} more subject(s)")
    if final_status(legacy) != stored["status"] and stored["status"] not in (
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.OPEN,
    ):
        clashes.append(f"status {stored['status']} in the case")
    if not gaps and not clashes:
        return None
    if imported.worked:
        why_not = "staff have worked the case since it was imported"
    elif clashes:
        why_not = "the file and the case disagree, and the case is kept as it is"
    else:
        return Difference(legacy.line, legacy.legacy_ref, imported.reference, gaps, True)
    return Difference(
        legacy.line, legacy.legacy_ref, imported.reference, clashes + gaps, False, why_not
    )


def repair(pk: int, legacy: LegacyCase, by: User | None) -> None:
    """Fill in what an earlier import of this row left empty, recording the status changes it
    missed (dated to the original events) and one history row saying what was repaired."""
    reason = f"{REPAIRED} {legacy.legacy_ref}"
    if legacy.historic:
        reason += f" ({HISTORIC_NOTE})"
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=pk)
        old_status = case.status
        if legacy.description.startswith(case.description):
            case.description = legacy.description
        for name in REPAIRABLE:
            if getattr(case, name) in (None, "") and getattr(legacy, name) not in (None, ""):
                setattr(case, name, getattr(legacy, name))
        if case.kind == CaseKind.COMPLAINT and not case.acknowledgement_due:
            case.acknowledgement_due = deadlines.acknowledgement_due(case.received_on)
        if case.response_sent_on and case.response_due:
            case.response_in_time = case.response_sent_on <= case.response_due
        case.status = final_status(legacy)
        case.due_on, case.due_action = services.next_deadline(case)
        events: list[tuple[date, str, str]] = []
        if (
            old_status == Status.RECEIVED
            and legacy.acknowledged_on
            and case.status in (Status.ACKNOWLEDGED, Status.CLOSED)
        ):
            events.append((legacy.acknowledged_on, Status.RECEIVED, Status.ACKNOWLEDGED))
        # final_status gives closed or resolved only for a row with a closed date.
        if (
            legacy.closed_on
            and case.status != old_status
            and case.status in (Status.CLOSED, Status.RESOLVED)
        ):
            events.append((legacy.closed_on, events[-1][2] if events else old_status, case.status))
        for day, old, new in events:
            change = StatusChange(
                case=case,
                old_status=old,
                new_status=new,
                changed_by=by,
                changed_at=at_noon(day),
                reason=reason,
            )
            save_with_reason(change, by, reason)
        # Adding subjects writes a history row of its own: give it the repair's user and reason.
        stamp_reason(case, by, reason)
        case.subjects.add(*legacy.subject_ids)
        save_with_reason(case, by, reason)
