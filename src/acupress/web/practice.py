"""What the pages and the API do for sharing, in the server mode: a person shares their
journal with a practitioner (with a code, after seeing who will see what) and stops
whenever they like; a practitioner lists the people sharing with them and opens one's
journal, progress and report, read-only. Each time a practitioner opens a person's data,
the access log keeps it, and the person sees it.

The practitioner reads a person's data through that person's own context, with the same
service functions the person's pages use, and only ever reads: no function here writes
to a person's journal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, Field

from acupress.errors import NotFound
from acupress.web import models, service, views

if TYPE_CHECKING:
    from acupress.accounts import Account
    from acupress.progress import Flag
    from acupress.sharing import Share, Sharing
    from acupress.web.context import AccountContext, Context

ShareId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A share's number.")]
PersonId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A person's account number.")]

# The flags a practitioner's list shows: what asks for a look (an improvement does not).
CONCERNS = (
    "no_relief_3_days",
    "pain_increased_twice",
    "persistent_pain",
    "no_rest_day",
    "pain_increased_after_session",
    "stopped_for_dizziness",
    "stopped_for_pain",
)
# What the access log says was opened.
OPENED_LIST = "flags, last session and pain trend (the list of people)"
OPENED_PERSON = "journal and progress"
OPENED_REPORT = {"html": "report (web page)", "pdf": "report (PDF)"}
WHAT_IS_SHARED = (
    "your journal (every session, with its notes), your progress and your one-page report, "
    "read-only: they cannot change anything"
)

SERVER_MODE_ONLY = "Sharing is part of the server mode, where everyone signs in to an account."
PEOPLE_ONLY = "Only a practitioner's account has a list of people sharing with it."
PERSONS_ONLY = "Only a person's account shares a journal with a practitioner."


# --- what the API gives and takes ------------------------------------------------------


class ShareIn(BaseModel):
    code: str = Field(max_length=40, description="The share code, e.g. ABCD-EFGH.")


class ShareCodeOut(BaseModel):
    code: str = Field(description="To give the person: used once, until it expires.")
    link: str = Field(description="The same as a link the person opens.")
    expires_at: dt.datetime


class CodeOut(BaseModel):
    """Who a code would share with, and what they would see (nothing is shared yet)."""

    practitioner: str
    what: str


class ShareOut(BaseModel):
    id: int
    practitioner: str
    person: str
    since: dt.datetime


class AccessOut(BaseModel):
    practitioner: str
    what: str
    at: dt.datetime


class SharingOut(BaseModel):
    """A person's sharing: who sees their data since when, and who opened what, when."""

    shares: list[ShareOut]
    access: list[AccessOut] = Field(description="The newest first.")


class PersonEntryOut(BaseModel):
    """A person in a practitioner's list."""

    id: int
    name: str
    since: dt.datetime
    flags: list[models.FlagOut] = Field(description="Those that change a session first.")
    standing: bool = Field(description="Whether a flag changes today's decision.")
    sessions: int
    last_session: models.SessionOut | None


class PersonOut(BaseModel):
    """A person's shared data, read-only."""

    id: int
    name: str
    since: dt.datetime
    progress: models.ProgressOut
    sessions: list[models.SessionOut]


# --- who is asking ----------------------------------------------------------------------


def account_of(ctx: Context) -> Account:
    account: Account | None = getattr(ctx, "account", None)
    if account is None:
        raise NotFound(SERVER_MODE_ONLY)
    return account


def sharing_of(ctx: Context) -> Sharing:
    from acupress.sharing import Sharing

    return Sharing(ctx.accounts().journal)


def person_account(ctx: Context) -> Account:
    account = account_of(ctx)
    if account.role != "person":
        raise NotFound(PERSONS_ONLY)
    return account


def practitioner_account(ctx: Context) -> Account:
    account = account_of(ctx)
    if account.role != "practitioner":
        raise NotFound(PEOPLE_ONLY)
    return account


# --- the person -------------------------------------------------------------------------


def share_out(s: Share) -> ShareOut:
    return ShareOut(id=s.id, practitioner=s.practitioner, person=s.person, since=s.since)


def sharing(ctx: Context) -> SharingOut:
    me = person_account(ctx)
    book = sharing_of(ctx)
    return SharingOut(
        shares=[share_out(s) for s in book.shares_of(me.id)],
        access=[
            AccessOut(practitioner=a.practitioner, what=a.what, at=a.at)
            for a in book.access_of(me.id)
        ],
    )


def code(ctx: Context, given: str) -> CodeOut:
    """Who the code would share with; nothing is shared until the person confirms."""
    person_account(ctx)
    found = sharing_of(ctx).practitioner_of(given, ctx.now())
    return CodeOut(practitioner=found.name, what=WHAT_IS_SHARED)


def share(ctx: Context, given: ShareIn) -> ShareOut:
    """Share the person's data with the code's practitioner (the person has confirmed)."""
    return share_out(sharing_of(ctx).accept(person_account(ctx), given.code, ctx.now()))


def stop_sharing(ctx: Context, share_id: int) -> ShareOut:
    me = person_account(ctx)
    return share_out(sharing_of(ctx).stop(me.id, share_id, ctx.now()))


# --- the practitioner -----------------------------------------------------------------


def make_code(ctx: Context, base_url: str) -> ShareCodeOut:
    from urllib.parse import quote

    made = sharing_of(ctx).make_code(practitioner_account(ctx), ctx.now())
    link = f"{base_url.rstrip('/')}/sharing?code={quote(made.code)}"
    return ShareCodeOut(code=made.code, link=link, expires_at=made.expires_at)


@dataclass(frozen=True, kw_only=True)
class PeopleRow:
    """A person in the practitioner's list, with their pain trend as SVG."""

    entry: PersonEntryOut
    trend_svg: str | None


def flag_out(f: Flag) -> models.FlagOut:
    return models.FlagOut(
        id=f.id,
        title=f.title,
        advice=f.advice,
        source=f.source,
        decision=f.decision,
        urgency=f.urgency,
    )


def people(ctx: Context, with_charts: bool = False) -> list[PeopleRow]:
    """The people sharing with the practitioner: those with a flag that changes today's
    decision first, then those with any flag, then the others, each by name. Read in a
    fixed number of statements; the access log keeps that each person's entry was shown."""
    from acupress import progress
    from acupress.charts.trend import trend_chart

    me = practitioner_account(ctx)
    book = sharing_of(ctx)
    today = ctx.today()
    rules = progress.default_rules()
    journals = book.journals_of(me.id, today)
    rows = []
    for found in journals:
        result = progress.analyse(found.sessions, today, rules, found.cleared)
        flags = sorted(
            (f for f in result.flags if f.id in CONCERNS), key=lambda f: f.decision is None
        )
        s = found.share
        last = found.sessions[-1] if found.sessions else None
        entry = PersonEntryOut(
            id=s.person_id,
            name=s.person,
            since=s.since,
            flags=[flag_out(f) for f in flags],
            standing=bool(result.standing),
            sessions=result.sessions,
            last_session=views.session(last) if last else None,
        )
        chart = trend_chart(result.series, today, f"trend-{s.person_id}") if with_charts else None
        rows.append(PeopleRow(entry=entry, trend_svg=chart))
    rows.sort(key=lambda r: (not r.entry.standing, not r.entry.flags, r.entry.name))
    book.log_many([j.share for j in journals], OPENED_LIST, ctx.now())
    return rows


def shared_context(ctx: Context, person_id: int, what: str) -> tuple[Share, AccountContext]:
    """The person's own context, for reading, while they share with the practitioner
    asking (else NotFound); the access log keeps what was opened."""
    me = practitioner_account(ctx)
    book = sharing_of(ctx)
    found = book.shared(me.id, person_id)
    person = ctx.accounts().get(found.person)
    book.log(found, what, ctx.now())
    base: Context = getattr(ctx, "base", ctx)
    return found, base.for_account(person)


def person(ctx: Context, person_id: int) -> PersonOut:
    found, theirs = shared_context(ctx, person_id, OPENED_PERSON)
    return PersonOut(
        id=found.person_id,
        name=found.person,
        since=found.since,
        progress=views.progress(theirs.progress()),
        sessions=service.sessions(theirs, None, None, None),
    )


@dataclass(frozen=True, kw_only=True)
class PersonPage:
    person: PersonOut
    pain_svg: str | None


def person_page(ctx: Context, person_id: int) -> PersonPage:
    from acupress.charts.pain import pain_chart

    found, theirs = shared_context(ctx, person_id, OPENED_PERSON)
    result = theirs.progress()
    db = theirs.journal_if_any()
    logs = [] if db is None else db.sessions()
    shown = PersonOut(
        id=found.person_id,
        name=found.person,
        since=found.since,
        progress=views.progress(result),
        sessions=[views.session(s) for s in reversed(logs)],
    )
    return PersonPage(person=shown, pain_svg=pain_chart(result.series) if result.series else None)


def person_report(
    ctx: Context,
    person_id: int,
    fmt: Literal["html", "pdf"],
    since: dt.date | None,
    until: dt.date | None,
) -> service.File:
    """The person's one-page report, as the person would take it away."""
    found, theirs = shared_context(ctx, person_id, OPENED_REPORT[fmt])
    made = service.report(theirs, fmt, since, until)
    if made.filename is None:
        return made
    return service.File(
        data=made.data,
        media_type=made.media_type,
        filename=f"acupress-report-{found.person}-{ctx.today()}.pdf",
    )
