"""The journal taken elsewhere: a CSV for a spreadsheet, a complete JSON dump that
``acupress import`` restores, and FHIR R4 Observations of the pain scores for a
clinician.

Pure functions over lists of sessions (and the profile): no SQL, no clock, no files.
fhir.resources is imported inside the FHIR functions only."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import gc
import io
import json
import math
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import IO, Annotated, Any, Literal

import msgspec

from acupress.atlas import Pressure
from acupress.errors import AcupressError
from acupress.profile import Profile
from acupress.protocol import Side
from acupress.records import (
    DailyRating,
    Event,
    EventKind,
    InvalidSession,
    Restored,
    Sensation,
    SessionLog,
    Source,
    Step,
    StepLog,
    StopReason,
    TrialRecord,
    check_rating,
    check_session,
    outcome,
)
from acupress.safety import Level

FORMAT = "acupress-journal"
VERSION = 4  # 2: the pressure of a session logged by hand, and events; 3: session uids;
# 4: the personal trial's daily ratings and trials

Format = Literal["csv", "json", "fhir"]
FORMATS: tuple[Format, ...] = ("csv", "json", "fhir")


@dataclass(frozen=True, kw_only=True)
class Entry:
    """A session with the safety answers its decision came from (if any)."""

    session: SessionLog
    answers: dict[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class Backup:
    """What a JSON export holds, checked and ready to restore."""

    version: int
    exported_at: dt.datetime
    profile: Profile | None
    entries: tuple[Entry, ...]
    events: tuple[Event, ...] = ()
    ratings: tuple[DailyRating, ...] = ()
    trials: tuple[TrialRecord, ...] = ()


def format_for(filename: str) -> Format | None:
    """The format a file name implies: .csv, .fhir.json (or .fhir), .json."""
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".fhir.json", ".fhir")):
        return "fhir"
    if name.endswith(".json"):
        return "json"
    return None


# --- CSV ------------------------------------------------------------------------------

CSV_HEADER = (
    "date",
    "time",
    "weekday",
    "protocol",
    "source",
    "minutes",
    "points",
    "pain before",
    "pain after",
    "relief",
    "sensations",
    "outcome",
    "note",
)


def csv_text(sessions: Iterable[SessionLog], tz: dt.tzinfo | None = None) -> str:
    """One row per session, dates and times in the local zone (``tz``, else the
    computer's), for a spreadsheet."""
    return b"".join(csv_parts(sessions, tz)).decode("utf-8")


CSV_ROWS_PER_PART = 500


def csv_parts(sessions: Iterable[SessionLog], tz: dt.tzinfo | None = None) -> Iterator[bytes]:
    """``csv_text`` in UTF-8, some rows at a time."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for n, s in enumerate(sessions, 1):
        if n % CSV_ROWS_PER_PART == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
        local = s.started_at.astimezone(tz)
        writer.writerow(
            (
                local.date().isoformat(),
                local.strftime("%H:%M"),
                local.strftime("%A"),
                _text(s.protocol),
                "guided" if s.source == "guided" else "by hand",
                _minutes(s.seconds) if s.seconds > 0 else "",  # 0: not known
                _text(", ".join(s.points)),
                _blank(s.pain_before),
                _blank(s.pain_after),
                _blank(s.relief),
                _text(", ".join(s.sensations)),
                _text(outcome(s)),
                _text(s.note),
            )
        )
    yield out.getvalue().encode("utf-8")


# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(...) would
# be a link to anywhere, with the journal's data in it).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(cell: str) -> str:
    """A text cell that a spreadsheet shows as text: one that would start a formula gets
    a single quote in front (OWASP's advice against CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:.1f}".removesuffix(".0")


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


# --- JSON: the complete journal -------------------------------------------------------


def journal_document(
    entries: Iterable[Entry],
    profile: Profile | None,
    now: dt.datetime,
    tz: dt.tzinfo | None = None,
    events: Sequence[Event] = (),
    ratings: Sequence[DailyRating] = (),
    trials: Sequence[TrialRecord] = (),
    trial_analyses: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The journal and profile as one versioned JSON value; times keep their full
    precision and carry the local offset. ``trial_analyses``, by trial uid, go beside
    their trials (what the trial found so far)."""
    trial_analyses = trial_analyses or {}
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.astimezone(tz).isoformat(timespec="seconds"),
        "profile": None if profile is None else asdict(profile),
        "sessions": [_session_document(e, tz) for e in entries],
        "events": [
            {
                "uid": e.uid,
                "kind": e.kind,
                "at": e.at.astimezone(tz).isoformat(),
                "day": e.day.isoformat(),
                "note": e.note,
            }
            for e in events
        ],
        "ratings": [
            {
                "uid": r.uid,
                "day": r.day.isoformat(),
                "pain": r.pain,
                "enjoyment": r.enjoyment,
                "activity": r.activity,
                "rated_at": r.rated_at.astimezone(tz).isoformat(),
            }
            for r in ratings
        ],
        "trials": [
            {
                "uid": t.uid,
                "start": t.start.isoformat(),
                "weeks": t.weeks,
                "seed": t.seed,
                "created_at": t.created_at.astimezone(tz).isoformat(),
                "stopped_on": t.stopped_on.isoformat() if t.stopped_on else None,
                "stop_reason": t.stop_reason,
            }
            | ({"analysis": trial_analyses[t.uid]} if t.uid in trial_analyses else {})
            for t in trials
        ],
    }


def journal_json(
    entries: Iterable[Entry],
    profile: Profile | None,
    now: dt.datetime,
    tz: dt.tzinfo | None = None,
    events: Sequence[Event] = (),
    ratings: Sequence[DailyRating] = (),
    trials: Sequence[TrialRecord] = (),
) -> str:
    """``journal_document`` as ``json.dumps(..., indent=2, ensure_ascii=False)`` writes
    it."""
    parts = journal_json_parts(entries, profile, now, tz, events, ratings, trials)
    return b"".join(parts).decode("utf-8")


def journal_json_parts(
    entries: Iterable[Entry],
    profile: Profile | None,
    now: dt.datetime,
    tz: dt.tzinfo | None = None,
    events: Sequence[Event] = (),
    ratings: Sequence[DailyRating] = (),
    trials: Sequence[TrialRecord] = (),
    trial_analyses: Mapping[str, Any] | None = None,
) -> Iterator[bytes]:
    """``journal_json`` in UTF-8, a session at a time, so the journal need not be in
    memory at once: the same bytes, each session written by msgspec (many times faster
    than the json module's indenting encoder, which is pure Python)."""
    head = journal_document((), profile, now, tz, events, ratings, trials, trial_analyses)
    sessions = head.pop("sessions")
    tail = {key: head.pop(key) for key in ("events", "ratings", "trials")}
    assert sessions == []
    text = json.dumps(head, indent=2, ensure_ascii=False)
    yield text.removesuffix("\n}").encode("utf-8") + b',\n  "sessions": ['
    first = True
    for entry in entries:
        yield (b"\n    " if first else b",\n    ") + _indented(entry, tz)
        first = False
    yield b"]" if first else b"\n  ]"
    for key, value in tail.items():
        text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        yield f',\n  "{key}": {text}'.encode()
    yield b"\n}"


def _indented(entry: Entry, tz: dt.tzinfo | None) -> bytes:
    """A session of the journal document as json.dumps(indent=2) writes it four deep."""
    try:
        encoded = msgspec.json.encode(_session_document(entry, tz, exact=True))
    except _NotFinite:
        text = json.dumps(_session_document(entry, tz), indent=2, ensure_ascii=False)
        return text.replace("\n", "\n    ").encode("utf-8")
    return msgspec.json.format(encoded, indent=2).replace(b"\n", b"\n    ")


class _NotFinite(Exception):
    """A number JSON has no way to write (json.dumps writes NaN or Infinity)."""


def _exact_float(value: Any) -> Any:
    """A float as Python writes it (``repr``: 1e-05, not msgspec's 0.00001), the way
    json.dumps does; anything else as it is."""
    if type(value) is not float or 1e-4 <= abs(value) < 1e16 or value == 0:
        return value  # where both write the shortest digits without an exponent
    if not math.isfinite(value):
        raise _NotFinite
    return msgspec.Raw(repr(value).encode())


def _same(value: Any) -> Any:
    return value


def _exact_floats(value: Any) -> Any:
    """``_exact_float`` all through a JSON value."""
    if type(value) is float:
        return _exact_float(value)
    if type(value) is dict:
        return {k: _exact_floats(v) for k, v in value.items()}
    if type(value) is list:
        return [_exact_floats(v) for v in value]
    return value


def _session_document(e: Entry, tz: dt.tzinfo | None, exact: bool = False) -> dict[str, Any]:
    """A session of the journal document; ``exact``: its floats as msgspec.Raw of
    Python's own writing of them, for msgspec to write as json.dumps does."""
    s = e.session
    number = _exact_float if exact else _same

    def iso(t: dt.datetime | None) -> str | None:
        return None if t is None else t.astimezone(tz).isoformat()

    return {
        "id": s.id,
        "uid": s.uid,
        "started_at": iso(s.started_at),
        "day": s.day.isoformat(),
        "protocol": s.protocol,
        "source": s.source,
        "decision": s.decision,
        "answers": _exact_floats(e.answers) if exact else e.answers,
        "pain_before": s.pain_before,
        "pain_after": s.pain_after,
        "points": list(s.points),
        "seconds": s.seconds,
        "sensations": list(s.sensations),
        "stop_reason": s.stop_reason,
        "stop_note": s.stop_note,
        "note": s.note,
        "ended_at": iso(s.ended_at),
        "complete": s.complete,
        "pressure": s.pressure,
        "steps": [
            {
                "position": t.position,
                "step": t.step,
                "step_id": t.step_id,
                "point": t.point,
                "side": t.side,
                "pressure": t.pressure,
                "planned_seconds": t.planned_seconds,
                "seconds": number(t.seconds),
                "skipped": t.skipped,
                "completed_at": iso(t.completed_at),
            }
            for t in s.steps
        ],
    }


# The file as it must be: every field present and of its type. msgspec reports the
# first problem with its place ($.sessions[3].pain_after).
Moment = Annotated[dt.datetime, msgspec.Meta(tz=True)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
PointCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9.-]{1,20}$")]


class _Header(msgspec.Struct):
    format: str
    version: int


class _StepFile(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    position: int
    step: int
    step_id: Name
    point: PointCode | None
    side: Side | None
    pressure: Pressure | None
    planned_seconds: int
    seconds: float
    skipped: bool
    completed_at: Moment


# Safety answers: yes or no, a number, a list of points.
Answer = bool | int | float | str | list[Annotated[str, msgspec.Meta(max_length=20)]] | None


class _SessionFile(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    id: int | None
    started_at: Moment
    day: dt.date
    protocol: Name
    source: Source
    decision: Level | None
    answers: dict[Annotated[str, msgspec.Meta(max_length=100)], Answer] | None
    pain_before: int | None
    pain_after: int | None
    points: list[PointCode]
    seconds: int
    sensations: list[Sensation]
    stop_reason: StopReason | None
    stop_note: str
    note: str
    ended_at: Moment | None
    complete: bool
    steps: list[_StepFile]
    pressure: Pressure | None = None  # from version 2
    uid: uuid.UUID | None = None  # from version 3


class _EventFile(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    uid: Annotated[str, msgspec.Meta(min_length=1, max_length=36)]
    kind: EventKind
    at: Moment
    day: dt.date
    note: Annotated[str, msgspec.Meta(max_length=2000)]


class _RatingFile(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    uid: uuid.UUID
    day: dt.date
    pain: int
    enjoyment: int
    activity: int
    rated_at: Moment


class _TrialFile(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    uid: uuid.UUID
    start: dt.date
    weeks: Annotated[int, msgspec.Meta(ge=2, le=52)]
    seed: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
    created_at: Moment
    stopped_on: dt.date | None
    stop_reason: Annotated[str, msgspec.Meta(max_length=2000)] | None
    # The schedule, result, deviations and adherence when exported: worked out again
    # from the journal, so not read back.
    analysis: dict[str, Any] | None = None


class _JournalFile(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    version: int
    exported_at: Moment
    profile: dict[str, Any] | None
    sessions: list[_SessionFile]
    events: list[_EventFile] = []  # from version 2
    ratings: list[_RatingFile] = []  # from version 4
    trials: list[_TrialFile] = []  # from version 4


class _Start(msgspec.Struct):
    """The part of a file before its sessions, closed after an empty list of them."""

    format: str
    version: int


class _Around(msgspec.Struct, forbid_unknown_fields=True):
    """A whole file with a marker in place of its sessions."""

    format: str
    version: int
    exported_at: Moment
    profile: dict[str, Any] | None
    sessions: list[str]
    events: list[_EventFile] = []
    ratings: list[_RatingFile] = []
    trials: list[_TrialFile] = []


_SESSION = msgspec.json.Decoder(_SessionFile)


# The uid of a session from a file older than version 3 (which had none): derived from
# the file's own entry and its place in the file, so importing the same file twice
# gives the same uids, and adds nothing the second time.
OLD_SESSION_NAMESPACE = uuid.UUID("5b0f3c8e-9a4d-4f6b-8e21-3c7d2a1f9e40")


def read_journal(data: bytes, name: str, *, now: dt.datetime, codes: Collection[str]) -> Backup:
    """A JSON export, checked completely before anything is restored (every session as
    one stored any other way: ``records.check_session``, with ``now`` and the atlas's
    ``codes``); any problem is one AcupressError naming the file, the session and the
    field."""
    with uncollected():
        return _read_journal(data, name, now=now, codes=codes)


@contextlib.contextmanager
def uncollected() -> Iterator[None]:
    """No garbage collection while a journal is read whole: every object made lives until
    it is stored, so each collection would look through all of them in vain (half the
    time of reading thirty years)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _read_journal(data: bytes, name: str, *, now: dt.datetime, codes: Collection[str]) -> Backup:
    def bad(problem: str) -> AcupressError:
        return AcupressError(f"{name} cannot be imported: {problem}; nothing was imported.")

    try:
        # The whole file read once, into its types; a file it does not fit is read
        # again, step by step, to say what is wrong with it.
        doc = msgspec.json.decode(data, type=_JournalFile)
    except (msgspec.DecodeError, RecursionError):
        doc = None
    if doc is None or doc.format != FORMAT or not 1 <= doc.version <= VERSION:
        doc = _checked_file(data, bad)
    raw: Any = None
    profile = _profile(doc.profile, bad)
    entries = []
    for i, s in enumerate(doc.sessions):
        if s.uid is not None:
            uid = str(s.uid)
        elif doc.version < 3:
            raw = msgspec.json.decode(data) if raw is None else raw
            uid = str(uuid.uuid5(OLD_SESSION_NAMESPACE, f"{i}|{_canonical(raw['sessions'][i])}"))
        else:
            raise bad(f"sessions[{i}]: object missing required field `uid`")
        entries.append(_entry(i, s, uid, now, codes, bad, copied=True))
    return Backup(
        version=doc.version,
        exported_at=doc.exported_at,
        profile=profile,
        entries=tuple(entries),
        events=_events(doc.events),
        ratings=_ratings(doc.ratings, now, bad),
        trials=_trials(doc.trials),
    )


def _profile(given: dict[str, Any] | None, bad: Callable[[str], AcupressError]) -> Profile | None:
    try:
        return None if given is None else Profile.from_json(given)
    except ValueError as e:
        raise bad(f"the profile is wrong ({e})") from None


def _entry(
    i: int,
    s: _SessionFile,
    uid: str,
    now: dt.datetime,
    codes: Collection[str],
    bad: Callable[[str], AcupressError],
    *,
    copied: bool,
) -> Entry:
    log = _session_log(s, uid, copied)
    try:
        check_session(log, now=now, codes=codes)
    except InvalidSession as e:
        raise bad(f"sessions[{i}].{e.field} {e.problem}") from None
    return Entry(session=log, answers=s.answers)


def _events(given: Iterable[_EventFile]) -> tuple[Event, ...]:
    return tuple(
        Event(id=None, uid=e.uid, kind=e.kind, at=e.at, day=e.day, note=e.note) for e in given
    )


def _ratings(
    given: Iterable[_RatingFile], now: dt.datetime, bad: Callable[[str], AcupressError]
) -> tuple[DailyRating, ...]:
    ratings = []
    latest = (now + dt.timedelta(days=1)).date()  # an export made in a zone ahead
    for i, r in enumerate(given):
        rating = DailyRating(
            id=None,
            uid=str(r.uid),
            day=r.day,
            pain=r.pain,
            enjoyment=r.enjoyment,
            activity=r.activity,
            rated_at=r.rated_at,
        )
        try:
            ratings.append(check_rating(rating, latest))
        except AcupressError as e:
            raise bad(f"ratings[{i}]: {_lower(str(e)).rstrip('.')}") from None
    return tuple(ratings)


def _trials(given: Iterable[_TrialFile]) -> tuple[TrialRecord, ...]:
    return tuple(
        TrialRecord(
            id=None,
            uid=str(t.uid),
            start=t.start,
            weeks=t.weeks,
            seed=t.seed,
            created_at=t.created_at,
            stopped_on=t.stopped_on,
            stop_reason=t.stop_reason,
        )
        for t in given
    )


CHUNK = 1 << 16  # bytes read at a time by JournalStream (larger reads cost more copying)
HEAD_MAX = 16 << 20  # how far into a file its sessions must begin to be read as a stream
SESSION_MAX = 4 << 20  # the longest session read as a stream (1,000 steps take 0.4 MB)
_BLANKS = re.compile(rb"[ \t\r\n]*")


class NotStreamable(Exception):
    """A file ``JournalStream`` leaves to ``read_journal``."""


class JournalStream:
    """A JSON export read one session at a time, so that memory stays the same whatever
    the journal's length: for files laid out as acupress writes them (as Python's json
    and jq indent them too), each session on lines of its own.

    It only ever reads what ``read_journal`` would read from the same file. Anything
    else raises NotStreamable, before or after sessions were handed out: a file laid
    out otherwise, from before version 3, or wrong anywhere (a type, a session that
    cannot be right, a broken end). Whoever stores the records then drops what it
    stored and reads the file whole with ``read_journal``, which imports it or says
    what is wrong with it.

    The file is cut, as written, into the part before the sessions, each session, and
    the part after them. Each session is read alone; the parts around them are read
    together with a marker made for this reading in place of the sessions, and must
    give back that marker and nothing else: the cuts were then where JSON puts them,
    whatever a file holds."""

    def __init__(self, file: IO[bytes], *, now: dt.datetime, codes: Collection[str]) -> None:
        self._file = file
        self._now = now
        self._codes = frozenset(codes)
        self.profile: Profile | None = None  # the file's, once records() is read through
        self._head = self._buf = b""
        self._start = _Start(format="", version=0)

    def start(self) -> None:
        """Read the file up to its sessions: a file that is not an export this reads one
        session at a time is told (NotStreamable) before anything is stored."""
        buf = b""
        while (found := buf.find(b'"sessions": [')) < 0:
            if len(buf) > HEAD_MAX or not (more := self._file.read(CHUNK)):
                raise NotStreamable("no sessions near the start")
            buf += more
        head = buf[: found + len(b'"sessions": [')]
        try:
            start = msgspec.json.decode(head + b"]}", type=_Start)
        except (msgspec.DecodeError, RecursionError):
            raise NotStreamable("the sessions are not the file's own") from None
        if start.format != FORMAT or not 3 <= start.version <= VERSION:
            raise NotStreamable("not a journal export this reads one session at a time")
        self._head, self._buf, self._start = head, buf, start

    def records(self) -> Iterator[Restored]:
        """The file's sessions (each checked as ``read_journal`` checks it), then its
        events, ratings and trials; after ``start``."""

        def bad(problem: str) -> AcupressError:
            # What is wrong is said by read_journal, which reads the file whole.
            raise NotStreamable(problem)

        head, buf, start = self._head, self._buf, self._start
        pos = len(head)
        count = 0
        while True:
            origin = pos
            buf, pos, origin = self._after_blanks(buf, pos, origin)
            if buf[pos : pos + 1] == b"]":
                break
            if count:
                if buf[pos : pos + 1] != b",":
                    raise NotStreamable("sessions not separated by commas")
                origin = pos + 1
                buf, pos, origin = self._after_blanks(buf, pos + 1, origin)
            line = buf.rfind(b"\n", origin, pos)
            if line < 0 or buf[pos : pos + 1] != b"{":
                raise NotStreamable("a session not on lines of its own")
            # Inside a session its lines are indented further, and a line break is never
            # inside a string: its end is the first line indented as it starts, with "}".
            end = _session_end(buf[line + 1 : pos])
            searched = pos
            while (close := end.search(buf, searched)) is None:
                more = self._file.read(CHUNK)
                if not more or len(buf) - pos > SESSION_MAX:
                    raise NotStreamable("a session without its end")
                searched = max(0, len(buf) - pos - len(end.pattern))
                buf, pos = buf[pos:] + more, 0
            piece, pos = buf[pos : close.end()], close.end()
            try:
                s = _SESSION.decode(piece)
            except (msgspec.DecodeError, RecursionError):
                raise NotStreamable(f"sessions[{count}] read alone") from None
            # A session without its uid (an empty one is not a UUID) is refused.
            uid = str(s.uid or "")
            entry = _entry(count, s, uid, self._now, self._codes, bad, copied=False)
            yield entry.session, entry.answers
            count += 1
        nonce = uuid.uuid4().hex
        rest = buf[pos:] + self._file.read()
        try:
            doc = msgspec.json.decode(head + f'"{nonce}"'.encode() + rest, type=_Around)
        except (msgspec.DecodeError, RecursionError):
            raise NotStreamable("the file around the sessions") from None
        if doc.sessions != [nonce] or (doc.format, doc.version) != (start.format, start.version):
            raise NotStreamable("the sessions are not the file's own")
        self.profile = _profile(doc.profile, bad)
        yield from _events(doc.events)
        yield from _ratings(doc.ratings, self._now, bad)
        yield from _trials(doc.trials)

    def _after_blanks(self, buf: bytes, pos: int, origin: int) -> tuple[bytes, int, int]:
        """``buf``, the place in it of the first character from ``pos`` that is not white
        space (len(buf) at the end of the file), and ``origin``, where the white space
        began: reading on as needed, keeping what lies from ``origin``."""
        while True:
            blanks = _BLANKS.match(buf, pos)
            assert blanks is not None  # it matches none as well
            pos = blanks.end()
            if pos < len(buf):
                return buf, pos, origin
            more = self._file.read(CHUNK)
            if not more:
                return buf, pos, origin
            buf, pos, origin = buf[origin:] + more, pos - origin, 0


@functools.lru_cache(maxsize=16)
def _session_end(indent: bytes) -> re.Pattern[bytes]:
    """A line of ``indent`` and "}": the end of a session that begins so (a regular
    expression finds it three times as fast as bytes.find, whose skipping stalls on the
    spaces that indent every line)."""
    return re.compile(b"\n" + re.escape(indent) + b"}")


def _checked_file(data: bytes, bad: Callable[[str], AcupressError]) -> _JournalFile:
    """The file read step by step: JSON, then an acupress export of a version this one
    reads, then every field; the first problem found is raised, with ``bad``."""
    try:
        raw = msgspec.json.decode(data)
    except msgspec.DecodeError as e:
        raise bad(f"it is not JSON ({str(e).removeprefix('JSON is malformed: ')})") from None
    except RecursionError:
        raise bad("it is not an acupress journal export (it is nested too deeply)") from None
    try:
        header = msgspec.convert(raw, _Header)
    except msgspec.ValidationError as e:
        raise bad(f"it is not an acupress journal export ({_where(e)})") from None
    if header.format != FORMAT:
        raise bad(f"its format is {header.format[:60]!r}, not an acupress journal ({FORMAT!r})")
    if header.version > VERSION:
        raise bad(
            f"it was made by a newer acupress (journal version {header.version}; this one "
            f"reads up to version {VERSION}): update acupress first"
        )
    if header.version < 1:
        raise bad(f"its version {header.version} is not a journal version")
    try:
        return msgspec.json.decode(data, type=_JournalFile)
    except msgspec.ValidationError as e:
        raise bad(_where(e)) from None


def _canonical(entry: Any) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _session_log(s: _SessionFile, uid: str, copied: bool) -> SessionLog:
    """The session as a SessionLog; its steps copied into StepLogs, or (not ``copied``)
    each as the file holds it, a Step: the copies would cost more than all the checking
    of a thirty-year journal's steps, so a file stored as it is read has none."""
    steps: tuple[Step, ...] = tuple(s.steps)
    if copied:
        steps = tuple(
            StepLog(
                position=t.position,
                step=t.step,
                step_id=t.step_id,
                point=t.point,
                side=t.side,
                pressure=t.pressure,
                planned_seconds=t.planned_seconds,
                seconds=t.seconds,
                skipped=t.skipped,
                completed_at=t.completed_at,
            )
            for t in s.steps
        )
    return SessionLog(
        id=None,
        uid=uid,
        started_at=s.started_at,
        day=s.day,
        protocol=s.protocol,
        source=s.source,
        decision=s.decision,
        pain_before=s.pain_before,
        pain_after=s.pain_after,
        points=tuple(s.points),
        seconds=s.seconds,
        steps=steps,
        sensations=tuple(s.sensations),
        stop_reason=s.stop_reason,
        stop_note=s.stop_note,
        note=s.note,
        ended_at=s.ended_at,
        complete=s.complete,
        pressure=s.pressure,
    )


def _where(e: msgspec.ValidationError) -> str:
    """msgspec's 'Expected `int`, got `str` - at `$.sessions[0].pain_before`' as
    'sessions[0].pain_before: expected `int`, got `str`'."""
    what, _, where = str(e).partition(" - at `$")
    where = where.rstrip("`").lstrip(".")
    return f"{where}: {_lower(what)}" if where else _lower(what)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- FHIR R4: the pain scores for a clinician -----------------------------------------

LOINC_PAIN = "72514-3"
LOINC_PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
# Observation ids are uuid5 of the session (its uid) and the moment, so exporting the
# same journal twice, or after restoring it elsewhere, gives the same bundle, and a
# clinician's system can tell a resent score from a new one.
OBSERVATION_NAMESPACE = uuid.UUID("0e4c7c1a-5d0b-4f0e-8a3b-7f5b2a9c61d4")
When = Literal["before", "after"]


def observation_id(s: SessionLog, moment: When) -> uuid.UUID:
    if s.uid is not None:
        return uuid.uuid5(OBSERVATION_NAMESPACE, f"{s.uid}|{moment}")
    start = s.started_at.astimezone(dt.UTC).isoformat()
    return uuid.uuid5(OBSERVATION_NAMESPACE, f"{start}|{s.protocol}|{s.source}|{moment}")


def fhir_bundle(
    sessions: Iterable[SessionLog],
    tz: dt.tzinfo | None = None,
    ratings: Iterable[DailyRating] = (),
) -> dict[str, Any]:
    """``fhir_parts`` read back: the Bundle as a dict."""
    bundle: dict[str, Any] = json.loads(b"".join(fhir_parts(sessions, tz, ratings)))
    return bundle


def fhir_parts(
    sessions: Iterable[SessionLog],
    tz: dt.tzinfo | None = None,
    ratings: Iterable[DailyRating] = (),
) -> Iterator[bytes]:
    """A FHIR R4 Bundle (type collection) of pain Observations, as indented JSON in UTF-8,
    an observation at a time: one before and one after each session, for the scores it
    has, and one per daily PEG rating (its score, with its three answers as components).
    Each Observation is validated with fhir.resources (R4B, whose Bundle and Observation
    are R4's) before it is written."""
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.observation import Observation

    Bundle.model_validate({"resourceType": "Bundle", "type": "collection"})

    def entry(ident: uuid.UUID, resource: dict[str, Any]) -> bytes:
        Observation.model_validate(resource)
        encoded = msgspec.json.encode({"fullUrl": f"urn:uuid:{ident}", "resource": resource})
        return msgspec.json.format(encoded, indent=2).replace(b"\n", b"\n    ")

    def entries() -> Iterator[bytes]:
        for r in ratings:
            yield entry(rating_observation_id(r), _peg_observation(r, tz))
        for s in sessions:
            scores: tuple[tuple[When, int | None, dt.datetime], ...] = (
                ("before", s.pain_before, s.started_at),
                ("after", s.pain_after, _ended(s)),
            )
            for moment, score, at in scores:
                if score is not None:
                    ident = observation_id(s, moment)
                    yield entry(ident, _observation(s, moment, score, at, ident, tz))

    yield b'{\n  "resourceType": "Bundle",\n  "type": "collection"'
    first = True
    for part in entries():
        yield (b',\n  "entry": [\n    ' if first else b",\n    ") + part
        first = False
    yield b"\n}" if first else b"\n  ]\n}"


# The daily PEG rating. No LOINC code was found for the PEG scale's score or for its
# interference items, so they are coded in acupress's own system (and named in text);
# the pain item is the 0-10 pain severity rating LOINC 72514-3, as the session scores.
PEG_SYSTEM = "urn:acupress:peg"
PEG_ITEMS_TEXT = {
    "pain": "PEG item 1: average pain (0-10)",
    "enjoyment": "PEG item 2: pain's interference with enjoyment of life (0-10)",
    "activity": "PEG item 3: pain's interference with general activity (0-10)",
}


def rating_observation_id(r: DailyRating) -> uuid.UUID:
    return uuid.uuid5(OBSERVATION_NAMESPACE, f"{r.uid}|peg")


def _peg_observation(r: DailyRating, tz: dt.tzinfo | None) -> dict[str, Any]:
    ident = rating_observation_id(r)

    def item(name: str) -> dict[str, Any]:
        coding = (
            {"system": "http://loinc.org", "code": LOINC_PAIN, "display": LOINC_PAIN_DISPLAY}
            if name == "pain"
            else {"system": PEG_SYSTEM, "code": name, "display": PEG_ITEMS_TEXT[name]}
        )
        return {
            "code": {"coding": [coding], "text": PEG_ITEMS_TEXT[name]},
            "valueInteger": getattr(r, name),
        }

    return {
        "resourceType": "Observation",
        "id": str(ident),
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{ident}"}],
        "status": "final",
        "category": [
            {"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}
        ],
        "code": {
            "coding": [{"system": PEG_SYSTEM, "code": "score", "display": "PEG score (0-10)"}],
            "text": "PEG score: the mean of pain, enjoyment of life and general activity (0-10)",
        },
        "effectiveDateTime": r.day.isoformat(),
        "issued": r.rated_at.astimezone(tz).isoformat(timespec="seconds"),
        "valueQuantity": {"value": round(r.score, 2), "unit": "score"},
        "component": [item(name) for name in PEG_ITEMS_TEXT],
        "note": [
            {
                "text": "Daily PEG rating of a personal trial of self-acupressure for low "
                "back pain (Krebs EE et al., J Gen Intern Med 2009)."
            }
        ],
    }


def fhir_json(sessions: Sequence[SessionLog], tz: dt.tzinfo | None = None) -> str:
    return b"".join(fhir_parts(sessions, tz)).decode("utf-8")


def _ended(s: SessionLog) -> dt.datetime:
    if s.ended_at is not None:
        return s.ended_at
    try:
        return s.started_at + dt.timedelta(seconds=s.seconds)
    except OverflowError:  # a length no session has: the end is not known
        return s.started_at


def _observation(
    s: SessionLog,
    moment: When,
    score: int,
    at: dt.datetime,
    ident: uuid.UUID,
    tz: dt.tzinfo | None,
) -> dict[str, Any]:
    how = "guided by acupress" if s.source == "guided" else "logged by hand"
    done = f"; points {', '.join(s.points)}" if s.points else ""
    return {
        "resourceType": "Observation",
        "id": str(ident),
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{ident}"}],
        "status": "final",
        "category": [
            {"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}
        ],
        "code": {
            "coding": [
                {"system": "http://loinc.org", "code": LOINC_PAIN, "display": LOINC_PAIN_DISPLAY}
            ],
            "text": f"Low back pain (0-10), {moment} a self-acupressure session",
        },
        "effectiveDateTime": at.astimezone(tz).isoformat(timespec="seconds"),
        "valueInteger": score,
        "note": [
            {
                "text": f"Pain {moment} a self-acupressure session for low back pain "
                f"(protocol {s.protocol}, {how}{done})."
            }
        ],
    }
