"""Forms for recording a conference and its plan: they parse and validate; fgc.services.conference does the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from accounts.models import User
from core.localtime import local_datetime_or_error
from families.models import Child
from fgc.models import NetworkMember, ReferrerDecision, Stage
from fgc.services.conference import Attended, ItemSpec

PLAN_ROWS = 6
TIME_FIELDS = ("information_time", "family_time", "plan_time", "end_time")


class ConferenceForm(forms.Form):
    service_error_fields: dict[str, str]

    day = forms.DateField(label="Date of the conference")
    information_time = forms.TimeField(label="Information sharing started", help_text="For example, 10:00.")
    family_time = forms.TimeField(label="Private family time started")
    plan_time = forms.TimeField(label="Agreeing the plan started")
    end_time = forms.TimeField(label="The conference ended")
    bottom_lines_met = forms.ChoiceField(
        label="Does the plan meet the bottom lines?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the plan meets the bottom lines."},
    )
    referrer_decision = forms.ChoiceField(
        label="The referrer's decision on the plan",
        choices=ReferrerDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the referrer's decision."},
    )
    decision_reasons = forms.CharField(
        label="Reasons (if not agreed or more time is needed)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    monitored_by = forms.CharField(label="Who monitors the plan", required=False, max_length=200)
    contingency = forms.CharField(
        label="Contingency plan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What happens if the plan does not work.",
    )

    def __init__(
        self,
        *args: Any,
        members: list[NetworkMember],
        children: list[Child],
        professionals: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.service_error_fields = {
            "information_sharing_started_at": "information_time",
            "family_time_started_at": "family_time",
            "plan_agreement_started_at": "plan_time",
            "ended_at": "end_time",
            "items": "item_1_what",
        }
        self.people: list[tuple[str, Attended]] = []
        for member in members:
            self._person(f"att_m{member.pk}", f"{member.name} ({member.relationship})", Attended((), member=member))
        for child in children:
            self._person(f"att_c{child.pk}", f"{child.first_name} (child)", Attended((), child_id=child.pk))
        for user in professionals:
            self._person(f"att_p{user.pk}", f"{user.full_name} (professional)", Attended((), professional=user))
        if self.people:
            self.service_error_fields = {**self.service_error_fields, "attendance": self.people[0][0]}
        for n in range(1, PLAN_ROWS + 1):
            self.fields[f"item_{n}_what"] = forms.CharField(
                label=f"Part {n}: what will happen", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"item_{n}_who"] = forms.CharField(label=f"Part {n}: who", required=False, max_length=200)
            self.fields[f"item_{n}_by"] = forms.DateField(label=f"Part {n}: by when", required=False)

    def _person(self, name: str, label: str, spec: Attended) -> None:
        self.fields[name] = forms.MultipleChoiceField(
            label=label, required=False, choices=Stage.choices, widget=forms.CheckboxSelectMultiple
        )
        self.people.append((name, spec))

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in self.people]

    def item_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(self[f"item_{n}_what"], self[f"item_{n}_who"], self[f"item_{n}_by"]) for n in range(1, PLAN_ROWS + 1)]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        day: dt.date = data["day"]
        times = [local_datetime_or_error(day, data[name], field=name) for name in TIME_FIELDS]
        return {
            "information_sharing_started_at": times[0],
            "family_time_started_at": times[1],
            "plan_agreement_started_at": times[2],
            "ended_at": times[3],
            "attendance": [
                Attended(tuple(data.get(name) or ()), spec.member, spec.child_id, spec.professional)
                for name, spec in self.people
            ],
            "items": [
                ItemSpec(data[f"item_{n}_what"], data[f"item_{n}_who"], data[f"item_{n}_by"])
                for n in range(1, PLAN_ROWS + 1)
            ],
            "bottom_lines_met": data["bottom_lines_met"] == "yes",
            "referrer_decision": data["referrer_decision"],
            "decision_reasons": data["decision_reasons"],
            "monitored_by": data["monitored_by"],
            "contingency": data["contingency"],
        }
