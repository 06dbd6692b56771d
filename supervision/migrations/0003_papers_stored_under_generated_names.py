"""Papers uploaded before stored names were generated kept the presenter's file name in their path.

Each such file is copied to a generated name (core.uploads.generated_name) and the
old one deleted once the migration has committed; the display name stays on the row.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.files.storage import default_storage
from django.db import migrations, models, transaction

from core.uploads import generated_name

GENERATED = re.compile(r"^gcs/papers/\d+/[0-9a-f]{32}\.(pdf|docx|odt)$")


def store_papers_under_generated_names(apps: Any, schema_editor: Any) -> None:
    Paper = apps.get_model("supervision", "Paper")
    moved: list[str] = []
    for paper in Paper.objects.select_related("item").iterator():
        old = paper.file.name
        if not old or GENERATED.match(old) or not default_storage.exists(old):
            continue
        with default_storage.open(old, "rb") as source:
            new = default_storage.save(generated_name(f"gcs/papers/{paper.item.session_id}", paper.kind), source)
        Paper.objects.filter(pk=paper.pk).update(file=new)
        moved.append(old)

    def delete_old() -> None:
        for name in moved:
            default_storage.delete(name)

    if moved:
        transaction.on_commit(delete_old)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_plain_constraint_messages")]

    operations = [
        migrations.AlterField(
            model_name="paper",
            name="name",
            field=models.CharField(
                help_text="The name the presenter gave the file, cleaned: shown and offered on download.",
                max_length=150,
            ),
        ),
        migrations.RunPython(store_papers_under_generated_names, migrations.RunPython.noop),
    ]
