"""Reading an older system's export: the mapping file, decoding, the rows and their checks.

Every problem of a row is collected (`RowProblem.problems`), each with a summary shared by all
rows with the same fault, so the report can group and count them (see casework.legacy.report).
"""

import calendar
import csv
import io
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from casework.models import (
    Relationship,
    Subject,
)
from casework.workflow import CaseKind, Outcome
from contacts.models import Channel, Organisation
from contacts.validators import normalise_nhs_number, validate_nhs_number

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


def _choice(text: str, choices: Iterable[tuple[str, str]], column: str) -> str:
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
    def name_key(self) -> tuple[str, str, date | None]:
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

    def __init__(self) -> None:
        self.organisations: dict[str, int] = dict(
            Organisation.objects.exclude(ods_code="").values_list("ods_code", "id")
        )
        self.subjects: dict[str, int] = {}
        for pk, code, name in Subject.objects.values_list("id", "code", "name"):
            self.subjects[_key(code)] = pk
            self.subjects[_key(name)] = pk


def parse_row(row: SourceRow, lookups: Lookups, today: date) -> LegacyCase:
    """Check one row and turn it into a LegacyCase, or raise RowProblem with every reason."""
    if row.problem:
        raise RowProblem(row.problem)
    v = row.values
    problems: list[Problem] = []

    def check(read: Callable[[], Any]) -> Any:
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
