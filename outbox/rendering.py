"""Rendering an email from its subject/text/html trio in templates/emails/.

Each app keeps one function per email (accounts/emails.py, supervision/services) that
calls `outbox.services.enqueue_email` with a template name; this renders it.

Emails carry references and links into Kinfolk, never a child's or family
member's name or case details.
"""

from __future__ import annotations

import functools
from typing import Any, cast

from django.conf import settings
from django.template import Engine
from django.template.loader import render_to_string


@functools.cache
def _text_engine() -> Engine:
    """The project's template engine with autoescaping off, for plain-text parts."""
    options = settings.TEMPLATES[0]
    dirs = cast(list[Any], options["DIRS"])
    return Engine(dirs=[str(d) for d in dirs], app_dirs=True, autoescape=False)


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    ctx = {
        "council_name": settings.COUNCIL_NAME,
        "marking": settings.PROTECTIVE_MARKING,
        **context,
    }
    # Subjects and plain-text bodies are not HTML: "&" must stay "&".
    subject = " ".join(_text_engine().render_to_string(f"emails/{template}_subject.txt", ctx).split())
    text = _text_engine().render_to_string(f"emails/{template}.txt", ctx)
    html = render_to_string(f"emails/{template}.html", ctx)
    return f"{settings.PROTECTIVE_MARKING}: {subject}", text, html
