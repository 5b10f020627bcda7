"""The daily counts gain the service area and organisation type (reports/daily_counts.py), so
the trends page filtered by either is summed from them rather than counted from the cases.

The old triggers are dropped first (they would write rows without the new columns); the
triggers are installed again, from reports/daily_counts.py as it is now, by the latest
migration that changes these tables (0007), which also recounts everything.
"""

from django.db import migrations, models


def uninstall(apps, schema_editor):
    from reports import daily_counts

    daily_counts.uninstall()


def area(model_name: str):
    return migrations.AddField(
        model_name=model_name,
        name="service_area",
        field=models.IntegerField(default=0, help_text="ServiceArea id, 0 for none recorded."),
        preserve_default=False,
    )


def org_type(model_name: str):
    return migrations.AddField(
        model_name=model_name,
        name="org_type",
        field=models.CharField(
            blank=True,
            default="",
            help_text="Organisation type, '' for no organisation.",
            max_length=20,
        ),
        preserve_default=False,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_daily_count_triggers"),
        ("casework", "0017_complaint_report_index_outcome"),
    ]

    operations = [
        # The old triggers off first: they write rows without the new columns.
        migrations.RunPython(uninstall, migrations.RunPython.noop, elidable=False),
        *(
            area(name)
            for name in ("dailycontactcount", "dailystaffgroupcount", "dailysubjectcount")
        ),
        *(
            org_type(name)
            for name in (
                "dailycasecount",
                "dailycontactcount",
                "dailystaffgroupcount",
                "dailysubjectcount",
            )
        ),
    ]
