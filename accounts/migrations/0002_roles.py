"""Roles as groups, with the administrator's model permissions (kept in step by accounts/roles.py)."""

from typing import Any

from django.db import migrations

ROLES = [
    "Administrator",
    "Volunteer coordinator",
    "Practitioner",
    "FGC coordinator",
    "GCS coordinator",
    "Manager",
    "Volunteer",
]

# Model permissions the Django admin needs for the administrator's work: people,
# teams and reference data, and reading (not changing) the audit trail. Case
# records are reached only through need-to-know rules, never a model permission.
ADMINISTRATOR_PERMISSIONS = [
    ("accounts", "user", ["add", "change", "view"]),
    ("accounts", "team", ["add", "change", "delete", "view"]),
    ("families", "locality", ["add", "change", "delete", "view"]),
    ("accounts", "invitation", ["view", "change"]),
    ("core", "auditevent", ["view"]),
]


def create_roles(apps: Any, schema_editor: Any) -> None:
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    admin_group = Group.objects.get(name="Administrator")
    for app_label, model, actions in ADMINISTRATOR_PERMISSIONS:
        for action in actions:
            admin_group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
            )


def remove_roles(apps: Any, schema_editor: Any) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
        ("families", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
    ]
