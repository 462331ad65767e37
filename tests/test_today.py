"""Today's decision: the safety check together with the journal's standing flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from acupress import atlas, progress, safety, today
from acupress.records import SessionLog
from tests.conftest import all_clear

TZ = dt.timezone(dt.timedelta(hours=1))
TODAY = dt.date(2026, 3, 31)
RULES = progress.default_rules()
SCREENING = safety.default_screening()


def check(**changes: Any) -> safety.Decision:
    book = atlas.default()
    answers = safety.parse_answers(all_clear() | changes, SCREENING, book)
    return safety.decide(answers, SCREENING, book)


def log(days_ago: int, before: int, after: int | None, **changes: Any) -> SessionLog:
    day = TODAY - dt.timedelta(days=days_ago)
    start = dt.datetime.combine(day, dt.time(7, 30), TZ)
    return replace(
        SessionLog(
            id=None,
            started_at=start,
            day=day,
            protocol="low-back",
            source="manual",
            pain_before=before,
            pain_after=after,
            points=("BL23",),
            seconds=900,
            complete=True,
            pressure="light",
        ),
        **changes,
    )


def flags(logs: list[SessionLog], cleared: tuple[dt.datetime, ...] = ()) -> tuple[Any, ...]:
    return progress.analyse(logs, TODAY, RULES, cleared).flags


NO_RELIEF = [log(2, 6, 6), log(1, 6, 6), log(0, 6, 7)]
DIZZY_TODAY = [log(0, 5, None, stop_reason="dizziness", complete=False, source="guided")]


def test_nothing_in_the_journal_leaves_the_check_as_it_is() -> None:
    go = check()
    assert today.decide(go, flags([log(1, 5, 3)]), SCREENING) is go
    assert today.decide(None, flags([log(1, 5, 3)]), SCREENING) is None


def test_a_stop_for_dizziness_makes_today_not_today_with_the_reason() -> None:
    d = today.decide(check(), flags(DIZZY_TODAY), SCREENING)
    assert d is not None and d.decision == "not_today" and not d.session_allowed
    assert d.title == "Not today: you stopped for dizziness"
    assert "journal:stopped_for_dizziness" in d.rules
    assert "dizzy" in d.text and not any("dizzy" in r for r in d.reasons)  # said once
    assert not any("Stop at once" in a for a in d.advice)  # no advice for a session
    assert (d.omit_points, d.pressure_limit) == ((), None)


def test_a_stop_for_more_pain_makes_today_not_today() -> None:
    stopped = [log(0, 5, 7, stop_reason="pain_increased", complete=False, source="guided")]
    d = today.decide(check(pregnant=True), flags(stopped), SCREENING)
    assert d is not None and d.decision == "not_today"
    assert "journal:stopped_for_pain" in d.rules and "pregnancy" in d.rules


def test_yesterdays_stop_does_not_stop_today() -> None:
    yesterday = [log(1, 5, None, stop_reason="dizziness", complete=False, source="guided")]
    assert today.decide(check(), flags(yesterday), SCREENING) == check()


def test_a_see_a_professional_flag_stops_sessions_even_without_a_check() -> None:
    d = today.decide(None, flags(NO_RELIEF), SCREENING)
    assert d is not None and (d.decision, d.urgency) == ("see_clinician", "days")
    assert d.title == "See a professional before your next session"
    assert "licensed practitioner" in d.text
    with_check = today.decide(check(), flags(NO_RELIEF), SCREENING)
    assert with_check is not None and with_check.decision == "see_clinician"
    assert with_check.text == d.text


def test_seeing_a_professional_restarts_the_count() -> None:
    cleared = (dt.datetime.combine(TODAY, dt.time(9, 0), TZ),)
    assert today.decide(check(), flags(NO_RELIEF, cleared), SCREENING) == check()
    again = [*NO_RELIEF, log(-1, 6, 6), log(-2, 6, 6)]  # two more days: not yet three
    assert "no_relief_3_days" not in {f.id for f in flags(again, cleared)}


def test_a_stronger_check_keeps_its_words_and_the_more_urgent_wins() -> None:
    emergency = today.decide(check(saddle_numbness=True), flags(NO_RELIEF), SCREENING)
    assert emergency is not None and emergency.decision == "emergency"
    assert emergency.title == check(saddle_numbness=True).title
    assert emergency.urgency == "emergency"
    same = today.decide(check(major_trauma=True), flags(NO_RELIEF), SCREENING)
    assert same is not None and (same.decision, same.urgency) == ("see_clinician", "today")
    assert "today" in same.title.lower()
    assert same.rules == ("major_trauma", "journal:no_relief_3_days")


def test_a_rest_day_does_not_stop_a_session() -> None:
    run = [log(n, 5, 4) for n in range(6, 0, -1)]
    found = flags(run)
    assert "no_rest_day" in {f.id for f in found}
    assert today.decide(check(), found, SCREENING) == check()


# --- today's decision, exactly ----------------------------------------------------------

NO_RELIEF_FLAG = RULES.flag["no_relief_3_days"]
DIZZY_FLAG = RULES.flag["stopped_for_dizziness"]
RULE = {r.id: r for r in SCREENING.rule}
NO_RELIEF_AND_DIZZY = [  # no relief on three days, and a stop for dizziness today
    *NO_RELIEF,
    log(0, 6, None, stop_reason="dizziness", complete=False, source="guided"),
]


def test_without_a_check_the_flags_alone_decide() -> None:
    d = today.decide(None, flags(NO_RELIEF_AND_DIZZY), SCREENING)
    assert d == safety.Decision(
        decision="see_clinician",
        title=NO_RELIEF_FLAG.decision_title,
        text=NO_RELIEF_FLAG.advice,
        urgency="days",
        reasons=(DIZZY_FLAG.advice,),  # the strongest flag's words are the text, once
        rules=("journal:no_relief_3_days", "journal:stopped_for_dizziness"),
        omit_points=(),
        omit_reasons={},
        pressure_limit=None,
        pressure_reasons=(),
        advice=(),
    )


def test_the_strongest_flag_wins_in_whatever_order_the_flags_come() -> None:
    found = flags(NO_RELIEF_AND_DIZZY)
    assert [f.id for f in found if f.decision] == ["no_relief_3_days", "stopped_for_dizziness"]
    assert today.decide(None, found[::-1], SCREENING) == today.decide(None, found, SCREENING)


def test_a_stop_on_a_day_with_changes_keeps_only_the_rules_own_advice() -> None:
    pregnant = check(pregnant=True)
    d = today.decide(pregnant, flags(DIZZY_TODAY), SCREENING)
    assert d == safety.Decision(
        decision="not_today",
        title=DIZZY_FLAG.decision_title,
        text=DIZZY_FLAG.advice,
        urgency=None,
        reasons=(RULE["pregnancy"].reason,),
        rules=("pregnancy", "journal:stopped_for_dizziness"),
        omit_points=(),
        omit_reasons={},
        pressure_limit=None,
        pressure_reasons=(),
        avoid_postures=(),
        advice=RULE["pregnancy"].advice,
    )


def test_a_check_that_already_says_not_today_keeps_its_words() -> None:
    strain = check(acute_injury=True)
    d = today.decide(strain, flags(DIZZY_TODAY), SCREENING)
    assert d == replace(
        strain,
        reasons=(RULE["acute_injury"].reason, DIZZY_FLAG.advice),
        rules=("acute_injury", "journal:stopped_for_dizziness"),
    )


def test_a_more_urgent_flag_changes_the_words_of_a_visit_to_a_clinician() -> None:
    urgent = replace(NO_RELIEF_FLAG, urgency="today")
    rules = replace(RULES, flag={**RULES.flag, "no_relief_3_days": urgent})
    cancer = check(cancer_history=True)
    assert cancer.urgency == "days"
    found = progress.analyse(NO_RELIEF, TODAY, rules).flags
    d = today.decide(cancer, found, SCREENING)
    assert d == replace(
        cancer,
        title=SCREENING.urgency["today"].title,
        text=SCREENING.urgency["today"].text,
        urgency="today",
        reasons=(RULE["cancer_history"].reason, NO_RELIEF_FLAG.advice),
        rules=("cancer_history", "journal:no_relief_3_days"),
    )


def test_with_a_check_the_strongest_flag_speaks_and_the_others_remain_reasons() -> None:
    d = today.decide(check(), flags(NO_RELIEF_AND_DIZZY), SCREENING)
    assert d is not None
    assert (d.decision, d.title, d.text) == (
        "see_clinician",
        NO_RELIEF_FLAG.decision_title,
        NO_RELIEF_FLAG.advice,
    )
    assert d.reasons == (DIZZY_FLAG.advice,)
