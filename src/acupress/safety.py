"""The safety check: screening questions and rules as data, answers validated strictly,
and ``decide(answers)`` as a pure function returning the decision with its reasons."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from acupress import contentfile
from acupress.atlas import CONTENT, PRESSURES, Atlas, Pressure, normalise_code
from acupress.errors import AcupressError

Level = Literal["emergency", "see_clinician", "not_today", "modified", "go"]
LEVELS: tuple[Level, ...] = ("emergency", "see_clinician", "not_today", "modified", "go")
# How soon a see_clinician decision needs a clinician; an emergency is "emergency".
Soon = Literal["today", "days"]
Urgency = Literal["emergency", "today", "days"]
URGENCIES: tuple[Urgency, ...] = ("emergency", "today", "days")
QuestionType = Literal["yes_no", "number", "points"]
Answer = bool | float | tuple[str, ...]
Answers = dict[str, Answer]


@dataclass(frozen=True, kw_only=True, repr=False)
class Question:
    """A screening question: its id, type, words and the numbers it allows."""

    id: str
    type: QuestionType
    text: str
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, kw_only=True, repr=False)
class Condition:
    """One test on one answer; a rule applies when all its conditions hold."""

    question: str
    equals: bool | None = None
    below: float | None = None
    at_least: float | None = None
    above: float | None = None
    at_most: float | None = None
    not_empty: bool | None = None

    def holds(self, answer: Answer) -> bool:
        if self.equals is not None:
            return answer is self.equals
        if isinstance(answer, tuple):
            return bool(answer) == bool(self.not_empty)
        assert isinstance(answer, float)
        return (
            (self.below is None or answer < self.below)
            and (self.at_least is None or answer >= self.at_least)
            and (self.above is None or answer > self.above)
            and (self.at_most is None or answer <= self.at_most)
        )


@dataclass(frozen=True, kw_only=True, repr=False)
class Rule:
    """A safety rule: the answers it applies to, the decision it makes, and why."""

    id: str
    when: tuple[Condition, ...]
    decision: Level
    reason: str
    source: str
    urgency: Soon | None = None  # a see_clinician rule: today, or within days
    advice: tuple[str, ...] = ()
    omit_points: tuple[str, ...] = ()
    omit_points_flagged: Literal["avoid_in_pregnancy"] | None = None
    omit_answered_points: str | None = None
    pressure_limit: Pressure | None = None
    avoid_postures: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, repr=False)
class Outcome:
    """The title and words of a decision."""

    title: str
    text: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Screening:
    """The safety check as data: its questions, rules and the words of each decision."""

    question: tuple[Question, ...]
    rule: tuple[Rule, ...]
    decision: dict[Level, Outcome]  # every level but see_clinician, whose words ...
    urgency: dict[Soon, Outcome]  # ... depend on how soon
    session_advice: tuple[str, ...] = ()

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.question

    def outcome(self, level: Level, urgency: Urgency | None) -> Outcome:
        """The title and words of a decision: a see_clinician decision's say how soon."""
        if level == "see_clinician":
            return self.urgency["today" if urgency in ("emergency", "today") else "days"]
        return self.decision[level]


@dataclass(frozen=True, kw_only=True)
class Decision:
    """What the check decides: whether a session may go ahead, and with what changes."""

    decision: Level
    title: str
    text: str
    urgency: Urgency | None  # how soon to see a clinician; None when no clinician is needed
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    omit_points: tuple[str, ...]
    omit_reasons: dict[str, tuple[str, ...]]
    pressure_limit: Pressure | None
    pressure_reasons: tuple[str, ...]
    avoid_postures: tuple[str, ...] = ()
    advice: tuple[str, ...]

    @property
    def session_allowed(self) -> bool:
        return self.decision in ("modified", "go")


def load(path: Path, atlas: Atlas) -> Screening:
    def check_with_atlas(screening: Screening, path: Path) -> None:
        check(screening, atlas, path)

    return contentfile.load(path, Screening, check_with_atlas, depends=atlas.files)


@cache
def default_screening() -> Screening:
    from acupress import atlas

    return load(CONTENT / "safety.toml", atlas.default())


def check(s: Screening, atlas: Atlas, path: Path) -> None:
    """Every rule refers to real questions and points, with a test that fits the answer type."""
    types = {q.id: q.type for q in s.question}
    if len(types) != len(s.question):
        raise contentfile.located_error(path, None, "question", "two questions share an id")
    for level in LEVELS:
        if level != "see_clinician" and level not in s.decision:
            raise contentfile.located_error(path, f"decision.{level}", None, "is missing")
    for soon in ("today", "days"):
        if soon not in s.urgency:
            raise contentfile.located_error(path, f"urgency.{soon}", None, "is missing")
    for i, r in enumerate(s.rule):
        entry = f"rule {r.id} (#{i + 1})"
        if not r.when:
            raise contentfile.located_error(path, entry, "when", "needs at least one condition")
        for c in r.when:
            kind = types.get(c.question)
            tests = {
                "equals": c.equals is not None,
                "below": c.below is not None,
                "at_least": c.at_least is not None,
                "above": c.above is not None,
                "at_most": c.at_most is not None,
                "not_empty": c.not_empty is not None,
            }
            allowed = {
                "yes_no": {"equals"},
                "number": {"below", "at_least", "above", "at_most"},
                "points": {"not_empty"},
            }
            if kind is None:
                problem = f"unknown question '{c.question}'"
            elif not any(tests.values()) or not {k for k, v in tests.items() if v} <= allowed[kind]:
                problem = f"a {kind} question is tested with {' or '.join(sorted(allowed[kind]))}"
            else:
                continue
            raise contentfile.located_error(path, entry, "when", problem)
        for code in r.omit_points:
            if code not in atlas.codes:
                raise contentfile.located_error(path, entry, "omit_points", f"unknown point {code}")
        if r.omit_answered_points and types.get(r.omit_answered_points) != "points":
            raise contentfile.located_error(
                path, entry, "omit_answered_points", "must name a question of type points"
            )
        if (r.decision == "see_clinician") != (r.urgency is not None):
            problem = (
                "a see_clinician rule needs an urgency (today or days)"
                if r.decision == "see_clinician"
                else "only a see_clinician rule has an urgency"
            )
            raise contentfile.located_error(path, entry, "urgency", problem)
        changes = r.omit_points or r.omit_points_flagged or r.omit_answered_points
        if r.decision == "modified" and not (changes or r.pressure_limit or r.avoid_postures):
            raise contentfile.located_error(path, entry, "decision", "modified needs a change")


# --- answers --------------------------------------------------------------------------


def parse_answers(raw: Any, screening: Screening, atlas: Atlas) -> Answers:
    """Validate answers given by question id: every question answered, with its type.

    Nothing is assumed: a missing answer is an error, never a 'no'.
    """
    if not isinstance(raw, dict):
        raise AcupressError("The answers must be a JSON object of answers by question id.")
    ids = [q.id for q in screening.question]
    for key in raw:
        if key not in ids:
            import difflib

            close = difflib.get_close_matches(str(key), ids, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise AcupressError(f"Unknown question '{key}' in the answers{hint}.")
    answers: Answers = {}
    for q in screening.question:
        value = raw.get(q.id)
        if isinstance(value, dict):  # the template's form: the answer beside its question
            value = value.get("answer")
        if value is None:
            raise AcupressError(
                f"Question '{q.id}' is not answered: {q.text} Give {allowed_answers(q, atlas)}."
            )
        answers[q.id] = parse_answer(q, value, atlas)
    return answers


def allowed_answers(q: Question, atlas: Atlas) -> str:
    """What a question's answer can be, in the words of a JSON file."""
    if q.type == "yes_no":
        return "true or false"
    if q.type == "number":
        return numbers_allowed(q)
    return f'a list of point codes from {", ".join(atlas.codes)}, e.g. ["BL23"], or [] for none'


def numbers_allowed(q: Question) -> str:
    if q.minimum is not None and q.maximum is not None:
        return f"a number from {q.minimum:g} to {q.maximum:g}"
    if q.minimum is not None:
        return f"a number of at least {q.minimum:g}"
    if q.maximum is not None:
        return f"a number up to {q.maximum:g}"
    return "a number"


def answers_template(screening: Screening, atlas: Atlas) -> dict[str, dict[str, Any]]:
    """Every question with its help and an empty answer (null), to fill in and give back
    to ``parse_answers``, which refuses it until every answer is given."""
    return {
        q.id: {
            "question": q.text,
            "type": q.type,
            "allowed": allowed_answers(q, atlas),
            "answer": None,
        }
        for q in screening.question
    }


def as_json(value: Any, limit: int = 40) -> str:
    """A value as JSON writes it (true, null, "text"), cut short when long."""
    import json

    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 2]}…{text[-1]}"


def parse_answer(q: Question, value: Any, atlas: Atlas) -> Answer:
    if q.type == "yes_no":
        if not isinstance(value, bool):
            raise AcupressError(f"Question '{q.id}' needs true or false, not {as_json(value)}.")
        return value
    if q.type == "number":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise AcupressError(f"Question '{q.id}' needs a number, not {as_json(value)}.")
        low = -math.inf if q.minimum is None else q.minimum
        high = math.inf if q.maximum is None else q.maximum
        if not low <= value <= high:
            raise AcupressError(f"Question '{q.id}' needs {numbers_allowed(q)}.")
        return float(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AcupressError(f"Question '{q.id}' needs a list of point codes such as [\"BL23\"].")
    for given in value:
        if normalise_code(given) not in atlas.codes:
            raise AcupressError(
                f"Question '{q.id}' names an unknown point '{given}'; "
                f"known points: {', '.join(atlas.codes)}."
            )
    return tuple(dict.fromkeys(normalise_code(v) for v in value))


def answers_to_json(answers: Answers) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}


# --- the decision ---------------------------------------------------------------------


def most_urgent(urgencies: Iterable[Urgency | None]) -> Urgency | None:
    found = [u for u in urgencies if u is not None]
    return min(found, key=URGENCIES.index) if found else None


def lowest(pressures: Iterable[Pressure]) -> Pressure | None:
    """The lowest of some pressure limits: when two rules limit the pressure, both hold."""
    found = list(pressures)
    return min(found, key=PRESSURES.index) if found else None


def rule_urgency(rule: Rule) -> Urgency | None:
    return "emergency" if rule.decision == "emergency" else rule.urgency


def decide(answers: Answers, screening: Screening, atlas: Atlas) -> Decision:
    """Apply every rule; the strongest decision wins, all reasons are kept, strongest first
    (the most urgent first among see-a-clinician reasons)."""
    matched = [r for r in screening.rule if all(c.holds(answers[c.question]) for c in r.when)]
    matched.sort(key=lambda r: (LEVELS.index(r.decision), URGENCIES.index(r.urgency or "days")))
    level: Level = matched[0].decision if matched else "go"
    urgency = most_urgent(rule_urgency(r) for r in matched)
    omit: dict[str, list[str]] = {}
    limits = [r.pressure_limit for r in matched if r.pressure_limit]
    pressure = lowest(limits)
    pressure_reasons: list[str] = []
    advice: list[str] = []
    postures: list[str] = []
    for r in matched:
        advice += r.advice
        postures += r.avoid_postures
        codes = list(r.omit_points)
        if r.omit_points_flagged:
            codes += [p.code for p in atlas.points if getattr(p, r.omit_points_flagged)]
        if r.omit_answered_points:
            answered = answers[r.omit_answered_points]
            assert isinstance(answered, tuple)
            codes += answered
        for code in codes:
            omit.setdefault(code, []).append(r.reason)
        if r.pressure_limit and r.pressure_limit == pressure:
            pressure_reasons.append(r.reason)
    outcome = screening.outcome(level, urgency)
    allowed = level in ("modified", "go")
    if allowed:
        advice += screening.session_advice
    order = {code: i for i, code in enumerate(atlas.codes)}
    return Decision(
        decision=level,
        title=outcome.title,
        text=outcome.text,
        urgency=urgency,
        reasons=tuple(r.reason for r in matched),
        rules=tuple(r.id for r in matched),
        omit_points=tuple(sorted(omit, key=order.__getitem__)) if allowed else (),
        omit_reasons={k: tuple(v) for k, v in omit.items()} if allowed else {},
        pressure_limit=pressure if allowed else None,
        pressure_reasons=tuple(pressure_reasons) if allowed else (),
        avoid_postures=tuple(dict.fromkeys(postures)) if allowed else (),
        advice=tuple(dict.fromkeys(advice)),
    )


def decision_json(d: Decision) -> dict[str, Any]:
    return {
        "decision": d.decision,
        "session_allowed": d.session_allowed,
        "urgency": d.urgency,
        "title": d.title,
        "text": d.text,
        "reasons": list(d.reasons),
        "rules": list(d.rules),
        "omit_points": list(d.omit_points),
        "pressure_limit": d.pressure_limit,
        "avoid_postures": list(d.avoid_postures),
        "advice": list(d.advice),
    }
