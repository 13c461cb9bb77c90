"""The forms of a notification's page: each action a person takes on it is one POST."""

from django import forms

LINK = "link"
NEW_CHILD = "new_child"
ASK_MORE = "ask_more"
SET_ASIDE = "set_aside"
KEEP = "keep"
RELINK = "relink"
CHECK = "check"
RETRY = "retry"
ACTIONS = (LINK, NEW_CHILD, ASK_MORE, SET_ASIDE, KEEP, RELINK, CHECK, RETRY)

KEEP_CHOICES = (
    ("coordinator", "Keep the coordinator's value"),
    ("police", "Take the police's value"),
)

NOTE_NEEDED = "Say what more you need to know, and from whom."
REASON_NEEDED = "Say why this notification is set aside."
KEEP_NEEDED = "Choose whose value the episode keeps."
KEEP_FIELD_NEEDED = "For {label}, choose whose value the episode keeps."
CHILD_NEEDED = "Choose the child, or give their local id."
# Django fills in the limit and the length (%-style).
NOTE_TOO_LONG = (
    "Your note is %(show_value)d characters long, and a note may be at most %(limit_value)d. "
    "Shorten it: keep the full details in the child's case record and say here where they are."
)
REASON_TOO_LONG = (
    "Your reason is %(show_value)d characters long, and a reason may be at most "
    "%(limit_value)d. Shorten it: keep the full details in the child's case record and say "
    "here where they are."
)
LOCAL_ID_TOO_LONG = (
    "A local id is at most %(limit_value)d characters (this is %(show_value)d): copy it from "
    "the child's page."
)
PAGE_TOO_OLD = "This page is out of date. Open the notification again, then try again."


class NotificationActionForm(forms.Form):
    """One action on a notification, at the version the person saw."""

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Moving an episode is checked against the episode's version, as the person saw it.
    episode_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    child = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The person has seen what the action will do (a disagreement, what moves) and goes on.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    local_id = forms.CharField(
        label="The child's local id",
        required=False,
        max_length=64,
        error_messages={"max_length": LOCAL_ID_TOO_LONG},
    )
    note = forms.CharField(
        label="What more is needed",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": NOTE_TOO_LONG},
    )
    reason = forms.CharField(
        label="Why it is set aside",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": REASON_TOO_LONG},
    )
    keep = forms.ChoiceField(
        label="Which value the episode keeps",
        choices=KEEP_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, conflicts=(), **kwargs):
        """`conflicts`: the notification's conflicts (selectors.Conflict), each a choice."""
        super().__init__(*args, **kwargs)
        self.conflicts = list(conflicts)
        for conflict in self.conflicts:
            self.fields[keep_field(conflict.field)] = forms.ChoiceField(
                label=f"{conflict.label}: which value the episode keeps",
                choices=(
                    ("coordinator", f"Keep the coordinator's: {conflict.coordinator}"),
                    ("police", f"Take the police's: {conflict.police}"),
                ),
                required=False,
                widget=forms.RadioSelect,
            )

    def keep_fields(self) -> list:
        """Each conflict with its choice on the form, in the conflicts' order."""
        return [(conflict, self[keep_field(conflict.field)]) for conflict in self.conflicts]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        needs = {ASK_MORE: ("note", NOTE_NEEDED), SET_ASIDE: ("reason", REASON_NEEDED)}
        if action == KEEP and self.conflicts and not data.get("keep"):
            # One choice a field; "keep" (the same for all) is still understood.
            for conflict in self.conflicts:
                name = keep_field(conflict.field)
                if not data.get(name):
                    self.add_error(name, KEEP_FIELD_NEEDED.format(label=conflict.label.lower()))
            data["keeps"] = {c.field: data.get(keep_field(c.field)) for c in self.conflicts}
        elif action == KEEP and not data.get("keep"):
            self.add_error("keep", KEEP_NEEDED)
        if action in needs:
            name, message = needs[action]
            if not (data.get(name) or "").strip():
                self.add_error(name, message)
        if action in (LINK, RELINK) and not data.get("child") and not data.get("local_id"):
            self.add_error("local_id", CHILD_NEEDED)
        if action == RELINK and data.get("episode_version") is None:
            self.add_error(None, PAGE_TOO_OLD)
        return data


def keep_field(field: str) -> str:
    """The form's name of the choice for one conflicting field."""
    return f"keep_{field}"
