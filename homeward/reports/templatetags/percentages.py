"""Percentages in templates, rounded and shown as the report shows them (rounding.py)."""

from django import template

from homeward.reports.rounding import whole_percent

register = template.Library()


@register.filter
def percent(value) -> str:
    """A one-decimal percentage as "67%"; nothing when there is none (no base)."""
    return "" if value is None else whole_percent(value)
