"""A GCS group (a team may run several: pods, locality groups), its members and its default cadence."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields


class Discipline(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    ADULT_MENTAL_HEALTH = "adult_mental_health", "Adult mental health"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    MANAGER = "manager", "Manager"
    CHAIR = "chair", "Chair"
    OTHER = "other", "Other"


# The adult specialists who update on a family after the social worker presents.
ADULT_SPECIALISMS = frozenset({Discipline.ADULT_MENTAL_HEALTH, Discipline.DOMESTIC_ABUSE, Discipline.SUBSTANCE_MISUSE})


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class SupervisionGroupQuerySet(models.QuerySet["SupervisionGroup"]):
    def with_list_relations(self) -> SupervisionGroupQuerySet:
        return self.select_related("team", "coordinator", "minute_taker").annotate(
            member_count=models.Count("members", distinct=True)
        )


class SupervisionGroup(ConstraintErrorsOnFields):
    """A multi-disciplinary case discussion of a team's families."""

    # A team may run several groups (pods, locality groups), so this is not one-to-one.
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="supervision_groups")
    name = models.CharField(max_length=120)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coordinated_gcs_groups"
    )
    minute_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="minuted_gcs_groups",
        null=True,
        blank=True,
    )
    cadence_weeks = models.PositiveSmallIntegerField(
        "every how many weeks", default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.TUESDAY)
    start_time = models.TimeField(default=dt.time(10, 0))
    duration_minutes = models.PositiveSmallIntegerField(
        default=120, validators=[MinValueValidator(30), MaxValueValidator(480)]
    )
    location = models.CharField("room", max_length=200, blank=True)
    online_url = models.URLField("online meeting link", blank=True)
    papers_deadline_working_days = models.PositiveSmallIntegerField(
        "papers due (working days before)", default=3, validators=[MaxValueValidator(20)]
    )
    session_reminder_working_days = models.PositiveSmallIntegerField(
        "session reminder (working days before)", default=1, validators=[MaxValueValidator(10)]
    )
    action_reminder_working_days = models.PositiveSmallIntegerField(
        "action reminder (working days before due)", default=2, validators=[MaxValueValidator(10)]
    )
    discussion_interval_days = models.PositiveSmallIntegerField(
        "discuss each family every (days)", default=28, validators=[MinValueValidator(7), MaxValueValidator(365)]
    )
    default_item_minutes = models.PositiveSmallIntegerField(
        "minutes per family", default=20, validators=[MinValueValidator(5), MaxValueValidator(120)]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SupervisionGroupQuerySet.as_manager()
    constraint_fields: ClassVar[dict[str, str]] = {
        "weekend_weekday": "weekday",
        "cadence_not_positive": "cadence_weeks",
    }

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__lte=4),
                name="gcs_group_weekday_mon_to_fri",
                violation_error_code="weekend_weekday",
                violation_error_message="Choose a day from Monday to Friday.",
            ),
            models.CheckConstraint(
                condition=models.Q(cadence_weeks__gte=1),
                name="gcs_group_cadence_positive",
                violation_error_code="cadence_not_positive",
                violation_error_message="Sessions must be at least 1 week apart.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(ConstraintErrorsOnFields):
    """A person in the group, with the discipline they bring to the discussion.

    Removing a member deletes this row: access is derived from it on every
    request, so a removed member loses access at once.
    """

    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gcs_memberships")
    discipline = models.CharField(max_length=30, choices=Discipline.choices)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    constraint_fields: ClassVar[dict[str, str]] = {"already_a_member": "user"}

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                name="gcs_member_once_per_group",
                violation_error_code="already_a_member",
                violation_error_message="This person is already a member of the group.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_discipline_display()})"

    @property
    def is_chair(self) -> bool:
        return self.discipline == Discipline.CHAIR

    @property
    def is_adult_specialist(self) -> bool:
        return self.discipline in ADULT_SPECIALISMS


class CalendarWork(models.TextChoices):
    WAITING = "waiting", "Waiting"
    RUNNING = "running", "In progress"
    DONE = "done", "Done"
    FAILED = "failed", "Failed, trying again"


class MembershipChange(models.Model):
    """A member added, removed or restored, and the calendar work it leaves to the worker.

    The page answers at once; a django-q2 task (enqueued on commit, and a
    sweep every minute as the guarantee) brings every future session's
    invitations in line with the group, and records its progress here for the
    group page. A removal can be undone (restored) while sessions it touched
    are still to come.
    """

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"
        RESTORED = "restored", "Restored"

    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="membership_changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    discipline = models.CharField(max_length=30, choices=Discipline.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sessions = models.PositiveIntegerField(default=0, help_text="Future sessions whose invitations change.")
    sessions_done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=CalendarWork.choices, default=CalendarWork.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True, help_text="When a removal was undone.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["group", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user_id} in {self.group_id}"

    @property
    def in_progress(self) -> bool:
        return self.status != CalendarWork.DONE
