"""The forms of the force pages: a force and the councils it serves, a token's label."""

from django import forms

from homeward.councils.models import Council

NO_NAME = "Enter the force's name, as the force writes it (for example Thames Valley Police)."


class CouncilsForm(forms.Form):
    councils = forms.ModelMultipleChoiceField(
        label="Councils it sends notifications for",
        queryset=Council.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=(
            "Its token is refused (403) for a child of any other council. A force with no "
            "council can send nothing."
        ),
    )


class ForceForm(CouncilsForm):
    name = forms.CharField(label="Name", max_length=100, error_messages={"required": NO_NAME})

    field_order = ["name", "councils"]


class TokenForm(forms.Form):
    label = forms.CharField(
        label="What it is for",
        max_length=100,
        required=False,
        help_text="So that tokens can be told apart, e.g. the force's control room system.",
    )
