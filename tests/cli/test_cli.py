"""The command line end to end: what a person types and what they see."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Result

Run = Callable[..., Result]


def test_points_lists_the_five_points(run: Run) -> None:
    r = run("points")
    assert r.code == 0
    for code in ("BL23", "BL25", "GV4", "BL40", "KI3"):
        assert code in r.out
    assert "L2 level, 1.5 cun" in r.out


def test_points_json_lists_standard_locations(run: Run) -> None:
    points = run("points", "--json").json()
    assert [p["code"] for p in points] == ["BL23", "BL25", "GV4", "BL40", "KI3"]
    assert points[0]["anchor"] == {"kind": "vertebral", "vertebra": "L2", "lateral_cun": 1.5}


def test_one_point_in_full(run: Run) -> None:
    r = run("points", "bl23")
    assert r.code == 0
    assert "second lumbar vertebra (L2)" in r.out
    assert "How to find it" in r.out
    assert "T2" in r.out  # where the guide differs


def test_one_point_json_with_thumb_width(run: Run) -> None:
    p = run("points", "BL25", "--json", "--thumb-cm", "2.1").json()
    assert p["code"] == "BL25"
    assert p["personal"] == {"thumb_cm": 2.1, "lateral_cm": 3.2}


def test_thumb_width_shows_distances_in_cm(run: Run) -> None:
    r = run("points", "BL23", "--thumb-cm", "2.1")
    assert "1.5 B-cun (≈ 3.2 cm for you)" in " ".join(r.out.split())


def test_saved_thumb_width_is_used(run: Run) -> None:
    assert run("profile", "--thumb-cm", "2.0").code == 0
    assert "≈ 3.0 cm for you" in " ".join(run("points", "BL23").out.split())


def test_unknown_point_is_one_clear_error(run: Run) -> None:
    r = run("points", "BL24")
    assert r.code == 2
    assert r.err == "Error: Unknown point 'BL24': did you mean BL23 or BL25?\n"
    assert r.out == ""


def test_check_lists_its_questions(run: Run) -> None:
    qs = run("check", "--questions", "--json").json()
    by_id = {q["id"]: q for q in qs}
    assert by_id["age"]["type"] == "number"
    assert by_id["skin_problem_at"]["type"] == "points"
    assert by_id["pregnant"]["type"] == "yes_no"
    assert all(q["text"] for q in qs)


def test_check_template_lists_every_question_unanswered(run: Run) -> None:
    from acupress import safety

    r = run("check", "--template")
    assert r.code == 0, r.err
    template = r.json()
    assert list(template) == [q.id for q in safety.default_screening().questions]
    assert template["age"] == {
        "question": "How old are you (in years)?",
        "type": "number",
        "allowed": "a number from 0 to 120",
        "answer": None,
    }
    assert all(entry["answer"] is None for entry in template.values())  # never a "no"
    assert all(entry["question"] and entry["allowed"] for entry in template.values())


def test_a_template_is_refused_until_filled_in_then_checked(
    run: Run, tmp_path: Path, home: Path
) -> None:
    from tests.conftest import all_clear

    path = tmp_path / "answers.json"
    r = run("check", "--template", "--out", str(path))
    assert r.code == 0, r.err
    assert r.out == (
        f"Wrote {path}: the 24 safety questions, every answer empty (null). Fill in each "
        f'"answer", then run acupress check --answers {path}\n'
    )
    refused = run("check", "--answers", str(path))
    assert refused.code == 2
    assert refused.err.startswith("Error: Question 'saddle_numbness' is not answered: ")
    assert refused.err.endswith("Give true or false.\n")
    assert not (home / "check.json").exists()

    template = json.loads(path.read_text())
    for key, value in (all_clear() | {"osteoporosis": True}).items():
        template[key]["answer"] = value
    path.write_text(json.dumps(template))
    d = run("check", "--answers", str(path), "--json").json()
    assert (d["decision"], d["pressure_limit"]) == ("modified", "light")


def test_check_template_goes_alone(run: Run, answers_file: Callable[..., Path]) -> None:
    r = run("check", "--template", "--answers", str(answers_file()))
    assert (r.code, r.err) == (2, "Error: Give --template or --answers, not both.\n")
    r = run("check", "--out", "x.json")
    assert (r.code, r.err) == (2, "Error: --out goes with --template: acupress check "
                                  "--template --out FILE.\n")  # fmt: skip


def test_check_help_shows_how_to_fill_in_the_template(run: Run) -> None:
    text = " ".join(run("check", "--help").out.split())
    assert "acupress check --template --out answers.json" in text
    assert '"answer": null' in text
    assert "never taken as no" in text


def test_check_with_answers_prints_the_decision(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    r = run("check", "--answers", str(answers_file(pregnant=True)), "--json")
    assert r.code == 0
    d = r.json()
    assert d["decision"] == "modified"
    assert d["omit_points"] == ["BL23", "BL25", "GV4"]
    assert d["pressure_limit"] == "light"
    assert d["avoid_postures"] == ["prone", "supine"]
    assert d["urgency"] is None
    assert set(d) >= {"decision", "urgency", "reasons", "omit_points", "pressure_limit", "advice"}


def test_check_emergency_is_unmistakable(run: Run, answers_file: Callable[..., Path]) -> None:
    r = run("check", "--answers", str(answers_file(saddle_numbness=True)))
    assert r.code == 0
    assert "Get emergency care now" in r.out
    assert "emergency number" in r.out


def test_check_with_a_missing_answer_names_the_question(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"age": 40}))
    r = run("check", "--answers", str(path), "--json")
    assert r.code == 2
    assert "Question 'saddle_numbness' is not answered" in r.err
    assert r.out == ""


def test_check_with_a_broken_answers_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("{not json")
    r = run("check", "--answers", str(path))
    assert r.code == 2
    assert r.err.startswith(f"Error: Answers file {path} is not valid JSON")
    assert run("check", "--answers", str(tmp_path / "none.json")).code == 2


def test_check_asks_in_the_terminal_and_plan_uses_todays_answers(run: Run) -> None:
    from acupress import safety

    replies = []
    for q in safety.default_screening().questions:
        replies.append(
            {"yes_no": "y" if q.id == "osteoporosis" else "n", "number": "44"}.get(q.type, "none")
        )
    r = run("check", input="\n".join(replies) + "\n")
    assert r.code == 0, r.err
    assert "Go ahead, with changes" in r.out
    p = run("plan", "--json").json()
    assert p["decision"] == "modified"
    assert {s["pressure"] for s in p["steps"] if s["point"]} == {"light"}


def test_check_reasks_an_invalid_answer(run: Run) -> None:
    from acupress import safety

    replies = []
    for q in safety.default_screening().questions:
        if q.type == "number":
            replies += ["200", "44"]
        elif q.type == "points":
            replies += ["BL99", "KI3"]
        else:
            replies.append("n")
    r = run("check", "--json", input="")
    assert r.code == 2  # --json needs --answers: no prompts in scripts
    r = run("check", input="\n".join(replies) + "\n")
    assert r.code == 0, r.err
    assert "from 0 to 120" in r.out
    assert "unknown point 'BL99'" in r.out
    assert "Left out today: KI3" in r.out


def test_check_cut_short_saves_nothing(run: Run, home: Path) -> None:
    r = run("check", input="n\nn\n")
    assert r.code != 0
    assert "Traceback" not in r.err
    assert not (home / "check.json").exists()


def test_plan_json_shape(run: Run) -> None:
    p = run("plan", "--minutes", "15", "--json").json()
    assert p["total_seconds"] <= 900
    assert p["total_seconds"] == sum(s["seconds"] for s in p["steps"])
    first = p["steps"][1]
    assert {"step", "point", "side", "pressure", "seconds"} <= set(first)
    assert (first["point"], first["side"]) == ("BL23", "both")
    assert p["decision"] is None


def test_plan_shows_the_steps_and_total(run: Run) -> None:
    r = run("plan", "--minutes", "30")
    assert r.code == 0
    assert "BL40 Weizhong" in r.out
    assert "30:00" in r.out
    assert "Safety not checked today" in r.out


def test_plan_too_short_states_the_minimum(run: Run) -> None:
    r = run("plan", "--minutes", "10")
    assert r.code == 2
    assert "needs at least 14 minutes" in r.err


def test_plan_with_stopping_answers_refuses(run: Run, answers_file: Callable[..., Path]) -> None:
    r = run("plan", "--answers", str(answers_file(fever_or_chills=True)))
    assert r.code == 1
    assert "See a doctor in the next few days" in r.out
    assert r.err.startswith("Error: See a doctor in the next few days: no session until then. ")


def test_plan_applies_answers(run: Run, answers_file: Callable[..., Path]) -> None:
    p = run(
        "plan", "--answers", str(answers_file(varicose_veins_or_clot_history=True)), "--json"
    ).json()
    assert "BL40" not in {s["point"] for s in p["steps"]}
    assert p["omitted"][0]["point"] == "BL40"


def test_plan_answers_are_kept_as_todays_check_like_the_sessions(
    run: Run, answers_file: Callable[..., Path], home: Path
) -> None:
    p = run("plan", "--answers", str(answers_file(osteoporosis=True)), "--json").json()
    assert p["decision"] == "modified"
    assert json.loads((home / "check.json").read_text())["answers"]["osteoporosis"] is True
    again = run("plan", "--json").json()
    assert again["decision"] == "modified"
    assert {s["pressure"] for s in again["steps"] if s["point"]} == {"light"}
    assert "osteoporosis" in run("profile", "--json").json()["conditions"]


def test_plan_labels_each_change_of_position(run: Run, answers_file: Callable[..., Path]) -> None:
    r = run("plan", "--answers", str(answers_file(pregnant=True)), "--minutes", "20")
    assert r.code == 0, r.err
    positions = [line.strip() for line in r.out.splitlines() if "Position:" in line]
    assert [p.split(",")[0] for p in positions] == [
        "Position: Sit on a firm chair or the edge of the bed",
        "Position: Lie on your left side",
    ]


def test_plan_numbers_the_steps_shown_one_two_three(
    run: Run, answers_file: Callable[..., Path]
) -> None:
    import re

    r = run("plan", "--answers", str(answers_file(pregnant=True)), "--minutes", "20")
    shown = re.findall(r"^ +(\d+) {2,}\S", r.out, flags=re.MULTILINE)
    # BL23, BL25 and GV4 are left out; BL40 and KI3 are done on each side in turn
    assert shown == ["1", "2", "2", "3", "3", "4", "4"]
    assert re.search(r"^ +4 +Close: rest ", r.out, flags=re.MULTILINE)


def test_protocols_json_gives_the_shortest_session_as_a_number(run: Run) -> None:
    (low_back,) = run("protocols", "--json").json()
    assert low_back["min_minutes"] == 14
    assert low_back["error"] is None


def test_a_broken_protocol_file_is_named_and_the_others_still_listed(run: Run, home: Path) -> None:
    from tests.test_protocol import CUSTOM

    (home / "protocols").mkdir(parents=True)
    (home / "protocols" / "zigzag.toml").write_text(CUSTOM)
    broken = home / "protocols" / "broken.toml"
    broken.write_text('name = "broken"\ntitle = 3\n')
    rows = run("protocols", "--json").json()
    assert [(r["name"], r["error"] is None) for r in rows] == [
        ("low-back", True),
        ("broken", False),
        ("zigzag", True),
    ]
    assert str(broken) in rows[1]["error"] and "field 'title'" in rows[1]["error"]
    assert (rows[1]["title"], rows[1]["min_minutes"]) == (None, None)
    r = run("protocols")
    assert r.code == 0, r.err
    text = " ".join(r.out.split())
    assert "low-back" in text and "zigzag" in text
    assert "cannot be used:" in text and "field 'title'" in text


def test_plan_partner(run: Run) -> None:
    p = run("plan", "--partner", "--json").json()
    assert p["partner"] is True
    assert "partner" in p["steps"][0]["posture_text"].lower()


def test_plan_with_a_broken_protocol_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\ntitle = 3\n')
    r = run("plan", "--protocol", str(path))
    assert r.code == 2
    assert r.err.count("\n") == 1
    assert str(path) in r.err and "field 'title'" in r.err


def test_users_own_protocol_directory(run: Run, home: Path) -> None:
    from tests.test_protocol import CUSTOM

    (home / "protocols").mkdir(parents=True)
    (home / "protocols" / "zigzag.toml").write_text(CUSTOM)
    names = [p["name"] for p in run("protocols", "--json").json()]
    assert names == ["low-back", "zigzag"]
    assert run("plan", "--protocol", "zigzag", "--json").json()["protocol"] == "zigzag"


def test_profile_refuses_implausible_thumb_and_writes_nothing(run: Run, home: Path) -> None:
    r = run("profile", "--thumb-cm", "9")
    assert r.code == 2
    assert "not plausible" in r.err
    assert not (home / "profile.json").exists()


def test_profile_round_trip(run: Run) -> None:
    run("profile", "--thumb-cm", "2.2", "--minutes", "25", "--partner")
    assert run("profile", "--json").json() == {
        "thumb_cm": 2.2,
        "minutes": 25,
        "partner": True,
        "sound": True,
        "speech": False,
        "vibrate": False,
        "conditions": [],
        "checked_on": None,
    }
    assert run("plan", "--json").json()["budget_seconds"] == 25 * 60


def test_profile_refuses_a_session_shorter_than_the_protocol_allows(run: Run, home: Path) -> None:
    r = run("profile", "--minutes", "10")
    assert (r.code, r.out) == (2, "")
    assert r.err == (
        "Error: The shortest low-back session is 14 minutes: give a usual session length "
        "of 14 minutes or more, not 10.\n"
    )
    assert not (home / "profile.json").exists()
    assert run("profile", "--minutes", "14").code == 0
    assert run("plan", "--json").json()["budget_seconds"] == 14 * 60


def test_a_too_short_session_length_saved_earlier_is_named_as_the_profiles(
    run: Run, home: Path
) -> None:
    home.mkdir(parents=True)
    (home / "profile.json").write_text('{"minutes": 10}')
    r = run("plan")
    assert r.code == 2
    assert r.err == (
        "Error: Your usual session length (10 minutes) is shorter than the shortest "
        "low-back session (14 minutes): change it to 14 or more (acupress profile --minutes 14).\n"
    )
    assert run("plan", "--minutes", "20").code == 0


def test_damaged_profile_is_a_clear_error(run: Run, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "profile.json").write_text('{"thumb_cm": "wide"')
    r = run("points")
    assert r.code == 2
    assert "profile.json is damaged" in r.err
    assert "delete it" in r.err


def test_profile_file_is_private(run: Run, home: Path) -> None:
    run("profile", "--thumb-cm", "2.1")
    assert (home / "profile.json").stat().st_mode & 0o777 == 0o600


def test_bad_option_is_a_usage_error(run: Run) -> None:
    r = run("plan", "--minutes", "zero")
    assert r.code == 2
    assert "Traceback" not in r.err


def test_console_script_starts_in_a_real_process(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("acupress")
    env = {"ACUPRESS_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run([exe, "--help"], capture_output=True, text=True, env=env, check=False)
    assert ok.returncode == 0 and "check" in ok.stdout
    bad = subprocess.run(
        [exe, "points", "XX1"], capture_output=True, text=True, env=env, check=False
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("Error: Unknown point 'XX1'")


def test_version(run: Run) -> None:
    r = run("--version")
    assert (r.code, r.out) == (0, "acupress 0.1.0\n")
