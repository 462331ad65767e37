"""What every request of the web app shares: the app (the atlas, the journal opened once
when first needed, the clock and today's date) with the sessions running in browsers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from acupress.app import App, local_now
from acupress.errors import NotFound
from acupress.web.live import LiveSessions

if TYPE_CHECKING:
    from argon2 import PasswordHasher
    from starlette.requests import Request

    from acupress.accounts import Account, Accounts
    from acupress.atlas import Atlas
    from acupress.clock import Clock
    from acupress.journal import Journal
    from acupress.protocol import Protocol
    from acupress.safety import Screening


@dataclass(frozen=True, kw_only=True)
class Options:
    """How the app runs: ``speed`` runs sessions N times faster (a demo, or a test),
    ``now`` is the wall clock, ``clock`` makes each session's clock."""

    speed: float = 1.0
    speed_since: float | None = None  # shared by the workers: see clock.RealClock
    now: Callable[[], dt.datetime] = local_now
    clock: Callable[[float], Clock] | None = None
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")
    # The server mode: everyone signs in, and works on their own account's data only.
    accounts: bool = False
    trusted_proxies: tuple[str, ...] = ()  # whose X-Forwarded-* headers are believed
    hasher: PasswordHasher | None = None  # how passwords are hashed (Argon2id's default)


class Context(App):
    """The app as the web serves it: its options, the sessions running in browsers, and
    this installation's key; the journal, once opened, closes the sessions whose page
    has gone quiet. Sessions still running when the app stops are kept in the journal,
    for the app started again (or another one on the same journal) to go on with."""

    def __init__(self, *, options: Options, live: LiveSessions) -> None:
        super().__init__(now=options.now)
        self.options = options
        self.live = live
        self._protocols: dict[tuple[str, int], Protocol] = {}
        self._key: bytes | None = None
        self._accounts: Accounts | None = None

    def accounts(self) -> Accounts:
        """The accounts of the journal's database (the server mode)."""
        from acupress.accounts import Accounts

        db = self.journal()
        with self._lock:
            if self._accounts is None:
                self._accounts = Accounts(db, self.options.hasher)
            return self._accounts

    def for_account(self, account: Account) -> AccountContext:
        return AccountContext(self, account)

    @property
    def book(self) -> Atlas:
        return self.atlas

    def opened(self, journal: Journal) -> None:
        journal.interrupt_unkept("web")
        self.live.interrupt_gone(journal)

    def key(self) -> bytes:
        """This installation's key for the security tokens, read once."""
        from acupress import paths
        from acupress.web.security import load_key

        with self._lock:
            if self._key is None:
                self._key = load_key(paths.home())
            return self._key

    def protocol(self, name: str) -> Protocol:
        """A protocol by name only (the web never opens a path it is given), kept until
        its file changes."""
        from acupress import protocol

        known = self.protocols()
        if name not in known:
            raise NotFound(f"Unknown protocol '{name}': known protocols are {', '.join(known)}.")
        path = known[name]
        key = (str(path), path.stat().st_mtime_ns)
        found = self._protocols.get(key)
        if found is None:
            found = self._protocols[key] = protocol.load_file(path, self.atlas)
        return found


class AccountContext(Context):
    """The app as one signed-in account sees it: the shared content, key and running
    sessions, and that account's own journal (a view of the one open journal)."""

    def __init__(self, base: Context, account: Account) -> None:
        # The running sessions are kept in the journal: the account's view finds its own.
        super().__init__(options=base.options, live=base.live)
        self.base = base
        self.account = account
        self.owner = account.id  # its profile and check are its own, kept in the journal
        self._protocols = base._protocols

    @property
    def atlas(self) -> Atlas:
        return self.base.atlas

    @property
    def screening(self) -> Screening:
        return self.base.screening

    def key(self) -> bytes:
        return self.base.key()

    def accounts(self) -> Accounts:
        return self.base.accounts()

    def journal(self) -> Journal:
        return self.base.journal().for_owner(self.account.id)

    def journal_if_any(self) -> Journal | None:
        return self.journal()

    def close(self) -> None:
        """The journal is the app's, closed with it."""


def context_of(request: Request) -> Context:
    """The context of a request: the signed-in account's in the server mode (set once,
    by ``signin.RequireSignIn``), else the app's."""
    found = getattr(request.state, "ctx", None)
    ctx: Context = found if found is not None else request.app.state.ctx
    return ctx


def served_options(
    *, local: bool = True, speed: float = 1.0, now: Callable[[], dt.datetime] = local_now
) -> Options:
    """How ``acupress serve`` runs the app, from the settings: the server mode or not,
    the host names it answers to (this computer's, or any beyond it unless the
    allowed_hosts setting names them) and the proxies it trusts."""
    from acupress import settings

    hosts = settings.listed("allowed_hosts") or (Options().allowed_hosts if local else ("*",))
    return Options(
        speed=speed,
        now=now,
        allowed_hosts=hosts,
        accounts=settings.given("accounts") is not None,
        trusted_proxies=settings.listed("trusted_proxies"),
    )


def make_context(options: Options) -> Context:
    from acupress import progress
    from acupress.clock import RealClock

    speed = options.speed

    def clock() -> Clock:
        return options.clock(speed) if options.clock else RealClock(speed, options.speed_since)

    advice = progress.default_rules().stop_advice
    live = LiveSessions(clock(), dict(advice), speed)
    ctx = Context(options=options, live=live)
    live.protocols = ctx.protocol
    return ctx
