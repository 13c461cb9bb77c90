"""Forms for the borders' pages: the contacts directory, the placed-in register, episodes
of our children in another council's area."""

from django import forms
from django.db.models import Count
from django.utils.functional import cached_property

from homeward.borders.models import ChildContactRole, ContactPurpose, LegalBasis
from homeward.core.codes import Sex
from homeward.councils.models import Council
from homeward.web.edits import EditForm
from homeward.web.forms import DateField, LondonDateTimeField


def _councils(exclude_pk=None):
    councils = Council.objects.order_by("name")
    return councils.exclude(pk=exclude_pk) if exclude_pk else councils


class CouncilChoice(forms.ModelChoiceField):
    """A council by its name; by its name and DfE code where two councils share the name (the
    Dorset of before 2019 and the one since), so that the right one is chosen."""

    def label_from_instance(self, council):
        if council.name in self._shared_names:
            return f"{council.name} ({council.code})"
        return council.name

    @cached_property
    def _shared_names(self) -> set[str]:
        shared = Council.objects.values("name").annotate(n=Count("pk")).filter(n__gt=1)
        return {row["name"] for row in shared}


class ContactForm(forms.Form):
    council = CouncilChoice(label="Council", queryset=Council.objects.order_by("name"))
    purpose = forms.ChoiceField(
        label="What the address is for", choices=ContactPurpose.choices, widget=forms.RadioSelect
    )
    email = forms.CharField(label="Email address", max_length=254)
    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="The team or person, for example: Missing children team.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].error_messages["required"] = "Choose the council."
        self.fields["purpose"].error_messages["required"] = "Choose what the address is for."
        self.fields["email"].error_messages["required"] = "Enter the email address."


class ContactEditForm(EditForm):
    purpose = ContactForm.base_fields["purpose"]
    email = ContactForm.base_fields["email"]
    name = ContactForm.base_fields["name"]


class RegisterForm(forms.Form):
    child_id = forms.CharField(
        label="The child's local id, if they have a record here",
        required=False,
        max_length=64,
        help_text="Leave empty if you do not know it: the child is matched by name and date of "
        "birth, or you can link or create the record afterwards.",
    )
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = DateField(what="date of birth", label="Date of birth")
    placing_council = CouncilChoice(label="Placing council", queryset=Council.objects.none())
    legal_basis = forms.ChoiceField(
        label="Legal basis", choices=LegalBasis.choices, widget=forms.RadioSelect
    )
    provider_name = forms.CharField(label="Home (provider)", max_length=200)
    provider_urn = forms.CharField(label="Ofsted URN", required=False, max_length=20)
    admitted_on = DateField(what="date of admission", label="Admitted on")
    discharged_on = DateField(what="date of discharge", label="Discharged on", required=False)
    notified_on = DateField(what="date the notice reached us", label="Notice received on")
    social_worker_name = forms.CharField(
        label="Social worker at the placing council", required=False, max_length=200
    )
    social_worker_email = forms.CharField(
        label="Social worker's email", required=False, max_length=254
    )
    iro_name = forms.CharField(
        label="Independent reviewing officer (IRO)", required=False, max_length=200
    )
    iro_email = forms.CharField(label="IRO's email", required=False, max_length=254)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placing_council"].queryset = _councils(council.pk if council else None)
        required = {
            "first_name": "Enter the child's first name.",
            "last_name": "Enter the child's last name.",
            "placing_council": "Choose the council that placed the child.",
            "legal_basis": "Choose the legal basis, or 'Other or not known'.",
            "provider_name": "Enter the name of the home the child was admitted to.",
        }
        for name, message in required.items():
            self.fields[name].error_messages["required"] = message


class RegisterFilter(forms.Form):
    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("current", "Placed here now"), ("left", "Left"), ("all", "Everyone")],
    )
    placing_council = CouncilChoice(
        label="Placing council", required=False, queryset=Council.objects.order_by("name")
    )
    home = forms.CharField(label="Home or Ofsted URN", required=False, max_length=200)
    unlinked = forms.BooleanField(label="Only those without a child's record", required=False)


class DischargeForm(EditForm):
    discharged_on = DateField(what="date of discharge", label="Discharged on")


class LinkForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    child_id = forms.CharField(label="The child's local id", max_length=64)


class CreateChildForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file of notices")


class ElsewhereForm(forms.Form):
    host_council = CouncilChoice(label="Host council", queryset=Council.objects.none())
    last_seen_at = LondonDateTimeField(what="time last seen", label="Last seen")
    reported_at = LondonDateTimeField(what="report", label="Reported missing", required=False)
    returned_at = LondonDateTimeField(what="return", label="Returned", required=False)
    told_at = LondonDateTimeField(what="host council's notice", label="The host council told us")
    police_reference = forms.CharField(label="Police reference", required=False, max_length=64)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_council"].queryset = _councils(council.pk if council else None)
        self.fields["host_council"].error_messages["required"] = (
            "Choose the council in whose area the child went missing."
        )


class RegisterEditForm(RegisterForm, EditForm):
    """A register entry corrected; the child it is linked to is changed by linking."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["child_id"]


class ChildContactForm(forms.Form):
    role = forms.ChoiceField(
        label="Who they are", choices=ChildContactRole.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label="Name", required=False, max_length=200)
    email = forms.CharField(label="Email address", max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].error_messages["required"] = "Choose the IRO or the social worker."
        self.fields["email"].error_messages["required"] = "Enter the email address."
