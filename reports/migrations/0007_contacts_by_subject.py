"""Contacts counted by their case's subjects too, so a trends page filtered by subject sums
its contacts per month; then the triggers are installed from reports/daily_counts.py as it
is now and everything is recounted. Whichever migration last changes the daily tables
installs the triggers (0004 and 0005 no longer do: their code would write tables and
columns a fresh database does not have yet)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from reports import daily_counts

    daily_counts.install()


def uninstall(apps, schema_editor):
    from reports import daily_counts

    daily_counts.uninstall()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_subject_count_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailySubjectContactCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("n", models.IntegerField()),
                ("kind", models.CharField(max_length=20)),
                (
                    "service_area",
                    models.IntegerField(help_text="ServiceArea id, 0 for none recorded."),
                ),
                (
                    "org_type",
                    models.CharField(
                        blank=True,
                        help_text="Organisation type, '' for no organisation.",
                        max_length=20,
                    ),
                ),
                ("subject", models.IntegerField(help_text="Subject id.")),
            ],
            options={
                "abstract": False,
                "indexes": [
                    models.Index(fields=["day"], name="dailysubjectcontactcount_day"),
                    models.Index(fields=["subject", "day"], name="subjectcontacts_subject_day"),
                ],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
