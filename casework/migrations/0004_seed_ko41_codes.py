"""Seed the coded lists from casework/ko41.py. Only missing codes are added, so an
administrator's edits to a seeded row are never overwritten."""

from django.db import migrations

from reports.ko41 import codes as ko41

TARGETS = (
    ("Subject", ko41.SUBJECT_AREAS),
    ("ServiceArea", ko41.SERVICE_AREAS),
    ("StaffGroup", ko41.PROFESSIONS),
)


def seed(apps, schema_editor):
    for model_name, items in TARGETS:
        model = apps.get_model("casework", model_name)
        existing = set(model.objects.values_list("code", flat=True))
        model.objects.bulk_create(
            [
                model(code=code, name=name, position=position)
                for position, (code, name) in enumerate(items, start=1)
                if code not in existing
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_roles")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
