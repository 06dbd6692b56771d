"""Family and care leaver pages: search, filters, detail, audit of every view."""

from __future__ import annotations

from django.urls import reverse

from core.models import AuditEvent
from families.models import LevelOfNeed
from tests import factories


def test_the_family_list_searches_by_case_reference_family_and_child_name(client_for, alice, north) -> None:
    a = factories.make_family(team=north, practitioner=alice, family_name="Archer", case_reference="FS-1-ARCH")
    b = factories.make_family(team=north, practitioner=alice, family_name="Begum", case_reference="FS-2-BEGU")
    client = client_for(alice)
    for query, expected in [("ARCH", a), ("begum", b), (a.children.get(first_name__endswith="x0").first_name, a)]:
        response = client.post(reverse("families:family_list"), {"q": query}, follow=True)
        assert list(response.context["page_obj"]) == [expected], query


def test_the_family_list_filters_by_level_of_need_and_hides_closed_cases_unless_asked(client_for, alice, north) -> None:
    cp = factories.make_family(team=north, practitioner=alice, level_of_need=LevelOfNeed.CHILD_PROTECTION)
    factories.make_family(team=north, practitioner=alice, level_of_need=LevelOfNeed.EARLY_HELP)
    closed = factories.make_family(
        team=north,
        practitioner=alice,
        level_of_need=LevelOfNeed.CHILD_PROTECTION,
        closed_on="2026-10-01",
        opened_on="2026-01-01",
    )
    client = client_for(alice)
    response = client.post(reverse("families:family_list"), {"level_of_need": 5}, follow=True)
    assert list(response.context["page_obj"]) == [cp]
    response = client.post(reverse("families:family_list"), {"level_of_need": 5, "include_closed": "on"}, follow=True)
    assert set(response.context["page_obj"]) == {cp, closed}


def test_an_invalid_filter_is_reported_and_lists_open_families(client_for, alice, north_family) -> None:
    response = client_for(alice).post(reverse("families:family_list"), {"level_of_need": "9"})
    assert response.status_code == 200
    assert "level_of_need" in response.context["form"].errors
    assert list(response.context["page_obj"]) == [north_family]
    assert b"govuk-error-summary" in response.content


def test_the_family_list_never_shows_another_teams_family(client_for, alice, south_family, north_family) -> None:
    response = client_for(alice).post(reverse("families:family_list"), {"q": south_family.case_reference}, follow=True)
    assert list(response.context["page_obj"]) == []
    assert south_family.family_name.encode() not in response.content


def test_the_family_list_query_count_does_not_grow_with_the_families(
    client_for, alice, north, django_assert_max_num_queries
) -> None:
    client = client_for(alice)
    factories.make_family(team=north, practitioner=alice)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("families:family_list"))
    for _ in range(15):
        factories.make_family(team=north, practitioner=alice, children=3)
    with django_assert_max_num_queries(20) as large:
        client.get(reverse("families:family_list"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_viewing_a_family_writes_an_audit_event_naming_the_reader_and_the_case_reference(
    client_for, alice, north_family
) -> None:
    response = client_for(alice).get(reverse("families:family_detail", args=[north_family.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="view", object_type="families.Family").get()
    assert (event.actor_id, event.object_id, event.object_repr) == (
        alice.pk,
        str(north_family.pk),
        north_family.case_reference,
    )
    assert north_family.family_name not in event.object_repr
    assert event.path == f"/families/{north_family.pk}/"


def test_a_refused_family_view_is_not_recorded_as_a_view(client_for, bob, north_family) -> None:
    response = client_for(bob).get(reverse("families:family_detail", args=[north_family.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="view").exists()


def test_the_family_page_lists_the_children(client_for, alice, north_family) -> None:
    response = client_for(alice).get(reverse("families:family_detail", args=[north_family.pk]))
    for child in north_family.children.all():
        assert child.first_name.encode() in response.content


def test_viewing_a_care_leaver_is_audited(client_for, alice, north_care_leaver) -> None:
    response = client_for(alice).get(reverse("families:care_leaver_detail", args=[north_care_leaver.pk]))
    assert response.status_code == 200
    assert (
        AuditEvent.objects.filter(
            action="view", object_type="families.CareLeaver", object_id=str(north_care_leaver.pk)
        ).count()
        == 1
    )


def test_search_terms_never_appear_in_the_address_and_can_be_cleared(client_for, alice, north_family) -> None:
    client = client_for(alice)
    child = north_family.children.first()
    assert child is not None
    response = client.post(reverse("families:family_list"), {"q": child.first_name})
    assert response.status_code == 302
    assert response["Location"] == reverse("families:family_list")
    assert child.first_name not in response["Location"]
    page = client.get(reverse("families:family_list"))
    assert list(page.context["page_obj"]) == [north_family]
    assert page.context["form"]["q"].value() == child.first_name
    cleared = client.get(reverse("families:family_list"), {"clear": "1"})
    assert cleared.context["form"]["q"].value() in (None, "")


def test_the_care_leaver_search_keeps_names_out_of_the_address(client_for, alice, north_care_leaver) -> None:
    client = client_for(alice)
    response = client.post(reverse("families:care_leaver_list"), {"q": north_care_leaver.first_name})
    assert response["Location"] == reverse("families:care_leaver_list")
    assert list(client.get(reverse("families:care_leaver_list")).context["page_obj"]) == [north_care_leaver]
    other = client.get(reverse("families:care_leaver_list"), {"clear": "1"})
    assert other.context["query"] == ""


def test_a_family_page_lists_only_the_care_leavers_the_user_may_see(client_for, alice, south, north_family) -> None:
    hidden = factories.make_care_leaver(team=south, family=north_family)
    response = client_for(alice).get(reverse("families:family_detail", args=[north_family.pk]))
    assert hidden not in response.context["care_leavers"]
    assert hidden.first_name.encode() not in response.content
    # ...and the family search does not reveal the link by the care leaver's name.
    found = client_for(alice).post(reverse("families:family_list"), {"q": hidden.first_name}, follow=True)
    assert list(found.context["page_obj"]) == []
