"""What the OpenAPI document says of the police notifications API: the request's fields,
each answer's body and headers, and the token. drf-spectacular builds the document from
these and from the view itself (homeward/police/api.py)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from homeward.police.models import State
from homeward.police.reading import COLUMNS

TIMES = "Dates and times as dd/mm/yyyy HH:MM or ISO 8601; without an offset, Europe/London."
DESCRIBED = {
    "council": "The DfE three-digit code of the child's council, e.g. 931. Required.",
    "force": "The force's name. Optional: the token says which force sent it.",
    "police_ref": "The police reference of the report. Required.",
    "event": "missing, update, found or away (absent is read as away). Required.",
    "event_at": f"When the event happened. {TIMES}",
    "last_seen_at": f"When the child was last seen. Required for missing and away. {TIMES}",
    "reported_at": f"When the child was reported missing. {TIMES}",
    "found_at": f"When the child was found. {TIMES}",
    "first_name": "The child's first name.",
    "last_name": "The child's last name.",
    "other_names": "Other names the child is known by.",
    "date_of_birth": "dd/mm/yyyy or yyyy-mm-dd.",
    "sex": "male, female, other or unknown (m, f, u too).",
    "police_id": "The force's own id for the child: the surest link to the child.",
    "postcode": "The child's home postcode.",
    "address": "The child's home address.",
    "missing_from": "home, placement or other.",
    "risk": "high, medium, low, no_apparent_risk, or the force's own word (kept as written).",
    "found_location": "Where the child was found.",
    "reported_by": "Who reported the child missing.",
    "circumstances": "What is known of the circumstances (up to 4000 characters).",
    "la_child_id": "The council's id for the child, if the force knows it.",
}

SEND = (
    "One event about one child's missing episode, from the force the token belongs to. "
    "Every value is a string; a field that is not known is left out. The same event sent "
    "again is answered 200 and changes nothing. A notification that cannot be read is kept "
    "as a problem and answered 400, with what was wrong and its id."
)


class NotificationIn(serializers.Serializer):
    """One notification, as the force sends it. No other fields are accepted."""

    council = serializers.CharField(help_text=DESCRIBED["council"])

    def get_fields(self):
        fields = super().get_fields()
        for name in COLUMNS:
            fields[name] = serializers.CharField(
                required=False, allow_blank=True, help_text=DESCRIBED[name]
            )
        return fields


class Received(serializers.Serializer):
    id = serializers.IntegerField(help_text="The notification's number in Homeward.")
    state = serializers.ChoiceField(
        choices=State.choices, help_text="What became of it: applied, held, review or problem."
    )
    outcome = serializers.CharField(help_text="What happened, in words.")
    already_received = serializers.BooleanField(
        help_text="True when the same event had already been received: nothing was changed."
    )


class Error(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="The field at fault; null when it is the whole request."
    )
    message = serializers.CharField(help_text="What was wrong, and what to do.")


class Refusal(serializers.Serializer):
    errors = Error(many=True)


class KeptAsProblem(serializers.Serializer):
    """A refusal (400) that may have kept the notification as a problem: then its id too."""

    errors = Error(many=True)
    id = serializers.IntegerField(required=False, help_text="The notification kept as a problem.")
    state = serializers.ChoiceField(choices=State.choices, required=False)
    outcome = serializers.CharField(required=False)
    already_received = serializers.BooleanField(required=False)


RESPONSES = {
    201: OpenApiResponse(Received, description="Kept, and applied, held or waiting for review."),
    200: OpenApiResponse(Received, description="Already received: nothing was changed."),
    400: OpenApiResponse(
        KeptAsProblem,
        description=(
            "Not a notification Homeward can take: the body is empty (or sent in chunks "
            "without Content-Length), not UTF-8 (or sent with another charset), not valid "
            "JSON, or not a JSON object of known string fields, each given once, with a "
            "council (nothing kept: field is null when the whole body is at fault), or "
            "its fields cannot be read (kept as a problem: id says which)."
        ),
    ),
    401: OpenApiResponse(Refusal, description="No token, or one that is unknown or revoked."),
    403: OpenApiResponse(
        Refusal, description="The force does not serve that council, or it is not this Homeward's."
    ),
    413: OpenApiResponse(Refusal, description="The body is over 64 KiB."),
    415: OpenApiResponse(Refusal, description="The body is not sent as application/json."),
    429: OpenApiResponse(Refusal, description="Too many calls from this force: wait."),
}


# A made-up child, as a force's system would report them.
A_REPORT = {
    "council": "931",
    "police_ref": "TVP-26-000123",
    "event": "missing",
    "last_seen_at": "09/03/2026 21:30",
    "reported_at": "09/03/2026 23:05",
    "first_name": "Jordan",
    "last_name": "Madeupson",
    "date_of_birth": "03/04/2011",
    "sex": "male",
    "police_id": "PID-MADE-UP-1001",
    "postcode": "ZZ1 1AA",
    "missing_from": "placement",
    "risk": "Medium",
    "reported_by": "Residential worker",
}


def _example(title: str, status: int, value: dict) -> OpenApiExample:
    return OpenApiExample(title, value=value, response_only=True, status_codes=[str(status)])


def _refused(title: str, status: int, field, message: str) -> OpenApiExample:
    return _example(title, status, {"errors": [{"field": field, "message": message}]})


EXAMPLES = [
    OpenApiExample("A missing report", value=A_REPORT, request_only=True),
    _example(
        "Kept and applied",
        201,
        {
            "id": 4021,
            "state": "applied",
            "outcome": "Recorded a new missing episode, E-000812, for child C-000314.",
            "already_received": False,
        },
    ),
    _example(
        "Already received",
        200,
        {
            "id": 4021,
            "state": "applied",
            "outcome": "Recorded a new missing episode, E-000812, for child C-000314.",
            "already_received": True,
        },
    ),
    _example(
        "Kept as a problem",
        400,
        {
            "errors": [
                {"field": "date_of_birth", "message": "31/02/2011 is not a date that exists."}
            ],
            "id": 4022,
            "state": "problem",
            "outcome": (
                "Could not be read: 1 problem. It is kept, with what was wrong, as a problem."
            ),
            "already_received": False,
        },
    ),
    _refused(
        "Not valid JSON",
        400,
        None,
        "The body is not valid JSON: a comma was expected between two fields, at line 3, "
        "column 5. Send one notification as a JSON object in UTF-8, for example … Nothing "
        "was kept.",
    ),
    _refused("No token", 401, None, "Send the force's token in the Authorization header."),
    _refused("Not served", 403, "council", "Made-up Police does not send notifications for …"),
    _refused("Too big", 413, None, "The body is 70000 bytes: a notification may be at most …"),
    _refused("Not JSON", 415, None, "Send the notification as JSON, with the header …"),
    _refused("Too many", 429, None, "Made-up Police may send at most 120 notifications a …"),
]


class ForceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "homeward.police.api.ForceTokenAuthentication"
    name = "forceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token an administrator issued to the force (docs/api.md).",
        }


def strict_request_bodies(result, generator, request, public):
    """The request refuses fields it does not know, and so says the document."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            component["additionalProperties"] = False
    return result
