from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupress import atlas, safety
from acupress.errors import AcupressError


def decide(book: atlas.Atlas, screening: safety.Screening, **changes: Any) -> safety.Decision:
    from tests.conftest import all_clear

    answers = safety.parse_answers(all_clear() | changes, screening, book)
    return safety.decide(answers, screening, book)


REQUIRED_IDS = {
    "saddle_numbness": "yes_no",
    "bladder_or_bowel_change": "yes_no",
    "leg_weakness_worsening": "yes_no",
    "fever_or_chills": "yes_no",
    "cancer_history": "yes_no",
    "unexplained_weight_loss": "yes_no",
    "major_trauma": "yes_no",
    "night_pain_unrelenting": "yes_no",
    "immunosuppressed": "yes_no",
    "injecting_drug_use": "yes_no",
    "long_term_steroids": "yes_no",
    "age": "number",
    "acute_injury": "yes_no",
    "pregnant": "yes_no",
    "osteoporosis": "yes_no",
    "anticoagulants_or_bleeding_disorder": "yes_no",
    "varicose_veins_or_clot_history": "yes_no",
    "skin_problem_at": "points",
    "dizziness_or_fainting_today": "yes_no",
}


def test_screening_asks_every_required_question(screening: safety.Screening) -> None:
    asked = {q.id: q.type for q in screening.questions}
    assert asked.items() >= REQUIRED_IDS.items()


def test_healthy_adult_goes_ahead(book: atlas.Atlas, screening: safety.Screening) -> None:
    d = decide(book, screening)
    assert (d.decision, d.reasons, d.omit_points, d.pressure_limit) == ("go", (), (), None)
    assert any("dizzy" in a for a in d.advice)


@pytest.mark.parametrize(
    "flag", ["saddle_numbness", "bladder_or_bowel_change", "leg_weakness_worsening"]
)
def test_cauda_equina_signs_send_to_emergency(
    book: atlas.Atlas, screening: safety.Screening, flag: str
) -> None:
    d = decide(book, screening, **{flag: True})
    assert d.decision == "emergency"
    assert "emergency" in d.text.lower()
    assert not d.session_allowed


@pytest.mark.parametrize(
    "flag",
    [
        "fever_or_chills",
        "cancer_history",
        "unexplained_weight_loss",
        "major_trauma",
        "night_pain_unrelenting",
        "immunosuppressed",
        "injecting_drug_use",
        "long_term_steroids",
    ],
)
def test_red_flags_of_fracture_infection_or_cancer_send_to_a_clinician(
    book: atlas.Atlas, screening: safety.Screening, flag: str
) -> None:
    d = decide(book, screening, **{flag: True})
    assert d.decision == "see_clinician"
    assert len(d.reasons) == 1


def test_strongest_decision_wins_and_all_reasons_are_kept(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    d = decide(book, screening, saddle_numbness=True, cancer_history=True, pregnant=True)
    assert d.decision == "emergency"
    assert d.rules == ("cauda_equina_saddle", "cancer_history", "pregnancy")
    assert d.omit_points == ()  # no session, so nothing to modify


def test_teenager_is_sent_to_a_clinician(book: atlas.Atlas, screening: safety.Screening) -> None:
    assert decide(book, screening, age=15).decision == "see_clinician"
    assert decide(book, screening, age=18).decision == "go"


def test_recent_strain_waits_a_few_days(book: atlas.Atlas, screening: safety.Screening) -> None:
    d = decide(book, screening, acute_injury=True, age=35)
    assert d.decision == "not_today"
    assert d.rules == ("acute_injury",)


def test_recent_strain_after_fifty_needs_a_fracture_ruled_out(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    assert decide(book, screening, acute_injury=True, age=62).decision == "see_clinician"
    assert decide(book, screening, age=62).decision == "go"


def test_recent_strain_with_osteoporosis_needs_a_clinician(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    d = decide(book, screening, acute_injury=True, osteoporosis=True, age=40)
    assert d.decision == "see_clinician"


def test_dizziness_today_means_not_today(book: atlas.Atlas, screening: safety.Screening) -> None:
    assert decide(book, screening, dizziness_or_fainting_today=True).decision == "not_today"


def test_pregnancy_omits_lumbosacral_points(book: atlas.Atlas, screening: safety.Screening) -> None:
    d = decide(book, screening, pregnant=True)
    assert d.decision == "modified"
    assert d.omit_points == ("BL23", "BL25", "GV4")
    assert d.pressure_limit == "light"  # every point left is pressed lightly
    assert d.avoid_postures == ("prone", "supine")  # no lying face down, nor on the back
    assert any("midwife" in a or "acupuncturist" in a for a in d.advice)


def test_bleeding_risk_keeps_pressure_light(book: atlas.Atlas, screening: safety.Screening) -> None:
    d = decide(book, screening, anticoagulants_or_bleeding_disorder=True)
    assert (d.decision, d.pressure_limit, d.omit_points) == ("modified", "light", ())


def test_osteoporosis_keeps_pressure_light_and_leaves_out_gv4_on_the_spine(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    d = decide(book, screening, osteoporosis=True)
    assert (d.decision, d.pressure_limit, d.omit_points) == ("modified", "light", ("GV4",))


def test_varicose_veins_leave_out_bl40(book: atlas.Atlas, screening: safety.Screening) -> None:
    d = decide(book, screening, varicose_veins_or_clot_history=True)
    assert (d.decision, d.omit_points) == ("modified", ("BL40",))


def test_broken_skin_leaves_out_those_points(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    d = decide(book, screening, skin_problem_at=["ki3", "BL25"])
    assert d.omit_points == ("BL25", "KI3")
    assert d.omit_reasons["KI3"][0].startswith("Points with broken skin")


def test_a_missing_answer_is_never_taken_as_no(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    from tests.conftest import all_clear

    answers = all_clear()
    del answers["saddle_numbness"]
    with pytest.raises(AcupressError, match="Question 'saddle_numbness' is not answered"):
        safety.parse_answers(answers, screening, book)


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("pregnant", "no", "needs true or false"),
        ("pregnant", 0, "needs true or false"),
        ("age", "forty", "needs a number"),
        ("age", True, "needs a number"),
        ("age", 130, "from 0 to 120"),
        ("skin_problem_at", "BL23", "needs a list of point codes"),
        ("skin_problem_at", ["BL99"], "unknown point 'BL99'"),
    ],
)
def test_ill_typed_answers_name_the_question(
    book: atlas.Atlas, screening: safety.Screening, question: str, value: Any, message: str
) -> None:
    from tests.conftest import all_clear

    with pytest.raises(AcupressError, match=rf"Question '{question}' {message}|{message}"):
        safety.parse_answers(all_clear() | {question: value}, screening, book)


def test_a_misspelt_question_is_refused_with_a_hint(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    from tests.conftest import all_clear

    with pytest.raises(
        AcupressError, match=r"Unknown question 'pregnnat'.*did you mean 'pregnant'"
    ):
        safety.parse_answers(all_clear() | {"pregnnat": True}, screening, book)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=10,
)


@given(st.dictionaries(st.sampled_from(sorted(REQUIRED_IDS)), json_values) | json_values)
def test_any_answers_either_parse_or_give_a_clear_error(raw: Any) -> None:
    book = atlas.default()
    screening = safety.default_screening()
    try:
        answers = safety.parse_answers(raw, screening, book)
    except AcupressError as e:
        assert str(e)
    else:
        assert safety.decide(answers, screening, book).decision in safety.LEVELS


# --- the clinical review's cases: a 40-year-old, every other answer "no" ---------------


@pytest.mark.parametrize(
    ("changes", "decision", "urgency", "rule"),
    [
        ({"age": 72, "new_pain": True}, "see_clinician", "days", "new_pain_over_50"),
        ({"age": 19, "new_pain": True}, "see_clinician", "days", "new_pain_under_20"),
        ({"pulsating_belly": True}, "emergency", "emergency", "aortic_aneurysm"),
        ({"both_legs_affected": True}, "see_clinician", "today", "cauda_equina_both_legs"),
        ({"recent_surgery": True}, "see_clinician", "days", "recent_surgery"),
        (
            {"minor_fall": True, "osteoporosis": True},
            "see_clinician",
            "today",
            "fall_with_osteoporosis",
        ),
        (
            {"fever_or_chills": True, "immunosuppressed": True},
            "see_clinician",
            "today",
            "infection_immunosuppressed",
        ),
        (
            {"fever_or_chills": True, "injecting_drug_use": True},
            "see_clinician",
            "today",
            "infection_injecting_drugs",
        ),
        ({"major_trauma": True}, "see_clinician", "today", "major_trauma"),
        ({"fever_or_chills": True}, "see_clinician", "days", "infection_fever"),
        ({"cancer_history": True}, "see_clinician", "days", "cancer_history"),
    ],
)
def test_the_cases_a_clinician_flagged_do_not_go_ahead(
    book: atlas.Atlas,
    screening: safety.Screening,
    changes: dict[str, Any],
    decision: str,
    urgency: str,
    rule: str,
) -> None:
    d = decide(book, screening, **changes)
    assert (d.decision, d.urgency, d.rules[0]) == (decision, urgency, rule)
    assert not d.session_allowed


def test_long_standing_pain_at_72_may_go_ahead(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    d = decide(book, screening, age=72, new_pain=False)
    assert (d.decision, d.urgency) == ("go", None)


def test_the_urgency_sets_the_words(book: atlas.Atlas, screening: safety.Screening) -> None:
    today = decide(book, screening, major_trauma=True, cancer_history=True)
    assert today.urgency == "today"  # the most urgent reason wins
    assert "today" in today.title.lower() and "today" in today.text
    assert today.reasons[0].startswith("Pain after a major accident")  # most urgent first
    days = decide(book, screening, cancer_history=True)
    assert "next few days" in days.title and "next few days" in days.text
    emergency = decide(book, screening, saddle_numbness=True, major_trauma=True)
    assert (emergency.decision, emergency.urgency) == ("emergency", "emergency")
    assert "emergency" in emergency.text.lower()


# --- every threshold of safety.toml: one below, at, one above ---------------------------

AGE_BOUNDARIES = [
    # (the answers besides age, age, whether the rule applies)
    ("under_18", {"new_pain": False}, 17, True),
    ("under_18", {"new_pain": False}, 18, False),
    ("under_18", {"new_pain": False}, 19, False),
    ("new_pain_under_20", {"new_pain": True}, 19, True),
    ("new_pain_under_20", {"new_pain": True}, 20, False),
    ("new_pain_under_20", {"new_pain": True}, 21, False),
    ("new_pain_over_50", {"new_pain": True}, 49, False),
    ("new_pain_over_50", {"new_pain": True}, 50, False),
    ("new_pain_over_50", {"new_pain": True}, 51, True),
    ("injury_over_50", {"acute_injury": True}, 49, False),
    ("injury_over_50", {"acute_injury": True}, 50, True),
    ("injury_over_50", {"acute_injury": True}, 51, True),
    ("fall_over_50", {"minor_fall": True}, 49, False),
    ("fall_over_50", {"minor_fall": True}, 50, True),
    ("fall_over_50", {"minor_fall": True}, 51, True),
]


@pytest.mark.parametrize(("rule", "given", "age", "applies"), AGE_BOUNDARIES)
def test_age_thresholds_one_below_at_and_one_above(
    book: atlas.Atlas,
    screening: safety.Screening,
    rule: str,
    given: dict[str, Any],
    age: int,
    applies: bool,
) -> None:
    d = decide(book, screening, age=age, **given)
    assert (rule in d.rules) is applies


def test_every_number_threshold_has_its_boundary_tests(screening: safety.Screening) -> None:
    tested = {rule for rule, _given, _age, _applies in AGE_BOUNDARIES}
    with_numbers = {
        r.id
        for r in screening.rule
        for c in r.when
        if any(v is not None for v in (c.below, c.at_least, c.above, c.at_most))
    }
    assert with_numbers == tested


def test_new_pain_at_an_age_in_between_goes_ahead(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    for age in (20, 35, 50):
        assert decide(book, screening, age=age, new_pain=True).decision == "go"


# --- pressure limits --------------------------------------------------------------------


@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_when_two_rules_limit_pressure_the_lowest_wins_in_any_order(
    book: atlas.Atlas, screening: safety.Screening, order: str
) -> None:
    from dataclasses import replace

    rules = [
        replace(r, pressure_limit="moderate") if r.id == "osteoporosis" else r
        for r in screening.rule
    ]
    if order == "reversed":
        rules.reverse()
    changed = replace(screening, rule=tuple(rules))
    d = decide(book, changed, osteoporosis=True, anticoagulants_or_bleeding_disorder=True)
    assert d.pressure_limit == "light"
    assert len(d.pressure_reasons) == 1 and "Blood thinners" in d.pressure_reasons[0]
    alone = decide(book, changed, osteoporosis=True)
    assert alone.pressure_limit == "moderate"


def test_a_see_clinician_rule_without_urgency_is_refused(tmp_path: Any) -> None:
    from pathlib import Path

    from acupress.errors import ContentError

    text = (atlas.CONTENT / "safety.toml").read_text()
    path = Path(tmp_path) / "safety.toml"
    path.write_text(
        text.replace(
            'urgency = "days"\nreason = "New back pain after cancer',
            'reason = "New back pain after cancer',
            1,
        )
    )
    with pytest.raises(ContentError, match=r"rule cancer_history.*urgency.*needs an urgency"):
        safety.load(path, atlas.default())


# --- the whole decision, exactly --------------------------------------------------------

RULE = {r.id: r for r in safety.default_screening().rule}
SESSION_ADVICE = safety.default_screening().session_advice


def test_changes_of_every_matching_rule_are_gathered(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    d = decide(
        book,
        screening,
        pregnant=True,
        osteoporosis=True,
        anticoagulants_or_bleeding_disorder=True,
        varicose_veins_or_clot_history=True,
        skin_problem_at=["KI3"],
    )
    rules = (
        "pregnancy",
        "osteoporosis",
        "bleeding_risk",
        "varicose_veins_or_clots",
        "skin_problem",
    )
    pregnancy, osteoporosis, bleeding, veins, skin = (RULE[r].reason for r in rules)
    assert d == safety.Decision(
        decision="modified",
        title="Go ahead, with changes",
        text="The session goes ahead with the changes below.",
        urgency=None,
        reasons=(pregnancy, osteoporosis, bleeding, veins, skin),
        rules=rules,
        omit_points=("BL23", "BL25", "GV4", "BL40", "KI3"),  # in the atlas's order
        omit_reasons={
            "BL23": (pregnancy,),
            "BL25": (pregnancy,),
            "GV4": (pregnancy, osteoporosis),
            "BL40": (veins,),
            "KI3": (skin,),
        },
        pressure_limit="light",
        pressure_reasons=(pregnancy, osteoporosis, bleeding),
        avoid_postures=("prone", "supine"),
        advice=(
            *RULE["pregnancy"].advice,
            *RULE["bleeding_risk"].advice,
            *RULE["varicose_veins_or_clots"].advice,
            *SESSION_ADVICE,
        ),
    )


def test_points_are_left_out_in_the_atlas_order_not_alphabetically(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    d = decide(book, screening, osteoporosis=True, varicose_veins_or_clot_history=True)
    assert d.omit_points == ("GV4", "BL40")


def test_a_decision_that_stops_the_session_keeps_no_changes_for_it(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    d = decide(book, screening, saddle_numbness=True, pregnant=True)
    assert d == safety.Decision(
        decision="emergency",
        title=screening.decision["emergency"].title,
        text=screening.decision["emergency"].text,
        urgency="emergency",
        reasons=(RULE["cauda_equina_saddle"].reason, RULE["pregnancy"].reason),
        rules=("cauda_equina_saddle", "pregnancy"),
        omit_points=(),
        omit_reasons={},
        pressure_limit=None,
        pressure_reasons=(),
        avoid_postures=(),
        advice=RULE["pregnancy"].advice,  # the rules' own advice, none for a session
    )


def test_one_rule_leaves_out_its_own_its_flagged_and_its_answered_points(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    from dataclasses import replace

    pregnancy = replace(
        RULE["pregnancy"], omit_points=("KI3",), omit_answered_points="skin_problem_at"
    )
    rules = tuple(pregnancy if r.id == "pregnancy" else r for r in screening.rule)
    changed = replace(screening, rule=rules)
    d = decide(book, changed, pregnant=True, skin_problem_at=["BL40"])
    assert d.omit_points == ("BL23", "BL25", "GV4", "BL40", "KI3")
    own = (pregnancy.reason,)
    assert d.omit_reasons == {
        "BL23": own,
        "BL25": own,
        "GV4": own,
        "BL40": (pregnancy.reason, RULE["skin_problem"].reason),
        "KI3": own,
    }


def test_a_limit_of_firm_leaves_a_lower_limit_standing(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    from dataclasses import replace

    limits = {"osteoporosis": "firm", "bleeding_risk": "moderate"}
    rules = tuple(
        replace(r, pressure_limit=limits[r.id]) if r.id in limits else r for r in screening.rule
    )
    d = decide(
        book,
        replace(screening, rule=rules),
        osteoporosis=True,
        anticoagulants_or_bleeding_disorder=True,
    )
    assert (d.pressure_limit, d.pressure_reasons) == ("moderate", (RULE["bleeding_risk"].reason,))


def test_a_see_a_clinician_decision_as_urgent_as_an_emergency_says_today(
    screening: safety.Screening,
) -> None:
    assert screening.outcome("see_clinician", "emergency") == screening.urgency["today"]
    assert screening.outcome("see_clinician", "today") == screening.urgency["today"]
    assert screening.outcome("see_clinician", "days") == screening.urgency["days"]
    assert screening.outcome("not_today", None) == screening.decision["not_today"]


def test_a_rule_can_test_a_number_with_at_most_one_below_at_and_one_above(
    tmp_path: Any, book: atlas.Atlas
) -> None:
    from pathlib import Path

    text = (atlas.CONTENT / "safety.toml").read_text(encoding="utf-8")
    path = Path(tmp_path) / "safety.toml"
    path.write_text(text.replace('question = "age", below = 18', 'question = "age", at_most = 17'))
    at_most = safety.load(path, book)
    applies = {age: "under_18" in decide(book, at_most, age=age).rules for age in (16, 17, 18)}
    assert applies == {16: True, 17: True, 18: False}


# --- the JSON a script reads ------------------------------------------------------------


def test_decision_json_of_a_session_with_changes(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    d = decide(book, screening, pregnant=True)
    assert safety.decision_json(d) == {
        "decision": "modified",
        "session_allowed": True,
        "urgency": None,
        "title": "Go ahead, with changes",
        "text": "The session goes ahead with the changes below.",
        "reasons": [RULE["pregnancy"].reason],
        "rules": ["pregnancy"],
        "omit_points": ["BL23", "BL25", "GV4"],
        "pressure_limit": "light",
        "avoid_postures": ["prone", "supine"],
        "advice": [*RULE["pregnancy"].advice, *SESSION_ADVICE],
    }


def test_decision_json_of_a_visit_to_a_clinician(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    d = decide(book, screening, cancer_history=True, major_trauma=True)
    assert safety.decision_json(d) == {
        "decision": "see_clinician",
        "session_allowed": False,
        "urgency": "today",
        "title": screening.urgency["today"].title,
        "text": screening.urgency["today"].text,
        "reasons": [RULE["major_trauma"].reason, RULE["cancer_history"].reason],
        "rules": ["major_trauma", "cancer_history"],
        "omit_points": [],
        "pressure_limit": None,
        "avoid_postures": [],
        "advice": [],
    }


QUESTION_TEXT = {q.id: q.text for q in safety.default_screening().questions}


def test_a_question_left_out_is_named_with_what_it_asks(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    from tests.conftest import all_clear

    answers = all_clear()
    del answers["dizziness_or_fainting_today"]
    with pytest.raises(AcupressError) as e:
        safety.parse_answers(answers, screening, book)
    assert str(e.value) == (
        "Question 'dizziness_or_fainting_today' is not answered: "
        f"{QUESTION_TEXT['dizziness_or_fainting_today']} Give true or false."
    )


def test_the_template_has_every_question_unanswered_with_its_help(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    template = safety.answers_template(screening, book)
    assert list(template) == [q.id for q in screening.questions]
    assert template["pregnant"] == {
        "question": "Are you pregnant, or could you be?",
        "type": "yes_no",
        "allowed": "true or false",
        "answer": None,
    }
    assert template["age"] == {
        "question": "How old are you (in years)?",
        "type": "number",
        "allowed": "a number from 0 to 120",
        "answer": None,
    }
    assert template["skin_problem_at"] == {
        "question": QUESTION_TEXT["skin_problem_at"],
        "type": "points",
        "allowed": 'a list of point codes from BL23, BL25, GV4, BL40, KI3, e.g. ["BL23"], '
        "or [] for none",
        "answer": None,
    }
    assert {entry["answer"] for entry in template.values()} == {None}


def test_the_template_as_it_is_names_its_first_question(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    with pytest.raises(AcupressError) as e:
        safety.parse_answers(safety.answers_template(screening, book), screening, book)
    assert str(e.value) == (
        "Question 'saddle_numbness' is not answered: "
        f"{QUESTION_TEXT['saddle_numbness']} Give true or false."
    )


def test_the_template_filled_in_gives_the_same_answers_as_plain_values(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    from tests.conftest import all_clear

    plain = all_clear() | {"pregnant": True, "skin_problem_at": ["ki3"]}
    template = safety.answers_template(screening, book)
    filled = {k: entry | {"answer": plain[k]} for k, entry in template.items()}
    assert safety.parse_answers(filled, screening, book) == safety.parse_answers(
        plain, screening, book
    )


def test_an_answer_json_cannot_write_is_shown_as_it_is(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    (pregnant,) = (q for q in screening.questions if q.id == "pregnant")
    with pytest.raises(AcupressError) as e:
        safety.parse_answer(pregnant, {"yes"}, book)
    assert str(e.value) == "Question 'pregnant' needs true or false, not {'yes'}."


def test_a_number_question_without_a_range_asks_for_any_number(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    from dataclasses import replace

    (age,) = (q for q in screening.questions if q.id == "age")
    assert safety.allowed_answers(replace(age, minimum=None, maximum=None), book) == "a number"
    assert safety.allowed_answers(replace(age, maximum=None), book) == "a number of at least 0"
    assert safety.allowed_answers(replace(age, minimum=None), book) == "a number up to 120"
    with pytest.raises(AcupressError) as e:
        safety.parse_answer(replace(age, minimum=None), 121, book)
    assert str(e.value) == "Question 'age' needs a number up to 120."


def test_answers_are_kept_as_the_json_they_were_given_in(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    from tests.conftest import all_clear

    given = all_clear() | {"pregnant": True, "age": 33, "skin_problem_at": ["ki3", "BL25"]}
    answers = safety.parse_answers(given, screening, book)
    assert safety.answers_to_json(answers) == given | {"skin_problem_at": ["KI3", "BL25"]}
    assert safety.parse_answers(safety.answers_to_json(answers), screening, book) == answers


# --- answers: every refusal, word for word ----------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "The answers must be a JSON object of answers by question id."),
        (
            {"pregnnat": True},
            "Unknown question 'pregnnat' in the answers (did you mean 'pregnant'?).",
        ),
        ({"zzz": True}, "Unknown question 'zzz' in the answers."),
        ({"age": -1}, "Question 'age' needs a number from 0 to 120."),
        ({"age": 121}, "Question 'age' needs a number from 0 to 120."),
        ({"age": "forty"}, "Question 'age' needs a number, not \"forty\"."),
        ({"age": float("nan")}, "Question 'age' needs a number, not NaN."),
        ({"age": True}, "Question 'age' needs a number, not true."),
        ({"age": [40]}, "Question 'age' needs a number, not [40]."),
        ({"pregnant": 0}, "Question 'pregnant' needs true or false, not 0."),
        ({"pregnant": "no"}, "Question 'pregnant' needs true or false, not \"no\"."),
        (
            {"pregnant": "x" * 50},
            f"Question 'pregnant' needs true or false, not \"{'x' * 37}…\".",
        ),
        (  # 40 characters as JSON: shown whole
            {"pregnant": "x" * 38},
            f"Question 'pregnant' needs true or false, not \"{'x' * 38}\".",
        ),
        ({"pregnant": "ja, für"}, "Question 'pregnant' needs true or false, not \"ja, für\"."),
        (
            {"pregnant": None},
            "Question 'pregnant' is not answered: Are you pregnant, or could you be? "
            "Give true or false.",
        ),
        (
            {"age": {"answer": None}},
            "Question 'age' is not answered: How old are you (in years)? "
            "Give a number from 0 to 120.",
        ),
        (
            {"skin_problem_at": {"question": "?"}},
            "Question 'skin_problem_at' is not answered: "
            f"{QUESTION_TEXT['skin_problem_at']} Give a list of point codes from "
            'BL23, BL25, GV4, BL40, KI3, e.g. ["BL23"], or [] for none.',
        ),
        (
            {"skin_problem_at": "BL23"},
            "Question 'skin_problem_at' needs a list of point codes such as [\"BL23\"].",
        ),
        (
            {"skin_problem_at": ["BL99"]},
            "Question 'skin_problem_at' names an unknown point 'BL99'; "
            "known points: BL23, BL25, GV4, BL40, KI3.",
        ),
    ],
)
def test_refused_answers_say_why_in_one_sentence(
    book: atlas.Atlas, screening: safety.Screening, raw: Any, message: str
) -> None:
    from tests.conftest import all_clear

    if isinstance(raw, dict):
        raw = all_clear() | raw
    with pytest.raises(AcupressError) as e:
        safety.parse_answers(raw, screening, book)
    assert str(e.value) == message


@pytest.mark.parametrize("age", [0, 120])
def test_the_ends_of_a_number_range_are_accepted(
    book: atlas.Atlas, screening: safety.Screening, age: int
) -> None:
    from tests.conftest import all_clear

    assert safety.parse_answers(all_clear() | {"age": age}, screening, book)["age"] == age


def test_a_number_question_without_a_range_takes_any_number(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    from dataclasses import replace

    from tests.conftest import all_clear

    open_ended = replace(
        screening,
        question=tuple(
            replace(q, minimum=None, maximum=None) if q.id == "age" else q
            for q in screening.question
        ),
    )
    for age in (-5, 500):
        answers = safety.parse_answers(all_clear() | {"age": age}, open_ended, book)
        assert answers["age"] == age


def test_a_point_ticked_twice_is_one_point(book: atlas.Atlas, screening: safety.Screening) -> None:
    from tests.conftest import all_clear

    answers = safety.parse_answers(
        all_clear() | {"skin_problem_at": ["BL23", "bl23", "KI3"]}, screening, book
    )
    assert answers["skin_problem_at"] == ("BL23", "KI3")


def test_an_unknown_point_among_known_ones_is_the_one_named(
    book: atlas.Atlas, screening: safety.Screening
) -> None:
    from tests.conftest import all_clear

    with pytest.raises(AcupressError, match=r"names an unknown point 'BL99'"):
        safety.parse_answers(
            all_clear() | {"skin_problem_at": ["bl23", "BL23", "BL99"]}, screening, book
        )
