"""`python manage.py ko41 --return a --year 2025-26 --organisation RX1 --output ko41a.csv`

Writes the KO41a (hospital and community) or KO41b (GP and dental) return for a financial
year as CSV, with the real figures (no suppression: the national return is submitted in full).
For one organisation, its return; for several (`--organisation RX1,RYJ`) or every
organisation with complaints in the year (`--all`), each organisation's return one after
another, every row naming its organisation, then their total. See reports.ko41 for the
sections and counting rules.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import ko41


class Command(BaseCommand):
    help = "Write the KO41a or KO41b written complaints return for a year."

    def add_arguments(self, parser):
        parser.add_argument(
            "--return", dest="return_type", required=True, choices=sorted(ko41.RETURN_NAMES)
        )
        parser.add_argument("--year", required=True, help="The financial year, like 2025-26.")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--organisation",
            help="The organisation's ODS code, like RX1; several separated by commas.",
        )
        which.add_argument(
            "--all",
            dest="every",
            action="store_true",
            help="Every organisation with a complaint open in the year, and their total.",
        )
        parser.add_argument(
            "--output", help="The CSV file to write; without it the return goes to the screen."
        )

    def handle(self, *args, return_type, year, organisation, every, output=None, **options):
        codes = [code for code in (organisation or "").split(",") if code.strip()]
        try:
            start, end = ko41.parse_year(year)
            if len(codes) == 1:
                org = ko41.find_organisation(codes[0])
                text = ko41.to_csv(ko41.ko41_return(return_type, org, start, end))
                what = str(org)
            else:
                orgs = [ko41.find_organisation(code) for code in codes] if codes else None
                unit = ko41.ko41_unit_return(return_type, start, end, orgs)
                text = ko41.unit_to_csv(unit)
                what = f"{len(unit.returns)} organisations, and their total"
        except ko41.KO41Error as error:
            raise CommandError(str(error)) from None
        if len(codes) != 1 and unit.not_recorded:
            self.stderr.write(
                f"{unit.not_recorded} statutory complaint(s) open in {unit.year} have no "
                "organisation recorded, so they are on no organisation's return: record the "
                "organisation on each case."
            )
        if output:
            Path(output).write_text(text, encoding="utf-8", newline="")
            self.stdout.write(f"Wrote {ko41.RETURN_NAMES[return_type]} for {what} to {output}.")
        else:
            self.stdout.write(text, ending="")
