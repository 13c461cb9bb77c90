"""The forms of the people pages: an account, its roles and workplace, an allocation."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator

from homeward.accounts import roles
from homeward.councils.models import Council, Locality

ROLE_CHOICES = [(role, role.capitalize()) for role in roles.ROLES]
ACTIVE_CHOICES = [("", "Active and deactivated"), ("yes", "Active"), ("no", "Deactivated")]
NO_ROLE_CHOSEN = "Choose at least one role for the person."
NO_EMAIL_GIVEN = "Enter the person's email address: the link to set their password goes there."
NOBODY_CHOSEN = "Choose a person or enter a team to allocate the child to."
NO_CHILD_ID = "Enter the child's local id (it is shown at the top of the child's page)."
NOT_ACTIVE = (
    "{username} is deactivated, so a child allocated to them would be seen by nobody. "
    "Reactivate them first, or allocate the child to someone else."
)
NO_SUCH_CHILD = (
    "No child you may see has the local id {local_id}. Check it on the child's page "
    "(Find a child), then enter it again."
)


class PeopleFilterForm(forms.Form):
    role = forms.ChoiceField(
        label="Role", choices=[("", "Any role"), *ROLE_CHOICES], required=False
    )
    active = forms.ChoiceField(label="Active", choices=ACTIVE_CHOICES, required=False)


class PersonFields(forms.Form):
    """What an administrator sets about a person; the account's username is set once."""

    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": NO_EMAIL_GIVEN,
            "invalid": "Enter an email address like name@council.gov.uk.",
        },
    )
    role_names = forms.MultipleChoiceField(
        label="Roles",
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NO_ROLE_CHOSEN},
        help_text="What the person does decides what they see: choose every role they hold.",
    )
    team = forms.CharField(
        label="Team",
        max_length=100,
        required=False,
        help_text="Children allocated to the team are seen by everyone in it.",
    )
    localities = forms.ModelMultipleChoiceField(
        label="Localities",
        queryset=Locality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="For police liaison: the areas whose children and episodes they see.",
    )
    council = forms.ModelChoiceField(
        label="Council they work for",
        queryset=Council.objects.order_by("name"),
        required=False,
        empty_label="This installation's council",
    )

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["localities"].queryset = Locality.objects.filter(council=council).order_by(
            "name"
        )


class PersonCreateForm(PersonFields):
    username = forms.CharField(
        label="Username",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        error_messages={"required": "Enter a username for the person to sign in with."},
        help_text="Letters, digits and @ . + - _ only; it cannot be changed later.",
    )
    field_order = ["username", "first_name", "last_name", "email"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                f"There is already an account called {username}. Choose another username."
            )
        return username


class PersonEditForm(PersonFields):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An account made before email links (a demo user) is changed without one.
        self.fields["email"].required = False


class ChildToAllocateForm(forms.Form):
    """Allocate a child, found by their local id, to the person whose page this is."""

    local_id = forms.CharField(
        label="Child's local id",
        max_length=64,
        error_messages={"required": NO_CHILD_ID},
        help_text="Find the child with Find a child; their local id is at the top of their page.",
    )


class AllocateToForm(forms.Form):
    """Allocate the child whose page this is to a person, a team, or both."""

    worker = forms.ModelChoiceField(
        label="Person",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Nobody in particular (the team)",
    )
    team = forms.CharField(label="Team", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=roles.CASEWORK_ROLES)
            .distinct()
            .order_by("username")
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("worker") and not cleaned.get("team", "").strip():
            raise forms.ValidationError(NOBODY_CHOSEN)
        return cleaned


class ForgottenPasswordForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the email address of your Homeward account.",
            "invalid": "Enter an email address like name@council.gov.uk.",
        },
    )
