"""Forms parse and validate; services do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.db import models
from django.db.models import QuerySet

from accounts.models import Role, Team, User
from core.localtime import clock_change_problem, local_datetime_or_error
from diary.models import AttendeeResponse
from families.models import Family
from supervision.models import (
    Action,
    ActionStatus,
    AttendanceStatus,
    Discipline,
    SessionGuest,
    SupervisionGroup,
    SupervisionSession,
)
from supervision.permissions import GCS_ROLES
from supervision.services.minutes import MAX_ENTRY_CHARS


def gcs_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name__in=GCS_ROLES).distinct().order_by("full_name")


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})"


class GroupForm(forms.ModelForm):  # type: ignore[type-arg]
    coordinator = UserChoiceField(queryset=User.objects.none())
    minute_taker = UserChoiceField(queryset=User.objects.none(), required=False)
    online_url = forms.URLField(label="Online meeting link", required=False, assume_scheme="https")

    class Meta:
        model = SupervisionGroup
        fields = [
            "team",
            "name",
            "coordinator",
            "minute_taker",
            "cadence_weeks",
            "weekday",
            "start_time",
            "duration_minutes",
            "location",
            "online_url",
            "papers_deadline_working_days",
            "session_reminder_working_days",
            "action_reminder_working_days",
            "discussion_interval_days",
            "default_item_minutes",
        ]
        widgets = {"weekday": forms.RadioSelect, "start_time": forms.TimeInput}
        help_texts = {
            "discussion_interval_days": "Families not discussed for this many days are shown as due.",
            "papers_deadline_working_days": "Papers uploaded after this are flagged late.",
            "session_reminder_working_days": "0 sends it on the day, two hours before the session.",
        }

    def __init__(self, *args: Any, teams: QuerySet[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = gcs_users()
        self.fields["coordinator"].queryset = users  # type: ignore[attr-defined]
        self.fields["minute_taker"].queryset = users  # type: ignore[attr-defined]
        if self.instance.pk:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams if teams is not None else Team.objects.none()  # type: ignore[attr-defined]
        self.fields["weekday"].choices = [c for c in self.fields["weekday"].choices if c[0] != ""]  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        # The service reports a team that already has a group, in words.
        pass


MEMBER_SEARCH_RESULTS = 20


def member_candidates(group: SupervisionGroup) -> QuerySet[User]:
    """Everyone who may join the group: active users of a GCS role who are not yet members."""
    return gcs_users().exclude(gcs_memberships__group=group)


class MemberForm(forms.Form):
    """Add a member, chosen from a search rather than a list of every GCS user in the council.

    Validates against everyone who may join (one lookup by id); `found` limits what is
    rendered to the people matching the coordinator's search.
    """

    user = UserChoiceField(queryset=User.objects.none(), label="Person", widget=forms.RadioSelect, empty_label=None)
    discipline = forms.ChoiceField(choices=Discipline.choices)

    def __init__(self, *args: Any, group: SupervisionGroup, found: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = member_candidates(group)  # type: ignore[attr-defined]
        if found is not None:
            # Only the people found are rendered (a ModelChoiceField would list every candidate).
            field.choices = [(u.pk, field.label_from_instance(u)) for u in found]  # type: ignore[attr-defined]


class MemberSearchForm(forms.Form):
    person = forms.CharField(
        label="Find a person by name or email address",
        required=False,
        max_length=100,
        strip=True,
    )

    def found(self, group: SupervisionGroup) -> list[User] | None:
        """Up to MEMBER_SEARCH_RESULTS people matching the search, or None before a search."""
        if not self.is_valid() or len(self.cleaned_data["person"]) < 2:
            return None
        text = self.cleaned_data["person"]
        matches = member_candidates(group).filter(models.Q(full_name__icontains=text) | models.Q(email__icontains=text))
        return list(matches[: MEMBER_SEARCH_RESULTS + 1])


class DiariseForm(forms.Form):
    first_day = forms.DateField(label="Date of the first session", widget=forms.DateInput)
    until = forms.DateField(
        label="Diarise until (optional)",
        required=False,
        widget=forms.DateInput,
        help_text="Leave empty to diarise a year of sessions.",
    )
    # Dates flagged as clashes in the preview that the coordinator chose to diarise anyway.
    include = forms.TypedMultipleChoiceField(
        required=False, coerce=dt.date.fromisoformat, choices=[], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, clash_days: list[dt.date] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["include"].choices = [(day.isoformat(), f"{day:%A %-d %B %Y}") for day in clash_days or []]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first_day") and data.get("until") and data["until"] < data["first_day"]:
            self.add_error("until", "The last date must be after the first session.")
        return data


class SessionForm(forms.Form):
    # The session's start and end, as the services name them, are typed here as a day and two times.
    service_error_fields: ClassVar[dict[str, str]] = {"start": "start_time", "end": "end_time"}

    day = forms.DateField(label="Date", widget=forms.DateInput)
    start_time = forms.TimeField(label="Start time", widget=forms.TimeInput)
    end_time = forms.TimeField(label="End time", widget=forms.TimeInput)
    location = forms.CharField(label="Room", required=False, max_length=200)
    online_url = forms.URLField(label="Online meeting link", required=False, assume_scheme="https")
    reason = forms.CharField(
        label="Reason for the change (optional)",
        required=False,
        max_length=200,
        help_text="Shown on this session's page in Kinfolk. The email says there is a reason and links here.",
    )

    @classmethod
    def initial_for(cls, session: SupervisionSession) -> dict[str, Any]:
        from django.utils import timezone

        start, end = timezone.localtime(session.start), timezone.localtime(session.end)
        return {
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "location": session.location,
            "online_url": session.online_url,
        }

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


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the session cancelled?",
        max_length=200,
        help_text="Shown on this session's page in Kinfolk. The email says there is a reason and links here.",
    )


class AgendaItemForm(forms.Form):
    # A typed case reference, not a select: a county team has about 200 open families,
    # and the families due are each one link away in the list beside the form.
    family = forms.CharField(
        label="Family (case reference)",
        help_text="Type the case reference, or choose a family from those due for discussion.",
        max_length=40,
        error_messages={"required": "Enter the case reference of the family to add"},
    )
    presenter = UserChoiceField(queryset=User.objects.none(), label="Presenting worker")
    duration_minutes = forms.IntegerField(label="Time slot (minutes)", min_value=5, max_value=120)
    specialists = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Adult specialists working with this family",
    )

    def __init__(self, *args: Any, session: SupervisionSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = session.group
        self.session = session
        members = group.members.select_related("user")
        self.fields["presenter"].queryset = User.objects.filter(gcs_memberships__group=group).order_by("full_name")  # type: ignore[attr-defined]
        specialist_ids = [m.user_id for m in members if m.is_adult_specialist]
        self.fields["specialists"].queryset = User.objects.filter(pk__in=specialist_ids).order_by("full_name")  # type: ignore[attr-defined]
        self.fields["specialists"].label_from_instance = lambda u: u.full_name  # type: ignore[attr-defined]
        self.fields["duration_minutes"].initial = group.default_item_minutes

    def clean_family(self) -> Family:
        reference = self.cleaned_data["family"].strip()
        team = self.session.group.team
        family = Family.objects.open().filter(team=team, case_reference__iexact=reference).first()
        if family is None:
            raise forms.ValidationError(f"There is no open family of {team.name} with the case reference {reference}")
        if family.gcs_items.filter(session=self.session).exists():
            raise forms.ValidationError(f"{family.case_reference} is already on this session's agenda")
        return family


class AgendaItemEditForm(AgendaItemForm):
    """The same as adding, without the family: presenter, time slot, adult specialists."""

    def __init__(self, *args: Any, session: SupervisionSession, **kwargs: Any) -> None:
        super().__init__(*args, session=session, **kwargs)
        del self.fields["family"]


class MoveItemForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class PaperForm(forms.Form):
    file = forms.FileField(
        label="Upload a paper",
        help_text="PDF, Word (.docx) or OpenDocument text (.odt).",
        allow_empty_file=True,  # core.uploads says "The selected file is empty", in its own words
    )


class RespondForm(forms.Form):
    response = forms.ChoiceField(
        label="Can you come?",
        choices=[
            (AttendeeResponse.ACCEPTED, "Yes, I will attend"),
            (AttendeeResponse.TENTATIVE, "Maybe"),
            (AttendeeResponse.DECLINED, "No, I will send apologies"),
        ],
        widget=forms.RadioSelect,
    )


class AttendanceForm(forms.Form):
    """One radio group per invitee: present, apologies or absent."""

    def __init__(
        self,
        *args: Any,
        people: list[tuple[User, str, str]],
        guests: list[SessionGuest] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for user, label, current in people:
            self.fields[f"user_{user.pk}"] = forms.ChoiceField(
                label=f"{user.full_name}{f' ({label})' if label else ''}",
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                initial=current or None,
                required=False,
            )
        for guest in guests or []:
            self.fields[f"guest_{guest.pk}"] = forms.ChoiceField(
                label=f"{guest.name} ({guest.role_label})",
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                initial=guest.attendance or None,
                required=False,
            )

    def statuses(self) -> dict[int, str]:
        return {
            int(name.removeprefix("user_")): value
            for name, value in self.cleaned_data.items()
            if value and name.startswith("user_")
        }

    def guest_statuses(self) -> dict[int, str]:
        return {
            int(name.removeprefix("guest_")): value
            for name, value in self.cleaned_data.items()
            if value and name.startswith("guest_")
        }


class GuestForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=120)
    email = forms.EmailField(label="Email address", help_text="The invitation is sent here.")
    role = forms.CharField(label="Role", max_length=120, help_text="For example, school nurse.")
    organisation = forms.CharField(label="Organisation (optional)", max_length=120, required=False)


_BAD_VERSION = (
    "Not saved: the page did not send which version of this section you edited. "
    "Copy your text, reload the page and paste it in again."
)


class EntryForm(forms.Form):
    """One autosave of a minutes section: its text and the version the editor started from."""

    text = forms.CharField(
        required=False,
        max_length=MAX_ENTRY_CHARS,
        strip=False,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"Not saved: the text is too long. A section can be at most {MAX_ENTRY_CHARS:,} characters.",
            # PostgreSQL cannot store U+0000, so Django refuses it; the person cannot see it.
            "null_characters_not_allowed": (
                "Not saved: the text contains a null character, which cannot be stored. It is invisible and "
                "usually comes with pasted text: delete what you pasted and type it instead."
            ),
        },
    )
    version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"required": _BAD_VERSION, "invalid": _BAD_VERSION, "min_value": _BAD_VERSION},
    )

    def problem(self) -> str:
        """Why an invalid autosave was not saved, for its status line: the text's fault first."""
        for name in ("text", "version"):
            if name in self.errors:
                return str(self.errors[name][0])
        return "Not saved. Copy your text, reload the page and paste it in again."


class ActionForm(forms.Form):
    description = forms.CharField(label="What", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    owner = UserChoiceField(queryset=User.objects.none(), label="Owner")
    due_on = forms.DateField(label="Due date", widget=forms.DateInput)

    def __init__(self, *args: Any, group: SupervisionGroup | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Anyone the coordinator could invite, not only the group's members.
        self.fields["owner"].queryset = gcs_users()  # type: ignore[attr-defined]


class ActionReviewForm(forms.Form):
    """What the discussion decided about an action carried over from an earlier one."""

    done = forms.BooleanField(label="Done", required=False)
    owner = UserChoiceField(queryset=User.objects.none(), label="Owner")
    due_on = forms.DateField(label="Due date", widget=forms.DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = gcs_users()  # type: ignore[attr-defined]


class ActionStatusForm(forms.Form):
    done = forms.BooleanField(required=False)


class ReturnForm(forms.Form):
    comments = forms.CharField(label="What needs to change?", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Why do the approved minutes need correcting?", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionFilterForm(forms.Form):
    """Filters that offer only what the group's actions hold.

    The family is typed (its case reference), not chosen: a group with two years of
    actions would list a hundred families in a select. The owners are the few people
    who hold the group's actions.
    """

    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), (ActionStatus.OPEN, "Open"), ("overdue", "Overdue"), (ActionStatus.DONE, "Done")],
    )
    family = forms.CharField(label="Case reference", required=False, max_length=30, strip=True)
    owner = UserChoiceField(queryset=User.objects.none(), required=False, empty_label="All owners")

    def __init__(self, *args: Any, group: SupervisionGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # By an id subquery (no join and DISTINCT over every action), reading only what the options show.
        owners = Action.objects.filter(group=group).order_by().values("owner_id")
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(pk__in=owners).only("pk", "full_name", "email").order_by("full_name")
        )


ROLE_CAN_CREATE = (Role.GCS_COORDINATOR, Role.MANAGER)


class BulkChangeForm(forms.Form):
    """Cancel or move every session still to come from a date (to a date)."""

    action = forms.ChoiceField(
        label="What do you want to do?",
        choices=[("move", "Move the sessions"), ("cancel", "Cancel the sessions")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to move or cancel the sessions"},
    )
    first_day = forms.DateField(label="From", widget=forms.DateInput, help_text="For example, 2027-03-01")
    last_day = forms.DateField(
        label="To", required=False, widget=forms.DateInput, help_text="Leave empty for every session after."
    )
    days = forms.IntegerField(
        label="Move by how many days",
        required=False,
        min_value=-6,
        max_value=6,
        help_text="For example, 1 moves a Tuesday session to the Wednesday.",
    )
    start_time = forms.TimeField(label="New start time", required=False, widget=forms.TimeInput)
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=200,
        help_text="Needed to cancel. Shown in Kinfolk only: the email says there is a reason and links here.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", "The last date must be on or after the first.")
        if data.get("action") == "move" and not data.get("days") and data.get("start_time") is None:
            self.add_error("days", "Enter how many days to move the sessions by, or a new start time")
        if data.get("action") == "cancel" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the sessions are cancelled")
        return data


class SearchForm(forms.Form):
    """Search terms; they travel by POST and live in the session, never in the URL (a name may be typed)."""

    words = forms.CharField(label="Words", required=False, max_length=200)
    case_reference = forms.CharField(label="Case reference", required=False, max_length=50)
    owner = UserChoiceField(label="Action owner", queryset=User.objects.none(), required=False, empty_label="Anyone")
    date_from = forms.DateField(label="Sessions from", required=False)
    date_to = forms.DateField(label="Sessions up to", required=False)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "Enter a date the same as or after the 'Sessions from' date.")
        return data


class FiguresForm(forms.Form):
    months = forms.ChoiceField(
        label="Period",
        choices=[("12", "Last 12 months"), ("6", "Last 6 months"), ("3", "Last 3 months")],
    )
