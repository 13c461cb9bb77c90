"""Forms for recording an episode, its return, and corrections to it."""

from django import forms

from homeward.children.models import Placement
from homeward.core.codes import Category, LegalStatus, MissingFrom, Risk
from homeward.councils.models import Locality
from homeward.episodes.selectors import NO_LOCALITY
from homeward.web.edits import EditForm
from homeward.web.forms import LondonDateTimeField

SORTS = {
    "risk": "Risk (high first)",
    "hours": "Time missing (longest first)",
    "age": "Age",
    "name": "Name",
    "locality": "Locality",
}


class MissingNowFilter(forms.Form):
    locality = forms.ModelChoiceField(
        label="Locality",
        queryset=Locality.objects.none(),
        required=False,
        empty_label="All localities",
    )
    sort = forms.ChoiceField(label="Sort by", choices=SORTS.items(), required=False)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = Locality.objects.filter(council=council)


LEGAL_STATUS_NOT_CHOSEN = (
    "Choose the child's legal status at this episode: looked after, child protection plan, "
    "child in need, early help, or none known."
)
LOCALITY_NOT_CHOSEN = (
    "Choose the locality the child went missing in, or choose that it is not known or "
    "outside the council's localities."
)


class LocalityChoiceField(forms.ModelChoiceField):
    """One of the council's localities, or none chosen on purpose: nothing is assumed."""

    extra_choices = ((NO_LOCALITY, "Not known, or outside the council's localities"),)

    def clean(self, value):
        if value == NO_LOCALITY:
            return None
        return super().clean(value)


class EpisodeForm(forms.Form):
    category = forms.ChoiceField(
        label="Missing or away",
        choices=Category.choices,
        widget=forms.RadioSelect,
        initial=Category.MISSING,
    )
    last_seen_at = LondonDateTimeField(what="time last seen", label="Last seen")
    last_seen_location = forms.CharField(
        label="Where last seen",
        required=False,
        max_length=200,
        help_text="For example, a street, a shop or the placement's address.",
    )
    police_reference = forms.CharField(label="Police reference", required=False, max_length=64)
    reported_at = LondonDateTimeField(
        what="report to police", label="Reported to police", required=False
    )
    risk = forms.ChoiceField(
        label="Police risk grading",
        choices=[("", "Not graded yet"), *Risk.choices],
        required=False,
    )
    missing_from = forms.ChoiceField(
        label="Missing from", choices=MissingFrom.choices, widget=forms.RadioSelect
    )
    # Asked every time, never assumed: a child counted as looked after who is not would be
    # in the DfE's looked-after figures. A new episode's form fills in what Homeward knows.
    legal_status = forms.ChoiceField(
        label="Legal status", choices=LegalStatus.choices, widget=forms.RadioSelect
    )
    placement = forms.ModelChoiceField(
        label="Placement",
        queryset=Placement.objects.none(),
        required=False,
        empty_label="Not in a placement",
    )
    locality = LocalityChoiceField(
        label="Locality", queryset=Locality.objects.none(), empty_label="Choose a locality"
    )
    reported_by = forms.CharField(label="Reported by", required=False, max_length=200)
    placing_la_notified_at = LondonDateTimeField(
        what="notice to the placing council",
        label="Placing council told",
        required=False,
        help_text="For a child placed here by another council.",
    )
    found_location = forms.CharField(label="Where found", required=False, max_length=200)

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = Placement.objects.filter(child=child)
        self.fields["locality"].queryset = Locality.objects.filter(council=child.council)
        self.fields["missing_from"].error_messages["required"] = (
            "Choose where the child went missing from."
        )
        self.fields["category"].error_messages["required"] = "Choose missing or away."
        self.fields["legal_status"].error_messages["required"] = LEGAL_STATUS_NOT_CHOSEN
        self.fields["locality"].error_messages["required"] = LOCALITY_NOT_CHOSEN


class EpisodeEditForm(EpisodeForm, EditForm):
    """A correction: also carries the version and values the person started from."""

    returned_at = LondonDateTimeField(what="return", label="Returned", required=False)
    # A correction starts from the episode as recorded, where no locality may be recorded.
    locality = forms.ModelChoiceField(
        label="Locality",
        queryset=Locality.objects.none(),
        required=False,
        empty_label="Not recorded",
    )


class ReturnForm(forms.Form):
    returned_at = LondonDateTimeField(what="return", label="Returned")
    found_location = forms.CharField(label="Where found", required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)
