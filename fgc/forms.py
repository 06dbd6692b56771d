"""Forms parse and validate; the services in fgc.services do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet

from accounts.models import User
from core.localtime import clock_change_problem, local_datetime_or_error
from families.models import Child
from fgc.models import InvitationStatus, KeyDateKind, NetworkMember, Participation, ReferralReason, Urgency


class ChildrenField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.first_name} {obj.last_name}, born {obj.date_of_birth:%-d %B %Y}"


class ReferralForm(forms.Form):
    children = ChildrenField(
        queryset=Child.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the children the conference is about."},
    )
    reason = forms.ChoiceField(
        label="Why is the family being referred?",
        choices=ReferralReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the family is being referred."},
    )
    reason_detail = forms.CharField(
        label="More about the reason", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    key_date = forms.DateField(
        label="Date the conference should happen before",
        required=False,
        help_text="The ICPC or court date, if there is one.",
    )
    key_date_kind = forms.ChoiceField(
        label="What is that date?", choices=KeyDateKind.choices, required=False, widget=forms.RadioSelect
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect)
    consent_given_by = forms.CharField(
        label="Who gave consent to the referral?",
        max_length=120,
        help_text="For example, 'Mother and father'. A referral needs parental consent.",
        error_messages={"required": "Enter who gave consent to the referral."},
    )
    consent_given_on = forms.DateField(label="When was consent given?")
    bottom_lines = forms.CharField(
        label="Bottom lines",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What children's services need any family plan to achieve.",
        error_messages={"required": "Enter the bottom lines the family's plan must meet."},
    )
    questions_for_family = forms.CharField(
        label="Questions for the family", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    interpreter_language = forms.CharField(label="Interpreter needed for", required=False, max_length=60)
    access_needs = forms.CharField(label="Access needs", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = children

    def clean_consent_given_on(self) -> dt.date:
        from django.utils import timezone

        day: dt.date = self.cleaned_data["consent_given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date consent was given must be today or earlier.")
        return day


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason."},
    )


class CoordinatorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class AllocateForm(forms.Form):
    coordinator = CoordinatorChoiceField(
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select a coordinator."},
    )

    def __init__(self, *args: Any, coordinators: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["coordinator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = coordinators


class MeetingForm(forms.Form):
    service_error_fields: ClassVar[dict[str, str]] = {"start": "start_time", "end": "end_time"}

    day = forms.DateField(label="Date")
    start_time = forms.TimeField(label="Start time", help_text="For example, 10:00.")
    end_time = forms.TimeField(label="End time", help_text="For example, 11:00.")
    location = forms.CharField(label="Where", required=False, max_length=300)
    online_url = forms.URLField(label="Online meeting link", required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("start_time", "end_time"):
            problem = clock_change_problem(data["day"], data[name]) if data.get("day") and data.get(name) else None
            if problem:
                self.add_error(name, problem)
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", "The end time must be after the start time.")
        return data

    def start_end(self) -> tuple[dt.datetime, dt.datetime]:
        data = self.cleaned_data
        return (
            local_datetime_or_error(data["day"], data["start_time"], field="start_time"),
            local_datetime_or_error(data["day"], data["end_time"], field="end_time"),
        )


class ConsentForm(forms.Form):
    consent_given_by = forms.CharField(
        label="Who gave consent again?",
        max_length=120,
        error_messages={"required": "Enter who gave consent again."},
    )


# -- preparation: the family network, visits, the children's views --------------------------------


class NetworkMemberForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150, error_messages={"required": "Enter the person's name."})
    relationship = forms.CharField(
        label="Relationship to the child",
        max_length=80,
        help_text="For example, maternal grandmother, family friend, football coach.",
        error_messages={"required": "Enter how the person is related to the child."},
    )
    invitation_status = forms.ChoiceField(
        label="Invitation",
        choices=InvitationStatus.choices,
        initial=InvitationStatus.TO_CONTACT,
        widget=forms.RadioSelect,
    )
    safety_note = forms.CharField(
        label="Safety note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed if the person is not to be invited: why, and what to take care over.",
    )
    phone = forms.CharField(label="Phone", required=False, max_length=30)
    email = forms.EmailField(
        label="Email", required=False, error_messages={"invalid": "Enter an email address like name@example.com."}
    )
    address = forms.CharField(
        label="Address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a printed invitation letter, if they have no email.",
    )
    interpreter_language = forms.CharField(label="Interpreter needed for", required=False, max_length=60)
    access_needs = forms.CharField(label="Access needs", required=False, max_length=200)
    childcare_needed = forms.BooleanField(label="Needs childcare to attend", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("invitation_status") == InvitationStatus.NOT_INVITED and not data.get("safety_note", "").strip():
            self.add_error("safety_note", "Say why this person is not to be invited, for their and the child's safety.")
        return data


class VisitForm(forms.Form):
    who = forms.ChoiceField(
        label="Who was the visit with?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the visit was with."},
    )
    visited_on = forms.DateField(label="Date of the visit", error_messages={"required": "Enter the date of the visit."})
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    service_error_fields: ClassVar[dict[str, str]] = {"member": "who"}

    def __init__(self, *args: Any, members: list[NetworkMember], children: list[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {f"member-{m.pk}": m for m in members}
        self.children = {f"child-{c.pk}": c for c in children}
        field = self.fields["who"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, f"{m.name} ({m.relationship})") for k, m in self.members.items()] + [
            (k, f"{c.first_name} {c.last_name} (child)") for k, c in self.children.items()
        ]

    def visit_with(self) -> dict[str, Any]:
        key = self.cleaned_data["who"]
        return {"member": self.members.get(key), "child": self.children.get(key)}


class ChildVoiceForm(forms.Form):
    participation = forms.ChoiceField(
        label="How does the child want to take part?",
        choices=Participation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the child wants to take part."},
    )
    views = forms.CharField(
        label="The child's views, wishes and feelings",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In the child's own words where you can.",
    )
    spoken_by_ambassador = forms.BooleanField(
        label="The child has chosen their FGC Ambassador to speak for them", required=False
    )


class NoNewNewsForm(forms.Form):
    confirmed = forms.BooleanField(
        label="I have checked the referrer's report: it holds nothing the family has not already heard",
        error_messages={"required": "Confirm that the report holds nothing the family has not heard."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Which report you checked, and how the family heard what is in it.",
    )
