"""Links to records in long tables, without running reverse() once for every row.

`{{ row.child_id|record_url:"children:detail" }}` gives what `{% url "children:detail"
row.child_id %}` gives. reverse() runs once for each URL name (with a placeholder id) and
the id is put in its place after that: a table of fifty rows with two links each spent
more time in reverse() than in the rest of its rows.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

register = template.Library()

# A number no URL holds but as the placeholder id: it is looked for in the reversed URL.
_PLACEHOLDER = 9_081_726_354_453_627


def cached_reverse(name: str) -> str | None:
    """reverse(name) for a URL without arguments, None if there is no such URL."""
    return _reverse(name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)


@lru_cache(maxsize=256)
def _reverse(name: str, prefix: str, urlconf, root_urlconf: str) -> str | None:
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return None


@lru_cache(maxsize=256)
def _around_id(name: str, prefix: str, urlconf, root_urlconf: str) -> tuple[str, str] | None:
    """The URL of `name` for one integer id, split where the id goes."""
    try:
        url = reverse(name, args=[_PLACEHOLDER], urlconf=urlconf)
    except NoReverseMatch:
        return None
    before, found, after = url.partition(str(_PLACEHOLDER))
    if not found or str(_PLACEHOLDER) in after:
        return None
    return before, after


@register.filter
def record_url(pk, name: str) -> str:
    """The URL named `name` for the record with this id, as {% url name pk %} gives it."""
    if type(pk) is int and pk >= 0:
        around = _around_id(name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
        if around is not None:
            return f"{around[0]}{pk}{around[1]}"
    return reverse(name, args=[pk])
