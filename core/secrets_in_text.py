"""Masks the credentials that travel inside Kinfolk's own links.

Invitation links, meeting response links, calendar feed addresses and password
reset links are credentials: whoever holds one can act on it. Pages that show
stored emails to administrators, and the audit trail's request paths, show
them masked.
"""

from __future__ import annotations

import re

_SECRET_PATHS = re.compile(
    r"(?P<prefix>/(?:invitation|diary/respond|diary/feed|volunteers/reference|accounts/password/reset/key|accounts/confirm-email)/)"
    r"(?P<secret>[^/\s\"'<>]+)"
)
MASK = "[hidden]"


def mask_link_secrets(text: str) -> str:
    """The text with the secret part of every Kinfolk credential link replaced by [hidden]."""
    return _SECRET_PATHS.sub(lambda m: f"{m.group('prefix')}{MASK}", text)
