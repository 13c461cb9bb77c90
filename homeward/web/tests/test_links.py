import pytest
from django.template import Context, Template
from django.urls import reverse

from homeward.web.templatetags.links import cached_reverse, record_url

NAMES = [
    "children:detail",
    "episodes:record",
    "episodes:edit",
    "episodes:mark-returned",
    "interviews:record",
    "exploitation:record-screening",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [0, 7, 12345, 10**12])
def test_record_url_is_what_the_url_tag_gives(name, pk):
    assert record_url(pk, name) == reverse(name, args=[pk])
    tag = Template(f"{{% url '{name}' pk %}}").render(Context({"pk": pk}))
    shown = Template(f"{{% load links %}}{{{{ pk|record_url:'{name}' }}}}")
    assert shown.render(Context({"pk": pk})) == tag


def test_record_url_of_something_other_than_an_id_is_reversed_as_usual():
    assert record_url("12", "children:detail") == reverse("children:detail", args=["12"])


def test_cached_reverse_gives_reverse_or_none():
    assert cached_reverse("interviews:due") == reverse("interviews:due")
    assert cached_reverse("nowhere:at-all") is None
