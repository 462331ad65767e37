"""Accounts of the server mode: invitations, passwords, logins and their expiry, the
growing wait after failed sign-ins, and an account removed with everything it owns; on
real SQLite journals in a tmp dir, the time given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from acupress import accounts
from acupress.accounts import Accounts
from acupress.errors import AcupressError, NotFound, NotSignedIn, TooManyAttempts
from acupress.journal import Journal

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
GOOD = "correct horse battery"


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(f"sqlite:///{tmp_path / 'journal.db'}") as db:
        yield db


@pytest.fixture
def book(journal: Journal) -> Accounts:
    return Accounts(journal, quick_hasher())


def quick_hasher() -> PasswordHasher:
    """Argon2id at its smallest cost: the same hashes, made in a millisecond."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def person(book: Accounts, name: str = "sam", password: str = GOOD) -> int:
    invitation = book.add(name, "person", NOW)
    return book.accept(invitation.token, password, NOW).id


def test_an_invitation_sets_the_password_once_and_is_stored_only_as_a_hash(
    book: Accounts, journal: Journal
) -> None:
    invitation = book.add("sam", "person", NOW)
    assert invitation.expires_at == NOW + dt.timedelta(hours=72)
    assert book.invited(invitation.token, NOW).name == "sam"
    with journal.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM invitations").scalar_one()
    assert invitation.token not in stored and stored == accounts.digest(invitation.token)
    book.accept(invitation.token, GOOD, NOW)
    with pytest.raises(NotFound, match="cannot be used"):
        book.accept(invitation.token, "another good one", NOW)
    assert book.sign_in("sam", GOOD, "10.0.0.1", NOW).account.name == "sam"


def test_an_expired_invitation_cannot_be_used(book: Accounts) -> None:
    invitation = book.add("sam", "person", NOW)
    with pytest.raises(NotFound, match="expired"):
        book.accept(invitation.token, GOOD, NOW + dt.timedelta(hours=72))


def test_passwords_are_argon2id_and_never_stored_as_given(book: Accounts, journal: Journal) -> None:
    person(book)
    with journal.engine.connect() as conn:
        stored = conn.exec_driver_sql(
            "SELECT password_hash FROM accounts WHERE name = 'sam'"
        ).scalar_one()
    assert stored.startswith("$argon2id$") and GOOD not in stored


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short", "too short"),
        ("password123", "first that anyone would try"),
        ("PASSWORD123", "first that anyone would try"),
        ("samsamsam", "first that anyone would try"),
        ("x" * 1025, "too long"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(
    book: Accounts, password: str, why: str
) -> None:
    book.add("samsamsam", "person", NOW)
    with pytest.raises(AcupressError, match=why):
        book.set_password("samsamsam", password)


def test_any_characters_of_length_eight_make_a_password(book: Accounts) -> None:
    book.add("sam", "person", NOW)
    book.set_password("sam", "mañana 9")
    assert book.sign_in("sam", "mañana 9", "::1", NOW).account.name == "sam"


def test_every_failure_says_the_same_sentence(book: Accounts) -> None:
    person(book)
    book.add("invited", "person", NOW)
    failures = []
    for name, password in (("sam", "wrong password"), ("nobody", GOOD), ("invited", GOOD)):
        with pytest.raises(NotSignedIn) as e:
            book.sign_in(name, password, "10.0.0.1", NOW)
        failures.append(str(e.value))
    assert failures == ["The name or password is wrong."] * 3


def test_the_local_account_cannot_sign_in(book: Accounts) -> None:
    with pytest.raises(NotSignedIn):
        book.sign_in("local", "", "10.0.0.1", NOW)
    with pytest.raises(NotFound):
        book.remove("local")


def test_a_login_ends_when_idle_or_at_its_absolute_expiry(book: Accounts) -> None:
    person(book)
    login = book.sign_in("sam", GOOD, "10.0.0.1", NOW)
    assert book.signed_in(login.token, NOW + dt.timedelta(hours=11)).name == "sam"
    # used 11 h after the sign-in: idle from then on
    later = NOW + dt.timedelta(hours=11) + accounts.IDLE_LIFE
    with pytest.raises(NotSignedIn):
        book.signed_in(login.token, later)
    kept = book.sign_in("sam", GOOD, "10.0.0.1", NOW)
    moment = NOW
    while moment + dt.timedelta(hours=10) < NOW + accounts.LOGIN_LIFE:
        moment += dt.timedelta(hours=10)
        book.signed_in(kept.token, moment)
    with pytest.raises(NotSignedIn):
        book.signed_in(kept.token, NOW + accounts.LOGIN_LIFE)


def test_each_sign_in_makes_a_new_token_and_sign_out_ends_only_its_own(book: Accounts) -> None:
    person(book)
    first = book.sign_in("sam", GOOD, "10.0.0.1", NOW)
    second = book.sign_in("sam", GOOD, "10.0.0.1", NOW)
    assert first.token != second.token
    book.sign_out(first.token, NOW)
    with pytest.raises(NotSignedIn):
        book.signed_in(first.token, NOW)
    assert book.signed_in(second.token, NOW).name == "sam"
    book.sign_out_everywhere(second.account.id, NOW)
    with pytest.raises(NotSignedIn):
        book.signed_in(second.token, NOW)


def test_five_failures_make_the_next_try_wait_longer_each_time(book: Accounts) -> None:
    person(book)
    for _ in range(5):
        with pytest.raises(NotSignedIn):
            book.sign_in("sam", "wrong password", "10.0.0.1", NOW)
    # even the right password waits: otherwise the wait would stop nobody
    with pytest.raises(TooManyAttempts) as e:
        book.sign_in("sam", GOOD, "10.0.0.2", NOW + dt.timedelta(seconds=10))
    assert e.value.until == NOW + dt.timedelta(seconds=30)
    assert "try again after 09:00:30 UTC" in str(e.value)
    with pytest.raises(NotSignedIn):
        book.sign_in("sam", "wrong again", "10.0.0.2", NOW + dt.timedelta(seconds=31))
    with pytest.raises(TooManyAttempts) as e:
        book.sign_in("sam", GOOD, "10.0.0.2", NOW + dt.timedelta(seconds=60))
    assert e.value.until == NOW + dt.timedelta(seconds=31 + 60)
    assert book.sign_in("sam", GOOD, "10.0.0.2", NOW + dt.timedelta(seconds=92)).token
    # a success forgets the name's failures
    with pytest.raises(NotSignedIn):
        book.sign_in("sam", "wrong password", "10.0.0.2", NOW + dt.timedelta(seconds=93))


def test_failures_from_one_address_wait_whatever_names_they_try(book: Accounts) -> None:
    person(book)
    for i in range(20):
        with pytest.raises(NotSignedIn):
            book.sign_in(f"guess{i}", "wrong password", "10.0.0.9", NOW)
    with pytest.raises(TooManyAttempts):
        book.sign_in("sam", GOOD, "10.0.0.9", NOW)
    assert book.sign_in("sam", GOOD, "10.0.0.1", NOW).token


def test_removing_an_account_removes_its_journal_and_ends_its_logins(
    book: Accounts, journal: Journal
) -> None:
    sam = person(book)
    kim = person(book, "kim")
    login = book.sign_in("sam", GOOD, "10.0.0.1", NOW)
    with journal.engine.begin() as conn:
        for owner in (sam, kim):
            conn.exec_driver_sql(
                "INSERT INTO events (uid, kind, at, day, note, owner_id) "
                f"VALUES ('e{owner}', 'seen_professional', '2026-03-01 09:00:00', "
                f"'2026-03-01', '', {owner})"
            )
    book.remove("sam")
    with pytest.raises(NotSignedIn):
        book.signed_in(login.token, NOW)
    with journal.engine.connect() as conn:
        owners = conn.exec_driver_sql("SELECT owner_id FROM events").scalars().all()
    assert owners == [kim]
    assert [a.name for a in book.list()] == ["kim"]


def test_a_new_password_signs_out_every_browser(book: Accounts) -> None:
    person(book)
    login = book.sign_in("sam", GOOD, "10.0.0.1", NOW)
    book.set_password("sam", "a brand new one")
    with pytest.raises(NotSignedIn):
        book.signed_in(login.token, NOW)


def test_names_and_roles_are_checked(book: Accounts) -> None:
    with pytest.raises(AcupressError, match="cannot be an account's name"):
        book.add("sam smith", "person", NOW)
    with pytest.raises(AcupressError, match="role 'doctor' is unknown"):
        book.add("sam", "doctor", NOW)
    book.add("sam", "practitioner", NOW)
    with pytest.raises(AcupressError, match="already an account 'sam'"):
        book.add("sam", "person", NOW)


def test_a_journal_view_of_another_owner_shares_the_open_journal(journal: Journal) -> None:
    view = journal.for_owner(7)
    assert (view.owner, journal.owner) == (7, 1)
    assert view.events() == []
