"""Restoring a JSON export one session at a time: what is read is exactly what reading the
file whole gives, or the file is left to that reading; an import that fails on the way
keeps nothing, and a new journal appears only once an import into it succeeded."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupress import actions, exports, journal
from acupress.app import App
from acupress.errors import AcupressError, Busy
from acupress.journal import Journal
from acupress.records import STEP_FIELDS, DailyRating, Event, TrialRecord
from tests.test_exports import (
    CODES,
    NOW,
    PROFILE,
    T0,
    TZ,
    by_hand,
    guided,
    journal_entries,
    stopped,
    uid_of,
)

SEEN = Event(id=None, uid=uid_of("seen"), kind="seen_professional", at=T0, day=T0.date())
RATED = DailyRating(
    id=None, uid=uid_of("rated"), day=T0.date(), pain=4, enjoyment=5, activity=6, rated_at=T0
)
TRIED = TrialRecord(id=None, uid=uid_of("tried"), start=T0.date(), weeks=6, seed=9, created_at=T0)


def written(entries: list[exports.Entry] | None = None) -> bytes:
    """A journal as `acupress export` writes it: sessions, an event, a rating, a trial
    and the profile."""
    entries = journal_entries() if entries is None else entries
    text = exports.journal_json(entries, PROFILE, NOW, TZ, [SEEN], [RATED], [TRIED])
    return text.encode()


def comparable(record: Any) -> Any:
    """A record as it reads: a session, with its answers, and its steps by their values
    (a step may be a StepLog or the file's own)."""
    if isinstance(record, exports.Entry):
        record = (record.session, record.answers)
    if isinstance(record, tuple):
        log, answers = record
        steps = [tuple(getattr(s, f) for f in STEP_FIELDS) for s in log.steps]
        return (dataclasses.replace(log, steps=()), answers, steps)
    return record


def streamed(data: bytes) -> tuple[list[Any], Any] | None:
    """The records and profile read one session at a time; None when the file is left
    to reading it whole."""
    stream = exports.JournalStream(io.BytesIO(data), now=NOW, codes=CODES)
    try:
        stream.start()
        records = [comparable(r) for r in stream.records()]
    except exports.NotStreamable:
        return None
    return records, stream.profile


def whole(data: bytes) -> tuple[list[Any], Any] | None:
    """The same read whole; None when it is refused."""
    try:
        backup = exports.read_journal(data, "backup.json", now=NOW, codes=CODES)
    except AcupressError:
        return None
    records = [*backup.entries, *backup.events, *backup.ratings, *backup.trials]
    return [comparable(r) for r in records], backup.profile


def test_a_file_as_acupress_writes_it_is_read_one_session_at_a_time() -> None:
    data = written()
    assert streamed(data) is not None
    assert streamed(data) == whole(data)
    records, profile = streamed(data) or ([], None)
    assert len(records) == 4 + 3 and profile == PROFILE


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 1000])
def test_any_cut_of_the_file_into_reads_gives_the_same(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "CHUNK", chunk)
    data = written()
    assert streamed(data) == whole(data)
    assert streamed(data) is not None


@pytest.mark.parametrize(
    "layout",
    [
        lambda doc: json.dumps(doc, indent=4),
        lambda doc: json.dumps(doc, indent="\t"),
        lambda doc: json.dumps(doc, indent=1, ensure_ascii=False),
        lambda doc: json.dumps(doc, indent=2).replace("\n", "\r\n"),
        lambda doc: json.dumps({**doc, "sessions": doc["sessions"]}, indent=2),
    ],
    ids=["indent 4", "tabs", "indent 1", "CRLF", "sessions last"],
)
def test_files_laid_out_by_other_tools_are_read_one_session_at_a_time_too(layout: Any) -> None:
    data = layout(json.loads(written())).encode()
    assert streamed(data) is not None
    assert streamed(data) == whole(data)


@pytest.mark.parametrize(
    "layout",
    [
        lambda doc: json.dumps(doc),
        lambda doc: json.dumps(doc, indent=2, sort_keys=True),  # the version after them
        lambda doc: json.dumps({**doc, "version": 2}, indent=2),  # before uids
        lambda doc: json.dumps({"sessions": doc.pop("sessions"), **doc}, indent=2),
    ],
    ids=["on one line", "keys sorted", "version 2", "sessions first"],
)
def test_other_files_are_left_to_reading_them_whole(layout: Any) -> None:
    data = layout(json.loads(written())).encode()
    assert streamed(data) is None
    assert whole(data) is not None


@pytest.mark.parametrize(
    "tamper",
    [
        # A second list of sessions after the first: the file's sessions are the last.
        lambda text: text[: text.rindex("}")] + ', "sessions": []}',
        # A list called "sessions" inside the profile, before the file's own.
        lambda text: text.replace('"profile": {', '"profile": {"sessions": [1], ', 1),
        # A key that ends as the file's own begins.
        lambda text: text.replace('"profile": {', '"profile": {"x\\"sessions": [], ', 1),
        # Sessions not separated by a comma, a comma too many, an end cut off.
        lambda text: text.replace("},\n    {", "}\n    {", 1),
        lambda text: text.replace("\n  ],\n", ",\n  ],\n", 1),
        lambda text: text[: len(text) // 2],
        lambda text: text + "x",
    ],
    ids=["sessions twice", "nested", "key", "no comma", "comma", "cut", "trailing"],
)
def test_a_file_whose_sessions_are_not_where_they_seem_is_read_whole(tamper: Any) -> None:
    data = tamper(written().decode()).encode()
    assert streamed(data) is None
    assert whole(data) is None or whole(data) != whole(written())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    where=st.floats(min_value=0, max_value=1, exclude_max=True),
    change=st.sampled_from(["insert", "delete", "replace"]),
    byte=st.sampled_from(list(b'{}[]",:\n 0-tx\\')),
    chunk=st.sampled_from([5, 64, 1 << 20]),
)
def test_a_file_changed_anywhere_reads_as_read_whole_or_is_left_to_that(
    where: float, change: str, byte: int, chunk: int
) -> None:
    """One byte put in, taken out or changed anywhere: what is read one session at a
    time is never other than what reading the file whole gives."""
    data = bytearray(written([*journal_entries(), exports.Entry(session=guided(4))]))
    at = int(where * len(data))
    if change == "insert":
        data[at:at] = bytes([byte])
    elif change == "delete":
        del data[at]
    else:
        data[at] = byte
    exports_chunk = exports.CHUNK
    exports.CHUNK = chunk
    try:
        got = streamed(bytes(data))
    finally:
        exports.CHUNK = exports_chunk
    assert got is None or got == whole(bytes(data))


def test_a_session_too_long_to_be_one_is_left_to_reading_the_file_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exports, "SESSION_MAX", 100)
    monkeypatch.setattr(exports, "CHUNK", 50)
    assert streamed(written()) is None


# --- importing ---------------------------------------------------------------------------


def bad_late(tmp_path: Path) -> Path:
    """A file as acupress writes it whose fourth session cannot be right (pain 11): read
    one session at a time, three are stored before it is found."""
    doc = json.loads(written())
    doc["sessions"][3]["pain_after"] = 11
    path = tmp_path / "late.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def restore(path: Path) -> actions.Imported:
    with path.open("rb") as file:
        return actions.import_journal(file, str(path), False, App(now=lambda: NOW))


def test_a_bad_session_found_on_the_way_keeps_nothing_and_says_what_reading_whole_says(
    tmp_path: Path, home: Path
) -> None:
    path = bad_late(tmp_path)
    assert streamed(path.read_bytes()) is None
    with pytest.raises(AcupressError) as whole_reading:
        exports.read_journal(path.read_bytes(), str(path), now=NOW, codes=CODES)

    with pytest.raises(AcupressError) as refused:  # no journal yet: none appears
        restore(path)
    assert str(refused.value) == str(whole_reading.value)
    assert "sessions[3].pain_after must be a pain score from 0 to 10, not 11" in str(refused.value)
    assert not home.exists() or list(home.iterdir()) == []

    with Journal() as db:  # a journal with one session of its own: it stays so
        db.add(by_hand(9, uid=uid_of("mine")))
    with pytest.raises(AcupressError):
        restore(path)
    with Journal() as db:
        assert [s.uid for s in db.sessions()] == [uid_of("mine")]
        assert db.events() == [] and db.ratings() == [] and db.trials() == []


def test_an_import_into_a_new_journal_is_all_there_and_twice_adds_nothing(
    tmp_path: Path, home: Path
) -> None:
    path = tmp_path / "backup.json"
    path.write_bytes(written([*journal_entries(), exports.Entry(session=stopped(5))]))
    done = restore(path)
    assert (done.added, done.present, done.profile) == (5, 0, "restored")
    assert (home / "journal.db").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in home.iterdir() if p.name.startswith(".")] == []
    with Journal() as db:
        assert len(db.sessions()) == 5
        assert [e.uid for e in db.events()] == [SEEN.uid]
        assert [r.uid for r in db.ratings()] == [RATED.uid]
        assert [t.uid for t in db.trials()] == [TRIED.uid]
    again = restore(path)
    assert (again.added, again.present, again.profile) == (0, 5, "kept")


def test_a_journal_made_by_another_acupress_meanwhile_is_kept_and_this_one_is_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.db"

    def theirs() -> None:
        with Journal(f"sqlite:///{path}") as other:
            other.add(by_hand(1, uid=uid_of("theirs")))

    def fill(db: Journal) -> int:
        db.add(by_hand(0, uid=uid_of("mine")))
        other = threading.Thread(target=theirs)  # another acupress, first to finish
        other.start()
        other.join()
        return 1

    with pytest.raises(Busy, match=r"made the journal .* meanwhile, so nothing was kept"):
        journal.filled(path, fill)
    with Journal(f"sqlite:///{path}") as db:
        assert [s.uid for s in db.sessions()] == [uid_of("theirs")]
    assert [name for name in os.listdir(tmp_path) if name.startswith(".")] == []  # none left
