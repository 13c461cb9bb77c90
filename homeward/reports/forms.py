"""Choosing which report to read: a half-year or any period, a locality, publication or not."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from homeward.web.forms import DateField, upload_within

FIRST_YEAR = 2018
PERIOD_ENDS_BEFORE_START = "The end of the period must be on or after its start."
CHOOSE_PERIOD = "Choose a half-year, or enter both the start and the end of the period."


def half_years(today: dt.date) -> list[tuple[str, str]]:
    """Every complete half-year since the data starts, the latest first, as (value, label)."""
    choices = []
    for year in range(today.year, FIRST_YEAR - 1, -1):
        for first, last, label in (
            (dt.date(year, 7, 1), dt.date(year, 12, 31), f"July to December {year}"),
            (dt.date(year, 1, 1), dt.date(year, 6, 30), f"January to June {year}"),
        ):
            if last < today:
                choices.append((f"{first.isoformat()}/{last.isoformat()}", label))
    return choices


class ReportForm(forms.Form):
    """The period and scope of a scrutiny report."""

    half_year = forms.ChoiceField(label="Half-year", required=False)
    period_from = DateField(what="start of the period", label="Or from", required=False)
    period_to = DateField(what="end of the period", label="to", required=False)
    locality = forms.ChoiceField(label="Locality", required=False)
    publication = forms.BooleanField(
        label="Publication version: figures for fewer than 5 children shown as c",
        required=False,
    )

    def __init__(self, *args, today: dt.date, localities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["half_year"].choices = [("", "Choose a half-year"), *half_years(today)]
        self.fields["locality"].choices = [("", "The whole council")] + [
            (name, name) for name in localities
        ]

    def clean(self):
        data = super().clean()
        first, last = data.get("period_from"), data.get("period_to")
        if first or last:
            if not (first and last):
                raise ValidationError(CHOOSE_PERIOD)
            if last < first:
                raise ValidationError(PERIOD_ENDS_BEFORE_START)
        elif data.get("half_year"):
            start, end = data["half_year"].split("/")
            data["period_from"], data["period_to"] = (
                dt.date.fromisoformat(start),
                dt.date.fromisoformat(end),
            )
        elif not self.errors:
            raise ValidationError(CHOOSE_PERIOD)
        return data


# The statutory returns: the SSDA903 collection year, and the date Annex A is as at.
FIRST_903_YEAR = 2023  # 2022/23, the first collection in the DfE's current layout


def latest_collection_year(today: dt.date) -> int:
    """The collection year under way (named by the year it ends)."""
    return today.year + 1 if today.month >= 4 else today.year


def collection_years(today: dt.date) -> list[tuple[int, str]]:
    """Every collection year from 2022/23 to the one under way, the latest first."""
    latest = latest_collection_year(today)
    return [
        (
            year,
            f"{year - 1}/{year % 100:02d}: 1 April {year - 1} to 31 March {year}"
            + (" (so far)" if year == latest else ""),
        )
        for year in range(latest, FIRST_903_YEAR - 1, -1)
    ]


class ReturnYearForm(forms.Form):
    year = forms.TypedChoiceField(label="Collection year", coerce=int)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = collection_years(today)


class AsAtForm(forms.Form):
    as_at = DateField(what="date the list is as at", label="As at")


# The committee paper's author's forms. Each carries the version of the draft it was read
# at, so that a change made meanwhile by another author is refused, never overwritten.


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OpenPaperForm(forms.Form):
    """The period and scope of the paper to edit (from the Reports page's hidden fields)."""

    period_from = forms.DateField()
    period_to = forms.DateField()
    locality = forms.CharField(required=False)
    publication = forms.BooleanField(required=False)


class FindingForm(VersionForm):
    text = forms.CharField(
        label="Finding", widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    recommendation = forms.CharField(
        label="Recommendation (leave empty for none)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class DetailsForm(VersionForm):
    author_name = forms.CharField(label="Report author: name", required=False, max_length=200)
    author_role = forms.CharField(label="Report author: role", required=False, max_length=200)
    contact_name = forms.CharField(label="Contact officer: name", required=False, max_length=200)
    contact_role = forms.CharField(label="Contact officer: role", required=False, max_length=200)
    contact_details = forms.CharField(
        label="Contact officer: email or telephone", required=False, max_length=300
    )
    financial_implications = forms.CharField(
        label="Financial and staff implications", widget=forms.Textarea, required=False
    )
    legal_implications = forms.CharField(
        label="Legal implications", widget=forms.Textarea, required=False
    )
    equalities_implications = forms.CharField(
        label="Equalities implications", widget=forms.Textarea, required=False
    )
    risk_implications = forms.CharField(label="Risk", widget=forms.Textarea, required=False)
    background_papers = forms.CharField(
        label="Background papers", widget=forms.Textarea, required=False
    )


class NoteForm(VersionForm):
    first = DateField(what="date the note is about", label="Date (or first day)")
    last = DateField(
        what="last day the note is about", label="Last day, if a period", required=False
    )
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='For example "The first COVID-19 lockdown began."',
    )


TEMPLATE_TOO_BIG = "The template is larger than {mb} MB. Choose the council's .docx template."
TEMPLATE_MAX_MB = 10


class TemplateForm(forms.Form):
    """The council's Word template, to write the paper in its house style."""

    template = forms.FileField(
        label="The council's Word template (.docx)",
        help_text="The paper is written in its styles, with its header, footer and logo.",
    )

    def clean_template(self):
        upload = self.cleaned_data["template"]
        if upload.size > TEMPLATE_MAX_MB * 1024 * 1024:
            raise ValidationError(TEMPLATE_TOO_BIG.format(mb=TEMPLATE_MAX_MB))
        return upload


# The council's population aged 0-17 by ethnic group, loaded on the web (reports.population).
# A file of five rows is a few hundred bytes: the cap only turns away a wrong file.
POPULATION_MAX_MB = 1
CHOOSE_POPULATION_FILE = "Choose the CSV file of the population by ethnic group."
NO_POPULATION_SOURCE = (
    "Say where the figures come from, as the paper will cite them, e.g. 'Census 2021, ONS "
    "table TS021'."
)
POPULATION_COMMAND = "load it with the load-population-by-ethnicity command"


class PopulationUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file of the population by ethnic group",
        error_messages={
            "required": CHOOSE_POPULATION_FILE,
            "empty": "The file you chose is empty. " + CHOOSE_POPULATION_FILE,
            "invalid": CHOOSE_POPULATION_FILE,
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    source = forms.CharField(
        label="Where the figures come from",
        max_length=200,
        help_text="As the committee paper will cite them, e.g. 'Census 2021, ONS table TS021'.",
        error_messages={"required": NO_POPULATION_SOURCE},
    )

    def clean_file(self):
        """Refused before it is read when larger than the cap, as the other uploads are."""
        return upload_within(
            self.cleaned_data["file"], limit=POPULATION_MAX_MB, command=POPULATION_COMMAND
        )
