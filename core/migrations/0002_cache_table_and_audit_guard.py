"""The shared cache table, and an append-only guard on the audit table."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


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
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
        migrations.RunPython(add_audit_guard, remove_audit_guard),
    ]
