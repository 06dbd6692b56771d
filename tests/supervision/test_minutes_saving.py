"""Saving the minutes: one Save button without scripts, a merge on conflict, others' saves, actions added in place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from core.models import AuditEvent
from families.models import Family
from supervision import services
from supervision.models import MinutesEntry, SupervisionGroup, SupervisionSession
from tests.supervision.helpers import held_session


@pytest.fixture
def held(north_group: SupervisionGroup, north_family: Family, alice: User) -> SupervisionSession:
    return held_session(north_group, north_family, alice)


def _all_sections(**texts: str) -> dict[str, str]:
    data = {}
    for key in ("present", "discussion", "worries", "strengths", "hypotheses", "decisions"):
        data[f"{key}-text"] = texts.get(key, "")
        data[f"{key}-version"] = "0"
    return data


def test_the_page_has_one_save_button_per_family_for_when_scripts_are_off(
    client_for: Any, held: SupervisionSession, gina: User
) -> None:
    page = client_for(gina).get(f"/gcs/sessions/{held.pk}/minutes/").content.decode()
    assert page.count("Save the minutes for") == 1
    assert page.count('form="minutes-form-') == 12  # six textareas and their versions, in the one form
    assert "The minutes save as you type" in page


def test_the_one_save_button_saves_every_section_of_a_family(
    client_for: Any, held: SupervisionSession, gina: User
) -> None:
    item = held.items.get()
    response = client_for(gina).post(
        f"/gcs/items/{item.pk}/minutes/", _all_sections(discussion="Talked", decisions="Step down")
    )
    assert response.status_code == 302
    texts = dict(MinutesEntry.objects.filter(item=item).values_list("section", "text"))
    assert texts["discussion"] == "Talked"
    assert texts["decisions"] == "Step down"


def test_the_one_save_button_shows_a_conflict_and_saves_the_other_sections(
    client_for: Any, held: SupervisionSession, gina: User, mo: User
) -> None:
    item = held.items.get()
    services.save_entry(item=item, section="worries", text="Mo's worry", base_version=0, by=mo)
    response = client_for(gina).post(
        f"/gcs/items/{item.pk}/minutes/", _all_sections(worries="Gina's worry", strengths="Nan helps")
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Or merge the two texts" in text
    assert MinutesEntry.objects.get(item=item, section="worries").text == "Mo's worry"
    assert MinutesEntry.objects.get(item=item, section="strengths").text == "Nan helps"


def test_a_conflict_offers_both_texts_together_to_edit_into_one(
    client_for: Any, held: SupervisionSession, gina: User, mo: User
) -> None:
    item = held.items.get()
    services.save_entry(item=item, section="worries", text="Mo's worry", base_version=0, by=mo)
    url = f"/gcs/items/{item.pk}/minutes/worries/"
    client = client_for(gina)
    conflict = client.post(url, {"text": "Gina's worry", "version": "0"}, headers={"HX-Request": "true"})
    assert conflict["X-Kinfolk-Save"] == "conflict"
    body = conflict.content.decode()
    assert "Mo&#x27;s worry\n\nGina&#x27;s worry</textarea>" in body
    merged = client.post(
        url,
        {"text": "Mo's worry; and Gina's", "version": "1", "resolve": "merge"},
        headers={"HX-Request": "true"},
    )
    assert merged["X-Kinfolk-Save"] == "saved"
    assert MinutesEntry.objects.get(item=item, section="worries").text == "Mo's worry; and Gina's"


def test_the_page_learns_of_others_saves_and_only_a_poll_that_carries_text_is_audited(
    client_for: Any, held: SupervisionSession, gina: User, mo: User
) -> None:
    item = held.items.get()
    client = client_for(gina)
    url = f"/gcs/sessions/{held.pk}/minutes/updates/"
    start = timezone.now().isoformat()
    audits = AuditEvent.objects.filter(detail__page="minutes_updates")
    nothing = client.get(url, {"after": start}).json()
    assert nothing["entries"] == []
    assert audits.count() == 0
    services.save_entry(item=item, section="decisions", text="Step down", base_version=0, by=mo)
    news = client.get(url, {"after": nothing["now"]}).json()
    assert news["entries"] == [
        {
            "id": f"{item.pk}-decisions",
            "version": 1,
            "text": "Step down",
            "by": "Mo Manager",
            "at": news["entries"][0]["at"],
        }
    ]
    assert audits.count() == 1
    assert client.get(url, {"after": news["now"]}).json()["entries"] == []


def test_an_action_added_through_htmx_comes_back_in_place_without_a_reload(
    client_for: Any, held: SupervisionSession, gina: User, alice: User
) -> None:
    item = held.items.get()
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client_for(gina).post(
        f"/gcs/items/{item.pk}/actions/",
        {"description": "Meet the school", "owner": alice.pk, "due_on": due},
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<div id="actions-block-')
    assert "Meet the school" in text and "Action added" in text
    refused = (
        client_for(gina)
        .post(
            f"/gcs/items/{item.pk}/actions/",
            {"description": "No date", "owner": alice.pk, "due_on": ""},
            headers={"HX-Request": "true"},
        )
        .content.decode()
    )
    assert "govuk-error-message" in refused
    assert "No date</textarea>" in refused  # what was typed stays, to fix
    assert item.actions.count() == 1
