"""Every table on an FGC page scrolls inside its own labelled region, so the page never scrolls sideways.

The PDFs' templates (plan, letters) are printed, not scrolled, and are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

WRAPPED = re.compile(r'<div class="kf-table-scroll" role="region" aria-label="[^"]+" tabindex="0">\s*<table\b')
PRINTED = ("pdf/", "letter_pdf.html")


def _page_templates() -> list[Path]:
    root = Path(settings.BASE_DIR) / "templates" / "fgc"
    return [
        path
        for path in sorted(root.rglob("*.html"))
        if not any(part in path.relative_to(root).as_posix() for part in PRINTED)
    ]


@pytest.mark.parametrize("template", _page_templates(), ids=lambda path: path.name)
def test_every_table_sits_in_a_labelled_scrolling_region(template: Path) -> None:
    text = template.read_text()
    assert len(re.findall(r"<table\b", text)) == len(WRAPPED.findall(text)), template
