"""The triggers that keep the daily counts (PostgreSQL only; see reports/daily_counts.py),
and a first count of every case and contact already there.

Now done by the latest migration that changes the daily tables (0005): the triggers are always
installed from the module as it is now, which writes the tables and columns added since. A
database that ran this before has its triggers dropped and installed again by 0005."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_daily_counts"),
        ("casework", "0015_report_speed_indexes"),
        ("contacts", "0008_organisation_lookup_index"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
