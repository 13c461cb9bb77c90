"""The codes Homeward records, as in the data bundle (docs/bundle.md) and domain.md."""

from django.db import models


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class PlacementType(models.TextChoices):
    FOSTER = "foster", "Foster care"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    SEMI_INDEPENDENT = "semi_independent", "Semi-independent living"
    WITH_PARENTS = "with_parents", "Placed with parents"
    KINSHIP = "kinship", "Kinship care"
    SECURE = "secure", "Secure unit"
    OTHER = "other", "Other placement"


class Category(models.TextChoices):
    MISSING = "missing", "Missing"
    AWAY = "away", "Away from placement without authorisation"


class Risk(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"


class MissingFrom(models.TextChoices):
    HOME = "home", "Home"
    PLACEMENT = "placement", "Placement"
    OTHER = "other", "Other"


class LegalStatus(models.TextChoices):
    LOOKED_AFTER = "looked_after", "Looked after"
    CHILD_PROTECTION = "child_protection", "Child protection plan"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    EARLY_HELP = "early_help", "Early help"
    NONE = "none", "None known"


class InterviewOutcome(models.TextChoices):
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    NO_CONTACT = "no_contact", "No contact made"
    NOT_OFFERED = "not_offered", "Not offered"


class ScreeningOutcome(models.TextChoices):
    NO_CONCERNS = "no_concerns", "No concerns"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Concern(models.TextChoices):
    """Concern types, after the CIN census assessment factors (10A, 11A, 12A, 13A, 24A)."""

    CSE = "cse", "Child sexual exploitation"
    CCE = "cce", "Child criminal exploitation"
    TRAFFICKING = "trafficking", "Trafficking"
    GANGS = "gangs", "Gangs"
    MISSING = "missing", "Going missing"


NO_CONCERNS_RECORDED = "None"


def concerns_in_words(codes: str) -> str:
    """A screening's concern codes ('cse;cce') as a person reads them: 'child sexual
    exploitation, child criminal exploitation'; a code Homeward does not know, as it is."""
    words = dict(Concern.choices)
    shown = [str(words.get(code, code)) for code in codes.split(";") if code]
    if not shown:
        return NO_CONCERNS_RECORDED
    # In a list, each concern after the first reads in lower case, as in a sentence.
    return ", ".join([shown[0], *(word[0].lower() + word[1:] for word in shown[1:])])


# DfE ethnicity codes (SSDA903 / CIN census).
ETHNICITY_CODES = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
