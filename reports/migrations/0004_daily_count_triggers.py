"""The triggers that keep the daily counts (PostgreSQL only; see reports/daily_counts.py),
and a first count of every case and contact already there.

Now done by 0005, after the columns it added: the triggers are always installed from the
module as it is now, which writes those columns. A database that ran this before 0005 has its
triggers replaced there."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_daily_counts"),
        ("casework", "0015_report_speed_indexes"),
        ("contacts", "0008_organisation_lookup_index"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
