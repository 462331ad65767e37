"""Sharing a journal with a practitioner, on SQLite and PostgreSQL: codes used once and
expiring, kept hashed; sharing stopped at once; the access log; and the practitioner's
list read in the same few statements for one person or many, with the flags the person
sees themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from hypothesis import given
from hypothesis import strategies as st

from acupress import progress
from acupress.accounts import Account, Accounts
from acupress.errors import AcupressError, NotFound
from acupress.journal import Journal
from acupress.sharing import CODE_LIFE, NOT_A_CODE, UNUSABLE, Sharing, normalised
from tests.test_journal_owners import session, step

T0 = dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)
QUICK = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class World:
    """A database with accounts: its journal, accounts and sharing."""

    def __init__(self, db: Journal) -> None:
        self.db = db
        self.accounts = Accounts(db, QUICK)
        self.sharing = Sharing(db)

    def add(self, name: str, role: str = "person") -> Account:
        self.accounts.add(name, role, T0)
        return self.accounts.get(name)

    def share(self, person: Account, practitioner: Account, at: dt.datetime = T0) -> int:
        code = self.sharing.make_code(practitioner, at).code
        return self.sharing.accept(person, code, at).id


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    with Journal(database_url) as db:
        yield World(db)


def test_a_code_shares_once_and_is_kept_only_as_its_hash(world: World) -> None:
    pia, ann, ben = world.add("pia", "practitioner"), world.add("ann"), world.add("ben")
    made = world.sharing.make_code(pia, T0)
    assert made.expires_at == T0 + CODE_LIFE
    assert world.sharing.practitioner_of(made.code.lower().replace("-", " "), T0).name == "pia"
    share = world.sharing.accept(ann, made.code, T0)
    assert (share.person, share.practitioner, share.since) == ("ann", "pia", T0)
    with pytest.raises(NotFound, match="cannot be used"):
        world.sharing.accept(ben, made.code, T0)
    with world.db.engine.connect() as conn:
        stored = " ".join(str(r) for r in conn.execute(sa.text("SELECT * FROM share_codes")))
    assert made.code.replace("-", "") not in stored
    assert [p.person for p in world.sharing.people_of(pia.id)] == ["ann"]


def test_a_code_expires_after_48_hours(world: World) -> None:
    pia, ann = world.add("pia", "practitioner"), world.add("ann")
    code = world.sharing.make_code(pia, T0).code
    with pytest.raises(NotFound) as refused:
        world.sharing.accept(ann, code, T0 + CODE_LIFE)
    assert str(refused.value) == UNUSABLE
    assert world.sharing.shares_of(ann.id) == []


def test_only_practitioners_make_codes_and_only_people_share(world: World) -> None:
    pia, ann = world.add("pia", "practitioner"), world.add("ann")
    with pytest.raises(AcupressError, match="Only a practitioner"):
        world.sharing.make_code(ann, T0)
    code = world.sharing.make_code(pia, T0).code
    with pytest.raises(AcupressError, match="Only a person"):
        world.sharing.accept(world.add("pat", "practitioner"), code, T0)


def test_stopping_ends_the_share_at_once_and_only_the_persons_own(world: World) -> None:
    pia, ann, ben = world.add("pia", "practitioner"), world.add("ann"), world.add("ben")
    share = world.share(ann, pia)
    with pytest.raises(NotFound):
        world.sharing.stop(ben.id, share, T0)  # not ben's to stop
    assert world.sharing.shared(pia.id, ann.id).id == share
    world.sharing.stop(ann.id, share, T0 + dt.timedelta(hours=1))
    with pytest.raises(NotFound, match=f"no person {ann.id} sharing"):
        world.sharing.shared(pia.id, ann.id)
    assert world.sharing.people_of(pia.id) == []
    assert world.sharing.journals_of(pia.id, T0.date()) == []


def test_the_access_log_shows_the_person_who_opened_what_when(world: World) -> None:
    pia, ann, ben = world.add("pia", "practitioner"), world.add("ann"), world.add("ben")
    world.share(ann, pia)
    world.share(ben, pia)
    opened = world.sharing.shared(pia.id, ann.id)
    world.sharing.log(opened, "journal and progress", T0)
    world.sharing.log(opened, "report (PDF)", T0 + dt.timedelta(minutes=5))
    seen = [(a.practitioner, a.what, a.at) for a in world.sharing.access_of(ann.id)]
    assert seen == [
        ("pia", "report (PDF)", T0 + dt.timedelta(minutes=5)),
        ("pia", "journal and progress", T0),
    ]
    assert world.sharing.access_of(ben.id) == []


@given(st.text(max_size=60))
def test_any_text_typed_as_a_code_is_a_code_or_one_sentence(text: str) -> None:
    try:
        code = normalised(text)
    except AcupressError as e:
        assert str(e) == NOT_A_CODE
    else:
        assert len(code) == 8 and code.isalnum() and code.isupper()


def fill(world: World, person: Account, days: int, worse: bool = False) -> None:
    db = world.db.for_owner(person.id)
    for day in range(days):
        after = 7 if worse and day >= days - 2 else 3
        db.add(session(day, pain_before=6, pain_after=after, steps=(step(0),), uid=None))


def statements(world: World) -> Any:
    """A counter of the statements run on the journal's engine."""
    counted = {"n": 0}

    def count(*_args: Any) -> None:
        counted["n"] += 1

    sa.event.listen(world.db.engine, "before_cursor_execute", count)
    return counted


def test_the_list_reads_one_person_or_twenty_in_the_same_statements(world: World) -> None:
    pia = world.add("pia", "practitioner")
    today = (T0 + dt.timedelta(days=10)).date()
    first = world.add("p00")
    fill(world, first, 5)
    world.share(first, pia)
    counted = statements(world)
    one = world.sharing.journals_of(pia.id, today)
    for_one = counted["n"]
    for n in range(1, 20):
        person = world.add(f"p{n:02}")
        fill(world, person, 5, worse=n % 3 == 0)
        world.share(person, pia)
    counted["n"] = 0
    twenty = world.sharing.journals_of(pia.id, today)
    assert len(one) == 1 and len(twenty) == 20
    assert counted["n"] == for_one <= 6


def test_the_list_finds_the_flags_the_person_sees_themselves(world: World) -> None:
    pia = world.add("pia", "practitioner")
    today = (T0 + dt.timedelta(days=6)).date()
    people = [world.add("ann"), world.add("ben")]
    fill(world, people[0], 5)
    fill(world, people[1], 5, worse=True)
    for p in people:
        world.share(p, pia)
    rules = progress.default_rules()
    for found in world.sharing.journals_of(pia.id, today):
        listed = progress.analyse(found.sessions, today, rules, found.cleared)
        own = progress.from_journal(world.db.for_owner(found.share.person_id), today)
        assert listed.flags == own.flags and listed.adjustment == own.adjustment
        assert listed.series == own.series
    flags = {
        f.share.person: {x.id for x in progress.analyse(f.sessions, today, rules, f.cleared).flags}
        for f in world.sharing.journals_of(pia.id, today)
    }
    assert "pain_increased_twice" in flags["ben"] and "pain_increased_twice" not in flags["ann"]
