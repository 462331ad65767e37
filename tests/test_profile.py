from __future__ import annotations

import datetime as dt
import json
import os
import resource
import stat
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from acupress import profile
from acupress.errors import AcupressError

ACUPRESS = str(Path(sys.executable).with_name("acupress"))


@pytest.mark.parametrize("width", [0.0, 0.5, 4.5, -2.0])
def test_implausible_thumb_width_is_refused(width: float) -> None:
    with pytest.raises(AcupressError, match="not plausible"):
        profile.check_thumb_cm(width)


def test_a_new_user_has_an_empty_profile() -> None:
    assert profile.load() == profile.Profile()


def test_profile_round_trip() -> None:
    me = profile.Profile(thumb_cm=2.3, minutes=18, partner=True)
    profile.save(me)
    assert profile.load() == me


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"thumb_cm": "wide"}', 'thumb_cm must be a number of cm from 1 to 4, not "wide"'),
        ('{"thumb_cm": true}', "thumb_cm must be a number of cm from 1 to 4, not true"),
        ('{"minutes": 2.5}', "minutes must be a whole number from 1 to 240, not 2.5"),
        ('{"partner": "yes"}', 'partner must be true or false, not "yes"'),
        ('{"conditions": null}', "conditions must be a list of names, not null"),
        ('{"thumbcm": 2}', "unknown field 'thumbcm'"),
        ("[1, 2]", "expected a JSON object"),
        ('{"thumb_cm": 2', "Expecting"),
    ],
)
def test_a_damaged_profile_names_the_file_and_the_problem(
    home: Path, content: str, problem: str
) -> None:
    home.mkdir(parents=True)
    (home / "profile.json").write_text(content)
    with pytest.raises(AcupressError, match=rf"profile\.json is damaged \({problem}"):
        profile.load()


def test_todays_answers_expire_at_midnight() -> None:
    answers: dict[str, Any] = {"pregnant": False}
    profile.save_check(answers, dt.date(2026, 3, 1))
    assert profile.todays_answers(dt.date(2026, 3, 1)) == answers
    assert profile.todays_answers(dt.date(2026, 3, 2)) is None


def test_the_check_keeps_its_conditions_in_the_profile() -> None:
    profile.save(profile.Profile(thumb_cm=2.1))
    profile.save_check({"pregnant": True}, dt.date(2026, 3, 2), ("pregnancy", "bleeding_risk"))
    me = profile.load()
    assert me.conditions == ("pregnancy", "bleeding_risk")
    assert me.checked_on == "2026-03-02"
    assert me.thumb_cm == 2.1  # the rest of the profile is untouched


def add_a_minute(me: profile.Profile) -> profile.Profile:
    return replace(me, minutes=(me.minutes or 0) + 1)


def test_threads_changing_the_profile_at_once_lose_no_change() -> None:
    profile.save(profile.Profile(thumb_cm=2.1))

    def change_30_times() -> None:
        for _ in range(30):
            profile.update(add_a_minute)

    threads = [threading.Thread(target=change_30_times) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert profile.load() == profile.Profile(thumb_cm=2.1, minutes=240)
    assert sorted(p.name for p in profile.profile_path().parent.iterdir()) == [
        "profile.json",
        "profile.lock",
    ]


# Run by other processes: 30 changes to the profile (a minute more each time), or 30
# safety checks that find a pregnancy.
CHANGER = """
import datetime as dt, sys
from dataclasses import replace
from acupress import profile
for _ in range(30):
    if sys.argv[1] == "check":
        profile.save_check({"pregnant": True}, dt.date(2026, 3, 2), ("pregnancy",))
    else:
        profile.update(lambda me: replace(me, minutes=(me.minutes or 0) + 1))
"""


def test_processes_changing_the_profile_at_once_lose_no_change(home: Path) -> None:
    profile.save(profile.Profile(thumb_cm=2.1))
    changers = [
        subprocess.Popen([sys.executable, "-c", CHANGER, what])
        for what in ("minutes", "check", "minutes", "minutes")
    ]
    seen = 0
    while any(p.poll() is None for p in changers):
        json.loads(profile.profile_path().read_text())  # whole at every moment
        seen += 1
        time.sleep(0.002)
    assert [p.returncode for p in changers] == [0, 0, 0, 0]
    assert seen > 0
    me = profile.load()
    assert (me.thumb_cm, me.minutes, me.conditions) == (2.1, 90, ("pregnancy",))
    assert profile.todays_answers(dt.date(2026, 3, 2)) == {"pregnant": True}
    assert not [p for p in home.iterdir() if ".tmp" in p.name]


def test_a_save_that_fails_keeps_the_old_profile_and_leaves_no_temporary_file(
    home: Path,
) -> None:
    """A file size limit makes the write fail part way (EFBIG), as a full disk would."""
    profile.save(profile.Profile(thumb_cm=2.1, minutes=20))
    before = profile.profile_path().read_bytes()

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20, 20))

    done = subprocess.run(
        [ACUPRESS, "profile", "--thumb-cm", "2.5"],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == f"Error: Cannot write {home / 'profile.json'} (File too large).\n"
    assert profile.profile_path().read_bytes() == before
    assert not [p for p in home.iterdir() if ".tmp" in p.name]


def test_the_data_directory_is_created_private_whatever_the_umask(home: Path) -> None:
    old = os.umask(0)
    try:
        profile.save(profile.Profile(thumb_cm=2.1))
    finally:
        os.umask(old)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(profile.profile_path().stat().st_mode) == 0o600


def test_a_data_directory_under_a_file_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ACUPRESS_HOME", str(blocker / "home"))
    sentence = (
        f"Cannot create the data directory {blocker / 'home'}: {blocker} is not a folder "
        "(set ACUPRESS_HOME to a folder you can write to)."
    )
    with pytest.raises(AcupressError) as saving:
        profile.save(profile.Profile(thumb_cm=2.1))
    assert str(saving.value) == sentence
    with pytest.raises(AcupressError) as reading:
        profile.load()
    assert str(reading.value) == sentence
    assert blocker.read_text() == "not a folder"
