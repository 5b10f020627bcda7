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
(a value changed, or the case worked since: any change to it, or a contact, party, letter
or referral added to it, other than by the import) is reported and left as it is.

A row that cannot be taken is reported with its line number and the reasons; the rest are
imported, unless `strict`, when nothing is imported if any row fails. `dry_run` checks every
row and writes nothing. Writes are in bulk, in batches, so 100,000 rows take minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from casework.legacy.reading import (
    LegacyCase,
    LegacyImportError,
    Lookups,
    Mapping,
    Problem,
    RowProblem,
    load_mapping,
    parse_row,
    read_rows,
)
from casework.legacy.repair import difference_from, imported_cases, repair
from casework.legacy.report import ImportReport, RowError
from casework.legacy.writing import build_case, write_batch

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["ImportReport", "LegacyImportError", "import_legacy", "load_mapping"]


def import_legacy(
    path: str | Path,
    *,
    mapping: Mapping | None = None,
    by: User | None = None,
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

    existing = imported_cases([case.legacy_ref for case in parsed])
    new = [case for case in parsed if case.legacy_ref not in existing]
    report.already_imported = len(parsed) - len(new)
    for legacy in parsed:
        if legacy.legacy_ref in existing:
            difference = difference_from(legacy, existing[legacy.legacy_ref])
            if difference:
                report.differences.append(difference)
    built = [(legacy, build_case(legacy, by)) for legacy in new]
    for legacy, arriving in built:
        report.resolved_as_historic += legacy.historic
        if not arriving.is_finished:
            report.arriving_open[arriving.kind] += 1
            if arriving.due_on and arriving.due_on < today:
                report.arriving_overdue[arriving.kind] += 1
    if dry_run or (strict and report.errors):
        return report
    by_ref = {legacy.legacy_ref: legacy for legacy in parsed}
    for difference in report.repaired:
        repair(existing[difference.legacy_ref].pk, by_ref[difference.legacy_ref], by)
    done = 0
    for start in range(0, len(built), batch_size):
        batch = built[start : start + batch_size]
        with transaction.atomic():
            report.people_created += write_batch(batch, by)
        report.imported += len(batch)
        done += len(batch)
        if progress:
            progress(done, len(built))
    return report
