"""GOV.UK Design System markup for Django forms.

`{% govuk_field form.name %}` renders one field as a GOV.UK form group (label,
hint, error message and the input with the right GOV.UK classes), and
`{% govuk_error_summary form %}` renders the error summary that goes at the top
of the page. Templates never hand-write these, so every form in Kinfolk has the
same accessible error handling.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django import forms, template
from django.forms.utils import flatatt

if TYPE_CHECKING:
    from django.core.paginator import Page

register = template.Library()

# HTML input types for Django's temporal widgets, with the value format the
# browser's native picker requires (always ISO, whatever the locale).
_TEMPORAL_INPUTS: dict[type[forms.Widget], tuple[str, str]] = {
    forms.DateTimeInput: ("datetime-local", "%Y-%m-%dT%H:%M"),
    forms.DateInput: ("date", "%Y-%m-%d"),
    forms.TimeInput: ("time", "%H:%M"),
}


# Django widget classes → the GOV.UK component they are rendered as. Order
# matters: CheckboxSelectMultiple is a RadioSelect, and so on down the list.
_WIDGET_KINDS: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.CheckboxSelectMultiple, "checkboxes"),
    (forms.RadioSelect, "radios"),
    (forms.CheckboxInput, "checkbox"),
    (forms.Textarea, "textarea"),
    (forms.Select, "select"),
    (forms.FileInput, "file"),
    (forms.PasswordInput, "password"),
)

_INPUT_CLASSES = {
    "checkbox": "govuk-checkboxes__input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
    "password": "govuk-input govuk-password-input__input govuk-js-password-input-input",  # nosec B105  (CSS classes)
    "input": "govuk-input",
}

_ERROR_CLASSES = {
    "textarea": "govuk-textarea--error",
    "select": "govuk-select--error",
    "file": "govuk-file-upload--error",
    "password": "govuk-input--error",  # nosec B105  (a CSS class)
    "input": "govuk-input--error",
}


# Django's own words for an empty required field, and the blank choice of a select.
_DJANGO_REQUIRED = "This field is required."
_DJANGO_BLANK_LABEL = "---------"
_QUESTION_WORDS = frozenset({"what", "why", "how", "who", "when", "where", "which"})

# A hint for native date and time pickers whose field has none: what to type without a picker.
_TEMPORAL_HINTS = {
    "date": "For example, 27/03/2026",
    "datetime-local": "For example, 27/03/2026 14:30",
    "time": "For example, 14:30",
}


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


def required_message(label: str, kind: str) -> str:
    """What to do about an empty required field, as GOV.UK words it ("Select a team", "Enter a name")."""
    text = label.strip().rstrip("?:").strip()
    noun = text[:1].lower() + text[1:]
    if not noun:
        return "Enter an answer"
    if noun.split()[0].lower() in _QUESTION_WORDS or label.strip().endswith("?"):
        return f"Answer the question: {text}"
    verb = (
        "Select" if kind in {"select", "radios", "checkboxes", "checkbox"} else "Choose" if kind == "file" else "Enter"
    )
    if kind == "checkbox":
        return f"Select “{text}” to continue"
    return f"{verb} {_article(noun)} {noun}"


def field_errors(field: forms.BoundField) -> list[str]:
    """The field's errors, with Django's "This field is required." said as what to do."""
    kind = _widget_kind(field.field.widget)
    return [
        required_message(str(field.label or field.name), kind) if str(error) == _DJANGO_REQUIRED else str(error)
        for error in field.errors
    ]


def label_says_optional(label: str) -> bool:
    return "(optional)" in label.lower()


def _widget_kind(widget: forms.Widget) -> str:
    """Name the GOV.UK component a Django widget is rendered as."""
    if widget.is_hidden:
        return "hidden"
    for widget_class, kind in _WIDGET_KINDS:
        if isinstance(widget, widget_class):
            return kind
    return "input"


def _temporal_widget(widget: forms.Widget) -> forms.Widget | None:
    """A copy of a date/time widget that renders as the native HTML picker."""
    for widget_class, (input_type, value_format) in _TEMPORAL_INPUTS.items():
        if isinstance(widget, widget_class):
            native = copy.copy(widget)
            native.input_type = input_type  # type: ignore[attr-defined]  # set on Input subclasses
            native.format = value_format  # type: ignore[attr-defined]  # set on DateTimeBaseInput
            return native
    return None


def _choices(field: forms.BoundField, input_class: str, kind: str) -> list[dict[str, Any]]:
    """The options of a radio or checkbox group, each with its rendered attributes."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({"class": input_class, "id": field.auto_id or ""})
    options: list[dict[str, Any]] = []
    for option in widget.subwidgets(field.html_name, field.value(), attrs):
        if option["label"] == "---------":
            continue  # GOV.UK radios have no blank choice: leaving them all unchosen is the blank.
        option_attrs: dict[str, Any] = dict(option["attrs"])
        # GOV.UK sets `required` on neither radios nor checkboxes: the error
        # message, not the browser's bubble, tells the user what to do.
        option_attrs.pop("required", None)
        options.append(
            {
                "id": option_attrs.get("id", ""),
                "label": option["label"],
                "attrs": flatatt(
                    {
                        **option_attrs,
                        "type": "radio" if kind == "radios" else "checkbox",
                        "name": option["name"],
                        "value": "" if option["value"] is None else f"{option['value']}",
                    }
                ),
            }
        )
    return options


@register.inclusion_tag("includes/_field.html")
def govuk_field(
    field: forms.BoundField,
    label_size: str = "",
    classes: str = "",
    hint: str = "",
) -> dict[str, Any]:
    """Render a bound field as a GOV.UK form group.

    `label_size` ("s", "m", "l" or "xl") makes the label or legend bolder and
    larger, `classes` adds to the input's classes (for example
    "govuk-input--width-10") and `hint` replaces the field's help text.
    """
    widget = field.field.widget
    kind = _widget_kind(widget)
    field_id = field.auto_id or field.html_name
    errors = field_errors(field)
    native_widget = _temporal_widget(widget)
    hint_text: str = hint or str(field.help_text or "")
    if not hint_text and native_widget is not None:
        hint_text = _TEMPORAL_HINTS[native_widget.input_type]  # type: ignore[attr-defined]
    hint_id = f"{field_id}-hint" if hint_text else ""
    error_id = f"{field_id}-error" if errors else ""
    described_by = " ".join(part for part in (hint_id, error_id) if part)
    context: dict[str, Any] = {
        "field": field,
        "kind": kind,
        "field_id": field_id,
        "errors": errors,
        "hint": hint_text,
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": described_by,
        "label_class": f"govuk-label--{label_size}" if label_size else "",
        "legend_class": f"govuk-fieldset__legend--{label_size}" if label_size else "",
        # A label that already says "(optional)" is not told twice.
        "optional": not field.field.required
        and kind not in {"checkbox", "hidden"}
        and not label_says_optional(str(field.label or "")),
    }
    if kind == "hidden":
        context["input"] = field.as_widget()
        return context
    if kind in {"radios", "checkboxes"}:
        prefix = "govuk-radios" if kind == "radios" else "govuk-checkboxes"
        context["group_class"] = prefix
        context["choices"] = _choices(field, f"{prefix}__input", kind)
        return context

    input_class = _INPUT_CLASSES[kind]
    if errors and kind in _ERROR_CLASSES:
        input_class += " " + _ERROR_CLASSES[kind]
    if classes:
        input_class += " " + classes
    elif native_widget is not None:
        # A full-width date picker reads badly; GOV.UK sizes inputs to the answer.
        wide = isinstance(widget, forms.DateTimeInput)
        input_class += " govuk-input--width-20" if wide else " govuk-input--width-10"
    # GOV.UK: placeholders are no substitute for a label or hint (allauth sets
    # them on its forms). False makes Django leave the attribute out.
    attrs: dict[str, Any] = {"class": input_class, "placeholder": False}
    if described_by:
        attrs["aria-describedby"] = described_by
    if kind == "password":
        attrs.update({"spellcheck": "false", "autocapitalize": "none"})
    if kind == "select":
        native_widget = _without_dashes(field, native_widget or field.field.widget)
    context["input"] = field.as_widget(widget=native_widget, attrs=attrs)
    return context


def _without_dashes(field: forms.BoundField, widget: forms.Widget) -> forms.Widget:
    """GOV.UK: no row of dashes. A required choice asks for one; an optional one can be left at none.

    A copy of the widget with the blank choice relabelled, so Django still escapes every label.
    """
    blank = "Choose one" if field.field.required else "None"
    relabelled = copy.copy(widget)
    relabelled.choices = [  # type: ignore[attr-defined]
        (value, blank if label == _DJANGO_BLANK_LABEL else label)
        for value, label in widget.choices  # type: ignore[attr-defined]
    ]
    return relabelled


def _has_errors(form: object) -> bool:
    # Templates pass "" for a missing variable, so test the type, not for None.
    return isinstance(form, forms.BaseForm) and form.is_bound and bool(form.errors)


def _link(field_id: str | None) -> str:
    return f"#{field_id}" if field_id else ""


def _error_items(form: forms.BaseForm) -> list[dict[str, str]]:
    visible = [field for field in form if not field.is_hidden]
    # A non-field error ("email or password not correct") links to the first
    # field, the place to start putting it right.
    first = _link(visible[0].id_for_label or visible[0].auto_id) if visible else ""
    items = [{"href": first, "text": str(error)} for error in form.non_field_errors()]
    for field in form:
        # id_for_label is the first option's id for radios and checkboxes,
        # which is where GOV.UK says the link should go. A hidden field has
        # nothing to link to, but its message is still shown, never dropped.
        href = "" if field.is_hidden else _link(field.id_for_label or field.auto_id)
        items.extend({"href": href, "text": error} for error in field_errors(field))
    return items


@register.inclusion_tag("includes/_error_summary.html")
def govuk_error_summary(form: forms.BaseForm | None, title: str = "There is a problem") -> dict[str, Any]:
    """The GOV.UK error summary for `form`, or nothing if it has no errors."""
    items = _error_items(form) if form is not None and _has_errors(form) else []
    return {"items": items, "title": title}


@register.simple_tag
def govuk_errors_title_prefix(form: forms.BaseForm | None) -> str:
    """ "Error: " when `form` has errors, for the start of the page <title>."""
    return "Error: " if _has_errors(form) else ""


@register.simple_tag
def govuk_page_range(page_obj: Page[Any]) -> list[int | str]:
    """Page numbers for GOV.UK pagination, elided around the current page.

    Ellipses come back as the paginator's ELLIPSIS string; `{% for %}` over the
    result tells them apart from numbers with `number == ellipsis`.
    """
    paginator = page_obj.paginator
    pages = paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    return list(pages)
