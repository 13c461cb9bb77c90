"""Small typed readers for settings taken from the environment.

Each rejects a bad value at start-up with a sentence saying which variable is wrong,
rather than letting a typo become a silent default.
"""

import json
import os
from urllib.parse import unquote, urlparse


class ConfigurationError(RuntimeError):
    pass


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}.") from None


def env_fraction(name: str, default: float) -> float:
    """A number from 0 to 1, such as a probability threshold."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise ConfigurationError(f"{name} must be a number from 0 to 1, not {value!r}.")
    return number


RATE_PERIODS = ("second", "minute", "hour", "day")


def env_rate(name: str, default: str) -> str:
    """A rate such as 120/minute: a whole number of requests, then second, minute, hour or day."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    count, _, period = value.strip().partition("/")
    if not (count.isdigit() and int(count) > 0 and period in RATE_PERIODS):
        raise ConfigurationError(
            f"{name} must be a number of requests per second, minute, hour or day, such as "
            f"120/minute, not {value!r}."
        )
    return f"{int(count)}/{period}"


def env_json(name: str, default: dict) -> dict:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        parsed = json.loads(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a JSON object, not {value!r}.") from None
    if not isinstance(parsed, dict):
        raise ConfigurationError(f"{name} must be a JSON object, not {value!r}.")
    return parsed


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str, *, prepared_statements: bool = True) -> dict:
    """Django DATABASES entry for a postgres:// or sqlite:/// URL.

    On PostgreSQL, `prepared_statements` sends each query's values apart from its text
    (server-side binding) and has psycopg prepare a query the second time a connection runs
    it: PostgreSQL then plans it once, not on every page. Planning was most of the database's
    work for a page (docs/performance.md). Turn it off behind a pooler in transaction mode
    that cannot keep prepared statements (PgBouncer before 1.21).
    """
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        options = (
            {"server_side_binding": True, "prepare_threshold": 2} if prepared_statements else {}
        )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "OPTIONS": options,
            "TEST": {"NAME": f"test_{unquote(parsed.path.lstrip('/'))}"},
        }
    if parsed.scheme == "sqlite":
        return sqlite_database(unquote(parsed.path))
    raise ConfigurationError(
        f"DATABASE_URL must start with postgresql:// or sqlite:///, not {parsed.scheme!r}."
    )


def sqlite_database(path) -> dict:
    """Django DATABASES entry for a SQLite file that two people can save to at once.

    WAL lets pages read while someone saves; each transaction takes the write lock when it
    begins (IMMEDIATE), waiting up to 20 seconds for another to finish, so a save never
    fails as "database is locked" half-way through: SQLite cannot wait for a lock a
    transaction that has already read asks for later, and fails it at once.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of a few words, such as automatic or on_click."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    if value.strip() not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value.strip()
