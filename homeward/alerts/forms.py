from django import forms

from homeward.alerts.preferences import DIGEST, HIGH_RISK, INTERVIEW_BREACH

CHOICES = [
    (DIGEST, "The morning digest: what needs doing today, as counts with links"),
    (HIGH_RISK, "At once: a child whose record I may see goes missing at high risk"),
    (INTERVIEW_BREACH, "At once: a return home interview is about to pass its 72 hours"),
]


class AlertChoicesForm(forms.Form):
    """The alerts a person chooses; none ticked is a choice too (no alerts at all)."""

    alerts = forms.MultipleChoiceField(
        choices=CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which emails do you want?",
    )


class EmailFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        label="Show",
        choices=[
            ("", "All emails"),
            ("failed", "Failed"),
            ("queued", "Waiting to be sent"),
            ("sent", "Sent"),
        ],
    )
