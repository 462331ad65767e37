"""Today's decision: the safety check's answers together with what the journal says.

A flag of the journal that calls for a professional (no relief on three days, pain up
after two sessions in a row, four weeks without improvement) or a session stopped today
for dizziness or more pain weighs like an answer of the check: the strongest decision
wins and every reason is shown. A pure function, like ``safety.decide``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from acupress.progress import Flag
from acupress.safety import LEVELS, Decision, Level, Screening, Urgency, most_urgent


def decide(check: Decision | None, flags: Sequence[Flag], screening: Screening) -> Decision | None:
    """The check's decision raised by the flags that stand; None when the check has not
    been done today and nothing in the journal stops a session."""
    standing = sorted((f for f in flags if f.decision), key=lambda f: LEVELS.index(f.decision))
    if not standing:
        return check
    strongest = standing[0]
    assert strongest.decision is not None
    if check is None:
        level: Level = strongest.decision
        urgency: Urgency | None = strongest.urgency
        return Decision(
            decision=level,
            title=strongest.decision_title,
            text=strongest.advice,
            urgency=urgency,
            reasons=tuple(f.advice for f in standing[1:]),  # the first is the text
            rules=tuple(rule_id(f) for f in standing),
            omit_points=(),
            omit_reasons={},
            pressure_limit=None,
            pressure_reasons=(),
            advice=(),
        )
    level = min(check.decision, strongest.decision, key=LEVELS.index)
    urgency = most_urgent((check.urgency, *(f.urgency for f in standing)))
    rules = (*check.rules, *(rule_id(f) for f in standing))
    told = standing
    if level == check.decision and level == "see_clinician":
        outcome = screening.outcome(level, urgency)
        title, text = outcome.title, outcome.text
    elif level == check.decision:
        title, text = check.title, check.text
    else:  # the strongest flag speaks; its words are not repeated among the reasons
        title, text = strongest.decision_title, strongest.advice
        told = standing[1:]
    reasons = (*check.reasons, *(f.advice for f in told))
    # A flag that stands stops today's session (see_clinician or not_today): nothing
    # for a session is kept, neither its changes nor its advice.
    return replace(
        check,
        decision=level,
        title=title,
        text=text,
        urgency=urgency,
        reasons=reasons,
        rules=rules,
        omit_points=(),
        omit_reasons={},
        pressure_limit=None,
        pressure_reasons=(),
        avoid_postures=(),
        advice=tuple(a for a in check.advice if a not in screening.session_advice),
    )


def rule_id(flag: Flag) -> str:
    """How a journal flag is named among the rules a decision came from."""
    return f"journal:{flag.id}"
