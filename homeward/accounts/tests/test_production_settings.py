"""Production settings pass Django's deployment checks with no warnings."""

import os
import secrets
import subprocess
import sys

PRODUCTION = {
    "HOMEWARD_PRODUCTION": "true",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "homeward.example.gov.uk",
    "DJANGO_SETTINGS_MODULE": "homeward.config.settings",
}


def deploy_check(tmp_path, **overrides):
    # Only what production would have: no HOMEWARD_ settings from the test run, and not the
    # DJANGO_ALLOW_ASYNC_UNSAFE the browser tests set for themselves.
    ignored = ("HOMEWARD_", "SECRET", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ignored)}
    env.update(PRODUCTION, HOMEWARD_VAR_DIR=str(tmp_path), DATABASE_URL="", **overrides)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "homeward", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings(tmp_path):
    run = deploy_check(tmp_path)
    assert run.returncode == 0, run.stderr
    assert "System check identified no issues (0 silenced)." in run.stdout


def test_the_check_fails_when_production_is_weakened(tmp_path):
    run = deploy_check(tmp_path, HOMEWARD_SSL_REDIRECT="false", HOMEWARD_HSTS_SECONDS="0")
    assert run.returncode != 0
    assert "security.W008" in run.stderr
    assert "security.W004" in run.stderr


def test_production_refuses_to_start_with_debug_pages(tmp_path):
    run = deploy_check(tmp_path, HOMEWARD_DEBUG="true")
    assert run.returncode != 0
    assert "HOMEWARD_DEBUG" in run.stderr
