"""`python manage.py import_legacy FILE [--mapping MAPPING.toml] [--dry-run] [--strict]`.

See casework/legacy/importer.py for the columns, formats and rules."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.legacy.importer import ImportReport, LegacyImportError, import_legacy, load_mapping
from casework.workflow import CaseKind


class Command(BaseCommand):
    help = "Import cases from an older PALS or complaints system's CSV export."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file, with a header row.")
        parser.add_argument("--mapping", help="A TOML file renaming columns and mapping values.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row; write nothing."
        )
        parser.add_argument(
            "--strict", action="store_true", help="Import nothing if any row cannot be taken."
        )
        parser.add_argument(
            "--report",
            help="Where to write the rejected rows (default: FILE.report.csv next to the file).",
        )
        parser.add_argument(
            "--user", help="Username recorded as having imported the cases (default: none)."
        )

    def handle(self, *args, file, mapping, dry_run, strict, report, user, **options):
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"There is no user called {user}.")
        try:
            result = import_legacy(
                file,
                mapping=load_mapping(mapping) if mapping else None,
                by=by,
                dry_run=dry_run,
                strict=strict,
                progress=self._progress if self.stderr.isatty() else None,
            )
        except LegacyImportError as error:
            raise CommandError(str(error)) from error
        if self.stderr.isatty():
            self.stderr.write("")
        report_path = Path(report or f"{file}.report.csv")
        result.write_csv(report_path)
        for line in describe(result, report_path):
            self.stdout.write(line)
        if result.errors and strict:
            raise CommandError("Some rows were rejected; nothing was imported.")

    def _progress(self, done: int, total: int) -> None:
        width = 40
        filled = width * done // total if total else width
        bar = "#" * filled + "." * (width - filled)
        self.stderr.write(f"\r[{bar}] {done:,}/{total:,} cases", ending="")
        sys.stderr.flush()


ROWS_SHOWN = 20


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def _lines(lines: list[int]) -> str:
    shown = ", ".join(str(line) for line in lines[:5])
    return (
        f"line {shown}" if len(lines) == 1 else f"lines {shown}" + (", …" if len(lines) > 5 else "")
    )


def _by_kind(counts) -> str:
    return ", ".join(f"{CaseKind(kind).label} {n:,}" for kind, n in counts.most_common())


def describe(result: ImportReport, report_path: Path) -> list[str]:
    """What the import found and did, most useful first: organisations to load, every kind of
    problem with its count, the rows, the already-imported cases that differ, and the cases
    that arrive open."""
    out = []
    missing = result.missing_organisations
    if missing:
        codes = ", ".join(f"{code} ({_rows(n)})" for code, n in list(missing.items())[:20])
        more = f" and {len(missing) - 20} more" if len(missing) > 20 else ""
        out.append(
            f"{len(missing)} organisation(s) are not in the directory: {codes}{more}. Load "
            "them first with python manage.py import_organisations --format epraccur FILE "
            "(or egdpprac, edispensary, etr, ets; see the README), then run this again."
        )
    groups = result.problem_groups()
    if groups:
        out.append(
            f"{_rows(len(result.errors))} refused. Every problem found, by kind "
            "(fix them all, then run again):"
        )
        for group in groups:
            advice = f" — {group.advice}" if group.advice else ""
            out.append(f"  {group.summary}: {_rows(group.rows)} ({_lines(group.lines)}){advice}")
    for error in result.errors[:ROWS_SHOWN]:
        out.append(f"Line {error.line} ({error.legacy_ref or 'no ref'}): {error.reason}")
    if len(result.errors) > ROWS_SHOWN:
        out.append(
            f"… and {len(result.errors) - ROWS_SHOWN:,} more refused rows: every one is in "
            f"{report_path}."
        )
    verb = "would be" if result.dry_run else "were"
    if result.repaired:
        out.append(
            f"{len(result.repaired)} case(s) imported before from an incomplete row {verb} "
            "repaired: "
            + "; ".join(f"{d.reference} (line {d.line})" for d in result.repaired[:ROWS_SHOWN])
        )
    for difference in result.left_as_they_are[:ROWS_SHOWN]:
        out.append(f"Line {difference.line} ({difference.legacy_ref}): {difference.reason}")
    opened = sum(result.arriving_open.values())
    if opened:
        overdue = sum(result.arriving_overdue.values())
        out.append(
            f"{opened:,} case(s) {'will arrive' if result.dry_run else 'arrived'} open "
            f"({_by_kind(result.arriving_open)}), {overdue:,} of them already past their "
            "deadline"
            + (f" ({_by_kind(result.arriving_overdue)})" if overdue else "")
            + ". Old informal cases can arrive resolved: see [closing] in the mapping file "
            "(casework/legacy/importer.py)."
        )
    if result.resolved_as_historic:
        out.append(
            f"{result.resolved_as_historic:,} informal case(s) with no closed date "
            f"{'will arrive' if result.dry_run else 'arrived'} resolved as historic."
        )
    summary = (
        f"{result.rows} rows: {result.imported} imported"
        f"{f' ({result.to_import} would be)' if result.dry_run else ''}, "
        f"{result.already_imported} already imported, {result.duplicates} duplicate rows "
        f"skipped, {len(result.errors)} rejected; {result.people_created} people created."
    )
    if result.dry_run:
        summary = "Dry run, nothing written to the database. " + summary
    elif result.strict and result.errors:
        summary = "Strict: nothing imported because some rows were rejected. " + summary
    if result.errors or result.differences:
        summary += f" Every refused or differing row is listed in {report_path}."
    out.append(summary)
    return out
