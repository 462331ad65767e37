"""The core's objects as the web shows them: one builder per thing, used by the JSON API
and by the pages alike, so both always say the same."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from acupress import actions
from acupress.atlas import cun_to_cm, personalise
from acupress.protocol import side_words, warnings
from acupress.web import models

if TYPE_CHECKING:
    from acupress.atlas import Atlas, Point
    from acupress.progress import Progress
    from acupress.protocol import Plan, PlannedStep, Protocol
    from acupress.records import DailyRating, Event, SessionLog
    from acupress.safety import Decision
    from acupress.trial_actions import Outcome, Status
    from acupress.web.live import Moment


def point(p: Point, thumb_cm: float | None) -> models.PointOut:
    lateral = p.anchor.lateral_cun
    return models.PointOut(
        code=p.code,
        pinyin=p.pinyin,
        hanzi=p.hanzi,
        english=p.english,
        meridian=p.meridian,
        region=p.region,
        location=personalise(p.location, thumb_cm),
        how_to_find=[personalise(t, thumb_cm) for t in p.how_to_find],
        technique=personalise(p.technique, thumb_cm),
        lateral_cun=lateral,
        lateral_cm=round(cun_to_cm(lateral, thumb_cm), 1) if thumb_cm and lateral else None,
        sides=p.sides,
        max_pressure=p.max_pressure,
        cautions=list(p.cautions),
        avoid_in_pregnancy=p.avoid_in_pregnancy,
        guide_differs=p.guide_differs,
        traditional_use=p.traditional_use,
        chart_url=f"/api/charts/points/{p.code}.svg",
    )


def decision(d: Decision) -> models.DecisionOut:
    return models.DecisionOut(
        decision=d.decision,
        session_allowed=d.session_allowed,
        urgency=d.urgency,
        title=d.title,
        text=d.text,
        reasons=list(d.reasons),
        rules=list(d.rules),
        omit_points=list(d.omit_points),
        pressure_limit=d.pressure_limit,
        avoid_postures=list(d.avoid_postures),
        advice=list(d.advice),
    )


def step(
    s: PlannedStep,
    position: int,
    protocol: Protocol,
    atlas: Atlas,
    thumb_cm: float | None,
    partner: bool,
) -> models.StepOut:
    source = next((x for x in protocol.steps if x.id == s.id), None)
    found = atlas.get(s.point) if s.point else None
    return models.StepOut(
        position=position,
        step=s.step,
        id=s.id,
        title=s.title,
        point=s.point,
        side=s.side,
        where=side_words(s.side, partner),
        posture=s.posture_text,
        technique=personalise(s.technique, thumb_cm),
        pressure=s.pressure,
        pressure_note=s.pressure_note,
        seconds=s.seconds,
        find=[personalise(f, thumb_cm) for f in found.how_to_find] if found else [],
        tips=list(source.tips) if source else [],
        warnings=list(warnings(source, found)) if source else [],
        chart_url=f"/api/charts/points/{found.code}.svg" if found else None,
    )


def plan(p: Plan, protocol: Protocol, atlas: Atlas, thumb_cm: float | None) -> models.PlanOut:
    return models.PlanOut(
        protocol=p.protocol,
        title=p.title,
        partner=p.partner,
        budget_seconds=p.budget_seconds,
        total_seconds=p.total_seconds,
        decision=p.decision,
        steps=[step(s, i, protocol, atlas, thumb_cm, p.partner) for i, s in enumerate(p.steps)],
        omitted=[f"{o.point}: {'; '.join(o.reasons)}" for o in p.omitted],
        notes=list(p.notes),
        rest_day=p.rest_day,
    )


def live(moment: Moment, atlas: Atlas, thumb_cm: float | None, speed: float) -> models.LiveOut:
    lv, st = moment.live, moment.status
    s = lv.session
    partner = lv.plan.partner

    def shown(ps: PlannedStep | None, position: int) -> models.StepOut | None:
        return None if ps is None else step(ps, position, lv.protocol, atlas, thumb_cm, partner)

    current = shown(st.step, st.index)
    assert current is not None
    return models.LiveOut(
        id=lv.id,
        index=st.index,
        count=len(lv.plan.steps),
        step=current,
        next=shown(st.next, st.index + 1),
        step_remaining=round(st.step_remaining, 3),
        step_elapsed=round(st.step_elapsed, 3),
        total_elapsed=round(st.total_elapsed, 3),
        total_seconds=st.total_seconds,
        paused=st.paused,
        finished=st.finished,
        complete=s.complete,
        stop_reason=s.stop_reason,
        stop_advice=moment.stop_advice,
        message=lv.message,
        cues=[models.CueOut(kind=c.kind, words=c.words) for c in moment.cues],
        steps_done=sum(1 for d in s.done if not d.skipped),
        steps_skipped=sum(1 for d in s.done if d.skipped),
        speed=speed,
        uid=lv.uid,
        now=moment.now,
        attempts=[sum(1 for d in s.done if d.position == i) for i in range(len(lv.plan.steps))],
        plan=[
            step(ps, i, lv.protocol, atlas, thumb_cm, partner) for i, ps in enumerate(lv.plan.steps)
        ]
        if moment.with_plan
        else None,
    )


def session(log: SessionLog) -> models.SessionOut:
    from acupress.records import session_json

    return models.SessionOut.model_validate(session_json(log))


def outcome(log: SessionLog) -> str:
    from acupress.records import outcome as words

    return words(log)


def progress(p: Progress) -> models.ProgressOut:
    from acupress.progress import progress_json

    data = progress_json(p)
    data["flags"] = [models.extra_free(f, models.FlagOut) for f in data["flags"]]
    return models.ProgressOut.model_validate(data)


def manual(given: models.ManualIn, now: dt.datetime) -> SessionLog:
    return actions.manual_session(
        day=given.day,
        at=given.time,
        pain_before=given.pain_before,
        pain_after=given.pain_after,
        points=actions.parse_points(",".join(given.points)),
        minutes=given.minutes,
        note=given.note,
        protocol=given.protocol,
        now=now,
        pressure=given.pressure,
    )


def edit(given: models.EditIn) -> actions.Edit:
    return actions.Edit(
        day=given.day,
        at=given.time,
        pain_before=given.pain_before,
        pain_after=given.pain_after,
        points=None if given.points is None else actions.parse_points(",".join(given.points)),
        minutes=given.minutes,
        note=given.note,
        pressure=given.pressure,
    )


def event(e: Event) -> models.EventOut:
    from acupress.records import event_json

    return models.EventOut.model_validate(event_json(e))


# --- the personal trial ---------------------------------------------------------------


def rating(r: DailyRating) -> models.RatingOut:
    assert r.id is not None
    return models.RatingOut(
        id=r.id, day=r.day, pain=r.pain, enjoyment=r.enjoyment, activity=r.activity, score=r.score
    )


def trial_status(s: Status) -> models.TrialStatusOut:
    planned = s.schedule
    return models.TrialStatusOut(
        start=planned.start,
        end=planned.end,
        weeks=planned.weeks,
        seed=planned.seed,
        periods=[
            models.PeriodOut(week=p.week, pair=p.pair, arm=p.arm, start=p.start, end=p.end)
            for p in planned.periods
        ],
        today=s.today,
        week=s.day.week,
        arm=s.day.arm,
        todo=s.todo,
        rated_today=s.rated_today,
        running=s.running,
        stopped_on=s.record.stopped_on,
        stopped=s.stop_sentence,
    )


def trial_result(found: Outcome) -> models.TrialResultOut:
    from acupress.trial import result_json

    r = found.result
    return models.TrialResultOut(
        status=trial_status(found.status),
        verdict=r.verdict,
        title=r.title,
        sentence=found.sentence,
        limits=list(r.limits),
        analysis=result_json(r),
        deviations=list(found.deviations),
        adherence=found.adherence,
        practised=found.practised,
        acupressure_days=found.acupressure_days,
        daily=[(x.day, round(x.score, 3)) for x in found.ratings],
    )
