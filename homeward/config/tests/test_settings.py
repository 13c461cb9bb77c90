import pytest

from homeward.config.env import (
    ConfigurationError,
    database_from_url,
    env_bool,
    env_choice,
    env_fraction,
    env_rate,
)


def test_it_reads_a_postgres_url():
    db = database_from_url("postgresql://homeward:pw@127.0.0.1:5432/homeward")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["HOST"], db["PORT"]) == (
        "homeward",
        "homeward",
        "127.0.0.1",
        "5432",
    )


def test_postgres_plans_a_query_once_a_connection_unless_told_not_to():
    on = database_from_url("postgresql://h@127.0.0.1/homeward")
    assert on["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 2}
    off = database_from_url("postgresql://h@127.0.0.1/homeward", prepared_statements=False)
    assert off["OPTIONS"] == {}


@pytest.mark.django_db
def test_a_page_query_run_again_is_prepared_on_postgres():
    from django.db import connection

    from homeward.councils.models import Council

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for code in ("931", "873", "931"):
        assert Council.objects.filter(code=code).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "councils_council"' in statement for statement in prepared), prepared


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


def test_a_fraction_setting_is_a_number_from_0_to_1(monkeypatch):
    monkeypatch.setenv("HOMEWARD_MADE_UP_FRACTION", "0.9")
    assert env_fraction("HOMEWARD_MADE_UP_FRACTION", 0.5) == 0.9
    monkeypatch.setenv("HOMEWARD_MADE_UP_FRACTION", "")
    assert env_fraction("HOMEWARD_MADE_UP_FRACTION", 0.5) == 0.5
    for bad in ("97%", "1.5", "-0.1", "high"):
        monkeypatch.setenv("HOMEWARD_MADE_UP_FRACTION", bad)
        with pytest.raises(ConfigurationError, match="must be a number from 0 to 1"):
            env_fraction("HOMEWARD_MADE_UP_FRACTION", 0.5)


def test_a_rate_setting_is_a_number_of_requests_per_period(monkeypatch):
    monkeypatch.setenv("HOMEWARD_MADE_UP_RATE", "300/hour")
    assert env_rate("HOMEWARD_MADE_UP_RATE", "120/minute") == "300/hour"
    monkeypatch.setenv("HOMEWARD_MADE_UP_RATE", "")
    assert env_rate("HOMEWARD_MADE_UP_RATE", "120/minute") == "120/minute"
    for bad in ("120", "0/minute", "-1/minute", "120/fortnight", "many/minute", "1.5/second"):
        monkeypatch.setenv("HOMEWARD_MADE_UP_RATE", bad)
        with pytest.raises(ConfigurationError, match="such as 120/minute"):
            env_rate("HOMEWARD_MADE_UP_RATE", "120/minute")


def test_a_choice_setting_is_one_of_its_words(monkeypatch):
    choices = ("automatic", "on_click")
    monkeypatch.setenv("HOMEWARD_MADE_UP_CHOICE", "automatic")
    assert env_choice("HOMEWARD_MADE_UP_CHOICE", "on_click", choices) == "automatic"
    monkeypatch.setenv("HOMEWARD_MADE_UP_CHOICE", "")
    assert env_choice("HOMEWARD_MADE_UP_CHOICE", "on_click", choices) == "on_click"
    monkeypatch.setenv("HOMEWARD_MADE_UP_CHOICE", "sometimes")
    with pytest.raises(ConfigurationError, match="one of automatic, on_click, not 'sometimes'"):
        env_choice("HOMEWARD_MADE_UP_CHOICE", "on_click", choices)
