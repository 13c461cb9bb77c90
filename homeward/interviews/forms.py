"""Forms for the interviews list, recording an interview, and correcting one."""

from django import forms

from homeward.core.codes import InterviewConductor, InterviewFactor, InterviewOutcome, NotHeldReason
from homeward.councils.models import Locality
from homeward.web.edits import EditForm
from homeward.web.forms import LondonDateTimeField


class CodeListInput(forms.CheckboxSelectMultiple):
    """Boxes that also read the codes as an interview keeps them: 'pull_friends;expl_gifts'."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if isinstance(value, str):
            return [code for code in value.split(";") if code]
        return value


class CodeListField(forms.MultipleChoiceField):
    """Codes ticked, as an interview keeps them: joined by ';' in their order."""

    widget = CodeListInput

    def prepare_value(self, value):
        if isinstance(value, str):
            return [code for code in value.split(";") if code]
        return value

    def clean(self, value):
        chosen = set(super().clean(value))
        return ";".join(code for code, _ in self.choices if code in chosen)


class InterviewsFilter(forms.Form):
    locality = forms.ModelChoiceField(
        label="Locality",
        queryset=Locality.objects.none(),
        required=False,
        empty_label="All localities",
    )
    worker = forms.CharField(label="Worker", required=False, max_length=200)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = Locality.objects.filter(council=council)


class InterviewForm(forms.Form):
    offered_at = LondonDateTimeField(
        what="offer",
        label="Offered",
        required=False,
        help_text="When the interview was offered to the child.",
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=InterviewOutcome.choices, widget=forms.RadioSelect
    )
    completed_at = LondonDateTimeField(
        what="interview",
        label="Completed",
        required=False,
        help_text="Only for a completed interview.",
    )
    conducted_by = forms.CharField(label="Worker", required=False, max_length=200)
    conducted_by_type = forms.ChoiceField(
        label="Held by",
        choices=[("", "Not recorded"), *InterviewConductor.choices],
        required=False,
    )
    not_held_reason = forms.ChoiceField(
        label="Why the interview was not held",
        choices=[("", "Not recorded"), *NotHeldReason.choices],
        required=False,
        help_text="Only for an interview declined or with no contact made.",
    )
    factors = CodeListField(
        label="What the child said",
        choices=InterviewFactor.choices,
        required=False,
        help_text="Push and pull factors and exploitation indicators the interview found.",
    )
    findings = forms.CharField(
        label="Findings",
        required=False,
        widget=forms.Textarea,
        help_text="Push and pull factors, exploitation indicators, information passed to police.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = "Choose the outcome of the offer."


class InterviewEditForm(InterviewForm, EditForm):
    """A correction of an interview, or the outcome of one offered: without the findings and
    factors for someone who may not read them (access.rules.can_see_findings)."""

    def __init__(self, *args, with_findings: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_findings:
            # The factors are what the child said, coded: as private as the findings.
            del self.fields["findings"]
            del self.fields["factors"]


class CloseForm(forms.Form):
    """Closing the interview owed after a return without an outcome: the reason is required."""

    reason = forms.CharField(
        label="Why will no interview be recorded for this return?",
        help_text="For example: another council's team is interviewing the child.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,  # the service says what to enter, as for any other refusal
    )


class UndoCloseForm(forms.Form):
    """Undoing the closure shown on the page (its id, so that another is never undone)."""

    closure = forms.IntegerField(widget=forms.HiddenInput)
