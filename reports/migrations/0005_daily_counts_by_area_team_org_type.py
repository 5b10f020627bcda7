"""The daily counts gain the service area, team and organisation type, and a table of contacts
by their case's subjects (reports/daily_counts.py), so the trends page filtered by any of
those is summed from them rather than counted from the cases.

The old triggers are dropped first (they would write rows without the new columns), then
installed again from reports/daily_counts.py as it is now, and everything is recounted.
Whichever migration last changes the daily tables installs the triggers (0004 no longer
does: its code would write tables and columns a fresh database does not have yet).
"""

from django.db import migrations, models

COUNTED = ("dailycasecount", "dailycontactcount", "dailystaffgroupcount", "dailysubjectcount")


def install(apps, schema_editor):
    from reports import daily_counts

    daily_counts.install()


def uninstall(apps, schema_editor):
    from reports import daily_counts

    daily_counts.uninstall()


def added(model_name: str, name: str, field, default):
    field.default = default
    return migrations.AddField(
        model_name=model_name, name=name, field=field, preserve_default=False
    )


def area():
    return models.IntegerField(help_text="ServiceArea id, 0 for none recorded.")


def team():
    return models.IntegerField(help_text="Team id, 0 for none.")


def org_type():
    return models.CharField(
        blank=True, help_text="Organisation type, '' for no organisation.", max_length=20
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_daily_count_triggers"),
        ("casework", "0017_complaint_report_index_outcome"),
    ]

    operations = [
        migrations.RunPython(uninstall, migrations.RunPython.noop, elidable=False),
        *(added(name, "service_area", area(), 0) for name in COUNTED if name != "dailycasecount"),
        *(added(name, "team", team(), 0) for name in COUNTED),
        *(added(name, "org_type", org_type(), "") for name in COUNTED),
        migrations.AddIndex(
            model_name="dailysubjectcount",
            index=models.Index(fields=["subject", "day"], name="dailysubjectcount_subject_day"),
        ),
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
                ("service_area", area()),
                ("team", team()),
                ("org_type", org_type()),
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
