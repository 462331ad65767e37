"""Bad input on the command line: one sentence in acupress's words, exit code 2, nothing
written, never a traceback or an "Unexpected error"."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Run = Callable[..., Result]
ACUPRESS = str(Path(sys.executable).with_name("acupress"))

# What click says in its own voice; none of it may reach a person.
CLICK_WORDS = (
    "Invalid value",
    "is not a valid",
    "is not in the range",
    "is not one of",
    "Missing option",
    "Missing argument",
    "No such option",
    "No such command",
    "Got unexpected extra",
    "requires an argument",
    "does not take a value",
    "Usage:",
    "Try '",
)


def one_sentence_error(r: Result) -> str:
    """The error line of a refused command, checked for the things every refusal shares."""
    assert r.code == 2, (r.code, r.err)
    assert "Traceback" not in r.err and "Unexpected error" not in r.err
    assert r.err.startswith("Error: ") and r.err.count("\n") == 1, r.err
    for words in CLICK_WORDS:
        assert words not in r.err, r.err
    return r.err.removeprefix("Error: ").rstrip("\n")


@pytest.fixture
def deep_answers(tmp_path: Path) -> Path:
    path = tmp_path / "deep.json"
    path.write_text("[" * 1000 + "]" * 1000)
    return path


@pytest.mark.parametrize("command", ["check", "plan", "session"])
def test_answers_nested_too_deeply_are_refused_in_one_sentence(
    run: Run, deep_answers: Path, home: Path, command: str
) -> None:
    message = one_sentence_error(run(command, "--answers", str(deep_answers)))
    assert message == (
        f"Answers file {deep_answers} is nested too deeply to be answers: give a JSON object "
        "of answers by question id (acupress check --template writes one)."
    )
    assert not (home / "check.json").exists()


def test_a_backup_nested_too_deeply_is_refused_and_nothing_imported(
    run: Run, deep_answers: Path, home: Path
) -> None:
    message = one_sentence_error(run("import", str(deep_answers)))
    assert message == (
        f"{deep_answers} cannot be imported: it is not an acupress journal export "
        "(it is nested too deeply); nothing was imported."
    )
    assert not (home / "journal.db").exists()


def test_a_protocol_name_too_long_for_a_file_name_is_refused(run: Run) -> None:
    name = "a" * 300
    message = one_sentence_error(run("plan", "--protocol", name))
    assert message == f"Protocol file {name} cannot be read (File name too long)."


@pytest.mark.parametrize("speed", ["nan", "inf", "-inf", "0", "1001", "fast"])
def test_a_session_speed_must_be_a_number_in_range(
    run: Run, answers_file: Callable[..., Path], home: Path, speed: str
) -> None:
    r = run(
        "session", "--auto", "--answers", str(answers_file()), "--speed", speed,
        "--pain-before", "5", "--pain-after", "4",
    )  # fmt: skip
    assert one_sentence_error(r) == f"--speed must be a number from 0.1 to 1000, not '{speed}'."
    assert not (home / "journal.db").exists()


def test_a_session_note_too_long_is_refused_before_anything_starts(
    run: Run, answers_file: Callable[..., Path], home: Path
) -> None:
    r = run(
        "session", "--auto", "--answers", str(answers_file()), "--speed", "1000", "--keep",
        "--pain-before", "5", "--pain-after", "4", "--note", "x" * 2001,
    )  # fmt: skip
    assert one_sentence_error(r) == "A note can be at most 2000 characters, not 2001."
    assert not (home / "journal.db").exists()


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02", "1999-12-31"])
def test_a_report_ending_before_2000_is_refused(run: Run, tmp_path: Path, day: str) -> None:
    out = tmp_path / "report.html"
    message = one_sentence_error(run("report", "--to", day, "--out", str(out)))
    assert message == f"The report cannot end on {day}, before 2000: check the year."
    assert not out.exists()


def test_a_report_up_to_a_far_future_day_covers_up_to_today(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = run("report", "--to", "9999-12-31", "--out", str(out))
    assert r.code == 0, r.err
    assert out.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("9999-12-31", "The reminders cannot start on 9999-12-31, more than a year from now: "
         "choose a day within the next year."),
        ("2200-01-01", "The reminders cannot start on 2200-01-01, more than a year from now: "
         "choose a day within the next year."),
        ("0001-01-01", "The reminders cannot start on 0001-01-01, before 2000: check the year."),
    ],
)  # fmt: skip
def test_reminders_starting_unreasonably_far_away_are_refused(
    run: Run, tmp_path: Path, day: str, message: str
) -> None:
    out = tmp_path / "r.ics"
    assert one_sentence_error(run("remind", "--out", str(out), "--start", day)) == message
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["remind", "--out", ""], "--out needs a file name (or - for standard output)."),
        (["guide", "--format", "md", "--out", "."],
         ". is a folder, not a file: give --out a file name."),
        (["export", "--format", "csv", "--out", "~nobody-of-that-name/j.csv"],
         "Cannot tell whose home directory '~nobody-of-that-name/j.csv' means: "
         "write the path in full."),
        (["remind", "--out", "r.ics", "--tz", "a" * 300],
         f"--tz must be a time zone name like Europe/Paris, not '{'a' * 300}'."),
    ],
)  # fmt: skip
def test_an_output_that_cannot_be_a_file_is_refused(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert one_sentence_error(run(*args)) == message
    assert list(work.iterdir()) == []  # nothing written


# --- no one to answer -------------------------------------------------------------------

NO_STDIN = (
    "No answers could be read: standard input is closed; give them in a file with "
    "--answers FILE (acupress check --template writes one to fill in)."
)


@pytest.mark.parametrize("command", [["check"], ["session"], ["session", "--pain-before", "5"]])
def test_questions_with_standard_input_closed_say_how_to_give_the_answers(
    run: Run, home: Path, command: list[str]
) -> None:
    assert one_sentence_error(run(*command, input="")) == NO_STDIN
    assert not (home / "check.json").exists()
    assert not (home / "journal.db").exists()


def test_a_real_process_without_standard_input_says_how_to_give_the_answers(
    tmp_path: Path,
) -> None:
    env = {"ACUPRESS_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    done = subprocess.run(
        [ACUPRESS, "check"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.endswith(f"Error: {NO_STDIN}\n")
    assert not (tmp_path / "check.json").exists()


def test_a_pain_score_that_cannot_be_read_says_which_option_gives_it(
    run: Run, answers_file: Callable[..., Path], home: Path
) -> None:
    r = run("session", "--answers", str(answers_file()), input="")
    assert one_sentence_error(r) == (
        "No pain score could be read: standard input is closed; give --pain-before N "
        "(and --auto --pain-after N to run without questions)."
    )
    assert not (home / "journal.db").exists()


class Interrupted:
    """Standard input where the person presses Ctrl-C at the first question."""

    def readline(self, *_args: object) -> str:
        raise KeyboardInterrupt

    def isatty(self) -> bool:
        return False


def test_ctrl_c_at_a_question_stops_and_saves_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    from acupress.cli import main

    monkeypatch.setattr(sys, "argv", ["acupress", "check"])
    monkeypatch.setattr(sys, "stdin", Interrupted())
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 130
    assert capsys.readouterr().err.endswith("Error: Stopped; nothing was saved.\n")
    assert not (home / "check.json").exists()


# --- click's words, in acupress's voice -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--minutes", "0"], "--minutes must be a whole number from 1 to 240, not '0'."),
        (["plan", "--minutes", "zero"],
         "--minutes must be a whole number from 1 to 240, not 'zero'."),
        (["plan", "--minutes", "2.5"],
         "--minutes must be a whole number from 1 to 240, not '2.5'."),
        (["progress", "--days", "0"], "--days must be a whole number of at least 1, not '0'."),
        (["journal", "add", "--date", "2026-03-01", "--pain-before", "x", "--pain-after", "3"],
         "--pain-before must be a whole number, not 'x'."),
        (["points", "--thumb-cm", "wide"], "--thumb-cm must be a number, not 'wide'."),
        (["points", "--thumb-cm", "nan"], "--thumb-cm must be a number, not 'nan'."),
        (["export", "--format", "xml", "--out", "x"],
         "--format must be csv, json or fhir, not 'xml'."),
        (["journal", "edit", "one", "--note", "x"],
         "SESSION_ID must be a whole number of at least 1, not 'one'."),
        (["plan", "--minutes"], "--minutes needs a value, e.g. --minutes N."),
        (["check", "--json=yes"], "--json takes no value: give --json alone."),
        (["remind"], "Give --out FILE.ics: acupress remind needs it."),
        (["import"], "Give FILE: acupress import needs it."),
        (["plan", "--minuts", "20"],
         "acupress plan has no option --minuts: did you mean --minutes?"),
        (["plan", "--zzz"], "acupress plan has no option --zzz: see acupress plan --help."),
        (["chekc"], "acupress has no command 'chekc': did you mean check?"),
        (["zzz"], "acupress has no command 'zzz': see acupress --help."),
        (["journal", "ad"], "acupress journal has no command 'ad': did you mean add?"),
        (["points", "BL23", "BL25"],
         "acupress points does not take 'BL25': see acupress points --help."),
    ],
)  # fmt: skip
def test_command_line_mistakes_are_told_in_acupress_words(
    run: Run, args: list[str], message: str
) -> None:
    assert one_sentence_error(run(*args)) == message


def test_acupress_alone_shows_its_help(run: Run) -> None:
    r = run()
    assert (r.code, r.err) == (0, "")
    assert "Start with `acupress check`" in r.out and "Commands:" in r.out
