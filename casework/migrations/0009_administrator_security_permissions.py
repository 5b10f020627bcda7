"""Administrators unlock accounts locked by failed sign-ins (django-axes access attempts) and
reset lost authenticators (django-otp TOTP devices) in the admin: give them those permissions.
Deleting these rows clears a security counter or a device, not a record of casework."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    ("axes", "accessattempt"): ("view", "delete"),
    ("axes", "accesslog"): ("view",),
    ("axes", "accessfailurelog"): ("view",),
    ("otp_totp", "totpdevice"): ("view", "delete"),
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Group.objects.get(name="Administrator")
    for (app_label, model), actions in GRANTS.items():
        admin.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Group.objects.filter(name="Administrator").first()
    if admin:
        admin.permissions.remove(
            *Permission.objects.filter(content_type__app_label__in=["axes", "otp_totp"])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0008_access_log_append_only"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
