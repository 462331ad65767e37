"""Accounts of the server mode: people and practitioners, each invited with a one-time
link to set a password, then signed in with a login kept in the database.

Passwords are hashed with Argon2id (argon2-cffi); invitation and login tokens are random
and only their SHA-256 is stored, so a copy of the database signs nobody in. Failed
sign-ins are counted by name and by address: after a few within a window each new one
makes the wait before the next try longer. The time is always given (``now``), never
read here; SQL runs through SQLAlchemy Core on the journal's engine, the same on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from acupress.errors import AcupressError, NotFound, NotSignedIn, TooManyAttempts

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from sqlalchemy.engine import Connection

    from acupress.journal import Journal

Role = Literal["person", "practitioner"]
ROLES: tuple[Role, ...] = ("person", "practitioner")
LOCAL = 1  # the single-person app's own account, made by the migration

INVITATION_LIFE = dt.timedelta(hours=72)
IDLE_LIFE = dt.timedelta(hours=12)  # a login unused this long signs out
LOGIN_LIFE = dt.timedelta(days=14)  # and any login ends this long after the sign-in
SEEN_EVERY = dt.timedelta(minutes=1)  # how often a login's last use is written down

# NIST SP 800-63B: at least 8 characters, any characters, no composition rules, and
# not one of the passwords everyone tries first.
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # hashing a megabyte on every try would be a way to slow the server

# Failed sign-ins within the window: from the FREE_TRIES-th on, each one doubles the wait
# before the next try, from FIRST_WAIT up to the whole window.
WINDOW = dt.timedelta(minutes=15)
FREE_TRIES = {"name": 5, "address": 20}  # a household may share one address
FIRST_WAIT = dt.timedelta(seconds=30)

WRONG = "The name or password is wrong."
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True, kw_only=True)
class Account:
    """A person or a practitioner with their own journal (account 1, "local", is the
    single-person app's)."""

    id: int
    name: str
    role: str
    created_at: dt.datetime
    has_password: bool


@dataclass(frozen=True, kw_only=True)
class Invitation:
    """A new account's one-time token, to be given to its person in a link."""

    account: Account
    token: str
    expires_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class Login:
    """A signed-in browser: the token its cookie carries, and when it ends at the latest."""

    account: Account
    token: str
    expires_at: dt.datetime


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256 (the token is random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- passwords ------------------------------------------------------------------------


@cache
def default_hasher() -> PasswordHasher:
    """Argon2id with RFC 9106's low-memory parameters (64 MiB, 3 passes)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def common_passwords() -> frozenset[str]:
    text = (Path(__file__).parent / "content" / "common-passwords.txt").read_text("utf-8")
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def check_password(password: str, name: str = "") -> str:
    """The password if it may be used, else one sentence saying why not."""
    if len(password) < MIN_PASSWORD:
        raise AcupressError(
            f"The password is too short ({len(password)} characters): use at least "
            f"{MIN_PASSWORD}; a few words together make a good one."
        )
    if len(password) > MAX_PASSWORD:
        raise AcupressError(f"The password is too long: use at most {MAX_PASSWORD} characters.")
    if password.lower() in common_passwords() or (name and password.lower() == name.lower()):
        raise AcupressError(
            "This password is one of the first that anyone would try: choose another."
        )
    return password


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise AcupressError(
            f"'{name[:40]}' cannot be an account's name: use 1 to 100 letters, digits, dots, "
            "dashes or underscores, starting with a letter or digit."
        )
    return name


# --- the accounts, in the journal's database -------------------------------------------


class Accounts:
    """The accounts of one journal's database; ``hasher`` hashes the passwords."""

    def __init__(self, journal: Journal, hasher: PasswordHasher | None = None) -> None:
        self.journal = journal
        self.hasher = hasher or default_hasher()

    def hash_password(self, password: str) -> str:
        return self.hasher.hash(password)

    def password_matches(self, stored: str | None, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        if stored is None:
            # Hash anyway, so that a name without a password answers as slowly as any other.
            self.hasher.hash(password[:MAX_PASSWORD])
            return False
        try:
            return self.hasher.verify(stored, password[:MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            return False

    def _sql(self) -> AbstractContextManager[Connection]:
        return self.journal.core("The accounts")

    # --- managing ---

    def add(self, name: str, role: str, now: dt.datetime) -> Invitation:
        """A new account, with its invitation (the only time its token is known)."""
        import sqlalchemy as sa

        from acupress.journal_schema import accounts

        check_name(name)
        if role not in ROLES:
            raise AcupressError(f"The role '{role}' is unknown: use {' or '.join(ROLES)}.")
        with self._sql() as conn:
            if conn.execute(sa.select(accounts.c.id).where(accounts.c.name == name)).first():
                raise AcupressError(
                    f"There is already an account '{name}': choose another name, or give "
                    f"it a new invitation with acupress accounts invite {name}."
                )
            row = conn.execute(
                accounts.insert()
                .values(name=name, role=role, created_at=now)
                .returning(accounts.c.id)
            ).one()
            return self._invite(conn, row.id, now)

    def invite(self, name: str, now: dt.datetime) -> Invitation:
        """A new invitation for an account (its earlier ones stop working)."""
        with self._sql() as conn:
            account = self._named(conn, name)
            return self._invite(conn, account.id, now)

    def _invite(self, conn: Connection, account_id: int, now: dt.datetime) -> Invitation:
        from acupress.journal_schema import invitations

        conn.execute(invitations.delete().where(invitations.c.account_id == account_id))
        token = secrets.token_urlsafe(32)
        expires = now + INVITATION_LIFE
        conn.execute(
            invitations.insert().values(
                account_id=account_id, token_hash=digest(token), created_at=now, expires_at=expires
            )
        )
        return Invitation(account=self._by_id(conn, account_id), token=token, expires_at=expires)

    def list(self) -> list[Account]:
        """Every account but the single-person app's own, by name."""
        import sqlalchemy as sa

        from acupress.journal_schema import accounts

        with self._sql() as conn:
            rows = conn.execute(
                sa.select(accounts).where(accounts.c.id != LOCAL).order_by(accounts.c.name)
            )
            return [_account(r) for r in rows]

    def get(self, name: str) -> Account:
        with self._sql() as conn:
            return self._named(conn, name)

    def remove(self, name: str) -> Account:
        """Remove an account and everything it owns; its logins end at once."""
        from acupress.journal_schema import accounts

        with self._sql() as conn:
            account = self._named(conn, name)
            # Every owned row names the account with ON DELETE CASCADE: its sessions (and
            # their steps), events, ratings, trials, profile, check, logins, invitations.
            conn.execute(accounts.delete().where(accounts.c.id == account.id))
        return account

    def set_password(self, name: str, password: str) -> Account:
        """Set an account's password (its logins end: it signs in again with the new one)."""
        from acupress.journal_schema import accounts, logins

        with self._sql() as conn:
            account = self._named(conn, name)
            check_password(password, name)
            conn.execute(
                accounts.update()
                .where(accounts.c.id == account.id)
                .values(password_hash=self.hash_password(password))
            )
            conn.execute(logins.delete().where(logins.c.account_id == account.id))
        return account

    # --- invitations ---

    def invited(self, token: str, now: dt.datetime) -> Account:
        """The account an invitation's token is for, while it may still be used."""
        with self._sql() as conn:
            return self._invited(conn, token, now)

    def accept(self, token: str, password: str, now: dt.datetime) -> Account:
        """Set the password an invitation asks for; the invitation is then used up."""
        from acupress.journal_schema import accounts, invitations

        with self._sql() as conn:
            account = self._invited(conn, token, now)
            check_password(password, account.name)
            conn.execute(
                accounts.update()
                .where(accounts.c.id == account.id)
                .values(password_hash=self.hash_password(password))
            )
            conn.execute(
                invitations.update()
                .where(invitations.c.token_hash == digest(token))
                .values(used_at=now)
            )
        return account

    def _invited(self, conn: Connection, token: str, now: dt.datetime) -> Account:
        import sqlalchemy as sa

        from acupress.journal_schema import invitations

        row = conn.execute(
            sa.select(invitations).where(invitations.c.token_hash == digest(token))
        ).first()
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise NotFound(
                "This invitation link cannot be used: it was used already, has expired, or "
                "was never made. Ask for a new one."
            )
        return self._by_id(conn, row.account_id)

    # --- signing in ---

    def sign_in(self, name: str, password: str, address: str, now: dt.datetime) -> Login:
        """A new login for the account, when the password is its own; else one sentence
        that never says which of the two was wrong."""
        import sqlalchemy as sa

        from acupress.journal_schema import accounts, failed_logins, logins

        name = name.strip()[:100]
        address = address[:64]
        with self._sql() as conn:
            self._refuse_while_waiting(conn, name, address, now)
            row = conn.execute(sa.select(accounts).where(accounts.c.name == name)).first()
            usable = row is not None and row.id != LOCAL and row.disabled_at is None
            stored = row.password_hash if row is not None and usable else None
            if not self.password_matches(stored, password):
                conn.execute(failed_logins.insert().values(name=name, address=address, at=now))
                failed = True
            else:
                failed = False
                assert row is not None
                conn.execute(failed_logins.delete().where(failed_logins.c.name == name))
                token = secrets.token_urlsafe(32)
                expires = now + LOGIN_LIFE
                conn.execute(
                    logins.insert().values(
                        account_id=row.id,
                        token_hash=digest(token),
                        created_at=now,
                        seen_at=now,
                        expires_at=expires,
                    )
                )
                # Old failures and ended logins are forgotten as new ones come.
                conn.execute(failed_logins.delete().where(failed_logins.c.at < now - WINDOW))
                conn.execute(
                    logins.delete().where(
                        sa.or_(logins.c.expires_at < now, logins.c.revoked_at.is_not(None))
                    )
                )
                return Login(account=_account(row), token=token, expires_at=expires)
        assert failed
        raise NotSignedIn(WRONG)

    def _refuse_while_waiting(
        self, conn: Connection, name: str, address: str, now: dt.datetime
    ) -> None:
        import sqlalchemy as sa

        from acupress.journal_schema import failed_logins

        until = now
        for column, value in (("name", name), ("address", address)):
            times = sorted(
                r.at
                for r in conn.execute(
                    sa.select(failed_logins.c.at).where(
                        failed_logins.c[column] == value, failed_logins.c.at > now - WINDOW
                    )
                )
            )
            over = len(times) - FREE_TRIES[column]
            if over >= 0:
                until = max(until, times[-1] + min(FIRST_WAIT * 2**over, WINDOW))
        if until > now:
            raise TooManyAttempts(until)

    def signed_in(self, token: str, now: dt.datetime) -> Account:
        """The account a login's token signs in, while the login lasts."""
        import sqlalchemy as sa

        from acupress.journal_schema import accounts, logins

        with self._sql() as conn:
            row = conn.execute(
                sa.select(logins, accounts.c.disabled_at)
                .join(accounts, accounts.c.id == logins.c.account_id)
                .where(logins.c.token_hash == digest(token))
            ).first()
            if (
                row is None
                or row.revoked_at is not None
                or row.disabled_at is not None
                or row.expires_at <= now
                or row.seen_at + IDLE_LIFE <= now
            ):
                raise NotSignedIn("Sign in to go on.")
            if now - row.seen_at >= SEEN_EVERY:
                conn.execute(logins.update().where(logins.c.id == row.id).values(seen_at=now))
            return self._by_id(conn, row.account_id)

    def sign_out(self, token: str, now: dt.datetime) -> None:
        from acupress.journal_schema import logins

        with self._sql() as conn:
            conn.execute(
                logins.update().where(logins.c.token_hash == digest(token)).values(revoked_at=now)
            )

    def sign_out_everywhere(self, account_id: int, now: dt.datetime) -> None:
        from acupress.journal_schema import logins

        with self._sql() as conn:
            conn.execute(
                logins.update()
                .where(logins.c.account_id == account_id, logins.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )

    # --- rows ---

    def _named(self, conn: Connection, name: str) -> Account:
        import sqlalchemy as sa

        from acupress.journal_schema import accounts

        row = conn.execute(
            sa.select(accounts).where(accounts.c.name == name, accounts.c.id != LOCAL)
        ).first()
        if row is None:
            raise NotFound(
                f"There is no account '{name[:100]}': acupress accounts list shows them."
            )
        return _account(row)

    def _by_id(self, conn: Connection, account_id: int) -> Account:
        import sqlalchemy as sa

        from acupress.journal_schema import accounts

        return _account(conn.execute(sa.select(accounts).where(accounts.c.id == account_id)).one())


def _account(row: Any) -> Account:
    return Account(
        id=row.id,
        name=row.name,
        role=row.role,
        created_at=row.created_at,
        has_password=row.password_hash is not None,
    )
