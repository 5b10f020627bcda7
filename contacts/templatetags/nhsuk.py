"""Template tags that render Django form fields as NHS.UK frontend components.

`{% nhs_field form.name %}` gives the label, hint, error message and the right component
(input, textarea, select, radios, checkboxes) with the error classes, so every form follows the
NHS.UK error pattern without repeating the markup.
"""

from django import forms, template
from django.template.loader import render_to_string

register = template.Library()


def _component(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "select"
    return "input"


@register.simple_tag
def nhs_field(bound_field, width: str = "", label_size: str = ""):
    """Render one bound field; `width` adds nhsuk-input--width-N (e.g. "10")."""
    component = _component(bound_field)
    classes = {
        "input": "nhsuk-input",
        "textarea": "nhsuk-textarea",
        "select": "nhsuk-select",
        "checkbox": "nhsuk-checkboxes__input",
    }.get(component, "")
    if bound_field.errors and classes:
        classes += f" {classes.split()[0]}--error"
    if width:
        classes += f" nhsuk-input--width-{width}"
    attrs = {"class": classes.strip()}
    describedby = []
    if bound_field.help_text:
        describedby.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        describedby.append(f"{bound_field.auto_id}-error")
    if describedby and component in ("input", "textarea", "select"):
        attrs["aria-describedby"] = " ".join(describedby)
    widget_html = (
        bound_field.as_widget(attrs=attrs) if component not in ("radios", "checkboxes") else ""
    )
    return render_to_string(
        "includes/nhs_field.html",
        {
            "field": bound_field,
            "component": component,
            "widget_html": widget_html,
            "label_size": label_size,
            "describedby": " ".join(describedby),
        },
    )


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_):
    """The NHS.UK error summary for one or more forms, linking to each field in error."""
    items = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            items.append({"href": "", "text": error})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            target = bound.auto_id
            if _component(bound) in ("radios", "checkboxes"):
                target = f"{bound.auto_id}_0"
            for error in errors:
                items.append({"href": f"#{target}", "text": error})
    return {"items": items}


@register.filter
def status_tag_colour(status: str) -> str:
    """NHS.UK tag colour for a case status (colour always goes with the status text)."""
    return {
        "open": "blue",
        "received": "yellow",
        "acknowledged": "blue",
        "investigating": "purple",
        "response_drafted": "aqua-green",
        "awaiting_approval": "orange",
        "reopened": "red",
        "resolved": "green",
        "closed": "grey",
        "escalated": "grey",
    }.get(status, "grey")


@register.filter
def absolute(value):
    return abs(value)
