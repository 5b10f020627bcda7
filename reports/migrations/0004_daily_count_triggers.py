"""The triggers that keep the daily counts (PostgreSQL only; see reports/daily_counts.py),
and a first count of every case and contact already there."""

from django.db import migrations


def install(apps, schema_editor):
    from reports import daily_counts

    daily_counts.install()


def uninstall(apps, schema_editor):
    from reports import daily_counts

    daily_counts.uninstall()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_daily_counts"),
        ("casework", "0015_report_speed_indexes"),
        ("contacts", "0008_organisation_lookup_index"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
