"""Protocols (routines as data) and session planning: fit the steps to a time budget,
leave out what the safety decision omits, cap pressure, order steps by posture."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from acupress import contentfile
from acupress.atlas import CONTENT, PRESSURES, Atlas, Point, Pressure, Sides
from acupress.errors import AcupressError, NoSessionToday
from acupress.safety import Decision

BUILTIN = CONTENT / "protocols"
Side = Literal["left", "right", "both", "midline"]
Basis = Literal["practical", "traditional", "evidence"]
ROUND_TO = 5  # seconds: planned durations are multiples of this
MAX_MINUTES = 240


@dataclass(frozen=True, kw_only=True, repr=False)
class Posture:
    """A position for a step: alone, with a partner, and what replaces it when ruled out."""

    text: str
    partner: str = ""
    instead: str | None = None  # the posture to use when this one is ruled out


@dataclass(frozen=True, kw_only=True, repr=False)
class InPosture:
    """How a step is done when the posture used is not the one it was written for (a
    partner's step moved from lying face down to sitting in pregnancy)."""

    technique: str | None = None
    partner_technique: str | None = None


@dataclass(frozen=True, kw_only=True, repr=False)
class Step:
    """One step of a protocol: a point (or none), its posture, technique and time range."""

    number: int
    id: str
    title: str
    posture: str
    technique: str
    min_seconds: int
    max_seconds: int
    point: str | None = None
    pressure: Pressure | None = None
    sides: Sides | None = None
    partner_posture: str | None = None
    partner_technique: str | None = None
    partner_sides: Sides | None = None
    in_posture: dict[str, InPosture] = field(default_factory=dict)
    fixed: bool | None = None
    guide_says: str = ""
    why: str = ""
    expect: str = ""
    tips: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def movable(self) -> bool:
        """Point steps may be reordered to save posture changes; preparation and close stay."""
        return not self.fixed if self.fixed is not None else self.point is not None


@dataclass(frozen=True, kw_only=True, repr=False)
class Tip:
    """Advice or a claim: its basis is shown, and evidence carries its source."""

    text: str
    basis: Basis
    source: str = ""
    guide_says: str = ""


@dataclass(frozen=True, kw_only=True, repr=False)
class Mistake:
    """A common mistake the guide warns about."""

    text: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Trouble:
    """A problem someone may meet, and what to do about it."""

    problem: str
    solution: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Protocol:
    """A routine as data: its steps, postures, tips, mistakes, troubleshooting, claims."""

    name: str
    title: str
    summary: str
    default_minutes: int
    posture: dict[str, Posture]
    step: tuple[Step, ...]
    equipment: tuple[str, ...] = ()
    pro_tip: tuple[Tip, ...] = ()
    mistake: tuple[Mistake, ...] = ()
    troubleshooting: tuple[Trouble, ...] = ()
    claim: tuple[Tip, ...] = ()
    source_file: str = ""

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.step

    @property
    def points(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.point for s in self.step if s.point))


# --- loading --------------------------------------------------------------------------


def load_file(path: Path, atlas: Atlas) -> Protocol:
    """Load and validate one protocol file against the atlas."""

    def check_with_atlas(protocol: Protocol, path: Path) -> None:
        check(protocol, atlas, path)

    protocol = contentfile.load(path, Protocol, check_with_atlas, depends=atlas.files)
    return replace(protocol, source_file=str(path))


def available(user_dir: Path | None) -> dict[str, Path]:
    """Protocol names to files: the built-in ones, then the user's (which may override)."""
    found = {p.stem: p for p in sorted(BUILTIN.glob("*.toml"))}
    if user_dir is not None and user_dir.is_dir():
        found.update({p.stem: p for p in sorted(user_dir.glob("*.toml"))})
    return found


def resolve(name_or_path: str, user_dir: Path | None) -> Path:
    """A protocol name (built-in or in the user's protocols directory) or a file path."""
    known = available(user_dir)
    if name_or_path in known:
        return known[name_or_path]
    try:
        path = Path(name_or_path).expanduser()
        a_file = path.suffix == ".toml" or "/" in name_or_path or path.exists()
        if a_file and not path.is_file():
            raise AcupressError(f"Protocol file {path} does not exist.")
    except OSError as e:  # a name too long for a file
        raise AcupressError(
            f"Protocol file {name_or_path} cannot be read ({e.strerror})."
        ) from None
    except RuntimeError:  # ~name, for a user unknown here
        user = name_or_path.partition("/")[0]
        raise AcupressError(
            f"Protocol file {name_or_path} cannot be read (there is no user {user} here)."
        ) from None
    if a_file:
        return path
    raise AcupressError(
        f"Unknown protocol '{name_or_path}': known protocols are {', '.join(sorted(known))}."
    )


def check(protocol: Protocol, atlas: Atlas, path: Path) -> None:
    """Rules across fields and files: known points and postures, sane timings, safe pressure."""
    ids: set[str] = set()
    for name, posture in protocol.posture.items():
        if posture.instead is not None and posture.instead not in protocol.posture:
            raise contentfile.located_error(
                path, f"posture.{name}", "instead", f"unknown posture '{posture.instead}'"
            )
    if not protocol.step:
        raise contentfile.located_error(path, None, "step", "a protocol needs at least one step")
    if not 1 <= protocol.default_minutes <= MAX_MINUTES:
        raise contentfile.located_error(path, None, "default_minutes", "must be 1-240 minutes")
    for i, s in enumerate(protocol.step):
        entry = f"step {s.id} (#{i + 1})"

        def fail(field: str, problem: str, entry: str = entry) -> AcupressError:
            return contentfile.located_error(path, entry, field, problem)

        if s.id in ids:
            raise fail("id", f"'{s.id}' is used by two steps")
        ids.add(s.id)
        for name, wanted in (
            ("posture", s.posture),
            ("partner_posture", s.partner_posture),
            *(("in_posture", p) for p in s.in_posture),
        ):
            if wanted is not None and wanted not in protocol.posture:
                raise fail(name, f"unknown posture '{wanted}'; define it under [posture.{wanted}]")
        if s.min_seconds <= 0:
            raise fail("min_seconds", "must be positive")
        if s.max_seconds < s.min_seconds:
            raise fail("max_seconds", f"is below min_seconds ({s.min_seconds})")
        if s.point is None:
            for field in ("pressure", "sides", "partner_sides"):
                if getattr(s, field) is not None:
                    raise fail(field, "only a step with a point can set it")
            continue
        if s.point not in atlas.codes:
            raise fail("point", f"unknown point '{s.point}'; known: {', '.join(atlas.codes)}")
        point = atlas.get(s.point)
        if s.pressure is None:
            raise fail("pressure", "a point step needs a pressure (light, moderate or firm)")
        if PRESSURES.index(s.pressure) > PRESSURES.index(point.max_pressure):
            raise fail(
                "pressure",
                f"'{s.pressure}' is more than {point.code} allows ({point.max_pressure})",
            )
        for name in ("sides", "partner_sides"):
            sides = getattr(s, name)
            if sides is not None and (sides == "midline") != (point.sides == "midline"):
                raise fail(name, f"{point.code} is {'' if point.bilateral else 'not '}bilateral")
    for i, tip in enumerate((*protocol.pro_tip, *protocol.claim)):
        if tip.basis == "evidence" and not tip.source:
            entry = f"{'pro_tip' if i < len(protocol.pro_tip) else 'claim'} '{tip.text[:40]}…'"
            raise contentfile.located_error(path, entry, "source", "evidence needs its source")


# --- planning -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlannedStep:
    """One timed item of a session: a step, on one side where a point is done side by side."""

    step: int
    id: str
    title: str
    point: str | None
    side: Side | None
    posture: str
    posture_text: str
    technique: str
    pressure: Pressure | None
    pressure_note: str | None
    seconds: int


@dataclass(frozen=True, kw_only=True)
class Omission:
    """A point left out of today's plan, and why."""

    point: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Plan:
    """The session to do now: its timed steps, what is left out, and notes."""

    protocol: str
    title: str
    partner: bool
    budget_seconds: int
    steps: tuple[PlannedStep, ...]
    total_seconds: int
    decision: str | None
    omitted: tuple[Omission, ...] = ()
    notes: tuple[str, ...] = ()
    rest_day: str | None = None  # today should be a rest day, and why


@dataclass(frozen=True, kw_only=True)
class Adjustment:
    """How the journal changes the next session: a lighter pressure, a shorter session,
    a rest day. The protocol's minimum length always holds."""

    pressure_cap: Pressure | None = None
    time_factor: float = 1.0  # multiplies the budget
    max_seconds: int | None = None  # the session is no longer than this
    reasons: tuple[str, ...] = ()
    rest_day: str | None = None  # today should be a rest day, and why


@dataclass(frozen=True, kw_only=True)
class _Item:
    """A step on one side, as planning orders and times it."""

    step: Step
    side: Side | None


PostureOf = Callable[[Step], str]


def posture_chooser(protocol: Protocol, partner: bool, avoid: tuple[str, ...] = ()) -> PostureOf:
    """The posture a step is done in: the partner's where given, and the protocol's
    replacement for a posture the safety check rules out (lying face down in pregnancy)."""

    def posture_of(step: Step) -> str:
        posture = (step.partner_posture or step.posture) if partner else step.posture
        if posture in avoid:
            instead = protocol.posture[posture].instead
            if instead is None or instead in avoid:
                raise NoSessionToday(
                    f"No session today: step '{step.title}' needs the posture '{posture}', "
                    "which today's safety check rules out."
                )
            posture = instead
        return posture

    return posture_of


def minimum_seconds(protocol: Protocol, atlas: Atlas, partner: bool = False) -> int:
    posture_of = posture_chooser(protocol, partner)
    return sum(i.step.min_seconds for i in _items(protocol, atlas, partner, (), posture_of))


def plan(
    protocol: Protocol,
    atlas: Atlas,
    minutes: int,
    decision: Decision | None = None,
    partner: bool = False,
    adjustment: Adjustment | None = None,
) -> Plan:
    """The session to do now: every step fitted to ``minutes`` without exceeding it.

    All steps stretch by the same fraction of their range, so a longer budget never
    gives a shorter step, and the total never exceeds the budget. An ``adjustment`` from
    the journal shortens the session (down to the protocol's minimum) and caps pressure.
    """
    if not 1 <= minutes <= MAX_MINUTES:
        raise AcupressError(f"Session length must be 1-{MAX_MINUTES} minutes, not {minutes}.")
    if decision is not None and not decision.session_allowed:
        title = decision.title
        if "no session" not in title.lower() and not title.lower().startswith("not today"):
            title = f"No session today: {title[:1].lower()}{title[1:]}"
        raise NoSessionToday(f"{title}. {decision.text}")
    omit = decision.omit_points if decision else ()
    posture_of = posture_chooser(protocol, partner, decision.avoid_postures if decision else ())
    items = _items(protocol, atlas, partner, omit, posture_of)
    if not any(i.step.point for i in items):
        raise NoSessionToday(
            f"No session today: every point of {protocol.name} is left out "
            f"({' '.join(decision.reasons if decision else ())})"
        )
    budget = minutes * 60
    low = sum(i.step.min_seconds for i in items)
    high = sum(i.step.max_seconds for i in items)
    if budget < low:
        raise AcupressError(
            f"The {protocol.name} session needs at least {math.ceil(low / 60)} minutes"
            f"{' with the points left out today' if omit else ''}; {minutes} is too short."
        )
    adjust = adjustment or Adjustment()
    target = min(budget, int(budget * adjust.time_factor))
    if adjust.max_seconds is not None:
        target = min(target, adjust.max_seconds)
    target = max(low, target)
    fraction = 1.0 if high == low else min(1.0, (target - low) / (high - low))
    limit, limit_reason = pressure_limit(decision, adjust)
    notes = list(adjust.reasons)
    if decision is not None and decision.pressure_limit:
        safety_reason = " ".join(decision.pressure_reasons)
        notes.append(f"Pressure is kept {decision.pressure_limit} at every point. {safety_reason}")
    steps = tuple(
        _planned(i, protocol, partner, posture_of(i.step), fraction, limit, limit_reason)
        for i in items
    )
    return Plan(
        protocol=protocol.name,
        title=protocol.title,
        partner=partner,
        budget_seconds=budget,
        steps=steps,
        total_seconds=sum(s.seconds for s in steps),
        decision=decision.decision if decision else None,
        omitted=_omissions(protocol, decision),
        notes=tuple(notes),
        rest_day=adjust.rest_day,
    )


def pressure_limit(
    decision: Decision | None, adjustment: Adjustment
) -> tuple[Pressure | None, str]:
    """The most pressure any point may have today, and why: the safety check's limit and
    the journal's cap (a new person, pain after the last session) both hold, so the
    lower wins; at the same level the safety reason is the one given."""
    limit = decision.pressure_limit if decision else None
    reason = " ".join(decision.pressure_reasons if decision else ())
    cap = adjustment.pressure_cap
    if cap is not None and (limit is None or PRESSURES.index(cap) < PRESSURES.index(limit)):
        return cap, " ".join(adjustment.reasons)
    return limit, reason


def _omissions(protocol: Protocol, decision: Decision | None) -> tuple[Omission, ...]:
    if decision is None:
        return ()
    return tuple(
        Omission(point=code, reasons=decision.omit_reasons.get(code, ()))
        for code in protocol.points
        if code in decision.omit_points
    )


def _planned(
    item: _Item,
    protocol: Protocol,
    partner: bool,
    posture: str,
    fraction: float,
    limit: Pressure | None,
    limit_reason: str,
) -> PlannedStep:
    s = item.step
    extra = (s.max_seconds - s.min_seconds) * fraction
    seconds = s.min_seconds + int(extra // ROUND_TO) * ROUND_TO
    pressure, note = s.pressure, None
    if pressure and limit and PRESSURES.index(pressure) > PRESSURES.index(limit):
        pressure, note = limit, f"limited to {limit}: {limit_reason}"
    p = protocol.posture[posture]
    return PlannedStep(
        step=s.number,
        id=s.id,
        title=s.title,
        point=s.point,
        side=item.side,
        posture=posture,
        posture_text=(p.partner or p.text) if partner else p.text,
        technique=technique(s, posture, partner),
        pressure=pressure,
        pressure_note=note,
        seconds=seconds,
    )


def technique(step: Step, posture: str, partner: bool) -> str:
    """What to do at a step, in the posture it is done in today."""
    solo = step.technique
    paired = step.partner_technique or solo
    moved = step.in_posture.get(posture)
    if moved is not None:
        solo = moved.technique or solo
        paired = moved.partner_technique or paired
    return paired if partner else solo


def _items(
    protocol: Protocol,
    atlas: Atlas,
    partner: bool,
    omit: tuple[str, ...],
    posture_of: PostureOf,
) -> list[_Item]:
    steps = order_by_posture([s for s in protocol.step if s.point not in omit], posture_of)
    items: list[_Item] = []
    for s in steps:
        if s.point is None:
            items.append(_Item(step=s, side=None))
            continue
        sides = (s.partner_sides if partner else None) or s.sides or atlas.get(s.point).sides
        if sides == "one_side_then_other":
            items += [_Item(step=s, side="left"), _Item(step=s, side="right")]
        else:
            items.append(_Item(step=s, side="both" if sides == "both_together" else "midline"))
    return items


def order_by_posture(steps: list[Step], posture_of: PostureOf) -> list[Step]:
    """Group each run of movable steps by posture, so the person changes position as little
    as possible: first the posture they are already in, last the one the next fixed step
    needs, the rest in order of first appearance; within a posture the protocol's order."""
    out: list[Step] = []
    run: list[Step] = []

    def flush(next_posture: str | None) -> None:
        if not run:
            return
        order = list(dict.fromkeys(posture_of(s) for s in run))
        current = posture_of(out[-1]) if out else None
        if next_posture in order and next_posture != current:
            order.remove(next_posture)
            order.append(next_posture)
        if current in order:
            order.remove(current)
            order.insert(0, current)
        out.extend(s for posture in order for s in run if posture_of(s) == posture)
        run.clear()

    for s in steps:
        if s.movable:
            run.append(s)
        else:
            flush(posture_of(s))
            out.append(s)
    flush(None)
    return out


def warnings(step: Step, point: Point | None) -> tuple[str, ...]:
    """A step's warnings, then its point's cautions that do not say the same thing again:
    what the session screen and the printed guide both show."""
    import difflib

    if point is None:
        return step.warnings

    def said(text: str) -> bool:
        return any(
            difflib.SequenceMatcher(None, text.lower(), w.lower()).ratio() >= 0.7
            for w in step.warnings
        )

    extra = (c for c in dict.fromkeys(point.cautions) if c not in step.warnings and not said(c))
    return (*step.warnings, *extra)


def side_words(side: str | None, partner: bool) -> str:
    """The side of a step in words: 'left side', 'your partner's left side', …"""
    if side in ("left", "right"):
        return f"your partner's {side} side" if partner else f"{side} side"
    return {"both": "both sides together", "midline": "on the midline"}.get(side or "", "")


def minutes_seconds(seconds: float) -> str:
    """A duration as m:ss, rounded to the second."""
    m, s = divmod(max(0, round(seconds)), 60)
    return f"{m}:{s:02d}"
