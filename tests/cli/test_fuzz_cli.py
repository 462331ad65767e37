"""Any command with any options: odd strings, numbers (nan, inf, huge), dates at the edges
of the calendar, empty values, missing files and directories. Whatever is typed, the
answer is a result, or one sentence in acupress's words with exit code 1 or 2; never a
traceback or an "Unexpected error".

The commands run in-process through the real entry point, in a working directory of
their own with a few files to find (answers, a broken file, a protocol, a backup), and
with standard input closed, so nothing waits for a person. ``serve`` is left out (it
would listen), and a session that really starts runs a thousand times faster."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupress.cli import cli
from tests.cli.test_bad_input_cli import CLICK_WORDS
from tests.conftest import Result, all_clear

Run = Callable[..., Result]

# Values a person (or a script) might give, right or wrong, chosen so the commands get
# past their first checks often enough to reach the code behind them.
WORDS = [
    "", " ", "-", "--", "0", "-1", "1", "14", "20", "240", "241", "2.5", "1e309", "-0",
    "nan", "NaN", "inf", "-inf", "9" * 5000, "0x10", "1_000", "٣",
    "0001-01-01", "0001-01-02", "1999-12-31", "2000-01-01", "2026-02-29", "2026-02-30",
    "9999-12-31", "9990-01-01", "2026-13-01", "today",
    "00:00", "07:30", "23:59", "24:00", "7h30", "-1:00",
    "BL23", "bl23", "KI3", "XX1", "BL23,KI3", "BL23,,", "none",
    "mon", "mon,tue,wed,thu,fri,sat,sun", "funday", "mo,mo",
    "light", "firm", "LIGHT", "csv", "json", "fhir", "html", "md", "svg", "png",
    "back", "knee", "ankle", "body", "warmth,ache", "none,ache",
    "Europe/Paris", "UTC", "Mars/Olympus", "../../etc", "a" * 300,
    "low-back", "mine.toml", "bad.toml", "nowhere/mine", "~nobody-of-that-name/x.toml",
    "answers.json", "pregnant.json", "deep.json", "broken.json", "template.json",
    "backup.json", "missing.json", "adir", "adir/", "missing/dir/out.html",
    "out.ics", "out.html", "out.md", "out.csv", "out.json", "out.fhir.json", "out.svg",
    "out.png", "out.txt", "out", ".", "-",
]  # fmt: skip
ODD = st.one_of(
    st.sampled_from(WORDS),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats().map(repr),
    st.dates().map(str),
)
SLOW = (".pdf", "pdf")  # PDFs are printed by WeasyPrint: seconds each, tested elsewhere
DAYS = ["2026-03-01", "2026-11-30", "0001-01-01", "0001-01-02", "1999-12-31", "9999-12-31"]
# Each option's likely values, so that most command lines get past their first check.
LIKELY: dict[str, list[str]] = {
    "answers_file": ["answers.json", "pregnant.json", "template.json", "deep.json", "-"],
    "at": ["07:30", "00:00", "23:59"],
    "code": ["BL23", "ki3", "GV4"],
    "day": DAYS,
    "days": ["mon,wed,fri", "sat", "mon,tue,wed,thu,fri,sat,sun"],
    "file": ["backup.json", "answers.json", "deep.json", "-"],
    "last": ["1", "20"],
    "minutes": ["14", "15", "20", "240", "10"],
    "note": ["", "warm afterwards", "x" * 2001],
    "pain_after": ["0", "4", "10"],
    "pain_before": ["0", "6", "10"],
    "points": ["BL23,KI3", "", "bl25"],
    "pressure": ["light", "moderate", "firm"],
    "protocol_name": ["low-back", "mine.toml", "bad.toml"],
    "sensations_text": ["warmth,ache", "none"],
    "session_id": ["1", "2"],
    "since": DAYS,
    "speed": ["1000", "500"],
    "start": DAYS,
    "thumb_cm": ["2.1", "1", "4"],
    "until": DAYS,
    "view": ["back", "knee", "ankle", "body"],
    "zone_name": ["Europe/Paris", "UTC", "Pacific/Kiritimati", "Etc/GMT+12"],
}


# ... and those that depend on the command.
LIKELY_FOR: dict[tuple[str, str], list[str]] = {
    ("check", "out_path"): ["template.json", "out.json", "-"],
    ("remind", "out_path"): ["out.ics", "-"],
    ("report", "out_path"): ["out.html", "report.htm"],
    ("report", "fmt"): ["html"],
    ("chart", "out_path"): ["out.svg", "out.png"],
    ("guide", "out_path"): ["out.html", "out.md", "-"],
    ("guide", "fmt"): ["html", "md"],
    ("export", "out_path"): ["out.csv", "out.json", "out.fhir.json", "-"],
    ("export", "fmt"): ["csv", "json", "fhir"],
}
# A session with everything it needs to start, for the options drawn to change.
SESSION = ["--auto", "--answers", "answers.json", "--pain-before", "6", "--pain-after", "4"]


def value_for(command: str, name: str | None) -> st.SearchStrategy[str]:
    """Mostly a likely value, sometimes anything at all."""
    likely = LIKELY_FOR.get((command, name or "")) or LIKELY.get(name or "")
    return ODD if likely is None else st.sampled_from(likely) | st.sampled_from(likely) | ODD


def sometimes(draw: st.DrawFn, one_in: int) -> bool:
    return draw(st.sampled_from([False] * (one_in - 1) + [True]))


def commands() -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command under acupress, by its words (``journal add``), but ``serve``."""
    found: list[tuple[tuple[str, ...], click.Command]] = []

    def walk(words: tuple[str, ...], command: click.Command) -> None:
        if isinstance(command, click.Group):
            if command.invoke_without_command:
                found.append((words, command))
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk((*words, name), sub)
        elif words != ("serve",):
            found.append((words, command))

    walk((), cli)
    return found


COMMANDS = commands()


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    words, command = draw(st.sampled_from(COMMANDS))
    params = [p for p in command.params if p.name != "help"]
    chosen = draw(st.lists(st.sampled_from(params), unique_by=lambda p: p.name, max_size=5))
    chosen += [p for p in params if p.required and p not in chosen and not sometimes(draw, 10)]
    args: list[str] = list(words)
    if words == ("session",) and sometimes(draw, 4):
        args += SESSION
    for p in chosen:
        if isinstance(p, click.Argument):
            args.append(draw(value_for(words[0], p.name)))
        elif isinstance(p, click.Option) and p.is_flag:
            args.append(draw(st.sampled_from([*p.opts, *p.secondary_opts])))
        elif isinstance(p, click.Option):
            args += [draw(st.sampled_from(p.opts)), draw(value_for(words[0], p.name))]
    if sometimes(draw, 20):
        args.append(draw(st.sampled_from(["--zzz", "extra", "--json=1", "-x"])))
    if "--auto" in args:
        args += ["--speed", "1000"]  # a session that starts ends within a second
    return args


@pytest.fixture
def workplace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> Path:
    from tests.test_protocol import CUSTOM

    place = tmp_path / "work"
    place.mkdir()
    monkeypatch.chdir(place)
    (place / "answers.json").write_text(json.dumps(all_clear()))
    (place / "pregnant.json").write_text(json.dumps(all_clear() | {"pregnant": True}))
    (place / "deep.json").write_text("[" * 1000 + "]" * 1000)
    (place / "broken.json").write_text("{not json")
    (place / "mine.toml").write_text(CUSTOM)
    (place / "bad.toml").write_text('name = "bad"\ntitle = 3\n')
    (place / "adir").mkdir()
    assert run("check", "--template", "--out", "template.json").code == 0
    args = ("--date", "2026-03-01", "--pain-before", "6", "--pain-after", "4")
    assert run("journal", "add", *args).code == 0
    assert run("export", "--out", "backup.json").code == 0
    return place


@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=command_lines())
def test_any_command_line_gives_a_result_or_one_sentence(
    run: Run, workplace: Path, args: list[str]
) -> None:
    if any(a.lower().endswith(SLOW) for a in args):
        return
    r = run(*args)
    assert r.code in (0, 1, 2), (args, r.code, r.err)
    assert "Traceback" not in r.err and "Unexpected error" not in r.err, (args, r.err)
    if r.code:
        assert "Error: " in r.err, (args, r.err)
        message = r.err.rsplit("Error: ", 1)[1]
        assert not any(words in message for words in CLICK_WORDS), (args, message)


def test_the_fuzzing_reaches_every_command() -> None:
    names = {" ".join(words) for words, _ in COMMANDS}
    assert {"check", "plan", "session", "remind", "report", "journal add"} <= names
    assert "serve" not in names
