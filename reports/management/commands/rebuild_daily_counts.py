"""`python manage.py rebuild_daily_counts`: install the triggers that keep the trends' daily
counts and count every day again from the cases and contacts (reports/daily_counts.py).

For after a bulk load or restore that ran without triggers, or a change of TIME_ZONE (the
contact counts' days are in it). Safe at any time: writers wait for it (seconds at a million
cases). Nothing to do on SQLite, where the reports count from the cases.
"""

from django.core.management.base import BaseCommand

from reports import daily_counts


class Command(BaseCommand):
    help = "Reinstall the trends report's daily-count triggers and recount every day."

    def handle(self, *args, **options):
        if not daily_counts.available():
            self.stdout.write("Nothing to do: the daily counts are kept on PostgreSQL only.")
            return
        daily_counts.install()
        self.stdout.write("Daily counts rebuilt from the cases and contacts.")
