"""Case records: localities, families, children and care leavers. Kinfolk keeps only what coordination needs."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.constraints import ConstraintErrorsOnFields


class Locality(models.Model):
    """A ward or locality with a centre point, used for travel distance (no online geocoding)."""

    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(max_length=20, unique=True)
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"

    def __str__(self) -> str:
        return self.name


class LevelOfNeed(models.IntegerChoices):
    UNIVERSAL = 1, "1 – Universal"
    EARLY_HELP = 2, "2 – Early help"
    TARGETED = 3, "3 – Targeted support"
    CHILD_IN_NEED = 4, "4 – Child in need"
    CHILD_PROTECTION = 5, "5 – Child protection"


class FamilyQuerySet(models.QuerySet["Family"]):
    def open(self) -> FamilyQuerySet:
        return self.filter(closed_on__isnull=True)

    def search(self, text: str) -> FamilyQuerySet:
        """Case reference, family name, or a child's name.

        Not care leavers' names: a care leaver has their own access rules, and a
        match would reveal a link the user may not know of (they have their own search).

        EXISTS subqueries, not joins: no duplicate rows, so no DISTINCT to sort away.
        """
        text = text.strip()
        if not text:
            return self
        names = models.Q(first_name__icontains=text) | models.Q(last_name__icontains=text)
        return self.filter(
            models.Q(case_reference__icontains=text)
            | models.Q(family_name__icontains=text)
            | models.Exists(Child.objects.filter(names, family=models.OuterRef("pk")))
        )

    def with_list_relations(self) -> FamilyQuerySet:
        def count_of(model: type[models.Model]) -> models.Subquery:
            rows = model.objects.filter(family=models.OuterRef("pk")).order_by()  # type: ignore[attr-defined]
            return models.Subquery(rows.values("family").annotate(n=models.Count("pk")).values("n"))

        # Counted per row of the page by subquery: a join and GROUP BY would
        # count the children of every family in the list before paginating.
        return self.select_related("team", "locality", "allocated_practitioner").annotate(
            children_count=Coalesce(count_of(Child), 0),
            care_leavers_count=Coalesce(count_of(CareLeaver), 0),
        )


class Family(ConstraintErrorsOnFields):
    """A family open to children's services.

    The council's case management system is the system of record: Kinfolk keeps
    only what coordination needs. The case reference (never the family name) is
    what leaves Kinfolk, in emails, invites, logs and URLs.
    """

    case_reference = models.CharField(
        max_length=30,
        unique=True,
        help_text="The case management system's reference, e.g. FS-2024-0042.",
    )
    family_name = models.CharField(max_length=120, help_text="Shown only inside Kinfolk.")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="families")
    allocated_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="allocated_families",
        null=True,
        blank=True,
    )
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="families")
    level_of_need = models.PositiveSmallIntegerField(choices=LevelOfNeed.choices)
    opened_on = models.DateField(default=dt.date.today)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FamilyQuerySet.as_manager()
    constraint_fields: ClassVar[dict[str, str]] = {
        "level_of_need_out_of_range": "level_of_need",
        "closed_before_opened": "closed_on",
    }

    class Meta:
        ordering = ["case_reference"]
        verbose_name_plural = "families"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level_of_need__gte=1, level_of_need__lte=5),
                name="family_level_of_need_1_to_5",
                violation_error_code="level_of_need_out_of_range",
                violation_error_message="Choose a level of need from 1 (universal) to 5 (child protection).",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("opened_on")),
                name="family_closed_after_opened",
                violation_error_code="closed_before_opened",
                violation_error_message="The case cannot close before the date it was opened.",
            ),
        ]

    def __str__(self) -> str:
        # The case reference, never the name: __str__ ends up in logs and the audit trail.
        return self.case_reference

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


def _age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    language = models.CharField(max_length=60, default="English")
    needs = models.TextField(blank=True, help_text="What coordination needs to know, not the case file.")

    class Meta:
        ordering = ["date_of_birth"]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return f"Child {self.pk} of {self.family.case_reference}"

    @property
    def age(self) -> int:
        return _age_on(self.date_of_birth, timezone.localdate())

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": "Date of birth must be today or in the past."})


class CareLeaver(models.Model):
    """A young person aged 16 to 25 leaving care."""

    family = models.ForeignKey(
        Family,
        on_delete=models.CASCADE,
        related_name="care_leavers",
        null=True,
        blank=True,
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="care_leavers")
    personal_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="care_leavers_advised",
        null=True,
        blank=True,
    )
    reference = models.CharField(max_length=30, unique=True, help_text="Case management system reference.")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    language = models.CharField(max_length=60, default="English")
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="care_leavers")
    needs = models.TextField(blank=True)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference

    @property
    def age(self) -> int:
        return _age_on(self.date_of_birth, timezone.localdate())

    def clean(self) -> None:
        if self.date_of_birth:
            age = _age_on(self.date_of_birth, timezone.localdate())
            if not 16 <= age <= 25:
                raise ValidationError({"date_of_birth": "A care leaver must be aged 16 to 25."})
