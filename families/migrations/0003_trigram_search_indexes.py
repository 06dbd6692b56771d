"""Trigram indexes for the family search, on PostgreSQL only (a no-op on SQLite).

The search matches `UPPER(column::text) LIKE UPPER('%text%')` (Django's icontains on
PostgreSQL), which a B-tree cannot answer; a GIN index of trigrams on the same
expression can. pg_trgm ships with PostgreSQL and is a trusted extension (13+), so
the database owner may create it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEXES = [
    ("families_child_first_name_trgm", "families_child", "first_name"),
    ("families_child_last_name_trgm", "families_child", "last_name"),
    ("families_family_name_trgm", "families_family", "family_name"),
    ("families_family_case_reference_trgm", "families_family", "case_reference"),
]


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("families", "0002_plain_constraint_messages")]

    operations = [migrations.RunPython(create, drop)]
