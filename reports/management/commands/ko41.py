"""`python manage.py ko41 --return a --year 2025-26 --organisation RX1 --output ko41a.csv`

Writes the KO41a (hospital and community) or KO41b (GP and dental) return for one
organisation and financial year as CSV, with the real figures (no suppression: the national
return is submitted in full). See reports.ko41 for the sections and counting rules.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import ko41


class Command(BaseCommand):
    help = "Write the KO41a or KO41b written complaints return for one organisation and year."

    def add_arguments(self, parser):
        parser.add_argument(
            "--return", dest="return_type", required=True, choices=sorted(ko41.RETURN_NAMES)
        )
        parser.add_argument("--year", required=True, help="The financial year, like 2025-26.")
        parser.add_argument(
            "--organisation", required=True, help="The organisation's ODS code, like RX1."
        )
        parser.add_argument(
            "--output", help="The CSV file to write; without it the return goes to the screen."
        )

    def handle(self, *args, return_type, year, organisation, output=None, **options):
        try:
            start, end = ko41.parse_year(year)
            org = ko41.find_organisation(organisation)
            lines = ko41.ko41_return(return_type, org, start, end)
        except ko41.KO41Error as error:
            raise CommandError(str(error)) from None
        text = ko41.to_csv(lines)
        if output:
            Path(output).write_text(text, encoding="utf-8", newline="")
            self.stdout.write(f"Wrote {ko41.RETURN_NAMES[return_type]} for {org} to {output}.")
        else:
            self.stdout.write(text, ending="")
