"""The child's preparation sessions: the proposal to confirm (changed or not), a move, a cancellation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from core.localtime import clock_change_problem, local_datetime_or_error
from fgc.services.session_plan import AT_LEAST, AT_MOST


class SessionsForm(forms.Form):
    """Up to three sessions, each a date and a start time; a row left without a date is left out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service names an error by session ("session_2", the second given): `starts` maps it to its row.
        self.service_error_fields: dict[str, str] = {}
        for n in range(1, AT_MOST + 1):
            self.fields[f"day_{n}"] = forms.DateField(label=f"Session {n}: date", required=False)
            self.fields[f"time_{n}"] = forms.TimeField(
                label=f"Session {n}: start time", required=False, help_text="Sessions last an hour."
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"day_{n}"], self[f"time_{n}"]) for n in range(1, AT_MOST + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = 0
        for n in range(1, AT_MOST + 1):
            day, at = data.get(f"day_{n}"), data.get(f"time_{n}")
            if day is None:
                continue
            chosen += 1
            if at is None:
                if f"time_{n}" not in self.errors:
                    self.add_error(f"time_{n}", f"Enter the start time of session {n}.")
                continue
            problem = clock_change_problem(day, at)
            if problem:
                self.add_error(f"time_{n}", problem)
        if chosen < AT_LEAST and not self.errors:
            raise forms.ValidationError(f"Plan at least {AT_LEAST} sessions: enter a date and a start time for each.")
        return data

    def starts(self) -> list[dt.datetime]:
        """The sessions' start times in the rows' order (rows without a date left out)."""
        data = self.cleaned_data
        rows = [n for n in range(1, AT_MOST + 1) if data.get(f"day_{n}") is not None]
        self.service_error_fields = {f"session_{i}": f"day_{n}" for i, n in enumerate(rows, start=1)}
        return [local_datetime_or_error(data[f"day_{n}"], data[f"time_{n}"], field=f"day_{n}") for n in rows]


class MoveSessionForm(forms.Form):
    service_error_fields = {"start": "day"}

    day = forms.DateField(label="Date", error_messages={"required": "Enter the date of the session."})
    start_time = forms.TimeField(
        label="Start time",
        help_text="Sessions last an hour.",
        error_messages={"required": "Enter the start time of the session."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("start_time"):
            problem = clock_change_problem(data["day"], data["start_time"])
            if problem:
                self.add_error("start_time", problem)
        return data

    def start(self) -> dt.datetime:
        return local_datetime_or_error(self.cleaned_data["day"], self.cleaned_data["start_time"], field="day")


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Why is the session cancelled?",
        max_length=200,
        help_text="Kept in Kinfolk only: the invites say the session is cancelled, not why.",
        error_messages={"required": "Say why the session is cancelled."},
    )
