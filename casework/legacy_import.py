"""Import cases from the PALS and complaints databases the unit is replacing.

`python manage.py import_legacy FILE [--mapping MAPPING.toml] [--dry-run] [--strict]` reads a
CSV export with a header row, in UTF-8 or Windows-1252 (decoded line by line, so a file pasted
together from both still reads), separated by commas or semicolons (whichever the header uses).

Default columns (others are ignored): see `COLUMNS`. A TOML mapping file renames another
system's columns and maps its values onto ours::

    [columns]
    "Case No" = "legacy_ref"
    "Date Received" = "received_date"

    [values.outcome]
    "Partially Upheld" = "partly upheld"

Dates may be dd/mm/yyyy, yyyy-mm-dd or d Mon yyyy (5 Mar 2024). People are matched on NHS
number, else on name and date of birth, else created. Each case keeps its legacy reference
(unique), gets a reference of our own, and its history (case, status changes, parties, the
first contact) is dated to the original events with the reason "imported from legacy ref X".

Idempotent: a legacy reference already imported is skipped, so a second run creates nothing.
A row that cannot be taken is reported with its line number and the reason; the rest are
imported, unless `strict`, when nothing is imported if any row fails. `dry_run` checks every
row and writes nothing. Writes are in bulk, in batches, so 100,000 rows take minutes.
"""

import copy
import csv
import io
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from contacts.models import Channel, Contact, Organisation, Person, TriageStatus
from contacts.validators import normalise_nhs_number, validate_nhs_number

from . import deadlines, services
from .models import (
    Case,
    CaseParty,
    PartyRole,
    ReferenceCounter,
    Relationship,
    StatusChange,
    Subject,
)
from .workflow import INITIAL_STATUS, REFERENCE_PREFIX, CaseKind, Outcome, Status

COLUMNS = (
    "legacy_ref",
    "kind",
    "received_date",
    "channel",
    "patient_name",
    "patient_nhs_number",
    "patient_dob",
    "complainant_name",
    "complainant_relationship",
    "organisation_ods_code",
    "subjects",
    "description",
    "acknowledged_date",
    "response_due_date",
    "response_sent_date",
    "outcome",
    "closed_date",
    "ombudsman_referred",
)
REQUIRED_COLUMNS = ("legacy_ref", "kind", "received_date", "description")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d %b %Y")
DATE_FORMATS_TEXT = "dd/mm/yyyy, yyyy-mm-dd or d Mon yyyy"
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
# Events are known by day only; noon keeps the day the same in any UK offset.
EVENT_TIME = time(12, 0)


class LegacyImportError(Exception):
    """The whole file (or mapping) cannot be read; no row was imported."""


class RowProblem(Exception):
    """One row cannot be imported; the message says why in plain English."""


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)


def load_mapping(path: str | Path) -> Mapping:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise LegacyImportError(f"Could not read the mapping file {path}: {error}") from error
    columns = {_key(k): str(v).strip() for k, v in data.get("columns", {}).items()}
    unknown = sorted(set(columns.values()) - set(COLUMNS))
    if unknown:
        raise LegacyImportError(
            f"The mapping file renames columns to {', '.join(unknown)}, which are not columns "
            f"the import knows. Use: {', '.join(COLUMNS)}."
        )
    values = {
        column: {_key(k): str(v) for k, v in table.items()}
        for column, table in data.get("values", {}).items()
    }
    return Mapping(columns=columns, values=values)


def _key(text: str) -> str:
    return " ".join(str(text).replace("_", " ").split()).casefold()


def decode(raw: bytes) -> str:
    """UTF-8 where a line is valid UTF-8, else Windows-1252, line by line."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    lines = []
    for line in raw.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1252", errors="replace"))
    return "\n".join(lines)


@dataclass
class SourceRow:
    line: int
    values: dict[str, str]


def read_rows(path: str | Path, mapping: Mapping | None = None) -> list[SourceRow]:
    """The file's data rows, keyed by our column names, each with the line it starts on."""
    mapping = mapping or Mapping()
    try:
        text = decode(Path(path).read_bytes())
    except OSError as error:
        raise LegacyImportError(f"Could not read {path}: {error}") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise LegacyImportError(f"{path} is empty: it needs a header row.")
    names = [mapping.columns.get(_key(name), name.strip().lower()) for name in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise LegacyImportError(
            f"The file has no {', '.join(missing)} column. Columns found: "
            f"{', '.join(h.strip() for h in header)}. Rename them with a mapping file."
        )
    rows = []
    previous_end = reader.line_num
    for cells in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        values = {}
        for name, cell in zip(names, cells, strict=False):
            if name in COLUMNS:
                cell = cell.strip()
                table = mapping.values.get(name)
                if table:
                    cell = table.get(_key(cell), cell)
                values[name] = cell
        rows.append(SourceRow(line=start, values=values))
    return rows


def parse_date(text: str, column: str) -> date | None:
    text = " ".join(text.split())
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowProblem(f"{column} '{text}' is not a date in the form {DATE_FORMATS_TEXT}")


def _choice(text: str, choices, column: str) -> str:
    wanted = _key(text)
    for value, label in choices:
        if wanted in (_key(value), _key(label)):
            return value
    raise RowProblem(
        f"{column} '{text}' is not one we know. Use one of: "
        + ", ".join(str(label).lower() for _, label in choices)
        + " (or map it in a mapping file)"
    )


@dataclass
class PersonDetails:
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    nhs_number: str = ""

    @property
    def name_key(self):
        return (self.given_name.casefold(), self.family_name.casefold(), self.date_of_birth)


def _split_name(text: str) -> tuple[str, str]:
    text = " ".join(text.split())
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
        return given, family
    parts = text.split(" ")
    return (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else ("", parts[0])


@dataclass
class LegacyCase:
    line: int
    legacy_ref: str
    kind: str
    received_on: date
    description: str
    channel: str = ""
    patient: PersonDetails | None = None
    complainant: PersonDetails | None = None
    relationship: str = Relationship.SELF
    organisation_id: int | None = None
    subject_ids: list[int] = field(default_factory=list)
    acknowledged_on: date | None = None
    response_due: date | None = None
    response_sent_on: date | None = None
    outcome: str = ""
    closed_on: date | None = None
    phso_referred_on: date | None = None


class Lookups:
    """Organisations and subjects, loaded once per run."""

    def __init__(self):
        self.organisations = dict(
            Organisation.objects.exclude(ods_code="").values_list("ods_code", "id")
        )
        self.subjects = {}
        for pk, code, name in Subject.objects.values_list("id", "code", "name"):
            self.subjects[_key(code)] = pk
            self.subjects[_key(name)] = pk


def parse_row(row: SourceRow, lookups: Lookups, today: date) -> LegacyCase:
    """Check one row and turn it into a LegacyCase, or raise RowProblem with the reason."""
    v = row.values
    legacy_ref = v.get("legacy_ref", "")
    if not legacy_ref:
        raise RowProblem("legacy_ref is empty")
    if len(legacy_ref) > 50:
        raise RowProblem("legacy_ref is longer than 50 characters")
    if not v.get("kind"):
        raise RowProblem("kind is empty")
    kind = _choice(v["kind"], CaseKind.choices, "kind")
    received_on = parse_date(v.get("received_date", ""), "received_date")
    if received_on is None:
        raise RowProblem("received_date is empty")
    if received_on > today:
        raise RowProblem(f"received_date {received_on:%d/%m/%Y} is in the future")
    description = v.get("description", "")
    if not description:
        raise RowProblem("description is empty")
    case = LegacyCase(
        line=row.line,
        legacy_ref=legacy_ref,
        kind=kind,
        received_on=received_on,
        description=description,
    )
    if v.get("channel"):
        case.channel = _choice(v["channel"], Channel.choices, "channel")
    if v.get("patient_name"):
        given, family = _split_name(v["patient_name"])
        nhs = normalise_nhs_number(v.get("patient_nhs_number", ""))
        if v.get("patient_nhs_number"):
            try:
                validate_nhs_number(nhs)
            except Exception as error:  # Django's ValidationError carries the message
                message = " ".join(getattr(error, "messages", [str(error)]))
                raise RowProblem(
                    f"patient_nhs_number '{v['patient_nhs_number']}' is not valid: {message}"
                ) from None
        dob = parse_date(v.get("patient_dob", ""), "patient_dob")
        if dob and dob > today:
            raise RowProblem("patient_dob is in the future")
        case.patient = PersonDetails(given, family, dob, nhs)
    elif v.get("patient_nhs_number"):
        raise RowProblem("patient_nhs_number is given but patient_name is empty")
    relationship = v.get("complainant_relationship", "")
    if relationship:
        case.relationship = _choice(relationship, Relationship.choices, "complainant_relationship")
    complainant = v.get("complainant_name", "")
    same_as_patient = case.patient and _key(complainant) == _key(v.get("patient_name", ""))
    if complainant and not same_as_patient and case.relationship != Relationship.SELF:
        given, family = _split_name(complainant)
        case.complainant = PersonDetails(given, family)
    elif complainant and not case.patient:
        given, family = _split_name(complainant)
        case.patient = PersonDetails(given, family)
    if v.get("organisation_ods_code"):
        code = v["organisation_ods_code"].strip().upper()
        if code not in lookups.organisations:
            raise RowProblem(f"organisation_ods_code {code} is not in the organisations directory")
        case.organisation_id = lookups.organisations[code]
    for name in _split_list(v.get("subjects", "")):
        pk = lookups.subjects.get(_key(name))
        if pk is None:
            raise RowProblem(f"subject '{name}' is not one we know (map it in a mapping file)")
        if pk not in case.subject_ids:
            case.subject_ids.append(pk)
    case.acknowledged_on = parse_date(v.get("acknowledged_date", ""), "acknowledged_date")
    case.response_due = parse_date(v.get("response_due_date", ""), "response_due_date")
    case.response_sent_on = parse_date(v.get("response_sent_date", ""), "response_sent_date")
    case.closed_on = parse_date(v.get("closed_date", ""), "closed_date")
    if v.get("outcome"):
        case.outcome = _choice(v["outcome"], Outcome.choices, "outcome")
    for column in ("acknowledged_on", "response_sent_on", "closed_on"):
        day = getattr(case, column)
        if day and day < received_on:
            raise RowProblem(f"{column.replace('_on', '_date')} is before received_date")
        if day and day > today:
            raise RowProblem(f"{column.replace('_on', '_date')} is in the future")
    if kind == CaseKind.COMPLAINT and case.closed_on and not case.outcome:
        raise RowProblem("closed_date is given but outcome is empty: a closed complaint needs one")
    if case.outcome and not case.closed_on:
        raise RowProblem("outcome is given but closed_date is empty")
    case.phso_referred_on = _ombudsman(v.get("ombudsman_referred", ""), case)
    return case


def _split_list(text: str) -> list[str]:
    for separator in ("|", ";"):
        if separator in text:
            return [part.strip() for part in text.split(separator) if part.strip()]
    return [text.strip()] if text.strip() else []


def _ombudsman(text: str, case: LegacyCase) -> date | None:
    """A date, or yes/no. A bare "yes" is dated to closure (or receipt): the old systems did not
    record when, and reports count referrals by their presence."""
    if _key(text) in NO:
        return None
    if _key(text) in YES:
        return case.closed_on or case.response_sent_on or case.received_on
    return parse_date(text, "ombudsman_referred")


@dataclass
class RowError:
    line: int
    legacy_ref: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    duplicates: int = 0
    people_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    strict: bool = False

    @property
    def to_import(self) -> int:
        return self.rows - self.already_imported - self.duplicates - len(self.errors)

    def write_csv(self, path: str | Path) -> None:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "legacy_ref", "reason"])
            for error in self.errors:
                writer.writerow([error.line, error.legacy_ref, error.reason])


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, EVENT_TIME))


def import_legacy(
    path: str | Path,
    *,
    mapping: Mapping | None = None,
    by=None,
    dry_run: bool = False,
    strict: bool = False,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import the file; see the module docstring. Returns what happened, row by row."""
    today = today or timezone.localdate()
    rows = read_rows(path, mapping)
    report = ImportReport(rows=len(rows), dry_run=dry_run, strict=strict)
    lookups = Lookups()
    parsed: list[LegacyCase] = []
    first_seen: dict[str, tuple[int, dict]] = {}
    for row in rows:
        ref = row.values.get("legacy_ref", "")
        if ref in first_seen:
            line, values = first_seen[ref]
            if values == row.values:
                report.duplicates += 1
            else:
                report.errors.append(
                    RowError(
                        row.line,
                        ref,
                        f"legacy_ref {ref} is already on line {line} with different details",
                    )
                )
            continue
        try:
            case = parse_row(row, lookups, today)
        except RowProblem as problem:
            report.errors.append(RowError(row.line, ref, str(problem)))
            continue
        first_seen[ref] = (row.line, row.values)
        parsed.append(case)

    existing = set()
    refs = [case.legacy_ref for case in parsed]
    for start in range(0, len(refs), 5000):
        existing.update(
            Case.objects.filter(legacy_reference__in=refs[start : start + 5000]).values_list(
                "legacy_reference", flat=True
            )
        )
    new = [case for case in parsed if case.legacy_ref not in existing]
    report.already_imported = len(parsed) - len(new)
    if dry_run or (strict and report.errors):
        return report
    done = 0
    for start in range(0, len(new), batch_size):
        batch = new[start : start + batch_size]
        with transaction.atomic():
            report.people_created += _write_batch(batch, by)
        report.imported += len(batch)
        done += len(batch)
        if progress:
            progress(done, len(new))
    return report


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


def _match_people(batch: list[LegacyCase], by) -> tuple[dict[int, Person], dict[int, Person], int]:
    """Patients and complainants for the batch: existing people matched on NHS number, else on
    name and date of birth; the rest created (with history dated to the case's receipt)."""
    patients = [c.patient for c in batch if c.patient]
    numbers = {p.nhs_number for p in patients if p.nhs_number}
    by_number = {p.nhs_number: p for p in Person.objects.filter(nhs_number__in=numbers)}
    dated = [p for p in patients if p.date_of_birth]
    by_name = {}
    if dated:
        candidates = Person.objects.annotate(family_key=Lower("family_name")).filter(
            family_key__in={p.family_name.casefold() for p in dated},
            date_of_birth__in={p.date_of_birth for p in dated},
        )
        for person in candidates:
            key = (
                person.given_name.casefold(),
                person.family_name.casefold(),
                person.date_of_birth,
            )
            by_name.setdefault(key, person)
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
        person._history_date = _at(case.received_on)
        person._history_user = by
        person._change_reason = f"imported from legacy ref {case.legacy_ref}"
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


def _history(objs: Iterable, model, *, update: bool = False) -> list:
    objs = list(objs)
    return model.history.bulk_history_create(objs, update=update) if objs else []


def _stamp(obj, day: date, by, case: LegacyCase):
    obj._history_date = _at(day)
    obj._history_user = by
    obj._change_reason = f"imported from legacy ref {case.legacy_ref}"
    return obj


def _final_status(case: LegacyCase) -> str:
    if case.kind == CaseKind.COMPLAINT:
        if case.closed_on:
            return Status.CLOSED
        return Status.ACKNOWLEDGED if case.acknowledged_on else Status.RECEIVED
    return Status.RESOLVED if case.closed_on else Status.OPEN


def _write_batch(batch: list[LegacyCase], by) -> int:
    patient_of, complainant_of, people_created = _match_people(batch, by)
    references = _reserve_references(batch)
    cases: list[Case] = []
    for legacy, reference in zip(batch, references, strict=True):
        is_complaint = legacy.kind == CaseKind.COMPLAINT
        case = Case(
            reference=reference,
            legacy_reference=legacy.legacy_ref,
            kind=legacy.kind,
            status=_final_status(legacy),
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
        cases.append(case)
    Case.objects.bulk_create(cases)

    # The case's history, one record per original event, each dated to it.
    created_records, updated_records, status_changes = [], [], []
    for legacy, case in zip(batch, cases, strict=True):
        initial = INITIAL_STATUS[CaseKind(case.kind)]
        events = [(legacy.received_on, "", initial)]
        if case.status in (Status.ACKNOWLEDGED, Status.CLOSED) and legacy.acknowledged_on:
            events.append((legacy.acknowledged_on, initial, Status.ACKNOWLEDGED))
        if legacy.closed_on:
            events.append((legacy.closed_on, events[-1][2], case.status))
        for number, (day, old, new) in enumerate(events):
            snapshot = copy.copy(case)
            snapshot.status = new
            if new in (Status.RECEIVED, Status.OPEN):
                snapshot.acknowledged_on = None
            if new not in (Status.CLOSED, Status.RESOLVED):
                snapshot.closed_on, snapshot.outcome = None, ""
                snapshot.response_sent_on, snapshot.phso_referred_on = None, None
            _stamp(snapshot, day, by, legacy)
            (updated_records if number else created_records).append(snapshot)
            status_changes.append(
                _stamp(
                    StatusChange(
                        case=case,
                        old_status=old,
                        new_status=new,
                        changed_by=by,
                        changed_at=_at(day),
                        reason=f"imported from legacy ref {legacy.legacy_ref}",
                    ),
                    day,
                    by,
                    legacy,
                )
            )
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
        roles = []
        if patient:
            roles.append((patient, PartyRole.PATIENT, Relationship.SELF))
        if complainant:
            roles.append((complainant, PartyRole.REPRESENTATIVE, legacy.relationship))
        if case.kind == CaseKind.COMPLAINT and (complainant or patient):
            roles.append(
                (
                    complainant or patient,
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
                        contacted_at=_at(legacy.received_on),
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
