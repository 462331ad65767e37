"""Broken content files give one clear error naming the file, the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from acupress import atlas, protocol, safety
from acupress.atlas import CONTENT
from acupress.errors import ContentError


def broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    source = CONTENT / name
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path = tmp_path / Path(name).name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shipped_content_is_valid(book: atlas.Atlas) -> None:
    low_back = protocol.load_file(protocol.BUILTIN / "low-back.toml", book)
    assert [s.number for s in low_back.steps] == [1, 2, 3, 4, 5, 6, 7, 7]
    assert low_back.points == ("BL23", "BL25", "GV4", "BL40", "KI3")
    assert safety.load(CONTENT / "safety.toml", book).questions


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


def test_protocol_with_unknown_point(tmp_path: Path, book: atlas.Atlas) -> None:
    path = broken_copy(tmp_path, "protocols/low-back.toml", 'point = "GV4"', 'point = "GV44"')
    with pytest.raises(ContentError, match=r"step gv4 \(#4\), field 'point': unknown point 'GV44'"):
        protocol.load_file(path, book)


def test_protocol_cannot_ask_more_pressure_than_the_point_allows(
    tmp_path: Path, book: atlas.Atlas
) -> None:
    old = 'pressure = "light"\nmin_seconds = 60\nmax_seconds = 180'
    path = broken_copy(tmp_path, "protocols/low-back.toml", old, old.replace("light", "firm"))
    with pytest.raises(
        ContentError, match=r"step gv4 .*'pressure': 'firm' is more than GV4 allows"
    ):
        protocol.load_file(path, book)


def test_protocol_with_inverted_timing(tmp_path: Path, book: atlas.Atlas) -> None:
    path = broken_copy(
        tmp_path, "protocols/low-back.toml", "min_seconds = 300", "min_seconds = 900"
    )
    with pytest.raises(ContentError, match=r"step rest \(#8\), field 'max_seconds': is below"):
        protocol.load_file(path, book)


def test_protocol_with_unknown_posture(tmp_path: Path, book: atlas.Atlas) -> None:
    path = broken_copy(tmp_path, "protocols/low-back.toml", 'posture = "supine"', 'posture = "x"')
    with pytest.raises(ContentError, match=r"step rest \(#8\), field 'posture': unknown posture"):
        protocol.load_file(path, book)


def test_evidence_without_source_is_refused(tmp_path: Path, book: atlas.Atlas) -> None:
    path = broken_copy(
        tmp_path,
        "protocols/low-back.toml",
        'source = "NICE NG59 (2016, updated 2020), recommendation 1.2.1"\n',
        "",
    )
    with pytest.raises(ContentError, match=r"field 'source': evidence needs its source"):
        protocol.load_file(path, book)


def test_safety_rule_on_unknown_question(tmp_path: Path, book: atlas.Atlas) -> None:
    path = broken_copy(
        tmp_path, "safety.toml", 'question = "night_pain_unrelenting"', 'question = "night_pain"'
    )
    with pytest.raises(ContentError, match=r"rule night_pain .*'when': unknown question"):
        safety.load(path, book)


def test_safety_rule_tests_a_number_with_equals(tmp_path: Path, book: atlas.Atlas) -> None:
    path = broken_copy(
        tmp_path, "safety.toml", 'question = "age", below = 18', 'question = "age", equals = true'
    )
    with pytest.raises(ContentError, match=r"rule under_18 .*a number question is tested with"):
        safety.load(path, book)


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
