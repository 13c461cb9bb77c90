from django import forms

from homeward.notices.models import AcknowledgedHow
from homeward.web.forms import LondonDateTimeField


class SendForm(forms.Form):
    """The preview's one button: carries a digest of what the person saw."""

    previewed = forms.CharField(widget=forms.HiddenInput)


class ToldForm(forms.Form):
    how = forms.CharField(
        label="How you told them",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: by phone to their duty team, who gave their name.",
    )
    told_at = LondonDateTimeField(what="time you told them", label="When", required=False)


class AcknowledgeForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        # No maxlength: a browser would cut a pasted name silently; the service refuses one
        # too long, in words (services.ACKNOWLEDGER_LIMIT).
        required=False,
        help_text="So that the council which sent the notification knows who received it.",
    )


class AcknowledgedOtherwiseForm(forms.Form):
    """A coordinator records that a notice's recipients acknowledged it another way."""

    how = forms.ChoiceField(
        label="How they acknowledged it",
        choices=AcknowledgedHow.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    by_name = forms.CharField(
        label="Who acknowledged it",
        # As AcknowledgeForm.name: refused in words by the service when too long, not cut.
        required=False,
        help_text="Their name, and their role or team if you know it.",
    )
    acknowledged_at = LondonDateTimeField(
        what="time they acknowledged it", label="When", required=False
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: replied to the email from their duty inbox.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
