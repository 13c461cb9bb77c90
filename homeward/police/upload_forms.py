"""The form of the page where a coordinator uploads a force's CSV file of notifications."""

from django import forms
from django.conf import settings

from homeward.web.forms import UPLOAD_TOO_LARGE, upload_within

CHOOSE_FILE = "Choose the CSV file of police notifications to upload."
EMPTY_UPLOAD = "The file you chose is empty. Choose the force's CSV file of notifications."
IMPORT_COMMAND = "import it with the import-notifications command"
TOO_LARGE = UPLOAD_TOO_LARGE.replace("{command}", IMPORT_COMMAND)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={"required": CHOOSE_FILE, "empty": EMPTY_UPLOAD, "invalid": CHOOSE_FILE},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    force = forms.CharField(
        label="Force (optional)",
        required=False,
        max_length=100,
        help_text="The police force that sent the file, for rows with no force of their own. "
        "Leave it empty when the file has a force column.",
    )

    def clean_file(self):
        limit = settings.HOMEWARD_NOTIFICATION_UPLOAD_MAX_MB
        return upload_within(self.cleaned_data["file"], limit=limit, command=IMPORT_COMMAND)
