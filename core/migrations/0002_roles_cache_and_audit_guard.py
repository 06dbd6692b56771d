"""Roles as groups, the shared cache table, and an append-only guard on the audit table."""

from typing import Any

from django.core.management import call_command
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
    ("core", "user", ["add", "change", "view"]),
    ("core", "team", ["add", "change", "delete", "view"]),
    ("core", "locality", ["add", "change", "delete", "view"]),
    ("core", "invitation", ["view", "change"]),
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


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    # The database cache backs login rate limits; the table must exist before the first login.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


AUDIT_GUARD_SQL = """
CREATE OR REPLACE FUNCTION kinfolk_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION kinfolk_audit_append_only();
"""

AUDIT_GUARD_REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS kinfolk_audit_append_only();
"""


def add_audit_guard(apps: Any, schema_editor: Any) -> None:
    # PostgreSQL only, the production database. TRUNCATE (which the test
    # runner's flush uses there) is not a row trigger, so tests still reset.
    # SQLite's flush deletes rows, so there the model's own guard must do.
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_SQL)


def remove_audit_guard(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
        migrations.RunPython(add_audit_guard, remove_audit_guard),
    ]
