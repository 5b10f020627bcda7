"""`manage.py import_organisations --format epraccur FILE`: load an ODS file into the directory.

See contacts/ods.py for the layouts. Prints a progress bar on a terminal and a summary:
created, updated, closed, unchanged, and rejected rows with line numbers and reasons.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contacts.ods import FORMATS, import_organisations


class ProgressBar:
    """A one-line bar redrawn in place; only on a terminal, so logs and pipes stay clean."""

    WIDTH = 30

    def __init__(self, stream, label: str):
        self.stream, self.label = stream, label

    def __call__(self, done: int, total: int) -> None:
        filled = self.WIDTH * done // total if total else self.WIDTH
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}", ending="")
        if done >= total:
            self.stream.write("")
        self.stream.flush()


class Command(BaseCommand):
    help = "Create and update organisations from a national ODS file (no header row)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the ODS CSV file, e.g. epraccur.csv")
        parser.add_argument(
            "--format", required=True, choices=sorted(FORMATS), help="which ODS file it is"
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="write nothing if any row is rejected (default: skip bad rows and go on)",
        )

    def handle(self, *args, file, format, strict, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        progress = None
        if hasattr(self.stdout, "isatty") and self.stdout.isatty():
            progress = ProgressBar(self.stdout, f"Importing {FORMATS[format].description}")
        summary = import_organisations(path.read_bytes(), format, strict=strict, progress=progress)
        for line in summary.lines():
            self.stdout.write(line)
        if strict and not summary.written:
            raise CommandError(f"{len(summary.rejected)} rows rejected; nothing was written.")
