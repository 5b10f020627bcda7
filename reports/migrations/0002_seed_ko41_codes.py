"""Seed the KO41 coded lists (casework's Subject, ServiceArea and StaffGroup tables) from
reports/ko41/codes.py, the one place the national lists and their sources are kept. Only
missing codes are added, so an administrator's edits to a seeded row are never overwritten,
and running it again after the lists are corrected adds what is new (ADR 0002)."""

from django.db import migrations

from reports.ko41 import codes

TARGETS = (
    ("Subject", codes.SUBJECT_AREAS),
    ("ServiceArea", codes.SERVICE_AREAS),
    ("StaffGroup", codes.PROFESSIONS),
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
    dependencies = [("reports", "0001_initial"), ("casework", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
