"""Choosing the period of a row-level export."""

from django import forms
from django.core.exceptions import ValidationError

from homeward.web.forms import DateField

PERIOD_BACKWARDS = "The end of the period must be on or after its start."


class ExportForm(forms.Form):
    period_from = DateField(what="start of the period", label="From")
    period_to = DateField(what="end of the period", label="To")

    def clean(self):
        data = super().clean()
        first, last = data.get("period_from"), data.get("period_to")
        if first and last and last < first:
            raise ValidationError(PERIOD_BACKWARDS)
        return data
