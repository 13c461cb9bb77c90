"""Made-up forces and their tokens, and posting to the API as one, for the API's tests."""

import json

from django.core.cache import cache
from django.urls import reverse

from homeward.councils.tests.factories import council
from homeward.police.tests.test_services import report as services_report
from homeward.police.tokens import Issued, force_create, force_token_issue

FORCE = "Made-up Shire Police"
URL = "/api/v1/notifications"


def made_up_force(name: str = FORCE, codes=("931",), label: str = "Made-up control room"):
    """A force serving the given councils, and a token issued to it (secret included)."""
    force = force_create(name=name, councils=[council(code) for code in codes], by=None)
    return force_token_issue(force=force, label=label, by=None)


def post(client, body, issued: Issued | None = None, *, secret: str | None = None, **extra):
    """Post a notification as JSON, with the token's secret as the Bearer token."""
    secret = secret if secret is not None else (issued.secret if issued else None)
    if secret is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    extra.setdefault("content_type", "application/json")
    return client.post(URL, data, **extra)


def report(**fields) -> dict:
    """A made-up child's missing report, as the force's system sends it: the service tests'
    report, with the council it is about."""
    return {"council": "931"} | services_report(**fields)


def forget_rates() -> None:
    """The throttle counts calls in the cache, which outlives a test's database."""
    cache.clear()


def openapi_url() -> str:
    return reverse("api:openapi")
