"""The forms of the pages that put mistakes right."""

from django import forms

from homeward.in_error.rules import REASON_REQUIRED


class MarkInErrorForm(forms.Form):
    reason = forms.CharField(
        label="Why was this entered in error?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": REASON_REQUIRED},
    )


class ConfirmForm(forms.Form):
    """A confirmation: nothing to fill in."""


class DuplicateForm(forms.Form):
    other = forms.CharField(
        label="Local id of the other record of this child",
        max_length=64,
        error_messages={"required": "Enter the local id of the other record of this child."},
    )
