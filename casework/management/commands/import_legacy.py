"""`python manage.py import_legacy FILE [--mapping MAPPING.toml] [--dry-run] [--strict]`.

See casework/legacy_import.py for the columns, formats and rules."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.legacy_import import LegacyImportError, import_legacy, load_mapping


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
        if not dry_run:
            result.write_csv(report_path)
        for error in result.errors:
            self.stdout.write(f"Line {error.line} ({error.legacy_ref or 'no ref'}): {error.reason}")
        summary = (
            f"{result.rows} rows: {result.imported} imported"
            f"{f' ({result.to_import} would be)' if dry_run else ''}, "
            f"{result.already_imported} already imported, {result.duplicates} duplicate rows "
            f"skipped, {len(result.errors)} rejected; {result.people_created} people created."
        )
        if dry_run:
            summary = "Dry run, nothing written. " + summary
        elif strict and result.errors:
            summary = "Strict: nothing imported because some rows were rejected. " + summary
        if not dry_run:
            summary += f" Rejected rows are listed in {report_path}."
        self.stdout.write(summary)
        if result.errors and strict:
            raise CommandError("Some rows were rejected; nothing was imported.")

    def _progress(self, done: int, total: int) -> None:
        width = 40
        filled = width * done // total if total else width
        bar = "#" * filled + "." * (width - filled)
        self.stderr.write(f"\r[{bar}] {done:,}/{total:,} cases", ending="")
        sys.stderr.flush()
