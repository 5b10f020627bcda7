"""Install the triggers that keep the daily counts (PostgreSQL only; reports/daily_counts.py)
and count every case and contact already there.

The triggers are installed from the module as it is now. A later migration that changes the
daily tables must drop them first and install them again at its end (they write every column
of those tables), as this one does."""

from django.db import migrations


def install(apps, schema_editor):
    from reports import daily_counts

    daily_counts.install()


def uninstall(apps, schema_editor):
    from reports import daily_counts

    daily_counts.uninstall()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_seed_ko41_codes"),
        ("casework", "0006_postgresql_indexes"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
