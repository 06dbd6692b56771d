"""GOV.UK form tags: labels, hints, blank choices and error messages that read like GOV.UK."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.template import Context, Template

from core.templatetags.govuk import required_message


class TeamForm(forms.Form):
    team = forms.ChoiceField(choices=[("", "---------"), ("1", "North")])
    minute_taker = forms.ChoiceField(choices=[("", "---------"), ("1", "Gina")], required=False)
    until = forms.DateField(label="Diarise until (optional)", required=False)
    name = forms.CharField()
    reason = forms.CharField(label="Why is it changing?")
    weekday = forms.ChoiceField(choices=[("", "---------"), ("0", "Monday")], widget=forms.RadioSelect)


def render(form: forms.Form, *fields: str) -> str:
    source = "{% load govuk %}{% govuk_error_summary form %}" + "".join(f"{{% govuk_field form.{f} %}}" for f in fields)
    return Template(source).render(Context({"form": form}))


def test_a_label_that_says_optional_is_not_told_twice() -> None:
    html = render(TeamForm(), "until")
    assert "(optional)" in html
    assert html.count("(optional)") == 1


def test_selects_offer_no_row_of_dashes() -> None:
    html = render(TeamForm(), "team", "minute_taker", "weekday")
    assert "---------" not in html
    assert ">Choose one</option>" in html
    assert ">None</option>" in html


def test_a_date_field_without_a_hint_says_how_to_type_a_date() -> None:
    assert "For example, 27/03/2026" in render(TeamForm(), "until")


def test_an_empty_required_field_says_what_to_do_in_the_summary_and_by_the_field() -> None:
    form = TeamForm(data={})
    html = render(form, "team", "name", "reason", "weekday")
    assert "This field is required" not in html
    assert html.count("Select a team") == 2  # the error summary and the field
    assert "Enter a name" in html
    assert "Select a weekday" in html
    assert "Answer the question: Why is it changing" in html


def test_required_messages_choose_the_article_and_verb() -> None:
    assert required_message("Owner", "select") == "Select an owner"
    assert required_message("File", "file") == "Choose a file"
    assert required_message("Due date", "input") == "Enter a due date"


def test_no_template_narrows_a_time_field_below_what_a_12_hour_browser_shows() -> None:
    """A time box of 5 characters cuts "06:00 PM" to "06:00" where the browser shows 12-hour time."""

    class When(forms.Form):
        start_time = forms.TimeField(widget=forms.TimeInput)

    assert "govuk-input--width-10" in render(When(), "start_time")
    templates = Path(__file__).resolve().parents[2] / "templates"
    narrowed = re.compile(r'govuk_field [\w.]*time classes="[^"]*govuk-input--width-[2-5]\b')
    offenders = [str(p.relative_to(templates)) for p in templates.rglob("*.html") if narrowed.search(p.read_text())]
    assert offenders == []
