"""Create the five staff roles as groups, and give administrators the admin permissions
for users, teams, the organisations directory and the coded lists (nothing on case data)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = (
    "Customer care officer",
    "Investigator",
    "Complaints manager",
    "Commissioner",
    "Administrator",
)

ADMINISTRATOR_MODELS = {
    "auth": ("user", "group"),
    "contacts": ("organisation",),
    "casework": ("team", "subject", "servicearea", "staffgroup"),
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so they can be given.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    admin = Group.objects.get(name="Administrator")
    for app_label, models in ADMINISTRATOR_MODELS.items():
        admin.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, content_type__model__in=models
            ).exclude(codename__startswith="delete_")
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("contacts", "0001_initial"),
        ("casework", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
