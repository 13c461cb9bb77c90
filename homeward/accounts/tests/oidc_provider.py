"""A real OpenID Connect provider for the tests: panva's oidc-provider, run with Node.

The script is e2e/oidc_provider/provider.mjs (installed by `npm ci` as a devDependency). It
listens on a free port of this machine's loopback address only, and makes its RS256 signing
key when it starts. `pytest.fail`s with what to run when Node or the package is missing.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "e2e" / "oidc_provider" / "provider.mjs"
PACKAGE = ROOT / "node_modules" / "oidc-provider"
CLIENT_ID = "homeward-tests"
CLIENT_SECRET = "made-up-client-secret-for-tests"  # noqa: S105
START_SECONDS = 20


@dataclass
class Provider:
    issuer: str
    people: dict

    def configure(self, settings, *, name="Made-up Council Entra ID") -> None:
        """Turn OIDC on in Homeward's settings, found from the issuer's discovery document."""
        from homeward.accounts.oidc import forget_discovery

        forget_discovery()
        settings.HOMEWARD_OIDC_ISSUER = self.issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.HOMEWARD_OIDC_PROVIDER_NAME = name


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_provider(people: dict, redirect_uris: list[str]):
    """Start the provider with these made-up people (email -> claims); yield a Provider."""
    node = shutil.which("node")
    if node is None or not PACKAGE.exists():
        pytest.fail("Node and the oidc-provider package are needed: run `make install`.")
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "OIDC_TEST_PORT": str(port),
        "OIDC_TEST_CLIENT_ID": CLIENT_ID,
        "OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_TEST_REDIRECT_URIS": " ".join(redirect_uris),
        "OIDC_TEST_PEOPLE": json.dumps(people),
        "NODE_ENV": "test",
    }
    process = subprocess.Popen(  # noqa: S603
        [node, str(SCRIPT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = ""
        deadline = time.monotonic() + START_SECONDS
        while "ready" not in line:
            line = process.stdout.readline()
            if (not line and process.poll() is not None) or time.monotonic() > deadline:
                pytest.fail(f"The test OIDC provider did not start: {line}{process.stdout.read()}")
        yield Provider(issuer=f"http://127.0.0.1:{port}", people=people)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action = None

    def handle_starttag(self, tag, attrs):
        if tag == "form" and self.action is None:
            self.action = dict(attrs).get("action")


def sign_in_at_provider(authorize_url: str, email: str, *, mfa: bool = False) -> str:
    """Do what a person does at the provider: open its page, type their email, continue.

    Returns the URL the provider sends them back to (Homeward's callback with the code).
    """
    with requests.Session() as browser:
        response = browser.get(authorize_url, allow_redirects=True, timeout=10)
        response.raise_for_status()
        form = _Form()
        form.feed(response.text)
        data = {"login": email, **({"mfa": "yes"} if mfa else {})}
        url = urljoin(response.url, form.action)
        # Follow the provider's own redirects, stopping at the first one back to Homeward.
        response = browser.post(url, data=data, allow_redirects=False, timeout=10)
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(authorize_url.split("/auth")[0]):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
        raise AssertionError(f"The provider did not send the person back: {response.text}")
