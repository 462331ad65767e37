"""Sharing a journal with a practitioner, in the server mode: the practitioner makes a
short code, the person enters it and confirms, and from then on the practitioner may read
(never change) the person's journal, progress and report, until the person stops sharing.
Every time the practitioner opens a person's data, the access log keeps who, what and
when, and the person sees it.

A code is random, used once, and expires after ``CODE_LIFE``; only its SHA-256 is stored.
The time is always given (``now``), never read here; SQL runs through SQLAlchemy Core on
the journal's engine, the same on SQLite and PostgreSQL. The practitioner's list reads
every person sharing with them in a fixed number of statements, however many there are."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from acupress.accounts import digest
from acupress.errors import AcupressError, NotFound

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from acupress.accounts import Account
    from acupress.journal import Journal
    from acupress.records import SessionLog, StepLog

CODE_LIFE = dt.timedelta(hours=48)
# Letters and digits that cannot be taken for one another (no I, L, O, 0, 1): read aloud
# or copied from a screen, a code survives. 8 of 32 symbols: 40 bits.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
ACCESS_SHOWN = 100  # the newest entries of the access log a person sees

NOT_A_CODE = "A share code has 8 letters and digits, like ABCD-EFGH: check it and type it again."
UNUSABLE = (
    "This share code cannot be used: it was used already, has expired, or was never made. "
    "Ask your practitioner for a new one."
)
NOT_SHARING = "There is no person {id} sharing their journal with you."


@dataclass(frozen=True, kw_only=True)
class ShareCode:
    """A new code, to be given to a person (the only time it is known)."""

    code: str
    practitioner: str
    expires_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class Share:
    """A person sharing their journal with a practitioner, since ``since``."""

    id: int
    person_id: int
    person: str
    practitioner_id: int
    practitioner: str
    since: dt.datetime


@dataclass(frozen=True, kw_only=True)
class Access:
    """One time a practitioner opened a person's data."""

    practitioner: str
    what: str
    at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class SharedJournal:
    """What the practitioner's list needs of one person: their sessions (in time order;
    the steps of the newest with an outcome only) and when a professional said to go on."""

    share: Share
    sessions: list[SessionLog]
    cleared: list[dt.datetime]


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """A code as people read it: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}"


def normalised(given: str) -> str:
    """A code as typed (any case, spaces or dashes) as it was made; else one sentence."""
    code = re.sub(r"[\s-]", "", given[:40]).upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        raise AcupressError(NOT_A_CODE)
    return code


class Sharing:
    """The shares, share codes and access log of one journal's database."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def _sql(self) -> AbstractContextManager[Connection]:
        return self.journal.core("The sharing")

    # --- the practitioner's code ---

    def make_code(self, practitioner: Account, now: dt.datetime) -> ShareCode:
        """A new code for a person to enter; the practitioner's expired codes are
        forgotten."""
        from acupress.journal_schema import share_codes

        if practitioner.role != "practitioner":
            raise AcupressError("Only a practitioner's account makes share codes.")
        code = new_code()
        expires = now + CODE_LIFE
        with self._sql() as conn:
            conn.execute(share_codes.delete().where(share_codes.c.expires_at <= now))
            conn.execute(
                share_codes.insert().values(
                    practitioner_id=practitioner.id,
                    code_hash=digest(code),
                    created_at=now,
                    expires_at=expires,
                )
            )
        return ShareCode(code=shown(code), practitioner=practitioner.name, expires_at=expires)

    def practitioner_of(self, given: str, now: dt.datetime) -> Account:
        """Who a code would share with, while it can be used (nothing is changed)."""
        code = normalised(given)
        with self._sql() as conn:
            return self._practitioner_of(conn, code, now)

    def _practitioner_of(self, conn: Connection, code: str, now: dt.datetime) -> Account:
        import sqlalchemy as sa

        from acupress.accounts import _account
        from acupress.journal_schema import accounts, share_codes

        row = conn.execute(
            sa.select(accounts)
            .join(share_codes, share_codes.c.practitioner_id == accounts.c.id)
            .where(
                share_codes.c.code_hash == digest(code),
                share_codes.c.expires_at > now,
                accounts.c.disabled_at.is_(None),
            )
        ).first()
        if row is None:
            raise NotFound(UNUSABLE)
        return _account(row)

    # --- the person ---

    def accept(self, person: Account, given: str, now: dt.datetime) -> Share:
        """Share the person's journal with the code's practitioner; the code is used up.
        Sharing again with the same practitioner keeps the share there is."""
        import sqlalchemy as sa

        from acupress.journal_schema import share_codes, shares

        if person.role != "person":
            raise AcupressError("Only a person's account shares a journal with a practitioner.")
        code = normalised(given)
        with self._sql() as conn:
            practitioner = self._practitioner_of(conn, code, now)
            conn.execute(share_codes.delete().where(share_codes.c.code_hash == digest(code)))
            found = conn.execute(
                sa.select(shares.c.id).where(
                    shares.c.person_id == person.id,
                    shares.c.practitioner_id == practitioner.id,
                    shares.c.revoked_at.is_(None),
                )
            ).first()
            if found is None:
                found = conn.execute(
                    shares.insert()
                    .values(person_id=person.id, practitioner_id=practitioner.id, created_at=now)
                    .returning(shares.c.id)
                ).one()
            return self._shares(conn, shares.c.id == found.id)[0]

    def shares_of(self, person_id: int) -> list[Share]:
        """Who can see the person's data now, oldest share first."""
        from acupress.journal_schema import shares

        with self._sql() as conn:
            return self._shares(conn, shares.c.person_id == person_id)

    def stop(self, person_id: int, share_id: int, now: dt.datetime) -> Share:
        """Stop a share of the person's: the practitioner's next request is refused."""
        from acupress.journal_schema import shares

        with self._sql() as conn:
            found = self._shares(conn, shares.c.id == share_id, shares.c.person_id == person_id)
            if not found:
                raise NotFound(f"You share nothing numbered {share_id}.")
            conn.execute(shares.update().where(shares.c.id == share_id).values(revoked_at=now))
        return found[0]

    def access_of(self, person_id: int, limit: int = ACCESS_SHOWN) -> list[Access]:
        """Who opened the person's data, what and when: the newest first."""
        import sqlalchemy as sa

        from acupress.journal_schema import access_log, accounts

        with self._sql() as conn:
            rows = conn.execute(
                sa.select(accounts.c.name, access_log.c.what, access_log.c.at)
                .join(accounts, accounts.c.id == access_log.c.practitioner_id)
                .where(access_log.c.person_id == person_id)
                .order_by(access_log.c.at.desc(), access_log.c.id.desc())
                .limit(limit)
            )
            return [Access(practitioner=r.name, what=r.what, at=r.at) for r in rows]

    # --- the practitioner ---

    def people_of(self, practitioner_id: int) -> list[Share]:
        """The people sharing with the practitioner now, by name."""
        from acupress.journal_schema import shares

        with self._sql() as conn:
            return self._shares(conn, shares.c.practitioner_id == practitioner_id)

    def shared(self, practitioner_id: int, person_id: int) -> Share:
        """The share that lets the practitioner read the person's data; NotFound when
        there is none (never shared, or stopped)."""
        from acupress.journal_schema import shares

        with self._sql() as conn:
            found = self._shares(
                conn, shares.c.practitioner_id == practitioner_id, shares.c.person_id == person_id
            )
        if not found:
            raise NotFound(NOT_SHARING.format(id=person_id))
        return found[0]

    def log(self, share: Share, what: str, now: dt.datetime) -> None:
        self.log_many([share], what, now)

    def log_many(self, opened: Sequence[Share], what: str, now: dt.datetime) -> None:
        """Write down that the practitioner opened ``what`` of each of these people."""
        from acupress.journal_schema import access_log

        if not opened:
            return
        rows = [
            {
                "person_id": s.person_id,
                "practitioner_id": s.practitioner_id,
                "what": what,
                "at": now,
            }
            for s in opened
        ]
        with self._sql() as conn:
            conn.execute(access_log.insert(), rows)

    def journals_of(self, practitioner_id: int, today: dt.date) -> list[SharedJournal]:
        """Every person sharing with the practitioner, with what their list entry needs,
        in four statements whatever their number: the shares, every session, the steps of
        each person's newest session with an outcome, and the professionals' go-aheads."""
        import sqlalchemy as sa
        from sqlalchemy.types import NullType

        from acupress import journal, progress
        from acupress.exports import uncollected
        from acupress.journal_schema import events, sessions, shares, steps

        with uncollected(), self._sql() as conn:
            people = self._shares(conn, shares.c.practitioner_id == practitioner_id)
            sharing = (
                sa.select(shares.c.person_id)
                .where(shares.c.practitioner_id == practitioner_id, shares.c.revoked_at.is_(None))
                .scalar_subquery()
            )
            # The driver's values as they come (the journal's own reading makes them
            # records): SQLAlchemy's conversion of each value would cost as much again.
            raw = [sa.type_coerce(sessions.c[c], NullType()) for c in journal.SESSION_COLUMNS]
            rows = conn.execute(
                sa.select(*raw, sessions.c.owner_id)
                .where(sessions.c.owner_id.in_(sharing))
                .order_by(sessions.c.owner_id, sessions.c.started_at, sessions.c.id)
            )
            by_person: dict[int, list[SessionLog]] = {}
            for row in rows:
                by_person.setdefault(row.owner_id, []).append(journal._session_log(row, []))
            newest: dict[int, int] = {}  # a person's newest session with an outcome: position
            for person, logs in by_person.items():
                for i in range(len(logs) - 1, -1, -1):
                    s = logs[i]
                    if progress.counts(s, today) and (s.relief is not None or s.stop_reason):
                        newest[person] = i
                        break
            wanted = {by_person[p][i].id: (p, i) for p, i in newest.items()}
            found_steps: dict[int, list[StepLog]] = {}
            if wanted:
                for step in conn.execute(
                    sa.select(*(steps.c[c] for c in journal.STEP_COLUMNS))
                    .where(steps.c.session_id.in_(list(wanted)))
                    .order_by(steps.c.session_id, steps.c.id)
                ):
                    found_steps.setdefault(step.session_id, []).append(journal._step_log(step))
            for session_id, (person, i) in wanted.items():
                taken = tuple(found_steps.get(session_id or 0, ()))
                by_person[person][i] = replace(by_person[person][i], steps=taken)
            cleared: dict[int, list[dt.datetime]] = {}
            for seen in conn.execute(
                sa.select(events.c.owner_id, events.c.at).where(
                    events.c.owner_id.in_(sharing), events.c.kind == "seen_professional"
                )
            ):
                cleared.setdefault(seen.owner_id, []).append(seen.at)
        return [
            SharedJournal(
                share=s,
                sessions=by_person.get(s.person_id, []),
                cleared=cleared.get(s.person_id, []),
            )
            for s in people
        ]

    # --- rows ---

    def _shares(self, conn: Connection, *where: object) -> list[Share]:
        import sqlalchemy as sa

        from acupress.journal_schema import accounts, shares

        person = accounts.alias("person")
        practitioner = accounts.alias("practitioner")
        rows = conn.execute(
            sa.select(
                shares.c.id,
                shares.c.person_id,
                person.c.name.label("person"),
                shares.c.practitioner_id,
                practitioner.c.name.label("practitioner"),
                shares.c.created_at,
            )
            .join(person, person.c.id == shares.c.person_id)
            .join(practitioner, practitioner.c.id == shares.c.practitioner_id)
            .where(shares.c.revoked_at.is_(None), *where)  # type: ignore[arg-type]
            .order_by(person.c.name, practitioner.c.name, shares.c.id)
        )
        return [
            Share(
                id=r.id,
                person_id=r.person_id,
                person=r.person,
                practitioner_id=r.practitioner_id,
                practitioner=r.practitioner,
                since=r.created_at,
            )
            for r in rows
        ]
