"""Forms for the escalation pages: the list's filters, a change, closing and a referral."""

from django import forms

from homeward.escalations.models import EscalationKind, EscalationOutcome
from homeward.escalations.selectors import NOBODY, SHOWING
from homeward.panel.models import PanelRisk
from homeward.web.edits import EditForm
from homeward.web.forms import DateField


class Person(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class EscalationsFilter(forms.Form):
    showing = forms.ChoiceField(label="Show", choices=list(SHOWING.items()), required=False)
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Every kind"), *EscalationKind.choices], required=False
    )
    owner = forms.ChoiceField(label="Owner", required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        people = [(str(p.pk), p.get_full_name() or p.get_username()) for p in owners]
        self.fields["owner"].choices = [("", "Anyone"), (NOBODY, "Nobody yet"), *people]


class EscalationEditForm(EditForm):
    owner = Person(
        label="Owner",
        queryset=None,
        required=False,
        empty_label="Nobody yet",
        help_text="Someone of this council whose role works on escalations.",
    )
    due_on = DateField(what="due date", label="Due by")

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class EscalationCloseForm(EditForm):
    outcome = forms.ChoiceField(
        label="How did it end?", choices=EscalationOutcome.choices, widget=forms.RadioSelect
    )
    outcome_notes = forms.CharField(
        label="What was done or decided",
        widget=forms.Textarea,
        help_text="A sentence for whoever reads this next. For example: strategy discussion "
        "held on 3 June with police and health; safety plan agreed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = "Choose how the escalation ended."
        self.fields["outcome_notes"].error_messages["required"] = (
            "Say in a sentence what was done or decided, for whoever reads this next."
        )


class Meeting(forms.ModelChoiceField):
    def label_from_instance(self, meeting) -> str:
        return f"{meeting.held_on:%-d %B %Y}, chaired by {meeting.chair}"


class EscalationReferForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    meeting = Meeting(label="Panel meeting", queryset=None, widget=forms.RadioSelect)
    risk = forms.ChoiceField(
        label="Risk rating to propose",
        choices=PanelRisk.choices,
        widget=forms.RadioSelect,
        help_text="The panel rates the child when it meets, and may change this.",
    )
    reason = forms.CharField(label="Why the child is referred", widget=forms.Textarea)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].error_messages["required"] = "Choose the panel meeting."
        self.fields["risk"].error_messages["required"] = "Choose a risk rating to propose."
        self.fields["reason"].error_messages["required"] = "Say why the child is referred."
