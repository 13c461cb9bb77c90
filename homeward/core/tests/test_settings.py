import pytest

from homeward.config.env import ConfigurationError, database_from_url, env_bool


def test_it_reads_a_postgres_url():
    db = database_from_url("postgresql://homeward:pw@127.0.0.1:5432/homeward")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["HOST"], db["PORT"]) == (
        "homeward",
        "homeward",
        "127.0.0.1",
        "5432",
    )


def test_it_refuses_an_unknown_database_scheme():
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        database_from_url("mysql://x/y")


def test_it_refuses_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("HOMEWARD_DEBUG", "perhaps")
    with pytest.raises(ConfigurationError, match="HOMEWARD_DEBUG"):
        env_bool("HOMEWARD_DEBUG", False)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    import subprocess
    import sys

    env = {"HOMEWARD_PRODUCTION": "true", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import homeward.config.settings"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
