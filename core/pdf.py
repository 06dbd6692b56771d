"""PDF rendering with weasyprint, the same way for every document Kinfolk produces.

Every page is A4 and carries the protective marking at the top and the bottom,
a running header (e.g. the group and date) and "Page X of Y". A document is an
ordinary Django template rendering the body (headings, paragraphs, tables);
this module wraps it in the page furniture, and tags the PDF (structure tree,
language, title) so screen readers can follow headings and tables.

Rendering takes a second or more for a long document: call it from a task,
never in a request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape

# The page furniture lives in CSS margin boxes so it repeats on every page
# whatever the content does; the document's own template styles only the body.
PAGE_CSS = """
@page {
  size: A4;
  margin: 28mm 18mm 24mm 18mm;
  @top-left { content: "%(header)s"; width: 68%%; font: 9pt "DejaVu Sans", sans-serif; color: #333; }
  @top-right {
    content: "%(marking)s"; width: 32%%; white-space: nowrap; text-align: right;
    font: bold 10pt "DejaVu Sans", sans-serif;
  }
  @bottom-left { content: "%(marking)s"; width: 50%%; white-space: nowrap; font: bold 10pt "DejaVu Sans", sans-serif; }
  @bottom-right {
    content: "Page " counter(page) " of " counter(pages); width: 50%%; text-align: right;
    font: 9pt "DejaVu Sans", sans-serif;
  }
}
html { font: 10.5pt/1.4 "DejaVu Sans", sans-serif; color: #0b0c0c; }
h1 { font-size: 18pt; margin: 0 0 6mm; }
h2 { font-size: 14pt; margin: 8mm 0 3mm; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%%; margin: 2mm 0 4mm; }
th, td { border: 0.5pt solid #b1b4b6; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
th { background: #f3f2f1; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
p { margin: 0 0 2mm; }
.kf-pre { white-space: pre-wrap; }
.kf-muted { color: #505a5f; }
"""


DOCUMENT = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{title}</title><style>{css}</style></head>
<body>
{body}
</body>
</html>"""


def _css_string(value: str) -> str:
    """Text safe inside a CSS double-quoted string (no escapes, quotes or line breaks to break out with)."""
    return " ".join(value.replace("\\", " ").replace('"', "'").replace("<", " ").split())


def page_css(marking: str | None = None, running_header: str = "") -> str:
    return PAGE_CSS % {
        "marking": _css_string(marking or settings.PROTECTIVE_MARKING),
        "header": _css_string(running_header),
    }


def render_pdf(
    *,
    template: str,
    context: dict[str, Any],
    title: str,
    running_header: str,
    marking: str | None = None,
) -> bytes:
    """Render a body template to PDF bytes, with the marking, header and page numbers on every page."""
    from weasyprint import (
        HTML,  # Imported here: loading weasyprint costs ~0.5 s and most processes never render.
    )

    marking = marking or settings.PROTECTIVE_MARKING
    body = render_to_string(template, {**context, "marking": marking, "council_name": settings.COUNCIL_NAME})
    html = DOCUMENT.format(
        title=escape(title),
        css=page_css(marking, running_header),
        body=body,
    )
    # No base_url: documents never load anything from disk or network.
    document = HTML(string=html)
    pdf: bytes = document.write_pdf(pdf_tags=True, custom_metadata=True)
    return pdf
