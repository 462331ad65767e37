"""Pain scores and sensations: any input is either accepted as what it says or refused
with one clear sentence, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupress.actions import parse_sensations
from acupress.errors import AcupressError
from acupress.records import SENSATIONS, check_pain


@given(st.integers())
def test_a_pain_score_is_a_whole_number_from_0_to_10(value: int) -> None:
    if 0 <= value <= 10:
        assert check_pain(value) == value
    else:
        with pytest.raises(AcupressError, match="from 0 \\(none\\) to 10 \\(worst\\)"):
            check_pain(value)


@given(st.one_of(st.floats(), st.booleans(), st.text(), st.none()))
def test_anything_but_a_whole_number_is_refused_as_a_pain_score(value: object) -> None:
    with pytest.raises(AcupressError):
        check_pain(value)  # type: ignore[arg-type]


@given(st.text())
def test_any_sensations_text_is_parsed_or_refused_clearly(text: str) -> None:
    try:
        felt = parse_sensations(text)
    except AcupressError as e:
        assert str(e).endswith(".") and "\n" not in str(e)
        return
    assert felt and set(felt) <= set(SENSATIONS)
    assert "none" not in felt or felt == ("none",)


def test_sensations_are_read_as_a_list() -> None:
    assert parse_sensations("Warmth, ache ache") == ("warmth", "ache")
    assert parse_sensations("") == ("none",)
    with pytest.raises(AcupressError, match="Unknown sensation 'heat'"):
        parse_sensations("heat")
