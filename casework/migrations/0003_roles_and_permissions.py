"""Create the five staff roles as groups, and give administrators the admin permissions for
users, teams, the organisations directory, the coded lists and letter templates (nothing on
case data; letter templates are switched off, never deleted), and for unlocking sign-ins
locked by failed attempts (django-axes) and resetting lost authenticators (django-otp):
deleting those rows clears a security counter or a device, not a record of casework."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = (
    "Customer care officer",
    "Investigator",
    "Complaints manager",
    "Commissioner",
    "Administrator",
)

# (app, model): the actions administrators may take on it in the admin.
EVERYTHING_BUT_DELETE = ("add", "change", "view")
ADMINISTRATOR_GRANTS = {
    ("auth", "user"): EVERYTHING_BUT_DELETE,
    ("auth", "group"): EVERYTHING_BUT_DELETE,
    ("contacts", "organisation"): EVERYTHING_BUT_DELETE,
    ("casework", "team"): EVERYTHING_BUT_DELETE,
    ("casework", "subject"): EVERYTHING_BUT_DELETE,
    ("casework", "servicearea"): EVERYTHING_BUT_DELETE,
    ("casework", "staffgroup"): EVERYTHING_BUT_DELETE,
    ("casework", "lettertemplate"): EVERYTHING_BUT_DELETE,
    ("axes", "accessattempt"): ("view", "delete"),
    ("axes", "accesslog"): ("view",),
    ("axes", "accessfailurelog"): ("view",),
    ("otp_totp", "totpdevice"): ("view", "delete"),
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
    for (app_label, model), actions in ADMINISTRATOR_GRANTS.items():
        admin.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("contacts", "0001_initial"),
        ("casework", "0002_initial"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
