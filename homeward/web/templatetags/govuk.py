"""Render Django form fields as GOV.UK Design System components."""

import html

from django import forms, template
from django.utils.safestring import mark_safe

from homeward.web.forms import DateInput, DateTimeInput

register = template.Library()

DATE_PARTS = [("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)]


def _kind(widget) -> str:
    if isinstance(widget, DateTimeInput | DateInput):
        return "date"
    # Before the radios: Django's CheckboxSelectMultiple is a subclass of RadioSelect.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


class _ListedModelChoices(forms.models.ModelChoiceIterator):
    """A model choice field's choices, read with one plain query.

    Django's own iterator reads them with QuerySet.iterator(), which on PostgreSQL opens a
    server-side cursor: three statements (declare, fetch, close) for a short list.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


def _choices(field):
    if isinstance(field, forms.ModelChoiceField):
        # A field may offer choices after its records ("not known"): `extra_choices`.
        return [*_ListedModelChoices(field), *getattr(field, "extra_choices", ())]
    return field.choices


def _date_parts(bound):
    widget = bound.field.widget
    value = bound.value()
    values = value if isinstance(value, list) else widget.decompress(value)
    parts = [
        {"suffix": suffix, "label": label, "width": width, "value": values[i] or ""}
        for i, (suffix, label, width) in enumerate(DATE_PARTS)
    ]
    time = values[3] if isinstance(widget, DateTimeInput) else None
    return parts, isinstance(widget, DateTimeInput), time or ""


@register.inclusion_tag("govuk/field.html")
def govuk_field(bound, hint="", width=""):
    """One labelled field, its hint and its error message, in the GOV.UK pattern."""
    kind = _kind(bound.field.widget)
    context = {"field": bound, "kind": kind, "hint": hint or bound.help_text, "width": width}
    if kind == "date":
        context["parts"], context["with_time"], context["time"] = _date_parts(bound)
    if kind in ("radios", "checkboxes"):
        value = bound.value()
        chosen = value if isinstance(value, list | tuple) else [value]
        context["chosen"] = {str(v) for v in chosen if v not in (None, "")}
        context["options"] = [(str(v), label) for v, label in _choices(bound.field) if v != ""]
    if kind == "select":
        context["options"] = [(str(v), label) for v, label in _choices(bound.field)]
        context["chosen"] = str(bound.value() if bound.value() is not None else "")
    return context


@register.inclusion_tag("govuk/error_summary.html")
def govuk_error_summary(form):
    """The GOV.UK error summary: every problem, each linking to its field."""
    items = [{"href": "", "message": message} for message in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        bound = form[name]
        anchor = bound.auto_id + ("_day" if _kind(bound.field.widget) == "date" else "")
        if _kind(bound.field.widget) in ("radios", "checkboxes"):
            anchor = f"{bound.auto_id}_0"
        items += [{"href": f"#{anchor}", "message": message} for message in errors]
    return {"items": items}


# One row of a summary list whose keys are regular weight (a timeline event's details).
_DETAIL_ROW = (
    '<div class="govuk-summary-list__row">'
    '<dt class="govuk-summary-list__key govuk-!-font-weight-regular">{}</dt>'
    '<dd class="govuk-summary-list__value">{}</dd></div>'
)


@register.simple_tag
def govuk_detail_rows(details):
    """The rows of a GOV.UK summary list, from (label, value) pairs; line breaks kept.

    What a `{% for label, value in details %}` loop of rows with `{{ value|linebreaksbr }}`
    would give, in a fraction of the time: a child with thirty episodes has four hundred of
    these rows on their page. Every label and value is escaped here (tested against the
    loop, markup and line breaks included).
    """
    rows = [
        _DETAIL_ROW.format(_escaped(label), _escaped(value).replace("\n", "<br>"))
        for label, value in details
    ]
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703: escaped above


def _escaped(value) -> str:
    """What conditional_escape gives (new lines as "\\n"), without the checks for lazy text
    that Django's own functions make on every call."""
    text = value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
    return text.replace("\r\n", "\n").replace("\r", "\n")
