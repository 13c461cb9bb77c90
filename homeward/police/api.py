"""The police notifications API: a force's system posts one event at a time, as JSON.

Built on Django REST framework, which brings the token authentication hook, the per-force
throttle and the JSON parsing, and drf-spectacular, which writes the OpenAPI 3 document
(`/api/v1/openapi.json`) from this same code, so that the document cannot drift from what
the API does (docs/api.md says why these two). Every call is audited, refused or not.

What is checked, in this order: the token (401), the force's rate (429), the body's size
(413) and type (415), that it is a JSON object of known fields whose values are all strings,
with a council that exists (400, nothing kept), that the force serves that council (403).
Then the notification is kept whatever it holds: one that cannot be read is kept as a
problem, and answered 400 with what was wrong and its id.
"""

import codecs
import json
import logging
import math

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_header_parameters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.utils.json import strict_constant
from rest_framework.views import APIView

from homeward.audit.models import Action
from homeward.audit.services import audit_record, entries_together
from homeward.core.problems import when
from homeward.councils.installation import installation_council
from homeward.councils.models import Council
from homeward.police import api_schema
from homeward.police.models import ForceToken, Source
from homeward.police.reading import COLUMNS
from homeward.police.services import notification_receive
from homeward.police.tokens import token_for

log = logging.getLogger(__name__)

MOST_BYTES = 64 * 1024
FIELDS = ("council", *COLUMNS)

NO_BEARER = (
    "Send the force's token in the Authorization header, as: Bearer <token>. Ask the "
    "council's Homeward administrator for a token if the force has none."
)
UNKNOWN_BEARER = (
    "This is not a token Homeward knows: check that it was copied whole, or ask the "
    "council's Homeward administrator for a new one."
)
REVOKED = (
    "This token was revoked on {when}. Ask the council's Homeward administrator for a new one."
)
SLOW_DOWN = (
    "{force} may send at most {count} notifications a {period}: this one was not kept. Send "
    "it again in {seconds} seconds."
)
TOO_BIG = (
    "The body is {size} bytes: a notification may be at most {most} bytes (64 KiB). Nothing "
    "was kept."
)
NOT_JSON_TYPE = (
    "Send the notification as JSON, with the header Content-Type: application/json (this "
    "was {type}). Nothing was kept."
)
NOT_JSON = "The body is not JSON ({why}). Nothing was kept."
# What to send, said after each reason a body could not be read.
SEND_ONE = (
    'Send one notification as a JSON object in UTF-8, for example {"council": "931", '
    '"police_ref": "MS-0001", "event": "missing", ...} (docs/api.md lists the fields). '
    "Nothing was kept."
)
EMPTY_BODY = "The body is empty. " + SEND_ONE
NOT_UTF8_CHARSET = (
    "The body was sent as '{charset}' (the charset of its Content-Type): Homeward reads "
    "UTF-8 only. Send Content-Type: application/json, or application/json; charset=utf-8, "
    "with the body written in UTF-8. Nothing was kept."
)
NOT_UTF8_BODY = (
    "The body is not UTF-8 text: byte {at} ({byte}) cannot be read as UTF-8, as when a body "
    "is written in Latin-1 or Windows-1252. Write it in UTF-8 (é is two bytes, C3 A9). "
    "Nothing was kept."
)
NOT_JSON_AT = "The body is not valid JSON: {what}, at line {line}, column {column}."
NO_LENGTH = (
    "The body was sent in chunks, without a Content-Length header, and Homeward reads a body "
    "of the length given by Content-Length alone. Send the notification with a Content-Length "
    "header (most HTTP clients do when given the whole body). Nothing was kept."
)
GIVEN_TWICE = (
    "{name} is given more than once in the body, so Homeward cannot tell which value is meant. "
    "Send each field once."
)
NESTED_TOO_DEEPLY = "The body is not a notification: it is nested too deeply to read. " + SEND_ONE
# Python's JSON reader's words for what it expected, in a person's words.
JSON_PROBLEMS = (
    ("Expecting value", "a value was expected (a string in double quotes, for each field)"),
    ("Expecting property name", "a field name in double quotes was expected"),
    ("Expecting ',' delimiter", "a comma was expected between two fields"),
    ("Expecting ':' delimiter", "a colon was expected between a field's name and its value"),
    ("Unterminated string", "a string is not closed with a double quote"),
    ("Extra data", "there is more after the end of the JSON object"),
    ("Invalid control character", "a string holds a line break or tab: write it as \\n or \\t"),
    ("Invalid \\escape", "a backslash in a string starts no escape JSON knows: write it as \\\\"),
)
NOT_AN_OBJECT = "Send one notification as a JSON object: field names and their values."
NOT_A_FIELD = "'{name}' is not a field Homeward knows (docs/api.md lists them). Leave it out."
NOT_TEXT = (
    "Send {name} as a string, in quotes, even when it is a number or a date; leave it out "
    "when it is not known."
)
UNSTORABLE = "{name} holds a character no database can store ({code}): remove it."
COUNCIL_NEEDED = (
    "Give the DfE code of the child's council (three digits, for example 931) as council."
)
NO_SUCH_COUNCIL = "There is no council with the DfE code '{code}'. Check the code (e.g. 931)."
OTHER_FORCE = (
    "This token is {force}'s, but force says '{named}'. Leave force out: the token says "
    "which force sent it."
)
NOT_SERVED = (
    "{force} does not send notifications for {council} in Homeward, so nothing was kept. "
    "If it should, ask the council's Homeward administrator to add the council to the force."
)
NOT_THIS_HOMEWARD = (
    "This Homeward keeps the notifications of {here} alone, so nothing about a child of "
    "{council} was kept: nobody here could see it. Send it to {council}'s missing children "
    "team, and ask {here}'s Homeward administrator to take {council} off the force's councils."
)
NOT_ALLOWED = "Only POST is answered here: {method} is not."
NOTHING_DONE = "Nothing was kept."


class Refused(exceptions.APIException):
    """A request answered with what was wrong, field by field."""

    def __init__(self, errors: list[dict], status_code: int = status.HTTP_400_BAD_REQUEST):
        super().__init__()
        self.errors = errors
        self.status_code = status_code


def error(field: str | None, message: str) -> dict:
    """One thing wrong: the field it is about (None: the whole request), and what to do."""
    return {"field": field, "message": message}


class HasForceToken(BasePermission):
    """A force's token was presented and is active (request.auth is the token)."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ForceToken)


class ForceTokenAuthentication(BaseAuthentication):
    """Authorization: Bearer <token>, a token an administrator issued to the force."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        presented = parts[1].decode("latin-1") if len(parts) == 2 else ""
        token = token_for(presented)
        if token is None:
            raise exceptions.AuthenticationFailed(UNKNOWN_BEARER)
        request.presented_token = token
        if not token.is_active:
            raise exceptions.AuthenticationFailed(REVOKED.format(when=when(token.revoked_at)))
        # The caller is a force's system, not a person: nobody is signed in (request.user is
        # anonymous, for the middleware that reads it); request.auth is the token.
        return AnonymousUser(), token

    def authenticate_header(self, request):
        return 'Bearer realm="Homeward police notifications"'


class ForceRateThrottle(SimpleRateThrottle):
    """At most HOMEWARD_API_RATE calls from one force, whichever of its tokens it uses."""

    scope = "force"

    def get_rate(self):
        return settings.HOMEWARD_API_RATE

    def get_cache_key(self, request, view):
        token = request.auth
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.force_id}


class JSONOnly(BaseContentNegotiation):
    """JSON is the only answer, whatever the caller says it accepts: never a 406."""

    def select_parser(self, request, parsers):
        for parser in parsers:
            if request.content_type.split(";")[0].strip().lower() == parser.media_type:
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Unreadable(exceptions.ParseError):
    """A body that could not be read, with what was wrong and what to send, in words."""


class JSONObjectParser(JSONParser):
    """JSON in UTF-8 (whatever charset is declared), each way it cannot be read said in
    words (400), never a 500: another charset, bytes that are not UTF-8, JSON that is not."""

    def parse(self, stream, media_type=None, parser_context=None):
        _, params = parse_header_parameters(media_type or "")
        charset = params.get("charset", "utf-8").strip()
        if charset.lower().replace("-", "").replace("_", "") != "utf8":
            raise Unreadable(NOT_UTF8_CHARSET.format(charset=charset[:40]))
        raw = stream.read() if stream is not None else b""
        try:
            # A byte-order mark (as some systems write UTF-8) is no part of the JSON.
            text = raw.removeprefix(codecs.BOM_UTF8).decode("utf-8")
        except UnicodeDecodeError as error:
            byte = f"{raw[error.start]:02X}"
            raise Unreadable(NOT_UTF8_BODY.format(at=error.start + 1, byte=byte)) from None
        if not text.strip():
            raise Unreadable(EMPTY_BODY)
        parse_constant = strict_constant if self.strict else None
        twice = []
        try:
            data = json.loads(
                text, parse_constant=parse_constant, object_pairs_hook=_noting_twice(twice)
            )
        except json.JSONDecodeError as error:
            what = next((said for ours, said in JSON_PROBLEMS if error.msg.startswith(ours)), "")
            what = what or "it could not be read"
            line, column = error.lineno, error.colno
            said = NOT_JSON_AT.format(what=what, line=line, column=column)
            raise Unreadable(f"{said} {SEND_ONE}") from None
        except RecursionError:
            raise Unreadable(NESTED_TOO_DEEPLY) from None
        except ValueError as error:  # NaN or Infinity, which JSON does not have
            said = NOT_JSON.format(why=str(error)[:200]).removesuffix(" Nothing was kept.")
            raise Unreadable(f"{said} {SEND_ONE}") from None
        if twice:
            # Python keeps the last of a name given twice, silently: a force's system that
            # wrote a field twice would lose the first value without knowing.
            raise _given_twice(twice)
        return data


def _given_twice(twice: list[str]) -> "Refused":
    names = dict.fromkeys(name[:100] for name in twice)
    return Refused([error(name, GIVEN_TWICE.format(name=name)) for name in names])


def _noting_twice(twice: list):
    """A JSON object reader that notes, in `twice`, each name given more than once."""

    def read(pairs):
        data = {}
        for name, value in pairs:
            if name in data:
                twice.append(name)
            data[name] = value
        return data

    return read


class NotificationsView(APIView):
    http_method_names = ["post"]
    authentication_classes = [ForceTokenAuthentication]
    permission_classes = [HasForceToken]
    throttle_classes = [ForceRateThrottle]
    parser_classes = [JSONObjectParser]
    content_negotiation_class = JSONOnly
    notification = None
    already_received = False
    audited = False  # the call's entry was written with its notification's

    @extend_schema(
        operation_id="notification_send",
        summary="Send one notification",
        description=api_schema.SEND,
        request=api_schema.NotificationIn,
        responses=api_schema.RESPONSES,
        examples=api_schema.EXAMPLES,
        parameters=[
            OpenApiParameter(
                "Retry-After",
                int,
                OpenApiParameter.HEADER,
                response=[429],
                required=True,
                description="Seconds to wait before sending again.",
            ),
            OpenApiParameter(
                "WWW-Authenticate",
                str,
                OpenApiParameter.HEADER,
                response=[401],
                required=True,
                description="Says that a Bearer token is needed.",
            ),
        ],
    )
    def post(self, request):
        data = self._read(request)
        council = self._council(request, data)
        fields = {name: value for name, value in data.items() if name != "council"}
        # The call's audit entry is written with the notification's, in its transaction: one
        # commit and one hold of the audit log's head a call. A call refused before this, or
        # failing in it, is audited on its own (finalize_response, raise_uncaught_exception).
        with transaction.atomic(), entries_together():
            received = notification_receive(
                council=council,
                force_name=request.auth.force.name,
                data=fields,
                source=Source.API,
                force=request.auth.force,
                token=request.auth,
                savepoint=False,  # any error ends this transaction (a 500)
            )
            self.notification = received.notification
            self.already_received = not received.created
            response = self._answer(received)
            self._audit(request, response.status_code)
            self.audited = True
        return response

    def _answer(self, received) -> Response:
        body = {
            "id": received.notification.pk,
            "state": received.notification.state,
            "outcome": received.notification.outcome,
            "already_received": self.already_received,
        }
        if received.problems:
            errors = [error(problem.field, problem.message) for problem in received.problems]
            return Response({"errors": errors, **body}, status=status.HTTP_400_BAD_REQUEST)
        answer = status.HTTP_200_OK if self.already_received else status.HTTP_201_CREATED
        return Response(body, status=answer)

    def _read(self, request) -> dict:
        size = _declared_size(request)
        if size > MOST_BYTES:
            raise Refused([error(None, TOO_BIG.format(size=size, most=MOST_BYTES))], 413)
        if size == 0:
            # DRF reads no body as an empty object: it is said as what it is. Django reads no
            # body sent in chunks (without Content-Length), so that is said too.
            chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
            raise Refused([error(None, NO_LENGTH if chunked else EMPTY_BODY)])
        data = request.data
        if not isinstance(data, dict):
            raise Refused([error(None, NOT_AN_OBJECT)])
        problems = [
            error(name[:100], NOT_A_FIELD.format(name=name[:100]))
            for name in data
            if name not in FIELDS
        ]
        for name, value in data.items():
            if name not in FIELDS:
                continue
            if not isinstance(value, str):
                problems.append(error(name, NOT_TEXT.format(name=name)))
            elif code := _unstorable(value):
                problems.append(error(name, UNSTORABLE.format(name=name, code=code)))
        named = data.get("force")
        force = request.auth.force
        if isinstance(named, str) and named.strip() and named.strip().lower() != force.name.lower():
            problems.append(error("force", OTHER_FORCE.format(force=force, named=named)))
        if problems:
            raise Refused(problems)
        return data

    def _council(self, request, data: dict) -> Council:
        code = data.get("council", "").strip()
        if not code:
            raise Refused([error("council", COUNCIL_NEEDED)])
        if code == settings.HOMEWARD_COUNCIL and request.auth.serves_installation:
            # Read with the token (`token_for`): the call of nearly every force's system.
            return installation_council()
        force = request.auth.force
        council = force.councils.filter(code=code).first()
        if council is not None:
            here = installation_council()
            if council.pk != here.pk:
                problem = error("council", NOT_THIS_HOMEWARD.format(here=here, council=council))
                raise Refused([problem], status.HTTP_403_FORBIDDEN)
            return council
        council = Council.objects.filter(code=code).first()
        if council is None:
            raise Refused([error("council", NO_SUCH_COUNCIL.format(code=code[:20]))])
        problem = error("council", NOT_SERVED.format(force=force, council=council))
        raise Refused([problem], status.HTTP_403_FORBIDDEN)

    def get_exception_handler(self):
        return refusal

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        if not self.audited:
            self._audit(request, response.status_code)
        return response

    def raise_uncaught_exception(self, exc):
        try:
            self._audit(self.request, status.HTTP_500_INTERNAL_SERVER_ERROR)
        except Exception:
            # The failure itself is what must be seen: the missing entry is logged beside it.
            log.exception("The API call that failed could not be audited.")
        super().raise_uncaught_exception(exc)

    def _audit(self, request, status_code: int) -> None:
        """One entry a call: which force and token (its prefix only, never the secret), what
        was answered, and the notification it kept or found, if any."""
        token = request.auth or getattr(request, "presented_token", None)
        force = token.force.name if token is not None else ""
        prefix = token.prefix if token is not None else ""
        details = {
            "method": request.method,
            "path": request.path,
            "status": status_code,
            "force": force,
            "token": prefix,
            "notification": self.notification.pk if self.notification else None,
            "already_received": self.already_received,
        }
        label = f"{request.method} {request.path}: {status_code}"
        who = f"{force} (token {prefix})" if token is not None else "unknown caller"
        audit_record(
            action=Action.API_CALL,
            obj=self.notification,
            label=label,
            details=details,
            username=who,
        )


def refusal(exc, context):
    """Every refusal has one shape: {"errors": [{"field", "message"}]}, field null when the
    problem is the whole request. Anything else is left to fail loudly (500)."""
    headers = {}
    if isinstance(exc, Refused):
        problems = exc.errors
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        message = NO_BEARER if isinstance(exc, exceptions.NotAuthenticated) else exc.detail
        problems = [error(None, str(message))]
        headers["WWW-Authenticate"] = getattr(exc, "auth_header", "Bearer")
        exc.status_code = status.HTTP_401_UNAUTHORIZED
    elif isinstance(exc, exceptions.Throttled):
        seconds = max(1, math.ceil(exc.wait or 1))
        force = context["request"].auth.force
        count, period = settings.HOMEWARD_API_RATE.split("/")
        message = SLOW_DOWN.format(force=force, count=count, period=period, seconds=seconds)
        problems = [error(None, message)]
        headers["Retry-After"] = str(seconds)
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        kind = context["request"].content_type or "no Content-Type"
        problems = [error(None, NOT_JSON_TYPE.format(type=kind[:100]))]
    elif isinstance(exc, Unreadable):
        problems = [error(None, str(exc.detail))]
    elif isinstance(exc, exceptions.ParseError):
        problems = [error(None, NOT_JSON.format(why=_why(exc)))]
    elif isinstance(exc, exceptions.MethodNotAllowed):
        method = context["request"].method
        problems = [error(None, NOT_ALLOWED.format(method=method[:20]))]
    else:
        return None
    return Response({"errors": problems}, status=exc.status_code, headers=headers)


def _why(exc) -> str:
    detail = str(exc.detail)
    return detail.removeprefix("JSON parse error - ")[:200]


def _declared_size(request) -> int:
    """The body's size as the caller declared it (Content-Length): Django reads no more."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _unstorable(value: str) -> str | None:
    """NUL, which PostgreSQL cannot store in text or JSON, or half a surrogate pair, which
    no UTF-8 text can hold."""
    for character in value:
        if character == "\x00" or "\ud800" <= character <= "\udfff":
            return f"U+{ord(character):04X}"
    return None
