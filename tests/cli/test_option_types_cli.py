"""The option types read any text: a value in range, or one sentence naming the option."""

from __future__ import annotations

import math

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupress.options import Number, OneOf, Refused, Whole

MINUTES = click.Option(["--minutes"])
SPEED = click.Option(["--speed"])


@given(st.text() | st.integers().map(str) | st.floats().map(repr))
def test_a_whole_number_option_reads_any_text(text: str) -> None:
    try:
        value = Whole(1, 240).convert(text, MINUTES, None)
    except Refused as e:
        message = e.format_message()
        assert message.startswith("--minutes must be a whole number from 1 to 240, not '")
        assert message.endswith("'.")
    else:
        assert isinstance(value, int) and 1 <= value <= 240


@given(st.text() | st.floats().map(repr))
def test_a_number_option_reads_any_text_and_is_always_finite(text: str) -> None:
    try:
        value = Number(0.1, 1000).convert(text, SPEED, None)
    except Refused as e:
        message = e.format_message()
        assert message.startswith("--speed must be a number from 0.1 to 1000, not '")
        assert message.endswith("'.")
    else:
        assert math.isfinite(value) and 0.1 <= value <= 1000


@pytest.mark.parametrize(
    ("given_text", "shown"), [("x" * 60, "x" * 39 + "…"), ("", ""), (" 7 ", " 7 ")]
)
def test_the_value_refused_is_quoted_short(given_text: str, shown: str) -> None:
    with pytest.raises(Refused) as e:
        Whole(10, 20).convert(given_text, MINUTES, None)
    assert e.value.format_message() == (
        f"--minutes must be a whole number from 10 to 20, not '{shown}'."
    )


def test_a_choice_names_every_word_it_takes() -> None:
    assert OneOf("csv", "json").convert("csv", None, None) == "csv"
    with pytest.raises(Refused) as e:
        OneOf("csv", "json", "fhir").convert("CSV", click.Option(["--format"]), None)
    assert e.value.format_message() == "--format must be csv, json or fhir, not 'CSV'."
