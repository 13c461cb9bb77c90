"""Forms for finding a child and recording a new one."""

from django import forms

from homeward.core.codes import ETHNICITY_CODES, Sex
from homeward.councils.models import Council, Locality
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
    date_of_birth = DateField(what="date of birth", label="Date of birth")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        required=False,
        choices=[("", "Not recorded"), *ETHNICITY_CODES.items()],
    )
    police_id = forms.CharField(label="Police id", required=False, max_length=64)
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
