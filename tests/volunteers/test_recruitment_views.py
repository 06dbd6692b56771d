"""The coordinator's recruitment pages."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from tests import factories
from tests.volunteers.factories import approve_for_role, make_volunteer
from volunteers import availability
from volunteers.models import (
    CheckRecord,
    Reference,
    RoleApplication,
    Stage,
    SupervisionConversation,
    Volunteer,
    VolunteerRole,
)
from volunteers.services import recruitment, references

pytestmark = pytest.mark.django_db
ROLE = VolunteerRole.CHILD_AND_FAMILY


def test_a_coordinator_adds_an_enquiry_with_a_full_profile(client_for, vic) -> None:
    locality = factories.make_locality()
    response = client_for(vic).post(
        reverse("volunteers:volunteer_create"),
        {
            "roles": [ROLE, VolunteerRole.CARE_LEAVER_MENTOR],
            "first_name": "Nadia",
            "last_name": "Khan",
            "email": "nadia@example.org",
            "date_of_birth": "1990-04-02",
            "gender": "female",
            "locality": locality.pk,
            "travel_miles": "8",
            "capacity": "2",
            "languages": "English, Urdu",
            "interests": "netball, baking",
            "lived_experience": ["care_experienced"],
            "weekly_availability": ["0-1", "2-2"],
        },
    )
    volunteer = Volunteer.objects.get(email="nadia@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:volunteer_detail", kwargs={"pk": volunteer.pk})
    assert volunteer.languages == ["English", "Urdu"]
    assert volunteer.availability == availability.mask_of([(0, 1), (2, 2)])
    assert volunteer.coordinator == vic
    assert set(volunteer.applications.values_list("role", "stage")) == {
        (ROLE, Stage.ENQUIRY),
        (VolunteerRole.CARE_LEAVER_MENTOR, Stage.ENQUIRY),
    }


def test_an_enquiry_needs_a_role(client_for, vic) -> None:
    response = client_for(vic).post(reverse("volunteers:volunteer_create"), {"first_name": "X"})
    assert response.status_code == 200
    assert "Choose" in response.content.decode() or "required" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_the_list_filters_by_role_and_stage_and_searches_by_name(client_for, vic) -> None:
    ann = make_volunteer(first_name="Annabel")
    approve_for_role(ann, ROLE, coordinator=vic)
    bo = make_volunteer(first_name="Bo")
    recruitment.set_roles(volunteer=bo, roles=[VolunteerRole.FGC])
    client = client_for(vic)
    url = reverse("volunteers:volunteer_list")

    def names(**params: str) -> set[str]:
        page = client.get(url, params).context["page_obj"]
        return {v.first_name for v in page}

    assert names() == {"Annabel", "Bo"}
    assert names(role=ROLE) == {"Annabel"}
    assert names(stage=Stage.ENQUIRY) == {"Bo"}
    assert names(role=ROLE, stage=Stage.ENQUIRY) == set()
    assert names(q="annab") == {"Annabel"}


def test_the_volunteer_list_uses_the_same_number_of_queries_for_few_and_many(client_for, vic) -> None:
    client = client_for(vic)
    url = reverse("volunteers:volunteer_list")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    recruitment.set_roles(volunteer=make_volunteer(), roles=[ROLE])
    few = count()
    for _ in range(6):
        v = make_volunteer(locality=factories.make_locality())
        recruitment.set_roles(volunteer=v, roles=[ROLE, VolunteerRole.FGC])
    assert count() == few


def test_the_volunteer_page_shows_what_each_application_still_lacks_and_is_audited(client_for, vic) -> None:
    volunteer = make_volunteer()
    recruitment.set_roles(volunteer=volunteer, roles=[ROLE])
    today = recruitment.today()
    recruitment.record_check(volunteer=volunteer, kind="application_form", by=vic, started_on=today, completed_on=today)
    response = client_for(vic).get(reverse("volunteers:volunteer_detail", kwargs={"pk": volunteer.pk}))
    tasks = response.context["applications"][0].tasks
    assert [(t.kind, t.status) for t in tasks][:2] == [
        ("application_form", "Completed"),
        ("interview", "Not yet started"),
    ]
    assert "govuk-task-list" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="view", object_id=str(volunteer.pk), object_type="volunteers.Volunteer"
    ).exists()


def test_a_coordinator_records_an_interview_through_the_page(client_for, vic) -> None:
    volunteer = make_volunteer()
    recruitment.set_roles(volunteer=volunteer, roles=[ROLE])
    url = reverse("volunteers:check_record", kwargs={"pk": volunteer.pk, "kind": "interview"})
    response = client_for(vic).post(url, {"started_on": "2026-01-05", "completed_on": "2026-01-05"})
    assert response.status_code == 302
    assert CheckRecord.objects.get(volunteer=volunteer).kind == "interview"


def test_completing_before_starting_is_refused_on_the_form(client_for, vic) -> None:
    volunteer = make_volunteer()
    url = reverse("volunteers:check_record", kwargs={"pk": volunteer.pk, "kind": "interview"})
    response = client_for(vic).post(url, {"started_on": "2026-01-05", "completed_on": "2026-01-01"})
    assert response.status_code == 200
    assert "cannot be completed before" in response.content.decode()


def test_an_unknown_check_kind_is_not_found(client_for, vic) -> None:
    volunteer = make_volunteer()
    url = reverse("volunteers:check_record", kwargs={"pk": volunteer.pk, "kind": "dbs"})
    assert client_for(vic).get(url).status_code == 404


def test_a_dbs_back_needs_its_number_and_issue_date(client_for, vic) -> None:
    volunteer = make_volunteer()
    url = reverse("volunteers:dbs_record", kwargs={"pk": volunteer.pk})
    response = client_for(vic).post(url, {"applied_on": "2026-01-05", "level": "enhanced_children", "outcome": "clear"})
    assert response.status_code == 200
    assert "needs its number and issue date" in response.content.decode()


def test_requesting_and_reviewing_a_reference_through_the_pages(client_for, client, vic) -> None:
    volunteer = make_volunteer()
    coordinator = client_for(vic)
    coordinator.post(
        reverse("volunteers:reference_request", kwargs={"pk": volunteer.pk}),
        {"referee_name": "Ria", "referee_email": "ria@example.org", "relationship": "Teacher"},
    )
    reference = Reference.objects.get(volunteer=volunteer)
    client.post(
        reverse("volunteers:reference_respond", kwargs={"token": references.token_for(reference)}),
        {"known_for": "2 years", "suitable": "yes", "statement": "Lovely."},
    )
    review = reverse("volunteers:reference_review", kwargs={"pk": volunteer.pk, "ref_pk": reference.pk})
    assert "Lovely." in coordinator.get(review).content.decode()
    assert coordinator.post(review, {"accept": "yes"}).status_code == 302
    reference.refresh_from_db()
    assert reference.status == "accepted" and reference.reviewed_by == vic


def test_pausing_needs_a_reason(client_for, vic) -> None:
    volunteer = make_volunteer()
    client = client_for(vic)
    client.post(reverse("volunteers:volunteer_pause", kwargs={"pk": volunteer.pk}), {"reason": ""})
    volunteer.refresh_from_db()
    assert volunteer.paused_on is None
    client.post(reverse("volunteers:volunteer_pause", kwargs={"pk": volunteer.pk}), {"reason": "Exams"})
    volunteer.refresh_from_db()
    assert volunteer.pause_reason == "Exams"


def test_supervision_due_and_overdue_are_listed_for_the_coordinator(client_for, vic) -> None:
    today = recruitment.today()
    never, overdue, fine = (make_volunteer(first_name=n) for n in ("Never", "Overdue", "Fine"))
    for v in (never, overdue, fine):
        approve_for_role(v, ROLE, coordinator=vic)
    client = client_for(vic)
    response = client.post(
        reverse("volunteers:conversation_add", kwargs={"pk": overdue.pk}),
        {
            "kind": "wellbeing",
            "held_on": (today - dt.timedelta(days=100)).isoformat(),
            "notes": "Tired; fewer evenings for now.",
            "next_due_on": (today - dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    SupervisionConversation.objects.create(
        volunteer=fine, held_on=today, notes="Fine", next_due_on=today + dt.timedelta(days=90), recorded_by=vic
    )
    rows = client.get(reverse("volunteers:conversations_due")).context["rows"]
    assert [v.first_name for v in rows] == ["Never", "Overdue"]
    home = " ".join(client.get("/").content.decode().split())
    assert "2 supervision conversations due or overdue" in home


def test_the_figures_count_applicants_by_stage_with_an_audited_csv(client_for, vic) -> None:
    approve_for_role(make_volunteer(), ROLE, coordinator=vic)
    for _ in range(2):
        recruitment.set_roles(volunteer=make_volunteer(), roles=[ROLE])
    client = client_for(vic)
    table = client.get(reverse("volunteers:recruitment_figures")).context["table"]
    assert {(r.stage, r.count) for r in table} == {("Approved", 1), ("Enquiry", 2)}
    response = client.get(reverse("volunteers:recruitment_figures_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Role", "Stage", "Applicants"]
    assert ["Child and Family Ambassador", "Enquiry", "2", "0", "0"] in rows
    assert AuditEvent.objects.filter(action="export", object_type="volunteers.figures").count() == 1
    assert RoleApplication.objects.count() == 3


def test_a_declaration_names_the_family_by_case_reference_only(client_for, vic, north_family) -> None:
    volunteer = make_volunteer()
    url = reverse("volunteers:declaration_add", kwargs={"pk": volunteer.pk})
    client = client_for(vic)
    response = client.post(url, {"description": "Neighbour", "declared_on": "2026-02-01", "case_reference": "NOPE-1"})
    assert "No family or care leaver has that case reference" in response.content.decode()
    response = client.post(
        url,
        {"description": "Neighbour", "declared_on": "2026-02-01", "case_reference": north_family.case_reference},
    )
    assert response.status_code == 302
    assert volunteer.declarations.get().family == north_family


def test_editing_the_profile_changes_roles_and_availability(client_for, vic) -> None:
    volunteer = make_volunteer()
    recruitment.set_roles(volunteer=volunteer, roles=[ROLE])
    client = client_for(vic)
    url = reverse("volunteers:volunteer_edit", kwargs={"pk": volunteer.pk})
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "locality"}
    data.update(
        locality=volunteer.locality_id,
        roles=[VolunteerRole.FGC],
        weekly_availability=["6-0"],
        languages="English, Welsh",
        remote_only="on",
        gender="male",
    )
    data.pop("lived_experience", None)
    assert client.post(url, data).status_code == 302
    volunteer.refresh_from_db()
    assert list(volunteer.applications.values_list("role", flat=True)) == [VolunteerRole.FGC]
    assert volunteer.availability == availability.mask_of([(6, 0)])
    assert volunteer.languages == ["English", "Welsh"] and volunteer.remote_only


def test_the_volunteer_page_uses_the_same_number_of_queries_as_records_grow(client_for, vic) -> None:
    volunteer = make_volunteer()
    approve_for_role(volunteer, ROLE, coordinator=vic)
    client = client_for(vic)
    url = reverse("volunteers:volunteer_detail", kwargs={"pk": volunteer.pk})

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    approve_for_role(volunteer, VolunteerRole.FGC, coordinator=vic)
    for n in range(3):
        SupervisionConversation.objects.create(
            volunteer=volunteer,
            held_on=recruitment.today() - dt.timedelta(days=10 * (n + 1)),
            notes="ok",
            next_due_on=recruitment.today(),
            recorded_by=vic,
        )
    assert count() == few
