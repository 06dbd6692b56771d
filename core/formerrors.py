"""A service's ValidationError shown where the person can act on it: on the form's field, or as a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field where there is one, else on the form.

    A form whose fields are named differently from the model's (a session's
    `end` is typed as `end_time`) says so in `service_error_fields`.
    """
    renamed: dict[str, str] = getattr(form, "service_error_fields", {})
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            field = renamed.get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def flash_error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))
