"""Import cases from the PALS and complaints databases the unit is replacing.

`python manage.py import_legacy FILE [--mapping MAPPING.toml] [--dry-run] [--strict]` reads a
CSV export with a header row, in UTF-8 or Windows-1252 (decoded line by line, so a file pasted
together from both still reads), separated by commas or semicolons (whichever the header uses).
Load the organisations directory first (`import_organisations`): a row naming an ODS code the
directory does not have is refused, and the report lists those codes up front.

Default columns (others are ignored): see `COLUMNS`. A TOML mapping file renames another
system's columns, maps its values onto ours, and says how old informal cases close::

    [columns]
    "Case No" = "legacy_ref"
    "Date Received" = "received_date"

    [values.outcome]
    "Partially Upheld" = "partly upheld"

    [values.subjects]          # applied to each item of a list cell ("A;B" or "A|B")
    "Comms" = "Communications"

    [closing]
    # Enquiries, PALS concerns, compliments and comments with no closed_date arrive "open"
    # (the default) or "resolved on received date" (historic records nobody will work again),
    # optionally only those received before a date.
    informal_without_closed_date = "resolved on received date"
    received_before = 2025-04-01

A complaint is never closed by these rules: closing one needs an outcome, which only its
own closed_date and outcome columns can give. The report says how many cases of each kind will
arrive open, and how many of those are already past their deadline.

Dates may be dd/mm/yyyy, yyyy-mm-dd or d Mon yyyy (5 Mar 2024). People are matched on NHS
number, else on name and date of birth, else created. Each case keeps its legacy reference
(unique), gets a reference of our own, and its history (case, status changes, parties, the
first contact) is dated to the original events with the reason "imported from legacy ref X".

Checking: every problem of every row is reported at once, each row with all of its reasons
and the whole file grouped by kind of problem with counts ("kind 'PALS' is not one we know:
936 rows — map it in [values.kind]"), so one dry run shows everything the file needs. A row
whose number of fields is not the header's (a file cut short, a quote left open) is refused
with its line number rather than imported half-empty; so is a last row that ends inside an
open quote.

Idempotent: a legacy reference already imported with the same details is skipped, so a second
run creates nothing. One imported with less than the row now gives — an earlier file that was
cut short, say — is *repaired* when nobody has worked the case since: the empty fields are
filled in, a cut-off description completed, missing subjects added and the missing status
changes recorded, with the reason "repaired from legacy ref X". Anything else that differs
(a value changed, or the case worked since) is reported and left as it is.

A row that cannot be taken is reported with its line number and the reasons; the rest are
imported, unless `strict`, when nothing is imported if any row fails. `dry_run` checks every
row and writes nothing. Writes are in bulk, in batches, so 100,000 rows take minutes.
"""

import calendar
import copy
import csv
import io
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from casework import deadlines, services
from casework.models import (
    Case,
    CaseParty,
    PartyRole,
    ReferenceCounter,
    Relationship,
    StatusChange,
    Subject,
)
from casework.workflow import INITIAL_STATUS, REFERENCE_PREFIX, CaseKind, Outcome, Status
from contacts.models import Channel, Contact, Organisation, Person, TriageStatus
from contacts.validators import normalise_nhs_number, validate_nhs_number
from core.history import save_with_reason

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
# Cells holding several values; a value mapping applies to each item.
LIST_COLUMNS = ("subjects",)
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d %b %Y")
DATE_FORMATS_TEXT = "dd/mm/yyyy, yyyy-mm-dd or d Mon yyyy"
# The same three forms, read into day, month and year to say why a date is not one.
DATE_SHAPES = (
    re.compile(r"^(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$"),
    re.compile(r"^(?P<day>\d{1,2}) (?P<month>[A-Za-z]{3}) (?P<year>\d{4})$"),
)
MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
# Events are known by day only; noon keeps the day the same in any UK offset.
EVENT_TIME = time(12, 0)
INFORMAL_KINDS = (CaseKind.ENQUIRY, CaseKind.PALS_CONCERN, CaseKind.COMPLIMENT, CaseKind.COMMENT)
STAY_OPEN = "open"
RESOLVE_ON_RECEIPT = "resolved on received date"
IMPORTED = "imported from legacy ref"
REPAIRED = "repaired from legacy ref"
HISTORIC_NOTE = "resolved as historic: the old system has no closed date"
DIRECTORY_ADVICE = "load it into the organisations directory first (import_organisations)"


class LegacyImportError(Exception):
    """The whole file (or mapping) cannot be read; no row was imported."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a row. `summary` is the same for every row with the same fault, so
    the report can group them and count; `detail` is this row's own words; `advice` says what
    to change in the file or the mapping."""

    summary: str
    detail: str = ""
    advice: str = ""
    column: str = ""
    value: str = ""

    def __str__(self) -> str:
        return self.detail or self.summary


class RowProblem(Exception):
    """A row cannot be imported; `problems` says every reason, in plain English."""

    def __init__(self, *problems: Problem):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass
class Closing:
    """How informal cases without a closed date arrive (the mapping's [closing] table)."""

    informal_without_closed_date: str = STAY_OPEN
    received_before: date | None = None

    def resolves(self, kind: str, received_on: date) -> bool:
        return (
            self.informal_without_closed_date == RESOLVE_ON_RECEIPT
            and kind in INFORMAL_KINDS
            and (self.received_before is None or received_on < self.received_before)
        )


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    closing: Closing = field(default_factory=Closing)


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
    return Mapping(columns=columns, values=values, closing=_closing(data.get("closing", {})))


def _closing(table: dict) -> Closing:
    unknown = sorted(set(table) - {"informal_without_closed_date", "received_before"})
    if unknown:
        raise LegacyImportError(
            f"The mapping file's [closing] table has {', '.join(unknown)}, which the import "
            "does not know. Use informal_without_closed_date and received_before."
        )
    rule = " ".join(str(table.get("informal_without_closed_date", STAY_OPEN)).split()).lower()
    if rule not in (STAY_OPEN, RESOLVE_ON_RECEIPT):
        raise LegacyImportError(
            f'[closing] informal_without_closed_date = "{rule}" is not a rule the import knows. '
            f'Use "{STAY_OPEN}" or "{RESOLVE_ON_RECEIPT}".'
        )
    before = table.get("received_before")
    if isinstance(before, str):
        try:
            before = date.fromisoformat(before.strip())
        except ValueError:
            raise LegacyImportError(
                f'[closing] received_before = "{table["received_before"]}" is not a date: '
                "write it as yyyy-mm-dd, like 2025-04-01."
            ) from None
    elif isinstance(before, datetime):
        before = before.date()
    elif before is not None and not isinstance(before, date):
        raise LegacyImportError(
            "[closing] received_before must be a date written as yyyy-mm-dd, like 2025-04-01."
        )
    return Closing(informal_without_closed_date=rule, received_before=before)


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
    # Set when the row's shape is wrong (too few or too many fields): nothing else is read.
    problem: Problem | None = None


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
        if len(cells) != len(names):
            rows.append(SourceRow(start, _first_cell(names, cells), _field_count(cells, names)))
            continue
        values = {}
        for name, cell in zip(names, cells, strict=True):
            if name in COLUMNS:
                values[name] = _mapped(name, cell.strip(), mapping)
        rows.append(SourceRow(line=start, values=values))
    if rows and _ends_inside_quotes(text, rows[-1].line, delimiter):
        last = rows[-1]
        cut = "the file ends inside a quoted field: it was cut short, or a quote was left open"
        if last.problem:
            last.problem = replace(last.problem, detail=f"{last.problem.detail}; {cut}")
        else:
            last.problem = Problem(
                "the file ends inside a quoted field",
                f"{cut}, so this row is incomplete",
                "export the file again, whole",
            )
    return rows


def _first_cell(names: list[str], cells: list[str]) -> dict[str, str]:
    """Enough of a misshapen row to name it in the report: its legacy reference, if the first
    columns are where the header says."""
    if "legacy_ref" in names and names.index("legacy_ref") < len(cells):
        return {"legacy_ref": cells[names.index("legacy_ref")].strip()}
    return {}


def _field_count(cells: list[str], names: list[str]) -> Problem:
    fewer = len(cells) < len(names)
    return Problem(
        "rows with fewer fields than the header"
        if fewer
        else "rows with more fields than the header",
        f"the row has {len(cells)} fields but the header has {len(names)}: "
        + (
            "the file may have been cut short, or a line break or quote is out of place"
            if fewer
            else "a value may hold the separator without quotes around it"
        ),
        "check the export: every row needs one value per column",
    )


def _ends_inside_quotes(text: str, line: int, delimiter: str) -> bool:
    """Whether the record starting on `line` runs to the end of the file inside an open quote
    (the reader, being lenient, would otherwise hand back the cut-off value as if whole)."""
    tail = "\n".join(text.split("\n")[line - 1 :])
    try:
        list(csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return True
    return False


def _mapped(column: str, cell: str, mapping: Mapping) -> str:
    """The cell with the mapping's values applied: to the whole cell, else (in a list column)
    to each of its items."""
    table = mapping.values.get(column)
    if not table:
        return cell
    if _key(cell) in table:
        return table[_key(cell)]
    if column in LIST_COLUMNS:
        items = _split_list(cell)
        if len(items) > 1:
            return "|".join(table.get(_key(item), item) for item in items)
    return cell


def parse_date(text: str, column: str) -> date | None:
    text = " ".join(text.split())
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    reason = _why_not_a_date(text)
    if reason:
        raise RowProblem(
            Problem(
                f"{column} is not a real date",
                f"{column} '{text}' is not a date: {reason}",
                "correct the date in the old system or the file",
                column,
            )
        )
    raise RowProblem(
        Problem(
            f"{column} is not written as a date",
            f"{column} '{text}' is not a date in the form {DATE_FORMATS_TEXT}",
            f"write dates as {DATE_FORMATS_TEXT}",
            column,
        )
    )


def _why_not_a_date(text: str) -> str:
    """For text shaped like a date that is not one, why: '31 February 2024 does not exist
    (February 2024 has 29 days)', 'there is no month 13'. Empty for any other text."""
    for shape in DATE_SHAPES:
        match = shape.match(text)
        if not match:
            continue
        year, day = int(match["year"]), int(match["day"])
        month = match["month"]
        number = MONTHS.get(month.casefold(), 0) if month.isalpha() else int(month)
        if not 1 <= number <= 12:
            return f"there is no month {month}"
        month_name, last = calendar.month_name[number], calendar.monthrange(year, number)[1]
        if day == 0:
            return "there is no day 0 of a month"
        if day > last:
            return f"{day} {month_name} {year} does not exist ({month_name} {year} has {last} days)"
    return ""


def _choice(text: str, choices, column: str) -> str:
    wanted = _key(text)
    for value, label in choices:
        if wanted in (_key(value), _key(label)):
            return value
    known = ", ".join(str(label).lower() for _, label in choices)
    raise RowProblem(
        Problem(
            f"{column} '{text}' is not one we know",
            f"{column} '{text}' is not one we know. Use one of: {known} (or map it in a "
            "mapping file)",
            f"map it in [values.{column}] of a mapping file to one of: {known}",
            column,
            text,
        )
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
    # Resolved by the mapping's [closing] rule, not by a closed_date of its own.
    historic: bool = False

    @property
    def reason(self) -> str:
        return f"{IMPORTED} {self.legacy_ref}"


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
    """Check one row and turn it into a LegacyCase, or raise RowProblem with every reason."""
    if row.problem:
        raise RowProblem(row.problem)
    v = row.values
    problems: list[Problem] = []

    def check(read: Callable[[], object]):
        """The value `read` returns, or None with its problem noted."""
        try:
            return read()
        except RowProblem as problem:
            problems.extend(problem.problems)
            return None

    def fault(summary: str, column: str, detail: str = "", advice: str = "") -> None:
        problems.append(Problem(summary, detail, advice, column))

    legacy_ref = v.get("legacy_ref", "")
    if not legacy_ref:
        fault("legacy_ref is empty", "legacy_ref")
    elif len(legacy_ref) > 50:
        fault("legacy_ref is longer than 50 characters", "legacy_ref")
    kind = check(lambda: _choice(v["kind"], CaseKind.choices, "kind")) if v.get("kind") else None
    if not v.get("kind"):
        fault("kind is empty", "kind")
    received_on = check(lambda: parse_date(v.get("received_date", ""), "received_date"))
    if received_on is None and not v.get("received_date", "").strip():
        fault("received_date is empty", "received_date")
    if received_on and received_on > today:
        fault(
            "received_date is in the future",
            "received_date",
            f"received_date {received_on:%d/%m/%Y} is in the future",
        )
    description = v.get("description", "")
    if not description:
        fault("description is empty", "description")
    case = LegacyCase(
        line=row.line,
        legacy_ref=legacy_ref,
        kind=kind or "",
        received_on=received_on or date.min,
        description=description,
    )
    if v.get("channel"):
        case.channel = check(lambda: _choice(v["channel"], Channel.choices, "channel")) or ""
    if v.get("patient_name"):
        given, family = _split_name(v["patient_name"])
        nhs = normalise_nhs_number(v.get("patient_nhs_number", ""))
        if v.get("patient_nhs_number"):
            try:
                validate_nhs_number(nhs)
            except Exception as error:  # Django's ValidationError carries the message
                message = " ".join(getattr(error, "messages", [str(error)]))
                fault(
                    "patient_nhs_number is not a valid NHS number",
                    "patient_nhs_number",
                    f"patient_nhs_number '{v['patient_nhs_number']}' is not valid: {message}",
                )
        dob = check(lambda: parse_date(v.get("patient_dob", ""), "patient_dob"))
        if dob and dob > today:
            fault("patient_dob is in the future", "patient_dob")
        case.patient = PersonDetails(given, family, dob, nhs)
    elif v.get("patient_nhs_number"):
        fault("patient_nhs_number is given but patient_name is empty", "patient_name")
    relationship = v.get("complainant_relationship", "")
    if relationship:
        case.relationship = (
            check(lambda: _choice(relationship, Relationship.choices, "complainant_relationship"))
            or Relationship.SELF
        )
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
        if code in lookups.organisations:
            case.organisation_id = lookups.organisations[code]
        else:
            problems.append(
                Problem(
                    f"organisation_ods_code {code} is not in the organisations directory",
                    advice=DIRECTORY_ADVICE,
                    column="organisation_ods_code",
                    value=code,
                )
            )
    for name in _split_list(v.get("subjects", "")):
        pk = lookups.subjects.get(_key(name))
        if pk is None:
            problems.append(
                Problem(
                    f"subject '{name}' is not one we know",
                    f"subject '{name}' is not one we know (map it in a mapping file)",
                    "map it in [values.subjects] of a mapping file to a subject's code or name "
                    "(the admin's Subjects list)",
                    "subjects",
                    name,
                )
            )
        elif pk not in case.subject_ids:
            case.subject_ids.append(pk)
    case.acknowledged_on = check(
        lambda: parse_date(v.get("acknowledged_date", ""), "acknowledged_date")
    )
    case.response_due = check(
        lambda: parse_date(v.get("response_due_date", ""), "response_due_date")
    )
    case.response_sent_on = check(
        lambda: parse_date(v.get("response_sent_date", ""), "response_sent_date")
    )
    case.closed_on = check(lambda: parse_date(v.get("closed_date", ""), "closed_date"))
    if v.get("outcome"):
        case.outcome = check(lambda: _choice(v["outcome"], Outcome.choices, "outcome")) or ""
    for column in ("acknowledged_on", "response_sent_on", "closed_on"):
        day, name = getattr(case, column), column.replace("_on", "_date")
        if day and received_on and day < received_on:
            fault(f"{name} is before received_date", name)
        if day and day > today:
            fault(f"{name} is in the future", name)
    if kind == CaseKind.COMPLAINT and case.closed_on and not v.get("outcome"):
        fault("closed_date is given but outcome is empty: a closed complaint needs one", "outcome")
    if v.get("outcome") and not v.get("closed_date"):
        fault("outcome is given but closed_date is empty", "closed_date")
    case.phso_referred_on = check(lambda: _ombudsman(v.get("ombudsman_referred", ""), case))
    if problems:
        raise RowProblem(*problems)
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
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ProblemGroup:
    """Every row with the same fault: what is wrong, how to fix it, and where."""

    summary: str
    advice: str
    lines: list[int]

    @property
    def rows(self) -> int:
        return len(self.lines)


@dataclass
class Difference:
    """A row whose legacy reference is already imported, with details the case lacks or that
    disagree with it. `repaired`: the gaps were (or, in a dry run, would be) filled in;
    otherwise `why_not` says why the case was left as it is."""

    line: int
    legacy_ref: str
    reference: str
    changes: list[str]
    repaired: bool
    why_not: str = ""

    @property
    def reason(self) -> str:
        details = "; ".join(self.changes)
        if self.repaired:
            return f"already imported as {self.reference}, with less: repaired ({details})"
        return (
            f"already imported as {self.reference} with different details ({details}): "
            f"not changed, because {self.why_not}"
        )


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    duplicates: int = 0
    people_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    # Of the cases imported (or, in a dry run, to be imported), by kind: how many arrive open,
    # how many of those are already past their deadline, and how many the [closing] rule
    # resolved as historic.
    arriving_open: Counter = field(default_factory=Counter)
    arriving_overdue: Counter = field(default_factory=Counter)
    resolved_as_historic: int = 0
    dry_run: bool = False
    strict: bool = False

    @property
    def to_import(self) -> int:
        return self.rows - self.already_imported - self.duplicates - len(self.errors)

    @property
    def repaired(self) -> list[Difference]:
        return [d for d in self.differences if d.repaired]

    @property
    def left_as_they_are(self) -> list[Difference]:
        return [d for d in self.differences if not d.repaired]

    def problem_groups(self) -> list[ProblemGroup]:
        """Every problem of every refused row, grouped by kind, the commonest first."""
        groups: dict[tuple[str, str], ProblemGroup] = {}
        for error in self.errors:
            for problem in error.problems:
                key = (problem.summary, problem.advice)
                group = groups.setdefault(key, ProblemGroup(problem.summary, problem.advice, []))
                if error.line not in group.lines:
                    group.lines.append(error.line)
        return sorted(groups.values(), key=lambda g: (-g.rows, g.summary))

    @property
    def missing_organisations(self) -> dict[str, int]:
        """ODS codes the directory does not have, with the number of rows naming each."""
        counts = Counter(
            problem.value
            for error in self.errors
            for problem in error.problems
            if problem.column == "organisation_ods_code" and problem.value
        )
        return dict(counts.most_common())

    def write_csv(self, path: str | Path) -> None:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "legacy_ref", "reason"])
            rows = [(e.line, e.legacy_ref, e.reason) for e in self.errors]
            rows += [(d.line, d.legacy_ref, d.reason) for d in self.differences]
            writer.writerows(sorted(rows))


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
    mapping = mapping or Mapping()
    rows = read_rows(path, mapping)
    report = ImportReport(rows=len(rows), dry_run=dry_run, strict=strict)
    lookups = Lookups()
    parsed: list[LegacyCase] = []
    first_seen: dict[str, tuple[int, dict]] = {}
    for row in rows:
        ref = row.values.get("legacy_ref", "")
        if ref in first_seen and not row.problem:
            line, values = first_seen[ref]
            if values == row.values:
                report.duplicates += 1
            else:
                detail = f"legacy_ref {ref} is already on line {line} with different details"
                problem = Problem(
                    "legacy_ref appears twice with different details",
                    detail,
                    "give each case its own legacy_ref, or remove the extra row",
                    "legacy_ref",
                )
                report.errors.append(RowError(row.line, ref, detail, [problem]))
            continue
        try:
            case = parse_row(row, lookups, today)
        except RowProblem as problem:
            report.errors.append(RowError(row.line, ref, str(problem), problem.problems))
            continue
        if not case.closed_on and mapping.closing.resolves(case.kind, case.received_on):
            case.closed_on, case.historic = case.received_on, True
        first_seen[ref] = (row.line, row.values)
        parsed.append(case)

    existing = _imported_cases([case.legacy_ref for case in parsed])
    new = [case for case in parsed if case.legacy_ref not in existing]
    report.already_imported = len(parsed) - len(new)
    for legacy in parsed:
        if legacy.legacy_ref in existing:
            difference = _difference(legacy, existing[legacy.legacy_ref])
            if difference:
                report.differences.append(difference)
    built = [(legacy, _build_case(legacy, by)) for legacy in new]
    for legacy, case in built:
        report.resolved_as_historic += legacy.historic
        if not case.is_finished:
            report.arriving_open[case.kind] += 1
            if case.due_on and case.due_on < today:
                report.arriving_overdue[case.kind] += 1
    if dry_run or (strict and report.errors):
        return report
    by_ref = {legacy.legacy_ref: legacy for legacy in parsed}
    for difference in report.repaired:
        _repair(existing[difference.legacy_ref].pk, by_ref[difference.legacy_ref], by)
    done = 0
    for start in range(0, len(built), batch_size):
        batch = built[start : start + batch_size]
        with transaction.atomic():
            report.people_created += _write_batch(batch, by)
        report.imported += len(batch)
        done += len(batch)
        if progress:
            progress(done, len(built))
    return report


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
    it since (any history of the case not written by the import)."""

    pk: int
    reference: str
    values: dict
    subject_ids: set[int]
    worked: bool


def _imported_cases(refs: list[str]) -> dict[str, _Imported]:
    fields = ("pk", "reference", "legacy_reference", "kind", "status", "received_on")
    fields += ("description",) + tuple(REPAIRABLE)
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
        worked = set(
            Case.history.filter(id__in=ids)
            .exclude(history_change_reason__startswith=IMPORTED)
            .exclude(history_change_reason__startswith=REPAIRED)
            .values_list("id", flat=True)
        )
        for row in rows:
            found[row["legacy_reference"]] = _Imported(
                row["pk"],
                row["reference"],
                row,
                subjects.get(row["pk"], set()),
                row["pk"] in worked,
            )
    return found


def _shown(value) -> str:
    if value in (None, ""):
        return "empty"
    return f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)


def _difference(legacy: LegacyCase, imported: _Imported) -> Difference | None:
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
    if _final_status(legacy) != stored["status"] and stored["status"] not in (
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


def _repair(pk: int, legacy: LegacyCase, by) -> None:
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
        case.status = _final_status(legacy)
        case.due_on, case.due_action = services.next_deadline(case)
        events = []
        if (
            old_status == Status.RECEIVED
            and legacy.acknowledged_on
            and case.status
            in (
                Status.ACKNOWLEDGED,
                Status.CLOSED,
            )
        ):
            events.append((legacy.acknowledged_on, Status.RECEIVED, Status.ACKNOWLEDGED))
        if case.status != old_status and case.status in (Status.CLOSED, Status.RESOLVED):
            events.append((legacy.closed_on, events[-1][2] if events else old_status, case.status))
        for day, old, new in events:
            change = StatusChange(
                case=case,
                old_status=old,
                new_status=new,
                changed_by=by,
                changed_at=_at(day),
                reason=reason,
            )
            save_with_reason(change, by, reason)
        # Adding subjects writes a history row of its own: give it the repair's user and reason.
        case._history_user, case._change_reason = by, reason
        case.subjects.add(*legacy.subject_ids)
        save_with_reason(case, by, reason)


def _build_case(legacy: LegacyCase, by) -> Case:
    """The case a row becomes (without its reference, given when it is written)."""
    is_complaint = legacy.kind == CaseKind.COMPLAINT
    case = Case(
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
        person._change_reason = case.reason
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


def _stamp(obj, day: date, by, case: LegacyCase, reason: str = ""):
    obj._history_date = _at(day)
    obj._history_user = by
    obj._change_reason = reason or case.reason
    return obj


def _final_status(case: LegacyCase) -> str:
    if case.kind == CaseKind.COMPLAINT:
        if case.closed_on:
            return Status.CLOSED
        return Status.ACKNOWLEDGED if case.acknowledged_on else Status.RECEIVED
    return Status.RESOLVED if case.closed_on else Status.OPEN


def _write_batch(built: list[tuple[LegacyCase, Case]], by) -> int:
    batch = [legacy for legacy, _ in built]
    cases = [case for _, case in built]
    patient_of, complainant_of, people_created = _match_people(batch, by)
    for case, reference in zip(cases, _reserve_references(batch), strict=True):
        case.reference = reference
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
                changed_at=_at(day),
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
