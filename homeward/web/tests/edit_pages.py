"""Driving a change page (web/edits.py) in a test as a person would."""

from django import forms


def form_as_given(client, url: str) -> dict:
    """The change page's form as the page gives it, ready to post back."""
    response = client.get(url)
    assert response.status_code == 200, url
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        widget = field.widget
        if hasattr(widget, "widgets_names"):
            parts = widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=True):
                data[f"{name}{suffix}"] = "" if part is None else part
        elif isinstance(field, forms.MultipleChoiceField):
            data[name] = field.prepare_value(value) or []
        else:
            data[name] = "" if value is None else getattr(value, "pk", value)
    return data


def date(field: str, day) -> dict:
    """A date as typed into a GOV.UK date input."""
    return {f"{field}_day": day.day, f"{field}_month": day.month, f"{field}_year": day.year}
