import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils.safestring import mark_safe

LOOP = Template(
    "{% for label, value in details %}"
    '<div class="govuk-summary-list__row">'
    '<dt class="govuk-summary-list__key govuk-!-font-weight-regular">{{ label }}</dt>'
    '<dd class="govuk-summary-list__value">{{ value|linebreaksbr }}</dd></div>'
    "{% endfor %}"
)
TAG = Template("{% load govuk %}{% govuk_detail_rows details %}")

DETAILS = [
    [("Risk", "High")],
    [("Findings", "Pull factors:\nolder friends\r\nmoney\rfood"), ("By", "Made-up Worker")],
    [("Found at", "<script>alert(\"x\")</script> & 'friends'"), ("<b>Label</b>", "1 < 2")],
    [("Already safe", mark_safe("<em>kept</em>\nline"))],
    [("Number", 42), ("Empty", "")],
    [],
]


@pytest.mark.parametrize("details", DETAILS)
def test_detail_rows_are_what_the_template_loop_gives(details):
    context = Context({"details": details})
    assert TAG.render(context) == LOOP.render(context)


def test_detail_rows_escape_what_a_person_typed():
    html = TAG.render(Context({"details": [("Found at", "<script>alert(1)</script>")]}))
    assert "<script>" not in html and "&lt;script&gt;" in html


class _Ticks(forms.Form):
    colours = forms.MultipleChoiceField(
        label="Colours",
        choices=[("red", "Red"), ("blue", "Blue"), ("green", "Green")],
        widget=forms.CheckboxSelectMultiple,
    )
    size = forms.ChoiceField(
        label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect
    )


FIELD = Template("{% load govuk %}{% govuk_field form.colours %}{% govuk_field form.size %}")


def test_checkboxes_are_gov_uk_checkboxes_each_ticked_box_kept():
    html = FIELD.render(Context({"form": _Ticks({"colours": ["red", "green"], "size": "l"})}))
    colours, size = html.split('<div class="govuk-form-group">')[1:]
    assert 'data-module="govuk-checkboxes"' in colours and "govuk-radios" not in colours
    assert colours.count('type="checkbox"') == 3 and 'type="radio"' not in colours
    ticked = re.findall(r'value="(\w+)" checked', colours)
    assert ticked == ["red", "green"]
    assert 'data-module="govuk-radios"' in size and size.count('type="radio"') == 2
