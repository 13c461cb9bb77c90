from django import forms

WRONG_CODE = (
    "The code is not right. Enter the 6-digit code your authenticator app shows now, "
    "or one of your recovery codes."
)
WRONG_SET_UP_CODE = (
    "The code is not right. Enter the 6-digit code your authenticator app shows now."
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        error_messages={"required": "Enter the code from your authenticator app."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autofocus": True}
        ),
    )


class EnrolmentCodeForm(forms.Form):
    set_up_code = forms.CharField(
        label="Set-up code",
        max_length=40,
        error_messages={"required": "Enter the set-up code your Homeward administrator gave you."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
