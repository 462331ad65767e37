"""Every row a person owns carries its owner: a journal opened for one account reads and
writes only that account's sessions, steps, events, ratings and trials, on SQLite and
PostgreSQL alike; another account's session is "not found"."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from acupress import journal, journal_schema
from acupress.errors import NotFound
from acupress.journal import Journal
from acupress.records import DailyRating, Event, TrialRecord
from tests.test_journal import T0, session, step


def add_account(url: str, name: str) -> int:
    """A second person's account, as signing up will make it."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            return int(
                conn.execute(
                    journal_schema.accounts.insert()
                    .values(name=name, role="person", created_at=T0)
                    .returning(journal_schema.accounts.c.id)
                ).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.fixture
def two(database_url: str) -> Iterator[tuple[Journal, Journal]]:
    """The local account's journal, and a second person's in the same database."""
    with Journal(database_url) as mine:
        other = add_account(database_url, "alex")
        with Journal(database_url, owner=other) as theirs:
            yield mine, theirs


def fill(db: Journal, uid_prefix: str) -> int:
    """A session with steps, an event, a rating and a trial; returns the session's id."""
    session_id = db.add(session(steps=(step(0, None), step(1))), {"age": 40})
    db.add_step(session_id, step(2, "KI3"))
    db.add_event(
        Event(id=None, uid=f"{uid_prefix}-e", kind="seen_professional", at=T0, day=T0.date())
    )
    db.add_rating(
        DailyRating(
            id=None,
            uid=f"{uid_prefix}-r",
            day=T0.date(),
            pain=5,
            enjoyment=4,
            activity=3,
            rated_at=T0,
        )
    )
    db.add_trial(
        TrialRecord(id=None, uid=f"{uid_prefix}-t", start=T0.date(), weeks=6, seed=7, created_at=T0)
    )
    return session_id


def test_an_account_sees_only_its_own_journal(two: tuple[Journal, Journal]) -> None:
    mine, theirs = two
    fill(mine, "mine")
    assert theirs.sessions() == [] and list(theirs.entries(with_answers=True)) == []
    assert (theirs.events(), theirs.cleared(), theirs.ratings(), theirs.trials()) == (
        [],
        [],
        [],
        [],
    )
    assert theirs.pressures() == {}
    theirs_id = fill(theirs, "theirs")  # the same day rated again: one rating a day each
    assert [s.id for s in theirs.sessions()] == [theirs_id]
    assert len(mine.sessions()) == 1 and len(mine.ratings()) == 1 and len(mine.trials()) == 1
    assert [len(s.steps) for s in mine.sessions(with_steps=True)] == [3]
    assert mine.answers_by_session([theirs_id]) == {}


def test_another_accounts_session_is_not_found_and_stays_as_it_was(
    two: tuple[Journal, Journal],
) -> None:
    mine, theirs = two
    session_id = fill(mine, "mine")
    kept = mine.get(session_id)
    for attempt in (
        lambda: theirs.get(session_id),
        lambda: theirs.update(session_id, pain_after=0),
        lambda: theirs.finish(session_id, complete=False),
        lambda: theirs.delete(session_id),
        lambda: theirs.add_step(session_id, step(3, "BL40")),
    ):
        with pytest.raises(NotFound, match=f"There is no session {session_id} in the journal"):
            attempt()
    assert theirs.answers(session_id) is None
    theirs.stop_trial("mine-t", T0.date(), "not theirs")
    assert mine.get(session_id) == kept
    assert mine.trials()[0].stopped_on is None


def test_interrupting_unfinished_sessions_closes_only_the_owners(
    two: tuple[Journal, Journal],
) -> None:
    mine, theirs = two
    running = mine.add(session(pain_after=None), front_end="web")
    assert theirs.interrupt_unkept("web") == 0
    assert mine.get(running).ended_at is None
    assert mine.interrupt_unkept("web") == 1


def test_an_import_into_an_account_is_checked_against_that_account_alone(
    two: tuple[Journal, Journal],
) -> None:
    mine, theirs = two
    fill(mine, "mine")
    with Journal("sqlite://") as elsewhere:
        fill(elsewhere, "elsewhere")
        entries = list(elsewhere.entries(with_steps=True, with_answers=True))
    assert theirs.import_sessions(entries) == (1, 0)
    assert theirs.import_sessions(entries) == (0, 1)
    assert len(mine.sessions()) == 1


def test_writes_raise_the_accounts_change_counter_seen_by_another_process(
    two: tuple[Journal, Journal],
) -> None:
    mine, theirs = two
    before = theirs.version()
    mine_before = mine.version()
    writer = textwrap.dedent(
        f"""
        from acupress.journal import Journal
        from tests.test_journal_owners import session
        with Journal({mine.url!r}) as db:
            db.add(session())
        """
    )
    subprocess.run([sys.executable, "-c", writer], check=True, cwd=Path(__file__).parent.parent)
    assert mine.version() != mine_before
    if mine.path is None:  # the counter is the account's own
        assert theirs.version() == before


def test_a_statement_that_reaches_a_persons_rows_without_its_owner_is_refused() -> None:
    for unscoped in (
        "SELECT * FROM sessions",
        "DELETE FROM steps WHERE session_id = :id",
        "UPDATE events SET note = '' WHERE id = :id",
        "SELECT steps.point FROM steps JOIN sessions ON sessions.id = steps.session_id",
        "SELECT * FROM sessions JOIN events ON events.day = sessions.day WHERE owner_id = :owner",
    ):
        with pytest.raises(AssertionError, match="without its owner"):
            journal.scoped(unscoped)
    assert journal.scoped(journal.INSERT_STEP) == journal.INSERT_STEP


def sql_in(source: str) -> list[str]:
    """Every SQL text written in a module: its string literals, an f-string's fixed parts
    joined."""
    found = []
    tree = ast.parse(source)
    parts = {
        id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values
    }
    for node in ast.walk(tree):
        if id(node) in parts:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            found.append(
                " ".join(
                    v.value
                    for v in node.values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)
                )
            )
    found = [text.replace("{chosen}", journal.SELECT_SESSIONS) for text in found]
    return [text for text in found if journal.REACHES_OWNED.search(text)]


def test_every_statement_of_the_journal_names_its_owner() -> None:
    statements = sql_in(Path(journal.__file__).read_text())
    assert len(statements) > 20
    for statement in statements:
        journal.scoped(statement)


def test_two_accounts_may_restore_the_same_backup(two: tuple[Journal, Journal]) -> None:
    """A uid is unique within an account: the same backup restored into two accounts
    lands whole in each, and neither import learns of the other's rows."""
    mine, theirs = two
    with Journal("sqlite://") as elsewhere:
        fill(elsewhere, "shared")
        entries = list(elsewhere.entries(with_steps=True, with_answers=True))
        events, ratings, trials = elsewhere.events(), elsewhere.ratings(), elsewhere.trials()
    for db in (mine, theirs):
        added = db.import_sessions(entries, events, new_ratings=ratings, new_trials=trials)
        assert added == (1, 0)
        assert [s.uid for s in db.sessions()] == [entries[0][0].uid]
        assert [e.uid for e in db.events()] == ["shared-e"]
        assert [r.uid for r in db.ratings()] == ["shared-r"]
        assert [t.uid for t in db.trials()] == ["shared-t"]
    assert theirs.import_sessions(entries) == (0, 1)
