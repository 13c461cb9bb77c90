"""Forms for the panel's pages: meetings, children discussed, actions and their completion."""

from django import forms

from homeward.panel.models import PanelRisk
from homeward.web.edits import EditForm
from homeward.web.forms import DateField


class PanelMeetingForm(forms.Form):
    held_on = DateField(what="date of the meeting", label="Date of the meeting")
    chair = forms.CharField(label="Chair", max_length=200)
    agencies = forms.CharField(
        label="Agencies present",
        required=False,
        max_length=500,
        help_text="For example: police, health, education, youth justice, placement providers.",
    )
    notes = forms.CharField(label="Chair's notes", required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].error_messages["required"] = (
            "Enter the name of the person who chaired the meeting."
        )


class PanelDiscussionForm(forms.Form):
    reason = forms.CharField(
        label="Why the child is discussed",
        widget=forms.Textarea,
        help_text="For example: missing three times in a month, a screening found CCE concerns.",
    )
    risk = forms.ChoiceField(
        label="The panel's risk rating", choices=PanelRisk.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="Discussion and decisions", required=False, widget=forms.Textarea
    )
    next_review_on = DateField(what="next review", label="Next review", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = (
            "Enter why the child was brought to the panel."
        )
        self.fields["risk"].error_messages["required"] = "Choose the panel's risk rating."


class PanelActionForm(forms.Form):
    description = forms.CharField(label="What is to be done", widget=forms.Textarea)
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        help_text="A person, an agency, or both. For example: PC Made-up, Thames Valley Police.",
    )
    due_on = DateField(what="due date", label="Due by")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["required"] = "Enter what is to be done."
        self.fields["owner"].error_messages["required"] = (
            "Enter who will do it: a person, an agency, or both."
        )


class PanelActionDoneForm(EditForm):
    completed_on = DateField(what="date the action was done", label="Done on")


class PanelMeetingEditForm(PanelMeetingForm, EditForm):
    pass


class PanelDiscussionEditForm(PanelDiscussionForm, EditForm):
    pass


class PanelActionEditForm(PanelActionForm, EditForm):
    """An action changed after the meeting; emptying the date done reopens it."""

    completed_on = DateField(what="date the action was done", label="Done on", required=False)


class ActionsFilter(forms.Form):
    owner = forms.CharField(label="Owner", required=False, max_length=200)


class PanelChildSearchForm(forms.Form):
    q = forms.CharField(label="Name or local id", required=False, max_length=200)
