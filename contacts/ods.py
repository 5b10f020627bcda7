"""Import the organisations directory from the national ODS (Organisation Data Service) files.

The files are CSV with **no header row** and fixed column positions. Every file read here
belongs to the same family and shares one 27-column layout (columns numbered from 1):

====  ============================================  =========================================
 col  field                                         used as
====  ============================================  =========================================
   1  Organisation code                             ``ods_code`` (the key)
   2  Name                                          ``name``
   3  National grouping                             —
   4  High level health geography                   —
 5-9  Address lines 1-5                             ``address`` (non-empty lines, one a line)
  10  Postcode                                      ``postcode``
  11  Open date (YYYYMMDD)                          ``opened_on``
  12  Close date (YYYYMMDD, empty while open)       ``closed_on``
  13  Status code (A active, C closed, D dormant,   C closes (on the close date, or the day
      P proposed) — empty in etr and ets            of the import if the file gives none)
  14  Organisation sub-type code                    —
  15  Parent / commissioner code (the trust for     ``parent_ods_code``, and ``parent`` once
      ets; the commissioner for practices;          that organisation is in the directory
      empty in etr)
  16  Join parent date                              —
  17  Left parent date                              —
  18  Contact telephone number                      ``telephone``
19-21 Null                                          —
  22  Amended record indicator                      —
23-27 Null or file-specific                         —
====  ============================================  =========================================

Sources: shared/RULES.md for epraccur (GP practices); the published ODS field lists for
egdpprac (general dental practices), edispensary (dispensaries/pharmacies), etr (NHS trusts)
and ets (NHS trust sites), whose named fields fall in the same positions of the family
layout (fields a file does not carry are empty columns). A row with a different number of
columns is rejected as not being in the published layout.

Organisations are matched by ODS code. A row that changes nothing is counted "unchanged"
and not written, so a re-run of the same file changes nothing; a newer file renames and
closes. Organisations missing from a file are left alone, and nothing is ever deleted, so a
closed organisation keeps every referral made to it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import INDEPENDENT_CONTRACTOR_TYPES, Organisation, OrganisationType

COLUMNS = 27
BATCH_SIZE = 500


@dataclass(frozen=True)
class OdsFormat:
    name: str
    description: str
    org_type: str
    # What a code looks like in this file, and how to say so to a person.
    code_pattern: str
    code_example: str


FORMATS: dict[str, OdsFormat] = {
    f.name: f
    for f in (
        OdsFormat(
            "epraccur", "GP practices", OrganisationType.GP_PRACTICE, r"[A-Z]\d{5}", "A81001"
        ),
        OdsFormat(
            "egdpprac",
            "General dental practices",
            OrganisationType.DENTAL_PRACTICE,
            r"V\d{6}",
            "V006578",
        ),
        OdsFormat(
            "edispensary",
            "Dispensaries and pharmacies",
            OrganisationType.PHARMACY,
            r"F[A-Z0-9]{4}",
            "FA123",
        ),
        OdsFormat("etr", "NHS trusts", OrganisationType.TRUST, r"R[A-Z0-9]{2}", "RX1"),
        OdsFormat("ets", "NHS trust sites", OrganisationType.TRUST_SITE, r"R[A-Z0-9]{4}", "RX1RA"),
    )
}

# The fields an import owns; staff-kept fields (the complaints contact) are never touched.
IMPORTED_FIELDS = (
    "name",
    "org_type",
    "is_independent_contractor",
    "address",
    "postcode",
    "telephone",
    "opened_on",
    "closed_on",
    "parent_ods_code",
)


@dataclass
class Rejected:
    line: int
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportSummary:
    format: str
    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    written: bool = True

    @property
    def rows_read(self) -> int:
        return self.created + self.updated + self.closed + self.unchanged + len(self.rejected)

    def lines(self) -> list[str]:
        """The summary as a person reads it, one line each."""
        out = [
            f"Created: {self.created}",
            f"Updated: {self.updated}",
            f"Closed: {self.closed}",
            f"Unchanged: {self.unchanged}",
            f"Rejected: {len(self.rejected)}",
        ]
        out += [f"  {r}" for r in self.rejected]
        if not self.written:
            out.append("Nothing was written: --strict refuses a file with any rejected row.")
        return out


@dataclass
class OdsRow:
    line: int
    ods_code: str
    values: dict


def _date(value: str, what: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise ValueError(f"the {what} '{value}' is not a date in the form YYYYMMDD") from None


def parse_row(fmt: OdsFormat, line: int, cells: list[str], today: dt.date) -> OdsRow:
    """One row of an ODS file as the organisation's imported fields; ValueError says why not."""
    if len(cells) != COLUMNS:
        raise ValueError(f"has {len(cells)} columns; the published {fmt.name} layout has {COLUMNS}")
    cells = [c.strip() for c in cells]
    code = cells[0].upper()
    if not code:
        raise ValueError("the organisation code (column 1) is empty")
    if not re.fullmatch(fmt.code_pattern, code):
        raise ValueError(
            f"'{code}' is not a {fmt.description.lower()} code (like {fmt.code_example})"
        )
    name = cells[1]
    if not name:
        raise ValueError(f"{code} has no name (column 2)")
    if len(name) > Organisation._meta.get_field("name").max_length:
        raise ValueError(f"{code}: the name is longer than 200 characters")
    opened_on = _date(cells[10], "open date (column 11)")
    closed_on = _date(cells[11], "close date (column 12)")
    if opened_on and closed_on and closed_on < opened_on:
        raise ValueError(f"{code} closes ({closed_on:%d/%m/%Y}) before it opens")
    status = cells[12].upper()
    if status == "C" and closed_on is None:
        # Closed in the file without a date: closed as far as we know from today.
        closed_on = today
    postcode = cells[9].upper()
    if len(postcode) > 10:
        raise ValueError(f"{code}: the postcode '{postcode}' is too long")
    parent = cells[14].upper()
    if len(parent) > 8:
        raise ValueError(f"{code}: the parent code '{parent}' is too long")
    return OdsRow(
        line=line,
        ods_code=code,
        values={
            "name": name,
            "org_type": fmt.org_type,
            "is_independent_contractor": fmt.org_type in INDEPENDENT_CONTRACTOR_TYPES,
            "address": "\n".join(part for part in cells[4:9] if part),
            "postcode": postcode,
            "telephone": cells[17][:30],
            "opened_on": opened_on,
            "closed_on": closed_on,
            "parent_ods_code": parent,
        },
    )


def read_rows(
    fmt: OdsFormat, text: Iterable[str], today: dt.date
) -> tuple[list[OdsRow], list[Rejected]]:
    """Parse every line; a malformed row is rejected with its line number, never fatal."""
    rows: list[OdsRow] = []
    rejected: list[Rejected] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(csv.reader(text), start=1):
        if not cells or all(not c.strip() for c in cells):
            continue
        try:
            row = parse_row(fmt, line, cells, today)
        except ValueError as error:
            rejected.append(Rejected(line, str(error)))
            continue
        if row.ods_code in seen:
            rejected.append(
                Rejected(line, f"{row.ods_code} appears again (first on line {seen[row.ods_code]})")
            )
            continue
        seen[row.ods_code] = line
        rows.append(row)
    return rows, rejected


def decode(data: bytes) -> str:
    """ODS files are published in UTF-8 or Windows-1252; accept either."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def import_organisations(
    data: bytes | str,
    format_name: str,
    *,
    by=None,
    strict: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Create and update organisations from one ODS file (bytes or text); see the module
    docstring. `progress(done, total)` is called as batches are processed. With `strict`,
    a file with any rejected row writes nothing."""
    if format_name not in FORMATS:
        raise ValueError(f"Unknown ODS format '{format_name}'. Choose one of {', '.join(FORMATS)}.")
    fmt = FORMATS[format_name]
    today = today or timezone.localdate()
    text = decode(data) if isinstance(data, bytes) else data
    rows, rejected = read_rows(fmt, io.StringIO(text), today)
    summary = ImportSummary(format=format_name, rejected=rejected)
    if strict and rejected:
        summary.written = False
        return summary
    reason = f"Imported from the ODS {fmt.name} file"
    total = len(rows)
    with transaction.atomic():
        for start in range(0, total, BATCH_SIZE):
            _import_batch(rows[start : start + BATCH_SIZE], summary, by, reason)
            if progress:
                progress(min(start + BATCH_SIZE, total), total)
        _link_parents({row.ods_code for row in rows}, by, reason)
    return summary


def _import_batch(rows: list[OdsRow], summary: ImportSummary, by, reason: str) -> None:
    existing = {
        org.ods_code: org
        for org in Organisation.objects.filter(ods_code__in=[r.ods_code for r in rows])
    }
    to_create, to_update = [], []
    for row in rows:
        org = existing.get(row.ods_code)
        if org is None:
            to_create.append(Organisation(ods_code=row.ods_code, **row.values))
            summary.created += 1
            continue
        changed = [name for name in IMPORTED_FIELDS if getattr(org, name) != row.values[name]]
        if not changed:
            summary.unchanged += 1
            continue
        was_open = org.closed_on is None
        for name in changed:
            setattr(org, name, row.values[name])
        to_update.append(org)
        if was_open and org.closed_on is not None:
            summary.closed += 1
        else:
            summary.updated += 1
    if to_create:
        bulk_create_with_history(
            to_create,
            Organisation,
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason,
        )
    if to_update:
        bulk_update_with_history(
            to_update,
            Organisation,
            list(IMPORTED_FIELDS),
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason,
        )


def _link_parents(codes: set[str], by, reason: str) -> None:
    """Point `parent` at the organisation named by `parent_ods_code` wherever both are in the
    directory; only rows whose link changes are written (with history)."""
    codes.discard("")
    children = list(
        # This file's organisations, and those elsewhere in the directory whose parent it holds
        # (sites imported before their trust).
        Organisation.objects.filter(Q(ods_code__in=codes) | Q(parent_ods_code__in=codes)).exclude(
            parent_ods_code=""
        )
    )
    parents = dict(
        Organisation.objects.filter(
            ods_code__in={child.parent_ods_code for child in children}
        ).values_list("ods_code", "pk")
    )
    changed = []
    for child in children:
        target = parents.get(child.parent_ods_code)
        if target is not None and child.parent_id != target:
            child.parent_id = target
            changed.append(child)
    if changed:
        bulk_update_with_history(
            changed,
            Organisation,
            ["parent"],
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason,
        )
