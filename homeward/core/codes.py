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


class InterviewConductor(models.TextChoices):
    """Who holds a council's return home interviews: its own team or a commissioned provider."""

    TEAM = "team", "The council's own team"
    COMMISSIONED = "commissioned", "A commissioned provider"


class NotHeldReason(models.TextChoices):
    """Why an interview offered was declined or no contact was made."""

    CHILD_DECLINED = "child_declined", "The child declined"
    PARENT_DECLINED = "parent_declined", "A parent or carer declined for the child"
    SPOKE_TO_OTHER = "spoke_to_other", "The child preferred to talk to someone they know"
    NO_RESPONSE = "no_response", "No response to calls, messages or visits"
    MISSING_AGAIN = "missing_again", "The child went missing again"
    MOVED = "moved", "The child moved away or out of area"
    OTHER = "other", "Another reason (in the findings)"


class InterviewFactor(models.TextChoices):
    """What a child says in a return home interview, coded: push and pull factors and
    exploitation indicators (docs/bundle.md, "Interview factors")."""

    PUSH_CONFLICT_HOME = "push_conflict_home", "Push: conflict at home or in placement"
    PUSH_PLACEMENT = "push_placement", "Push: unhappy with the placement or its rules"
    PUSH_BOREDOM = "push_boredom", "Push: boredom, nothing to do"
    PUSH_BULLYING = "push_bullying", "Push: bullying"
    PUSH_MENTAL_HEALTH = "push_mental_health", "Push: emotional or mental health"
    PULL_FRIENDS = "pull_friends", "Pull: to be with friends"
    PULL_FAMILY = "pull_family", "Pull: to see family"
    PULL_PARTNER = "pull_partner", "Pull: to be with a boyfriend or girlfriend"
    PULL_OLDER_ADULTS = "pull_older_adults", "Pull: older people the child met"
    EXPL_SUBSTANCES = "expl_substances", "Indicator: alcohol or drugs"
    EXPL_GIFTS = "expl_gifts", "Indicator: unexplained money, phones or gifts"
    EXPL_DRUG_RUNNING = "expl_drug_running", "Indicator: carrying drugs or money (county lines)"
    EXPL_SEXUAL = "expl_sexual", "Indicator: sexual exploitation"
    EXPL_TRAVEL = "expl_travel", "Indicator: found far from home or taken out of area"
    EXPL_WEAPONS = "expl_weapons", "Indicator: carrying a weapon"


def canonical_code(raw: str, choices) -> str:
    """The code of `choices` that `raw` is, read in any case and with spaces around it
    trimmed ("Male " is male); `raw` trimmed, to be refused by name, when it is none."""
    given = raw.strip()
    return next((code for code in choices if code.casefold() == given.casefold()), given)


def code_list_problem(raw: str, choices, what: str) -> tuple[str, str | None]:
    """A `;`-separated list of codes (each in any case) in `choices`' order, or the sentence
    naming the unknown."""
    given = [canonical_code(code, choices) for code in raw.split(";") if code.strip()]
    unknown = [code for code in given if code not in choices]
    if unknown:
        return "", (
            f"'{'; '.join(unknown)}' is not a {what} code. Use codes from: "
            f"{', '.join(choices)}, separated by ';'."
        )
    return ";".join(code for code in choices if code in given), None


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
