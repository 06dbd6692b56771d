"""Volunteers, their profile, and their application for each role they hold."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields
from volunteers import availability


class VolunteerRole(models.TextChoices):
    CHILD_AND_FAMILY = "child_family", "Child and Family Ambassador"
    FGC = "fgc", "FGC Ambassador"
    CARE_LEAVER_MENTOR = "care_leaver_mentor", "Care Leaver Mentor"
    RIGHTS_AND_REPS = "rights_reps", "Rights and Reps Ambassador"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NON_BINARY = "non_binary", "Non-binary"
    NOT_SAID = "not_said", "Prefer not to say"


class AgeBand(models.TextChoices):
    UNDER_25 = "18-24", "18 to 24"
    UNDER_35 = "25-34", "25 to 34"
    UNDER_50 = "35-49", "35 to 49"
    UNDER_65 = "50-64", "50 to 64"
    OVER_65 = "65+", "65 or over"


class LivedExperience(models.TextChoices):
    CARE_EXPERIENCED = "care_experienced", "Care-experienced"
    PARENT = "parent", "Parent or carer"
    KINSHIP_CARER = "kinship_carer", "Kinship carer"
    DISABILITY = "disability", "Disability"
    NEURODIVERGENT = "neurodivergent", "Neurodivergent"
    YOUNG_CARER = "young_carer", "Former young carer"
    REFUGEE = "refugee", "Refugee or migration experience"


class Stage(models.TextChoices):
    """Where an application for one role stands.

    Computed by `volunteers.recruitment` from the requirements met, never set by
    hand; paused and left come from the volunteer's own record.
    """

    ENQUIRY = "enquiry", "Enquiry"
    APPLICATION = "application", "Application"
    INTERVIEW = "interview", "Interview"
    REFERENCES = "references", "References"
    DBS = "dbs", "DBS check"
    TRAINING = "training", "Training"
    APPROVED = "approved", "Approved"
    PAUSED = "paused", "Paused"
    LEFT = "left", "Left"


class VolunteerQuerySet(models.QuerySet["Volunteer"]):
    def current(self) -> VolunteerQuerySet:
        """Not left and not anonymised."""
        return self.filter(left_on__isnull=True, anonymised_on__isnull=True)


class Volunteer(ConstraintErrorsOnFields):
    """A person in the scheme, from their first enquiry to after they leave."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="volunteer",
        null=True,
        blank=True,
        help_text="Their portal account, once they have one.",
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_SAID)
    locality = models.ForeignKey("families.Locality", on_delete=models.PROTECT, related_name="volunteers")
    travel_miles = models.PositiveSmallIntegerField(
        default=5,
        validators=[MaxValueValidator(100)],
        help_text="How far they will travel to meet, in miles.",
    )
    remote_only = models.BooleanField(default=False, help_text="Meets only by phone or video.")
    capacity = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many matches they can hold at once.",
    )
    languages = models.JSONField(default=list, blank=True, help_text="Languages spoken, e.g. English, Polish.")
    interests = models.JSONField(default=list, blank=True, help_text="Skills and interests, as short tags.")
    lived_experience = models.JSONField(default=list, blank=True, help_text="LivedExperience values.")
    availability = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(availability.ALL)],
        help_text="Weekly slots, a bitmask (volunteers.availability).",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_volunteers",
        null=True,
        blank=True,
    )
    enquired_on = models.DateField(default=dt.date.today)
    paused_on = models.DateField(null=True, blank=True)
    pause_reason = models.CharField(max_length=200, blank=True)
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=200, blank=True)
    anonymised_on = models.DateField(null=True, blank=True)
    # The portal invitation sent on approval; accepting it links `user` (volunteers/signals.py).
    invitation = models.ForeignKey(
        "accounts.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VolunteerQuerySet.as_manager()
    constraint_fields: ClassVar[dict[str, str]] = {
        "volunteer_left_with_reason": "left_reason",
        "volunteer_paused_with_reason": "pause_reason",
    }

    class Meta:
        ordering = ["first_name", "last_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | ~models.Q(left_reason=""),
                name="volunteer_left_with_reason",
                violation_error_code="volunteer_left_with_reason",
                violation_error_message="Say why the volunteer left.",
            ),
            models.CheckConstraint(
                condition=models.Q(paused_on__isnull=True) | ~models.Q(pause_reason=""),
                name="volunteer_paused_with_reason",
                violation_error_code="volunteer_paused_with_reason",
                violation_error_message="Say why the volunteer is paused.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age_band(self) -> str:
        age = self.age_on(timezone.localdate())
        if age is None:
            return ""
        for band, upper in (
            (AgeBand.UNDER_25, 25),
            (AgeBand.UNDER_35, 35),
            (AgeBand.UNDER_50, 50),
            (AgeBand.UNDER_65, 65),
        ):
            if age < upper:
                return band.label
        return AgeBand.OVER_65.label

    @property
    def availability_slots(self) -> list[str]:
        return availability.describe(self.availability)


class RoleApplication(models.Model):
    """A volunteer's application for one role: the recruitment pipeline for that role.

    `stage` and `approved_until` are written only by the recruitment service, which
    computes them from the requirements met; matching reads them in the database.
    `approved_until` is the day the first of the role's checks lapses (null: not approved).
    """

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="applications")
    role = models.CharField(max_length=30, choices=VolunteerRole.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.ENQUIRY, editable=False)
    stage_since = models.DateField(default=dt.date.today, editable=False)
    approved_on = models.DateField(null=True, blank=True, editable=False)
    approved_until = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["volunteer", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "role"],
                name="one_application_per_role",
                violation_error_code="one_application_per_role",
                violation_error_message="The volunteer has already applied for this role.",
            ),
        ]
        indexes = [models.Index(fields=["role", "stage", "approved_until"])]

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.get_role_display()}"


class Absence(models.Model):
    """Dates a volunteer is away (holiday, illness): not offered matches or events then."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_it_starts",
                violation_error_code="absence_ends_after_it_starts",
                violation_error_message="The last day away must be on or after the first.",
            ),
        ]

    def __str__(self) -> str:
        return f"Away {self.starts_on:%-d %b %Y} to {self.ends_on:%-d %b %Y}"


class Declaration(models.Model):
    """A declared conflict of interest: the volunteer must never be matched to this family or young person."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="declarations")
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    care_leaver = models.ForeignKey(
        "families.CareLeaver", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    description = models.TextField(help_text="What the conflict is (e.g. a neighbour, a relative, works with them).")
    declared_on = models.DateField(default=dt.date.today)

    class Meta:
        ordering = ["-declared_on"]

    def __str__(self) -> str:
        return f"Declaration of {self.declared_on:%-d %b %Y}"
