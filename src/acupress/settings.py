"""Every setting acupress reads from its environment, listed once: its name, the
environment variable that sets it, its default and what it does. Code reads a setting
through ``given`` (never ``os.environ`` itself), and ``acupress settings`` shows them all
with where each value came from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal


# Read, never compared or printed: no generated equality or repr (their making is most
# of what defining a dataclass costs, at every start-up).
@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Setting:
    """A setting: its name, the variable that sets it, its default, what it does."""

    name: str
    env: str
    default: str  # in words, as the help and the README say it
    help: str


SETTINGS = (
    Setting(
        name="home",
        env="ACUPRESS_HOME",
        default="the platform's user data directory (~/.local/share/acupress on Linux)",
        help="The data directory: journal, profile, today's answers, your protocols, the "
        "web app's key.",
    ),
    Setting(
        name="database_url",
        env="ACUPRESS_DATABASE_URL",
        default="journal.db in the data directory",
        help="The journal's database, as an SQLAlchemy URL: a SQLite file "
        "(sqlite:///PATH), or a PostgreSQL database for the server mode "
        "(postgresql+psycopg://USER:PASSWORD@HOST/DATABASE), migrated with acupress db "
        "upgrade.",
    ),
    Setting(
        name="debug",
        env="ACUPRESS_DEBUG",
        default="off",
        help="Any value shows an unexpected error's traceback instead of one sentence.",
    ),
    # The server mode: several people, each signing in to their own journal.
    Setting(
        name="accounts",
        env="ACUPRESS_ACCOUNTS",
        default="off",
        help="Any value makes the web app ask everyone to sign in to their own account, as "
        "acupress serve --accounts does.",
    ),
    Setting(
        name="workers",
        env="ACUPRESS_WORKERS",
        default="1",
        help="How many processes the web app runs, as acupress serve --workers does.",
    ),
    Setting(
        name="speed",
        env="ACUPRESS_SPEED",
        default="1",
        help="How many times faster than real time the web app's workers run sessions, "
        "as acupress serve --speed sets for them (a demonstration, or a load test).",
    ),
    Setting(
        name="speed_since",
        env="ACUPRESS_SPEED_SINCE",
        default="when each process starts",
        help="The moment (seconds since 1970) from which the workers' faster time runs, "
        "set by acupress serve so that every worker reads the same time.",
    ),
    Setting(
        name="allowed_hosts",
        env="ACUPRESS_ALLOWED_HOSTS",
        default="this computer's names; any name when the web app listens beyond it",
        help="The host names the web app answers to, separated by commas (your server's "
        "name, such as acupress.example.org).",
    ),
    Setting(
        name="trusted_proxies",
        env="ACUPRESS_TRUSTED_PROXIES",
        default="none",
        help="The addresses of the reverse proxies in front of the web app, separated by "
        "commas (networks such as 10.0.0.0/8 too): only their X-Forwarded-For, "
        "X-Forwarded-Proto and X-Forwarded-Host headers are believed.",
    ),
    Setting(
        name="base_url",
        env="ACUPRESS_BASE_URL",
        default="http://127.0.0.1:8321",
        help="The address people open the web app at, for the links of invitations.",
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}


def given(name: str) -> str | None:
    """The value set in the environment for the setting ``name``, or None when it is
    unset or empty (the default applies)."""
    return os.environ.get(BY_NAME[name].env) or None


def database_url() -> str:
    """The journal's database: as set, else journal.db in the data directory."""
    from acupress import paths

    return given("database_url") or f"sqlite:///{paths.journal_file()}"


def server_mode() -> bool:
    """Whether the journal is on a database server (the server mode): its schema is then
    migrated only by `acupress db upgrade`, and each person's profile and today's check
    are kept in it rather than in files. A SQLite file, wherever it is, is one
    computer's journal, which migrates itself."""
    return not database_url().startswith("sqlite")


@dataclass(frozen=True, kw_only=True, repr=False, eq=False)
class Current:
    """A setting with the value in force and where it came from."""

    setting: Setting
    value: str
    source: Literal["environment", "default"]


def current() -> tuple[Current, ...]:
    """Every setting with its value now (a default worked out as it would be used)."""
    found = []
    for s in SETTINGS:
        value = given(s.name)
        if value is None:
            found.append(Current(setting=s, value=default(s.name), source="default"))
        else:
            found.append(Current(setting=s, value=value, source="environment"))
    return tuple(found)


def default(name: str) -> str:
    """The value a setting has when its variable is not set, as it would be used."""
    from acupress import paths

    if name == "home":
        return str(paths.home())
    if name == "database_url":
        return database_url()
    return BY_NAME[name].default


def put(name: str, value: str) -> None:
    """Set a setting for this process and the ones it starts (the web app's workers)."""
    os.environ[BY_NAME[name].env] = value


def listed(name: str) -> tuple[str, ...]:
    """A setting that lists values, separated by commas, as a tuple (empty when unset)."""
    return tuple(v.strip() for v in (given(name) or "").split(",") if v.strip())


def base_url() -> str:
    """Where people open the web app, without a trailing slash."""
    return (given("base_url") or BY_NAME["base_url"].default).rstrip("/")


def settings_json(found: tuple[Current, ...]) -> list[dict[str, str]]:
    return [
        {
            "name": c.setting.name,
            "value": c.value,
            "source": c.source,
            "env": c.setting.env,
            "default": c.setting.default,
            "help": c.setting.help,
        }
        for c in found
    ]
