"""The form of the page where a coordinator uploads a force's CSV file of notifications."""

from django import forms
from django.conf import settings

CHOOSE_FILE = "Choose the CSV file of police notifications to upload."
EMPTY_UPLOAD = "The file you chose is empty. Choose the force's CSV file of notifications."
TOO_LARGE = (
    "The file is {size:.1f} MB, but at most {limit} MB can be uploaded at once. Split it into "
    "smaller files (each with the header row), or ask an administrator to import it with "
    "the import-notifications command."
)
MB = 1024 * 1024


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
        upload = self.cleaned_data["file"]
        limit = settings.HOMEWARD_NOTIFICATION_UPLOAD_MAX_MB
        if upload.size > limit * MB:
            raise forms.ValidationError(TOO_LARGE.format(size=upload.size / MB, limit=limit))
        return upload
