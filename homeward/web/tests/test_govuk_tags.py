import pytest
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
