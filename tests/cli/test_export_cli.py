"""`acupress export` and `acupress import`: files a person can open or restore, and an
import that is wrong in any way writes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from acupress.journal import Journal
from acupress.records import DailyRating, Event, SessionLog, StepLog, TrialRecord
from tests.conftest import Result
from tests.test_exports import ANSWERS, journal_entries

Run = Callable[..., Result]


@pytest.fixture
def filled(home: Path) -> list[SessionLog]:
    """A journal of four sessions (2026-03-02 to 03-05), two of them with safety answers."""
    with Journal() as db:
        for e in journal_entries():
            db.add(e.session, e.answers)
        return db.sessions(with_steps=True)


def snapshot() -> tuple[list[SessionLog], list[Any]]:
    with Journal() as db:
        logs = db.sessions(with_steps=True)
        return logs, [db.answers(s.id) for s in logs if s.id]


def one_sentence(r: Result) -> str:
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("Error: ")
    return lines[0]


def move_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> Path:
    other = tmp_path / name
    monkeypatch.setenv("ACUPRESS_HOME", str(other))
    return other


# --- export ---------------------------------------------------------------------------


def test_export_writes_csv_for_a_csv_file(
    run: Run, filled: list[SessionLog], tmp_path: Path
) -> None:
    out = tmp_path / "journal.csv"
    r = run("export", "--out", str(out))
    assert r.code == 0, r.err
    assert r.out.strip() == f"Exported 4 sessions to {out} (CSV)."
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert [row["pain before"] for row in rows] == ["6", "5", "6", "5"]
    assert [row["source"] for row in rows] == ["guided", "by hand", "guided", "by hand"]
    assert out.stat().st_mode & 0o777 == 0o600  # a health record: the owner's only


def test_from_and_to_keep_the_days_between(run: Run, filled: list[SessionLog]) -> None:
    r = run("export", "--format", "csv", "--out", "-", "--from", "2026-03-03", "--to", "2026-03-04")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out, newline="")))
    assert [row["date"] for row in rows] == ["2026-03-03", "2026-03-04"]
    assert "Exported 2 sessions to standard output" in r.err


def test_export_writes_a_fhir_bundle(run: Run, filled: list[SessionLog], tmp_path: Path) -> None:
    from fhir.resources.R4B.bundle import Bundle

    out = tmp_path / "pain.fhir.json"
    r = run("export", "--out", str(out))
    assert r.code == 0, r.err
    assert "FHIR R4 Bundle of 7 pain observations" in r.out
    bundle = Bundle.model_validate_json(out.read_text(encoding="utf-8"))
    assert bundle.type == "collection"
    assert bundle.entry is not None and len(bundle.entry) == 7
    assert run("export", "--format", "fhir", "--out", "-").out == out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--out", "journal.txt"), "Cannot tell the format from 'journal.txt'"),
        (("--out", "j.csv", "--from", "2026-03-05", "--to", "2026-03-01"), "is after --to"),
        (("--out", "j.csv", "--from", "March"), "--from must be a date like 2026-03-01"),
        (("--out", "j.csv", "--format", "xml"), "--format must be csv, json or fhir, not 'xml'."),
    ],
)
def test_bad_export_options_are_one_clear_error(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    r = run("export", *args)
    assert r.code == 2
    assert message in one_sentence(r)
    assert list(tmp_path.glob("j*")) == []


# --- import ---------------------------------------------------------------------------


def test_export_then_import_into_an_empty_journal_restores_everything(
    run: Run,
    filled: list[SessionLog],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run("profile", "--thumb-cm", "2.2", "--minutes", "25", "--partner").code == 0
    backup = tmp_path / "backup.json"
    assert run("export", "--out", str(backup)).code == 0
    before = snapshot()

    move_home(monkeypatch, tmp_path, "new")
    r = run("import", str(backup))
    assert r.code == 0, r.err
    assert "4 sessions added, 0 already in the journal" in r.out
    assert "Profile restored" in r.out
    logs, answers = snapshot()
    assert [replace(s, id=None) for s in logs] == [replace(s, id=None) for s in before[0]]
    assert answers == before[1] == [ANSWERS, None, {"pregnant": False}, None]
    restored = run("profile", "--json").json()
    assert restored | {"thumb_cm": 2.2, "minutes": 25, "partner": True} == restored
    # The restored journal exports to the same file, but for the moment of export.
    again = tmp_path / "again.json"
    assert run("export", "--out", str(again)).code == 0
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (backup, again))
    for doc in (first, second):
        doc.pop("exported_at")
        for s in doc["sessions"]:
            s.pop("id")
    assert first == second


def test_importing_twice_adds_nothing_and_keeps_the_profile(
    run: Run, filled: list[SessionLog], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("profile", "--minutes", "25").code == 0
    backup = tmp_path / "backup.json"
    assert run("export", "--out", str(backup)).code == 0
    move_home(monkeypatch, tmp_path, "new")
    assert run("import", str(backup)).code == 0
    assert run("profile", "--minutes", "15").code == 0
    r = run("import", str(backup))
    assert r.code == 0, r.err
    assert "0 sessions added, 4 already in the journal" in r.out
    assert "Your own profile is kept" in r.out
    assert len(snapshot()[0]) == 4
    assert run("profile", "--json").json()["minutes"] == 15
    r = run("import", str(backup), "--profile")
    assert "Profile restored" in r.out
    assert run("profile", "--json").json()["minutes"] == 25


def test_import_adds_to_an_existing_journal(
    run: Run, filled: list[SessionLog], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = tmp_path / "backup.json"
    assert run("export", "--out", str(backup), "--to", "2026-03-03").code == 0
    move_home(monkeypatch, tmp_path, "new")
    assert (
        run(
            "journal", "add", "--date", "2026-03-01", "--pain-before", "4", "--pain-after", "2"
        ).code
        == 0
    )
    r = run("import", str(backup))
    assert "2 sessions added, 0 already in the journal" in r.out
    assert "The file has no profile" in r.out
    assert [s["day"] for s in run("journal", "--json").json()] == [
        "2026-03-01",
        "2026-03-02",
        "2026-03-03",
    ]


def broken(doc: dict[str, Any], how: str) -> bytes:
    if how == "not json":
        return json.dumps(doc).encode()[:-20]
    if how == "newer":
        doc["version"] = 5
    elif how == "ill-typed":
        doc["sessions"][3]["seconds"] = "15 min"
    elif how == "pain 11":
        doc["sessions"][3]["pain_after"] = 11
    elif how == "missing":
        del doc["sessions"][3]["protocol"]
    elif how == "format":
        doc["format"] = "someone-elses-journal"
    elif how == "unknown point":
        doc["sessions"][3]["points"] = ["BL40", "ZZ9"]
    elif how == "in 2099":
        doc["sessions"][3] |= {"day": "2099-03-05", "started_at": "2099-03-05T18:30:00+00:00"}
    elif how == "2**63 seconds":
        doc["sessions"][3]["seconds"] = 2**63
    elif how == "long note":
        doc["sessions"][3]["note"] = "x" * 100_000
    elif how == "nested":
        return b'{"format": "acupress-journal", "sessions": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("not json", "it is not JSON"),
        ("newer", "made by a newer acupress (journal version 5"),
        ("ill-typed", "sessions[3].seconds: expected `int`, got `str`"),
        ("pain 11", "sessions[3].pain_after must be a pain score from 0 to 10, not 11"),
        ("missing", "sessions[3]: object missing required field `protocol`"),
        ("format", "format is 'someone-elses-journal'"),
        ("unknown point", "sessions[3].points must be points of the atlas, not 'ZZ9'"),
        ("in 2099", "sessions[3].day must be from 2000-01-01 to today, not 2099-03-05"),
        ("2**63 seconds", "sessions[3].seconds must be from 0 to 86400 (a day)"),
        ("long note", "sessions[3].note can be at most 2000 characters, not 100000"),
        ("nested", "it is not an acupress journal export (it is nested too deeply)"),
    ],
)
def test_a_bad_file_is_one_sentence_and_writes_nothing(
    run: Run,
    filled: list[SessionLog],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
    message: str,
) -> None:
    backup = tmp_path / "backup.json"
    assert run("export", "--out", str(backup)).code == 0
    bad = tmp_path / "bad.json"
    bad.write_bytes(broken(json.loads(backup.read_text(encoding="utf-8")), how))

    # Into an empty home: no journal and no profile appear.
    new_home = move_home(monkeypatch, tmp_path, "new")
    r = run("import", str(bad))
    assert r.code == 2
    line = one_sentence(r)
    assert line.startswith(f"Error: {bad} cannot be imported: ")
    assert message in line
    assert line.endswith("nothing was imported.")
    assert not new_home.exists() or list(new_home.iterdir()) == []

    # Into an existing journal (the first three sessions are fine): it stays as it was.
    move_home(monkeypatch, tmp_path, "home")
    before = snapshot()
    assert run("import", str(bad)).code == 2
    assert snapshot() == before


def test_a_backup_of_sessions_logged_at_the_same_time_restores_every_one(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sessions logged by hand on the same day without a time both start at noon:
    they are still two sessions, through the backup and back."""
    for _ in range(2):
        logged = run(
            "journal", "add", "--date", "2020-05-05", "--pain-before", "6", "--pain-after", "4"
        )
        assert logged.code == 0, logged.err
    backup = tmp_path / "b.json"
    assert run("export", "--out", str(backup)).code == 0
    original = snapshot()

    move_home(monkeypatch, tmp_path, "new")
    r = run("import", str(backup))
    assert r.code == 0, r.err
    assert "Imported" in r.out and "2 sessions added, 0 already in the journal." in r.out
    restored = snapshot()
    assert [replace(s, id=None) for s in restored[0]] == [replace(s, id=None) for s in original[0]]
    r = run("import", str(backup))
    assert "0 sessions added, 2 already in the journal." in r.out
    assert len(snapshot()[0]) == 2


def test_a_missing_file_is_one_clear_error(run: Run, tmp_path: Path) -> None:
    r = run("import", str(tmp_path / "nowhere.json"))
    assert r.code == 2
    assert "nowhere.json does not exist" in one_sentence(r)


def test_import_reads_standard_input(
    run: Run, filled: list[SessionLog], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = run("export", "--format", "json", "--out", "-").out
    move_home(monkeypatch, tmp_path, "new")
    r = run("import", "-", input=text)
    assert r.code == 0, r.err
    assert "4 sessions added" in r.out


def test_start_up_imports_none_of_the_export_libraries() -> None:
    code = (
        "import sys, acupress.cli; "
        "print([m for m in ('icalendar', 'fhir', 'acupress.exports', 'acupress.reminders') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- ten years through a backup -------------------------------------------------------

NOTES = (
    "",
    "warm afterwards, slept well",
    'felt "tingling" down to the knee;\nsecond line\r\nthird',
    "痛みが少し楽になった 🙂",
    "ألم أقل بعد الجلسة",
    "Ærøskøbing, naïve café — ½ better",
    '=HYPERLINK("x")',
    "\x00 tab\tand nul",
)
STOPS = ("dizziness", "pain_increased", "no_time", "interrupted", "other")
ROUTINE = (  # step id, point, side
    ("prepare", None, None),
    ("bl23", "BL23", "both"),
    ("bl25", "BL25", "left"),
    ("bl25", "BL25", "right"),
    ("gv4", "GV4", None),
    ("bl40", "BL40", "left"),
    ("bl40", "BL40", "right"),
    ("ki3", "KI3", "left"),
    ("ki3", "KI3", "right"),
    ("rest", None, None),
)


def ten_years_of_sessions(last_day: dt.date) -> list[tuple[SessionLog, dict[str, Any] | None]]:
    """A made-up journal of ten years: guided sessions with their steps and safety
    answers, sessions logged by hand with their pressure, some days with several
    sessions (some at the very same moment), stops of every reason, notes in any script."""
    rng = random.Random(20161201)
    zone = dt.timezone(dt.timedelta(hours=1))
    first = last_day - dt.timedelta(days=3652)
    made: list[tuple[SessionLog, dict[str, Any] | None]] = []
    for n in range(3653):
        day = first + dt.timedelta(days=n)
        if rng.random() < 0.35:
            continue
        times = [dt.time(7, 30)] + [dt.time(12, 0)] * rng.choice((0, 0, 0, 1, 2))
        for at in times:
            start = dt.datetime.combine(day, at, zone) + dt.timedelta(
                microseconds=rng.choice((0, 123456))
            )
            before = rng.randint(0, 10)
            after = rng.choice((None, rng.randint(0, 10)))
            note = rng.choice(NOTES)
            if at.hour == 12:
                pressure = rng.choice((None, "light", "moderate", "firm"))
                minutes = rng.choice((0, 10, 15, 20))
                made.append(
                    (
                        SessionLog(
                            id=None,
                            started_at=start,
                            day=day,
                            protocol="low-back",
                            source="manual",
                            pain_before=before,
                            pain_after=after,
                            points=tuple(rng.sample(("BL23", "BL25", "GV4", "BL40", "KI3"), 2)),
                            seconds=minutes * 60,
                            note=note,
                            complete=True,
                            ended_at=start + dt.timedelta(minutes=minutes),
                            pressure=pressure,  # type: ignore[arg-type]
                        ),
                        None,
                    )
                )
                continue
            count = rng.randint(1, len(ROUTINE))
            stop = rng.choice((None, None, None, *STOPS))
            skip_all = rng.random() < 0.03
            steps = []
            clock = start
            for position, (step_id, point, side) in enumerate(ROUTINE[:count]):
                skipped = skip_all or rng.random() < 0.1
                seconds = rng.choice((60.0, 95.5, 0.0, 61.123456789))
                clock += dt.timedelta(seconds=seconds)
                steps.append(
                    StepLog(
                        position=position,
                        step=position + 1,
                        step_id=step_id,
                        point=point,
                        side=side,  # type: ignore[arg-type]
                        pressure=rng.choice(("light", "moderate", "firm")) if point else None,
                        planned_seconds=60,
                        seconds=seconds,
                        skipped=skipped,
                        completed_at=clock,
                    )
                )
            pressed = tuple(dict.fromkeys(s.point for s in steps if s.point and not s.skipped))
            made.append(
                (
                    SessionLog(
                        id=None,
                        started_at=start,
                        day=day,
                        protocol="low-back",
                        source="guided",
                        decision=rng.choice(("go", "modified")),
                        pain_before=before,
                        pain_after=after,
                        points=pressed,
                        seconds=round(sum(s.seconds for s in steps)),
                        steps=tuple(steps),
                        sensations=tuple(rng.sample(("warmth", "ache", "tingling"), 2)),
                        stop_reason=stop,  # type: ignore[arg-type]
                        stop_note=rng.choice(NOTES) if stop == "other" else "",
                        note=note,
                        ended_at=rng.choice((clock, None)),
                        complete=stop is None and bool(pressed),
                    ),
                    ANSWERS | {"age": rng.randint(18, 90), "skin_problem_at": ["GV4"]},
                )
            )
    return made


def test_ten_years_of_journal_come_back_from_a_backup_exactly(
    run: Run, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last_day = dt.date.today() - dt.timedelta(days=10)
    with Journal() as db:
        db.import_sessions(ten_years_of_sessions(last_day))
        for n in range(5):
            at = dt.datetime.combine(last_day - dt.timedelta(days=700 * n), dt.time(9), dt.UTC)
            db.add_event(
                Event(
                    id=None,
                    uid=str(uuid.uuid4()),
                    kind="seen_professional",
                    at=at,
                    day=at.date(),
                    note=NOTES[n],
                )
            )
        for n in range(400):  # a daily rating on 400 days, and two trials
            day = last_day - dt.timedelta(days=3 * n)
            db.add_rating(
                DailyRating(
                    id=None,
                    uid=str(uuid.uuid4()),
                    day=day,
                    pain=n % 11,
                    enjoyment=(n * 3) % 11,
                    activity=(n * 7) % 11,
                    rated_at=dt.datetime.combine(day, dt.time(20, 30, 15, 123456), dt.UTC),
                )
            )
        for n, stop in enumerate((None, "Stopped by you: moving house.")):
            start = last_day - dt.timedelta(days=100 + 200 * n)
            db.add_trial(
                TrialRecord(
                    id=None,
                    uid=str(uuid.uuid4()),
                    start=start,
                    weeks=6 + 2 * n,
                    seed=2**62 + n,
                    created_at=dt.datetime.combine(start, dt.time(8), dt.UTC),
                    stopped_on=start + dt.timedelta(days=20) if stop else None,
                    stop_reason=stop,
                )
            )
    logs, answers = snapshot()
    with Journal() as db:
        events, ratings, trials = db.events(), db.ratings(), db.trials()
    assert len(logs) > 2000
    assert len({s.started_at for s in logs}) < len(logs)  # some start together
    assert {s.stop_reason for s in logs} >= set(STOPS)
    backup = tmp_path / "ten-years.json"
    assert run("export", "--out", str(backup)).code == 0

    move_home(monkeypatch, tmp_path, "restored")
    r = run("import", str(backup))
    assert r.code == 0, r.err
    assert f"{len(logs)} sessions added, 0 already in the journal." in r.out
    back, back_answers = snapshot()
    with Journal() as db:
        back_events = db.events()
    assert len(back) == len(logs)
    for i, (was, now) in enumerate(zip(logs, back, strict=True)):
        for f in fields(SessionLog):
            if f.name != "id":
                assert getattr(now, f.name) == getattr(was, f.name), (i, f.name)
    assert back_answers == answers
    assert [replace(e, id=None) for e in back_events] == [replace(e, id=None) for e in events]
    with Journal() as db:
        assert [replace(r, id=None) for r in db.ratings()] == [replace(r, id=None) for r in ratings]
        assert [replace(x, id=None) for x in db.trials()] == [replace(x, id=None) for x in trials]

    r = run("import", str(backup))
    assert f"0 sessions added, {len(logs)} already in the journal." in r.out
    assert len(snapshot()[0]) == len(logs)


@pytest.mark.parametrize(
    ("zone", "winter", "summer"),
    [
        ("Europe/Paris", "+01:00", "+02:00"),  # named: each moment in its own offset
        ("<+09>-9", "+09:00", "+09:00"),  # a POSIX rule with no name: the C library's
    ],
)
def test_exported_times_are_in_the_computers_zone_each_with_its_own_offset(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zone: str, winter: str, summer: str
) -> None:
    import time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        at_noon = ("--time", "12:00", "--pain-before", "5", "--pain-after", "3")
        for day in ("2026-01-15", "2026-07-15"):
            added = run("journal", "add", "--date", day, *at_noon)
            assert added.code == 0, added.err
        out = tmp_path / "backup.json"
        assert run("export", "--out", str(out)).code == 0
        started = [s["started_at"] for s in json.loads(out.read_text())["sessions"]]
        assert [s[-6:] for s in started] == [winter, summer]
        assert [s[11:16] for s in started] == ["12:00", "12:00"]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
