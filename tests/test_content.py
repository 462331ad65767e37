"""Broken content files give one clear error naming the file, the entry and the field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from acupress import atlas, progress, protocol, safety
from acupress.atlas import CONTENT
from acupress.errors import ContentError

# An edit of a content file: replace the first occurrence of a text, or rewrite the text.
Edit = tuple[str, str] | Callable[[str], str]


def edited_copy(tmp_path: Path, name: str, *edits: Edit) -> Path:
    text = (CONTENT / name).read_text(encoding="utf-8")
    for edit in edits:
        if callable(edit):
            text = edit(text)
        else:
            old, new = edit
            assert old in text, f"{old!r} not in {name}"
            text = text.replace(old, new, 1)
    path = tmp_path / Path(name).name
    path.write_text(text, encoding="utf-8")
    return path


def broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    return edited_copy(tmp_path, name, (old, new))


def without_table(header: str) -> Callable[[str], str]:
    """Leave out a table: its header line and its keys, up to the next blank line."""

    def cut(text: str) -> str:
        start = text.index(f"\n{header}\n") + 1
        end = text.index("\n\n", start) + 2
        return text[:start] + text[end:]

    return cut


def without_steps(text: str) -> str:
    """A protocol with an empty list of steps (and nothing after them)."""
    return "step = []\n" + text.partition("[[step]]")[0]


LOADERS: dict[str, Callable[[Path], Any]] = {
    "points.toml": atlas.load,
    "safety.toml": lambda path: safety.load(path, atlas.default()),
    "progress.toml": progress.load,
    "protocols/low-back.toml": lambda path: protocol.load_file(path, atlas.default()),
}


def test_shipped_content_is_valid(book: atlas.Atlas) -> None:
    low_back = protocol.load_file(protocol.BUILTIN / "low-back.toml", book)
    assert [s.number for s in low_back.steps] == [1, 2, 3, 4, 5, 6, 7, 7]
    assert low_back.points == ("BL23", "BL25", "GV4", "BL40", "KI3")
    assert safety.load(CONTENT / "safety.toml", book).questions
    assert progress.load().persistent_days == 28
    assert progress.load(CONTENT / "progress.toml").no_rest_days == 6


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "points.toml", 'code = "BL25"', 'code = "BL25')
    with pytest.raises(ContentError, match=r"points\.toml: not valid TOML \(.*line \d+"):
        atlas.load(path)


def test_wrong_type_names_entry_and_field(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "points.toml", "default_seconds = 90", 'default_seconds = "90"')
    with pytest.raises(ContentError) as e:
        atlas.load(path)
    assert str(e.value) == (
        f"{path}, point BL25 (#2), field 'default_seconds': expected 'int', got 'str'."
    )


def test_missing_field_names_the_entry(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "points.toml", 'pinyin = "Mingmen"\n', "")
    with pytest.raises(ContentError, match=r"point GV4 \(#3\).*missing required field 'pinyin'"):
        atlas.load(path)


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "points.toml", 'pinyin = "Taixi"', 'pinyin = "Taixi"\npinyn = "x"')
    with pytest.raises(ContentError, match=r"point KI3 \(#5\).*unknown field 'pinyn'"):
        atlas.load(path)


def test_invalid_choice_names_the_field(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path, "points.toml", 'max_pressure = "moderate"', 'max_pressure = "hard"'
    )
    with pytest.raises(ContentError, match=r"point BL40 \(#4\), field 'max_pressure'"):
        atlas.load(path)


def test_duplicate_point_code(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "points.toml", 'code = "BL25"', 'code = "BL23"')
    with pytest.raises(
        ContentError, match=r"point BL23 \(#2\), field 'code': BL23 is defined twice"
    ):
        atlas.load(path)


def test_unknown_vertebra(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "points.toml", 'vertebra = "L4"', 'vertebra = "L7"')
    with pytest.raises(ContentError, match=r"field 'anchor.vertebra': 'L7' is not a vertebra"):
        atlas.load(path)


# --- every check of the protocol, safety and progress files: the message a practitioner sees


def rule(n: int, rule_id: str) -> str:
    return f"rule {rule_id} (#{n})"


BROKEN = [
    # protocols/low-back.toml
    pytest.param(
        "protocols/low-back.toml",
        [('instead = "sitting"', 'instead = "kneeling"')],
        "posture.prone, field 'instead': unknown posture 'kneeling'.",
        id="posture-instead-unknown",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [without_steps],
        "field 'step': a protocol needs at least one step.",
        id="no-steps",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [("default_minutes = 20", "default_minutes = 0")],
        "field 'default_minutes': must be 1-240 minutes.",
        id="default-minutes-0",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [("default_minutes = 20", "default_minutes = 241")],
        "field 'default_minutes': must be 1-240 minutes.",
        id="default-minutes-241",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('id = "bl25"', 'id = "bl23"')],
        "step bl23 (#3), field 'id': 'bl23' is used by two steps.",
        id="step-id-twice",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('posture = "supine"', 'posture = "x"')],
        "step rest (#8), field 'posture': unknown posture 'x'; define it under [posture.x].",
        id="posture-unknown",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('partner_posture = "prone"', 'partner_posture = "kneeling"')],
        "step bl40 (#5), field 'partner_posture': unknown posture 'kneeling'; "
        "define it under [posture.kneeling].",
        id="partner-posture-unknown",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [("[step.in_posture.sitting]", "[step.in_posture.kneeling]")],
        "step bl40 (#5), field 'in_posture': unknown posture 'kneeling'; "
        "define it under [posture.kneeling].",
        id="in-posture-unknown",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [("min_seconds = 90", "min_seconds = 0")],
        "step prepare (#1), field 'min_seconds': must be positive.",
        id="min-seconds-0",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [("min_seconds = 300", "min_seconds = 900")],
        "step rest (#8), field 'max_seconds': is below min_seconds (900).",
        id="max-below-min",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [("min_seconds = 90", 'pressure = "light"\nmin_seconds = 90')],
        "step prepare (#1), field 'pressure': only a step with a point can set it.",
        id="pressure-without-point",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [("min_seconds = 300", 'sides = "both_together"\nmin_seconds = 300')],
        "step rest (#8), field 'sides': only a step with a point can set it.",
        id="sides-without-point",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [("min_seconds = 30\n", 'partner_sides = "both_together"\nmin_seconds = 30\n')],
        "step sweep (#7), field 'partner_sides': only a step with a point can set it.",
        id="partner-sides-without-point",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('point = "GV4"', 'point = "GV44"')],
        "step gv4 (#4), field 'point': unknown point 'GV44'; known: BL23, BL25, GV4, BL40, KI3.",
        id="point-unknown",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('pressure = "light"\nmin_seconds = 60', "min_seconds = 60")],
        "step gv4 (#4), field 'pressure': a point step needs a pressure (light, moderate or firm).",
        id="point-without-pressure",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('pressure = "light"\nmin_seconds = 60', 'pressure = "firm"\nmin_seconds = 60')],
        "step gv4 (#4), field 'pressure': 'firm' is more than GV4 allows (light).",
        id="pressure-above-the-points",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('point = "GV4"', 'point = "GV4"\nsides = "both_together"')],
        "step gv4 (#4), field 'sides': GV4 is not bilateral.",
        id="sides-on-the-midline",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('partner_sides = "both_together"', 'partner_sides = "midline"')],
        "step bl25 (#3), field 'partner_sides': BL25 is bilateral.",
        id="midline-for-a-bilateral-point",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('source = "NICE NG59 (2016, updated 2020), recommendation 1.2.1"\n', "")],
        "pro_tip 'Combine with gentle movement such as the…', field 'source': "
        "evidence needs its source.",
        id="pro-tip-evidence-without-source",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('source = "Hsieh LL et al., BMJ 2006;332:696; Murphy', 'guide_says = "Hsieh')],
        "claim 'Acupressure has shown modest to moderate…', field 'source': "
        "evidence needs its source.",
        id="claim-evidence-without-source",
    ),
    # safety.toml
    pytest.param(
        "safety.toml",
        [('id = "minor_fall"\ntype', 'id = "major_trauma"\ntype')],
        "field 'question': two questions share an id.",
        id="question-id-twice",
    ),
    pytest.param(
        "safety.toml",
        [without_table("[decision.not_today]")],
        "decision.not_today: is missing.",
        id="decision-words-missing",
    ),
    pytest.param(
        "safety.toml",
        [without_table("[urgency.days]")],
        "urgency.days: is missing.",
        id="urgency-words-missing",
    ),
    pytest.param(
        "safety.toml",
        [('when = [{ question = "saddle_numbness", equals = true }]', "when = []")],
        f"{rule(1, 'cauda_equina_saddle')}, field 'when': needs at least one condition.",
        id="rule-without-condition",
    ),
    pytest.param(
        "safety.toml",
        [('question = "night_pain_unrelenting"', 'question = "night_pain"')],
        f"{rule(13, 'night_pain')}, field 'when': unknown question 'night_pain'.",
        id="condition-on-unknown-question",
    ),
    pytest.param(
        "safety.toml",
        [('{ question = "age", below = 20 }', '{ question = "agee", below = 20 }')],
        f"{rule(19, 'new_pain_under_20')}, field 'when': unknown question 'agee'.",
        id="second-condition-on-unknown-question",
    ),
    pytest.param(
        "safety.toml",
        [('question = "age", below = 18', 'question = "age", equals = true')],
        f"{rule(18, 'under_18')}, field 'when': "
        "a number question is tested with above or at_least or at_most or below.",
        id="number-tested-with-equals",
    ),
    pytest.param(
        "safety.toml",
        [('question = "age", below = 18', 'question = "age", below = 18, not_empty = true')],
        f"{rule(18, 'under_18')}, field 'when': "
        "a number question is tested with above or at_least or at_most or below.",
        id="number-tested-also-with-not-empty",
    ),
    pytest.param(
        "safety.toml",
        [
            (
                'question = "saddle_numbness", equals = true',
                'question = "saddle_numbness", at_most = 1',
            )
        ],
        f"{rule(1, 'cauda_equina_saddle')}, field 'when': a yes_no question is tested with equals.",
        id="yes-no-tested-with-at-most",
    ),
    pytest.param(
        "safety.toml",
        [('question = "pregnant", equals = true', 'question = "pregnant"')],
        f"{rule(26, 'pregnancy')}, field 'when': a yes_no question is tested with equals.",
        id="condition-without-test",
    ),
    pytest.param(
        "safety.toml",
        [
            (
                'question = "skin_problem_at", not_empty = true',
                'question = "skin_problem_at", equals = true',
            )
        ],
        f"{rule(30, 'skin_problem')}, field 'when': a points question is tested with not_empty.",
        id="points-tested-with-equals",
    ),
    pytest.param(
        "safety.toml",
        [('omit_points = ["GV4"]', 'omit_points = ["GV44"]')],
        f"{rule(27, 'osteoporosis')}, field 'omit_points': unknown point GV44.",
        id="omit-unknown-point",
    ),
    pytest.param(
        "safety.toml",
        [('omit_answered_points = "skin_problem_at"', 'omit_answered_points = "pregnant"')],
        f"{rule(30, 'skin_problem')}, field 'omit_answered_points': "
        "must name a question of type points.",
        id="omit-answered-points-of-a-yes-no-question",
    ),
    pytest.param(
        "safety.toml",
        [
            (
                'urgency = "days"\nreason = "New back pain after cancer',
                'reason = "New back pain after cancer',
            )
        ],
        f"{rule(11, 'cancer_history')}, field 'urgency': "
        "a see_clinician rule needs an urgency (today or days).",
        id="see-clinician-without-urgency",
    ),
    pytest.param(
        "safety.toml",
        [('decision = "not_today"\n', 'decision = "not_today"\nurgency = "today"\n')],
        f"{rule(24, 'acute_injury')}, field 'urgency': only a see_clinician rule has an urgency.",
        id="urgency-on-not-today",
    ),
    pytest.param(
        "safety.toml",
        [('omit_points = ["BL40"]\n', "")],
        f"{rule(29, 'varicose_veins_or_clots')}, field 'decision': modified needs a change.",
        id="modified-without-change",
    ),
    # progress.toml
    *(
        pytest.param(
            "progress.toml",
            [(f"{name} = {value} ", f"{name} = 0 ")],
            f"field '{name}': must be at least 1.",
            id=f"{name}-0",
        )
        for name, value in [
            ("baseline_sessions", 3),
            ("recent_days", 7),
            ("no_relief_days", 3),
            ("no_rest_days", 6),
            ("persistent_days", 28),
        ]
    ),
    *(
        pytest.param(
            "progress.toml",
            [(f"{name} = {value} ", f"{name} = 0 ")],
            f"field '{name}': must be above 0.",
            id=f"{name}-0",
        )
        for name, value in [("meaningful_points", 2), ("meaningful_percent", 30)]
    ),
    pytest.param(
        "progress.toml",
        [without_table("[flag.no_rest_day]")],
        "flag.no_rest_day: is missing.",
        id="flag-missing",
    ),
    pytest.param(
        "progress.toml",
        [('urgency = "days"\n', "")],
        "flag.no_relief_3_days, field 'urgency': "
        "a see_clinician flag needs an urgency (today or days).",
        id="see-clinician-flag-without-urgency",
    ),
    pytest.param(
        "progress.toml",
        [('decision = "not_today"\n', 'decision = "not_today"\nurgency = "today"\n')],
        "flag.stopped_for_dizziness, field 'urgency': only a see_clinician flag has an urgency.",
        id="urgency-on-a-not-today-flag",
    ),
    pytest.param(
        "progress.toml",
        [('decision_title = "Not today: you stopped for dizziness"\n', "")],
        "flag.stopped_for_dizziness, field 'decision_title': "
        "a flag with a decision needs its title.",
        id="flag-decision-without-title",
    ),
    pytest.param(
        "progress.toml",
        [("time_factor = 0.75", "time_factor = 0")],
        "after_pain_increase, field 'time_factor': must be above 0 and at most 1.",
        id="time-factor-0",
    ),
    pytest.param(
        "progress.toml",
        [("time_factor = 0.75", "time_factor = 1.5")],
        "after_pain_increase, field 'time_factor': must be above 0 and at most 1.",
        id="time-factor-1.5",
    ),
    pytest.param(
        "progress.toml",
        [("sessions_below = 2", "sessions_below = 5")],
        "gentle_start, field 'sessions_below': must grow from one entry to the next.",
        id="gentle-start-out-of-order",
    ),
]


@pytest.mark.parametrize(("name", "edits", "message"), BROKEN)
def test_a_broken_content_file_names_the_file_the_entry_and_the_field(
    tmp_path: Path, name: str, edits: list[Edit], message: str
) -> None:
    path = edited_copy(tmp_path, name, *edits)
    with pytest.raises(ContentError) as e:
        LOADERS[name](path)
    assert str(e.value) == f"{path}, {message}"


EDGES = [
    # the edge values each check lets through
    pytest.param(
        "protocols/low-back.toml",
        [("default_minutes = 20", "default_minutes = 1")],
        id="default-minutes-1",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [("default_minutes = 20", "default_minutes = 240")],
        id="default-minutes-240",
    ),
    pytest.param(
        "protocols/low-back.toml", [("min_seconds = 90", "min_seconds = 1")], id="min-seconds-1"
    ),
    pytest.param(
        "protocols/low-back.toml", [("min_seconds = 300", "min_seconds = 480")], id="max-equals-min"
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('point = "BL25"', 'point = "BL25"\nsides = "both_together"')],
        id="sides-of-a-bilateral-point",
    ),
    pytest.param(
        "protocols/low-back.toml",
        [('point = "GV4"', 'point = "GV4"\nsides = "midline"')],
        id="midline-of-a-midline-point",
    ),
    *(
        pytest.param("progress.toml", [(f"{name} = {value} ", f"{name} = 1 ")], id=f"{name}-1")
        for name, value in [
            ("baseline_sessions", 3),
            ("recent_days", 7),
            ("no_relief_days", 3),
            ("no_rest_days", 6),
            ("persistent_days", 28),
            ("meaningful_percent", 30),
        ]
    ),
    pytest.param(
        "progress.toml",
        [("meaningful_points = 2 ", "meaningful_points = 0.5 ")],
        id="meaningful-points-0.5",
    ),
    pytest.param("progress.toml", [("time_factor = 0.75", "time_factor = 1")], id="time-factor-1"),
    pytest.param(
        "progress.toml", [("time_factor = 0.75", "time_factor = 0.01")], id="time-factor-0.01"
    ),
    pytest.param(
        "safety.toml",
        [('question = "age", below = 18', 'question = "age", at_most = 17')],
        id="number-tested-with-at-most",
    ),
]


@pytest.mark.parametrize(("name", "edits"), EDGES)
def test_content_at_the_edge_of_each_check_loads(
    tmp_path: Path, name: str, edits: list[Edit]
) -> None:
    assert LOADERS[name](edited_copy(tmp_path, name, *edits))


def test_content_checked_against_the_atlas_is_checked_again_when_the_atlas_changes(
    tmp_path: Path,
) -> None:
    points = edited_copy(tmp_path, "points.toml")
    rules = edited_copy(tmp_path, "safety.toml")
    routine = edited_copy(tmp_path, "protocols/low-back.toml")
    assert safety.load(rules, atlas.load(points)).rule
    assert protocol.load_file(routine, atlas.load(points)).source_file == str(routine)
    text = points.read_text(encoding="utf-8").replace('code = "BL40"', 'code = "BL41"')
    points.write_text(text + "\n", encoding="utf-8")  # a different size, whatever the clock
    book = atlas.load(points)
    with pytest.raises(ContentError) as e:
        safety.load(rules, book)
    assert str(e.value) == (
        f"{rules}, rule varicose_veins_or_clots (#29), field 'omit_points': unknown point BL40."
    )
    with pytest.raises(ContentError) as e:
        protocol.load_file(routine, book)
    assert str(e.value) == (
        f"{routine}, step bl40 (#5), field 'point': "
        "unknown point 'BL40'; known: BL23, BL25, GV4, BL41, KI3."
    )


def test_missing_file() -> None:
    with pytest.raises(ContentError, match=r"nowhere\.toml: file not found"):
        atlas.load(Path("/nowhere.toml"))


# --- the cache of validated content ---------------------------------------------------


def test_a_changed_file_is_validated_again(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "points.toml", 'pinyin = "Taixi"', 'pinyin = "Taixi"')
    assert atlas.load(path).get("KI3").pinyin == "Taixi"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("default_seconds = 90", 'default_seconds = "x"', 1))
    with pytest.raises(ContentError, match="field 'default_seconds'"):
        atlas.load(path)


def test_an_edit_is_seen_on_the_next_load(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path, "points.toml", 'english = "Great Ravine"', 'english = "Great Ravine"'
    )
    assert atlas.load(path).get("KI3").english == "Great Ravine"
    text = path.read_text(encoding="utf-8").replace("Great Ravine", "Supreme Stream")
    path.write_text(text + "\n")  # a different size, whatever the clock's resolution
    assert atlas.load(path).get("KI3").english == "Supreme Stream"


def test_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    from acupress import contentfile

    path = broken_copy(tmp_path, "points.toml", 'code = "KI3"', 'code = "KI3"')
    atlas.load(path)
    (cached,) = contentfile.cache_dir().glob("points-*.pickle")
    cached.write_bytes(b"not a pickle")
    assert atlas.load(path).codes[-1] == "KI3"


def test_unchanged_content_loads_without_parsing_or_validating(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    script = (
        "import sys; from acupress import atlas; atlas.default(); "
        "print(sorted(m for m in ('msgspec', 'tomllib') if m in sys.modules))"
    )
    env = dict(os.environ)

    def modules() -> str:
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True
        )
        return out.stdout.strip()

    assert modules() == "['msgspec', 'tomllib']"  # first run: parse, validate, cache
    assert modules() == "[]"
