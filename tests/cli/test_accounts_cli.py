"""acupress accounts: add prints a one-time link, list, password from standard input,
remove after a confirmation; mistakes are one sentence with exit code 2."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from acupress.accounts import Accounts
from acupress.journal import Journal
from tests.conftest import Result

Run = Callable[..., Result]
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_add_prints_a_one_time_link_at_the_base_url(
    run: Run, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    monkeypatch.setenv("ACUPRESS_BASE_URL", "https://acupress.example.org/")
    r = run("accounts", "add", "sam", "--role", "person", now=NOW)
    assert r.code == 0, r.err
    link = re.search(r"https://acupress\.example\.org/invitation/(\S+)", r.out)
    assert link, r.out
    assert "expires on 2026-03-05" in r.out
    with Journal(f"sqlite:///{home / 'journal.db'}") as db:
        assert Accounts(db).invited(link[1], NOW).name == "sam"
    listed = run("accounts", "list", "--json")
    assert [(a["name"], a["role"], a["has_password"]) for a in listed.json()] == [
        ("sam", "person", False)
    ]


def test_password_from_standard_input_lets_the_account_sign_in(run: Run, home: Path) -> None:
    run("accounts", "add", "kim", "--role", "practitioner")
    r = run("accounts", "password", "kim", "--password-stdin", input="rather long words\n")
    assert r.code == 0, r.err
    assert "rather long words" not in r.out + r.err
    with Journal(f"sqlite:///{home / 'journal.db'}") as db:
        login = Accounts(db).sign_in("kim", "rather long words", "127.0.0.1", NOW)
    assert login.account.role == "practitioner"
    assert "kim  practitioner" in run("accounts").out


def test_a_weak_password_is_one_sentence_and_exit_code_2(run: Run) -> None:
    run("accounts", "add", "kim")
    r = run("accounts", "password", "kim", "--password-stdin", input="12345678\n")
    assert r.code == 2
    assert r.err == (
        "Error: This password is one of the first that anyone would try: choose another.\n"
    )


def test_remove_asks_first_and_keeps_everything_when_told_no(run: Run) -> None:
    run("accounts", "add", "sam")
    r = run("accounts", "remove", "sam", input="n\n")
    assert r.code == 0 and "Nothing was removed." in r.out
    assert "sam" in run("accounts", "list").out
    r = run("accounts", "remove", "sam", input="y\n")
    assert r.code == 0 and "Removed the account 'sam'" in r.out
    assert "No accounts yet" in run("accounts", "list").out


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("remove", "nobody", "--yes"), "There is no account 'nobody'"),
        (("add", "two words"), "cannot be an account's name"),
        (("add", "sam", "--role", "doctor"), "--role"),
        (("password", "nobody", "--password-stdin"), "There is no account 'nobody'"),
    ],
)
def test_mistakes_are_one_sentence_and_exit_code_2(
    run: Run, args: tuple[str, ...], sentence: str
) -> None:
    r = run("accounts", *args)
    assert r.code == 2
    assert sentence in r.err and "Traceback" not in r.err
    assert r.err.count("\n") == 1


def test_an_account_of_the_same_name_is_refused(run: Run) -> None:
    run("accounts", "add", "sam")
    r = run("accounts", "add", "sam")
    assert r.code == 2 and "already an account 'sam'" in r.err
