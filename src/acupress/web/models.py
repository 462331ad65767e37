"""What the web API takes and gives, as pydantic models: they validate every request and
describe every answer in the OpenAPI schema. The pages render the same objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import ErrorDetails

from acupress.actions import NOTE_MAX

Pain = Annotated[int, Field(ge=0, le=10, description="0 (none) to 10 (worst)")]
Minutes = Annotated[int, Field(ge=1, le=240)]
Note = Annotated[str, StringConstraints(max_length=NOTE_MAX)]
SensationName = Literal["warmth", "ache", "tingling", "none"]
StopReasonName = Literal["dizziness", "pain_increased", "no_time", "other"]
SessionId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A session's number.")]


def first_problem(errors: Sequence[ErrorDetails]) -> str:
    """The first problem in words: 'pain_before: Input should be less than or equal to 10'."""
    if not errors:
        return "The request is not valid."
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    message = str(first.get("msg", "is not valid"))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {message}{more}." if where else f"{message}{more}."


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """Why a request was refused, in one sentence."""

    detail: str


# --- points ---------------------------------------------------------------------------


class PointOut(BaseModel):
    code: str
    pinyin: str
    hanzi: str
    english: str
    meridian: str
    region: str
    location: str
    how_to_find: list[str]
    technique: str
    lateral_cun: float
    lateral_cm: float | None = Field(description="With the thumb width of the settings.")
    sides: Literal["one_side_then_other", "both_together", "midline"]
    max_pressure: Literal["light", "moderate", "firm"]
    cautions: list[str]
    avoid_in_pregnancy: bool
    guide_differs: str
    traditional_use: str = Field(description="Traditional use: a tradition, not evidence.")
    chart_url: str


# --- check ----------------------------------------------------------------------------


class QuestionOut(BaseModel):
    id: str
    type: Literal["yes_no", "number", "points"]
    text: str
    minimum: float | None
    maximum: float | None


class CheckIn(Strict):
    answers: dict[str, Any] = Field(
        description="An answer for every question, by question id: true or false, a number, "
        "or a list of point codes, as the question's type says."
    )


PressureName = Literal["light", "moderate", "firm"]


class DecisionOut(BaseModel):
    decision: Literal["emergency", "see_clinician", "not_today", "modified", "go"]
    session_allowed: bool
    urgency: Literal["emergency", "today", "days"] | None = Field(
        description="How soon to see a clinician: emergency care now, a doctor today, or "
        "within days; null when no clinician is needed."
    )
    title: str
    text: str
    reasons: list[str]
    rules: list[str]
    omit_points: list[str]
    pressure_limit: Literal["light", "moderate", "firm"] | None
    avoid_postures: list[str]
    advice: list[str]


# --- plan and the live session --------------------------------------------------------


class StepOut(BaseModel):
    position: int
    step: int
    id: str
    title: str
    point: str | None
    side: Literal["left", "right", "both", "midline"] | None
    where: str  # the side in words: "left side", "both sides together"
    posture: str
    technique: str
    pressure: Literal["light", "moderate", "firm"] | None
    pressure_note: str | None
    seconds: int
    find: list[str] = Field(description="How to find the point, landmark first, step by step.")
    tips: list[str]
    warnings: list[str]
    chart_url: str | None


class PlanOut(BaseModel):
    protocol: str
    title: str
    partner: bool
    budget_seconds: int
    total_seconds: int
    decision: str | None
    steps: list[StepOut]
    omitted: list[str]
    notes: list[str]
    rest_day: str | None = Field(
        description="Today should be a rest day, and why; a session needs on_rest_day."
    )


class SessionStart(Strict):
    pain_before: Pain
    minutes: Minutes | None = None
    partner: bool | None = None
    on_rest_day: bool = Field(default=False, description="Start even though today is a rest day.")


class SessionAction(Strict):
    action: Literal["advance", "pause", "resume", "skip", "back", "stop"]
    reason: StopReasonName | None = Field(
        default=None, description="With stop: why (dizziness gets the guide's advice)."
    )
    note: Note = ""


class CueOut(BaseModel):
    kind: Literal["switch_side", "next_step", "end"]
    words: str


class LiveOut(BaseModel):
    """A guided session at this moment. Seconds are the session's own; divide by
    ``speed`` for wall-clock seconds."""

    id: int
    index: int
    count: int
    step: StepOut
    next: StepOut | None
    step_remaining: float
    step_elapsed: float
    total_elapsed: float
    total_seconds: int
    paused: bool
    finished: bool
    complete: bool
    stop_reason: str | None
    stop_advice: str | None
    message: str
    cues: list[CueOut]
    steps_done: int
    steps_skipped: int
    speed: float
    uid: str = Field(description="The session's identity, the first part of its steps' keys.")
    now: dt.datetime | None = Field(
        default=None, description="The server's clock at this answer (sped up with ``speed``)."
    )
    attempts: list[int] = Field(
        default_factory=list,
        description="How many times each step of the plan has been done: a step's key is "
        "``<uid>:<index>:<times done before>``.",
    )
    plan: list[StepOut] | None = Field(
        default=None,
        description="Every step of the plan, for a page that runs the session offline "
        "(given when the session starts and when it is read).",
    )


class StepDone(Strict):
    """A step the page ran while offline, sent when the network came back."""

    key: Annotated[str, StringConstraints(min_length=3, max_length=64)]
    index: Annotated[int, Field(ge=0, le=1000)]
    seconds: Annotated[float, Field(ge=0, le=36000)]
    skipped: bool = False
    completed_at: AwareDatetime = Field(description="When the step really ended.")


class StepNow(Strict):
    """Where the page is now: the step, seconds into it, paused or not."""

    index: Annotated[int, Field(ge=0, le=1000)]
    elapsed: Annotated[float, Field(ge=0, le=36000)]
    paused: bool = False
    at: AwareDatetime | None = Field(
        default=None,
        description="The moment, on the server's clock, at which ``elapsed`` was measured "
        "(else the moment the request arrives).",
    )


class StepsDone(Strict):
    """The steps a page ran offline, in order, and where it is now."""

    steps: list[StepDone] = Field(max_length=1000)
    current: StepNow | None = None


class SessionClosing(Strict):
    pain_after: Pain
    sensations: list[SensationName] = Field(default_factory=list, max_length=4)
    note: Note = ""


# --- journal --------------------------------------------------------------------------


class StepRecord(BaseModel):
    position: int
    step: int
    step_id: str
    point: str | None
    side: str | None
    pressure: str | None
    planned_seconds: int
    seconds: float
    skipped: bool
    completed_at: str | None


class SessionOut(BaseModel):
    id: int | None
    started_at: str | None
    day: str
    protocol: str
    source: Literal["guided", "manual"]
    decision: str | None
    pain_before: int | None
    pain_after: int | None
    relief: int | None
    points: list[str]
    seconds: int
    sensations: list[str]
    stop_reason: str | None
    stop_note: str
    note: str
    ended_at: str | None
    complete: bool
    pressure: PressureName | None = None
    steps: list[StepRecord]


class ManualIn(Strict):
    day: dt.date
    time: dt.time | None = None
    pain_before: Pain
    pain_after: Pain
    points: list[Annotated[str, StringConstraints(max_length=10)]] = Field(
        default_factory=list, max_length=50
    )
    minutes: Minutes | None = None
    pressure: PressureName | None = Field(
        default=None, description="The most pressure used at any point."
    )
    note: Note = ""
    protocol: Annotated[str, StringConstraints(max_length=100)] = "low-back"


class EditIn(Strict):
    day: dt.date | None = None
    time: dt.time | None = None
    pain_before: Pain | None = None
    pain_after: Pain | None = None
    points: list[Annotated[str, StringConstraints(max_length=10)]] | None = Field(
        default=None, max_length=50
    )
    minutes: Minutes | None = None
    pressure: PressureName | None = None
    note: Note | None = None


class SeenProfessionalIn(Strict):
    note: Note = Field(default="", description="Who you saw and what they said.")


class EventOut(BaseModel):
    id: int | None
    uid: str
    kind: Literal["seen_professional"]
    at: str
    day: str
    note: str


# --- progress, settings, import -------------------------------------------------------


class FlagOut(BaseModel):
    id: str
    title: str
    advice: str
    source: str
    decision: Literal["see_clinician", "not_today"] | None = Field(
        description="How the flag changes today's decision while it stands."
    )
    urgency: Literal["today", "days"] | None


class NextSession(BaseModel):
    pressure_cap: str | None
    time_factor: float
    max_seconds: int | None
    rest_day: str | None
    reasons: list[str]


class DayOut(BaseModel):
    day: str
    sessions: int
    before: float | None
    after: float | None


class ProgressOut(BaseModel):
    today: str
    sessions: int
    days: int
    first_day: str | None
    last_day: str | None
    baseline_pain: float | None
    last_week_pain: float | None
    change_points: float | None
    change_percent: float | None
    average_relief: float | None
    current_streak: int
    longest_streak: int
    rest_days_last_week: int
    recent_days: list[str] | None = Field(
        description="The first and last day of the recent week compared with the baseline."
    )
    cleared_at: str | None = Field(description="When a professional last told the person to go on.")
    flags: list[FlagOut]
    next_session: NextSession
    series: list[DayOut]


class TodayOut(BaseModel):
    """The home page at a glance."""

    checked_today: bool
    decision: DecisionOut | None
    last_session: SessionOut | None
    flags: list[FlagOut]
    next_session: NextSession
    plan_minutes: int | None
    can_start: bool
    rest_day: str | None
    see_professional: bool = Field(
        description="A flag sends the person to a professional until they record the visit."
    )
    trial: TrialStatusOut | None = Field(
        default=None, description="The personal trial, when there has been one."
    )


class SettingsIn(Strict):
    thumb_cm: Annotated[float, Field(ge=1.0, le=4.0)] | None = None
    minutes: Minutes | None = None
    partner: bool = False
    sound: bool = True
    speech: bool = False
    vibrate: bool = False


class SettingsOut(SettingsIn):
    pass


class ImportOut(BaseModel):
    added: int
    present: int
    profile: Literal["none_in_file", "restored", "kept"]


def extra_free(values: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """Only the keys a model knows (flag details carry extra figures)."""
    return {k: v for k, v in values.items() if k in model.model_fields}


# --- the personal trial ---------------------------------------------------------------

Answer = Annotated[int, Field(ge=0, le=10, description="0 (not at all) to 10 (worst)")]


class RatingIn(Strict):
    """The day's PEG rating: today's, or yesterday's (``day``) when it was missed."""

    pain: Answer
    enjoyment: Answer
    activity: Answer
    day: dt.date | None = Field(default=None, description="Yesterday, to rate a missed day.")


class RatingOut(BaseModel):
    id: int
    day: dt.date
    pain: int
    enjoyment: int
    activity: int
    score: float = Field(description="The PEG score: the mean of the three answers.")


class TrialStart(Strict):
    weeks: int = Field(ge=2, le=52, description="An even number of weeks, in the content's range.")
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1, description="For tests.")


class TrialStop(Strict):
    reason: Annotated[str, StringConstraints(max_length=300)] = ""


class PeriodOut(BaseModel):
    week: int
    pair: int
    arm: Literal["acupressure", "usual_care"]
    start: dt.date
    end: dt.date


class TrialStatusOut(BaseModel):
    """Where the newest trial stands today."""

    start: dt.date
    end: dt.date
    weeks: int
    seed: int
    periods: list[PeriodOut]
    today: dt.date
    week: int | None
    arm: Literal["acupressure", "usual_care"] | None
    todo: str = Field(description="What to do today, in plain words.")
    rated_today: bool
    running: bool
    stopped_on: dt.date | None
    stopped: str | None = Field(description="When and why the trial was stopped.")


class TrialResultOut(BaseModel):
    """A trial's result: the analysis (trial.result_json), the sentence with its limits,
    deviations and adherence, and the daily scores."""

    status: TrialStatusOut
    verdict: Literal["helps", "no_clear_difference", "worse", "too_early"]
    title: str
    sentence: str = Field(description="The result in words, then its limits, one a line.")
    limits: list[str]
    analysis: dict[str, Any] = Field(description="trial.result_json: estimate, interval, pairs.")
    deviations: list[dt.date] = Field(description="Days of usual-care weeks with a session.")
    adherence: str
    practised: int = Field(description="Days of acupressure weeks so far with a session.")
    acupressure_days: int
    daily: list[tuple[dt.date, float]] = Field(description="Each rated day and its PEG score.")
