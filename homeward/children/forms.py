"""Forms for finding a child, recording a new one, and correcting a child or a placement."""

from django import forms

from homeward.core.codes import ETHNICITY_CODES, PlacementType, Sex
from homeward.councils.models import Council, Locality
from homeward.web.edits import EditForm
from homeward.web.forms import DateField


class ChildSearchForm(forms.Form):
    q = forms.CharField(label="Name, local id or police id", required=False, max_length=200)
    date_of_birth = DateField(what="date of birth", label="Date of birth", required=False)
    locality = forms.ModelChoiceField(
        label="Home locality",
        queryset=Locality.objects.none(),
        required=False,
        empty_label="All localities",
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = Locality.objects.filter(council=council)


class ChildForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    other_names = forms.CharField(
        label="Other names",
        required=False,
        max_length=100,
        help_text="Middle names, and any other names the child is known by.",
    )
    date_of_birth = DateField(what="date of birth", label="Date of birth")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        required=False,
        choices=[("", "Not recorded"), *ETHNICITY_CODES.items()],
    )
    police_id = forms.CharField(label="Police id", required=False, max_length=64)
    address = forms.CharField(
        label="Address",
        required=False,
        max_length=200,
        help_text="Where the child lives, as the police would write it (used to link "
        "police notifications).",
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    home_locality = forms.ModelChoiceField(
        label="Home locality",
        queryset=Locality.objects.none(),
        required=False,
        empty_label="Not recorded",
    )
    responsible_la = forms.ModelChoiceField(
        label="Responsible council",
        queryset=Council.objects.all(),
        required=False,
        empty_label="This council",
        help_text="Choose another council only for a child placed here by them.",
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_locality"].queryset = Locality.objects.filter(council=council)
        self.fields["first_name"].error_messages["required"] = "Enter the child's first name."
        self.fields["last_name"].error_messages["required"] = "Enter the child's last name."
        self.fields["sex"].error_messages["required"] = "Choose the child's sex, or Not known."


class ChildEditForm(ChildForm, EditForm):
    """A correction of a child's details: also carries the version and values shown."""

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, council=council, **kwargs)
        # Every child has a responsible council: here it is shown, not "this council".
        responsible = self.fields["responsible_la"]
        responsible.required, responsible.empty_label = True, None
        responsible.error_messages["required"] = "Choose the council responsible for the child."


class PlacementEditForm(EditForm):
    """A correction of a placement."""

    start_date = DateField(what="start of the placement", label="Started")
    end_date = DateField(
        what="end of the placement",
        label="Ended",
        required=False,
        help_text="Leave empty while the child lives there.",
    )
    placement_type = forms.ChoiceField(label="Type of placement", choices=PlacementType.choices)
    place_code = forms.CharField(label="SSDA903 PLACE code", required=False, max_length=4)
    provider_urn = forms.CharField(label="Provider's Ofsted URN", required=False, max_length=20)
    provider_name = forms.CharField(label="Provider", required=False, max_length=200)
    locality = forms.ModelChoiceField(
        label="Locality",
        queryset=Locality.objects.none(),
        required=False,
        empty_label="Not recorded",
    )
    placing_la = forms.ModelChoiceField(
        label="Placing council", queryset=Council.objects.all(), empty_label=None
    )
    host_la = forms.ModelChoiceField(
        label="Host council",
        queryset=Council.objects.all(),
        empty_label=None,
        help_text="The council in whose area the child lives.",
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].queryset = Locality.objects.filter(council=council)
