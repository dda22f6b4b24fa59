from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers.codes import CodeError, format_code, parse_code


def test_the_code_joins_unit_date_and_a_four_digit_sequence():
    assert format_code("000.01.HC.H26", date(2025, 3, 5), 7) == "000.01.HC.H26-250305-0007"


def test_the_published_example_parses():
    code = parse_code("000.A0.01.H26-210212-9090")
    assert (code.unit_id, code.day, code.sequence) == ("000.A0.01.H26", date(2021, 2, 12), 9090)


@pytest.mark.parametrize("sequence", [0, 10000, -1])
def test_a_sequence_outside_1_to_9999_is_refused(sequence):
    with pytest.raises(CodeError):
        format_code("000.01.HC.H26", date(2025, 3, 5), sequence)


@pytest.mark.parametrize(
    "text",
    ["", "000.01.HC.H26-250305-001", "000.01.HC.H26-251305-0001", "000.01.HC.H26-250305-0000",
     "00.01.HC.H26-250305-0001"],
)  # fmt: skip
def test_malformed_codes_are_refused(text):
    with pytest.raises(CodeError):
        parse_code(text)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=1, max_value=9999),
    st.from_regex(r"[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.H26", fullmatch=True),
)
def test_format_and_parse_are_inverse(day, sequence, unit):
    code = parse_code(format_code(unit, day, sequence))
    assert (code.unit_id, code.day, code.sequence) == (unit, day, sequence)
