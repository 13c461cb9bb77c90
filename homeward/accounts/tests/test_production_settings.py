"""Production settings pass Django's deployment checks with no warnings."""

import os
import secrets
import subprocess
import sys

import pytest

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


def start(tmp_path, **environment):
    """Start Homeward's settings as an installation with only `environment` set."""
    ignored = ("HOMEWARD_", "SECRET", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ignored)}
    env.update(
        DJANGO_SETTINGS_MODULE="homeward.config.settings",
        HOMEWARD_VAR_DIR=str(tmp_path),
        DATABASE_URL="",
        **environment,
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "homeward", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_installation_on_a_real_host_refuses_the_development_key(tmp_path):
    run = start(tmp_path, ALLOWED_HOSTS="homeward.example.gov.uk")
    assert run.returncode != 0
    assert "Set SECRET_KEY" in run.stderr
    assert "homeward.example.gov.uk" in run.stderr


def test_the_development_key_named_outright_is_refused_on_a_real_host(tmp_path):
    run = start(
        tmp_path,
        ALLOWED_HOSTS="homeward.example.gov.uk",
        SECRET_KEY="homeward-development-only-not-secret",
    )
    assert run.returncode != 0
    assert "Set SECRET_KEY" in run.stderr


def test_a_wildcard_host_is_not_loopback(tmp_path):
    run = start(tmp_path, ALLOWED_HOSTS="127.0.0.1,*")
    assert run.returncode != 0
    assert "Set SECRET_KEY" in run.stderr


@pytest.mark.parametrize(
    "environment",
    [
        {},  # a developer's machine: loopback only
        {"ALLOWED_HOSTS": "localhost,127.0.0.1,[::1]"},
        {"HOMEWARD_DEMO": "true", "ALLOWED_HOSTS": "demo.example.org"},
        {"ALLOWED_HOSTS": "homeward.example.gov.uk", "SECRET_KEY": "a-real-made-up-secret-key"},
    ],
)
def test_loopback_demo_or_a_real_key_starts(tmp_path, environment):
    run = start(tmp_path, **environment)
    assert run.returncode == 0, run.stderr
