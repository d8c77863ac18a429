"""corpus/json_fast.py: msgspec's decoder where it can, with json's value or json's error."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.json_fast import loads_text, loads_utf8, spaced_ints

_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_values, st.booleans(), st.booleans())
def test_any_value_reads_as_json_reads_it(value, ascii_only, indent):
    text = json.dumps(value, ensure_ascii=ascii_only, indent=1 if indent else None)
    want = json.loads(text)
    assert loads_text(text) == want
    assert repr(loads_text(text)) == repr(want)  # -0.0 and 0.0, 1 and 1.0 told apart
    raw = text.encode("utf-8", "surrogatepass")
    try:
        expected = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:  # a lone surrogate written raw: not UTF-8, as before
        with pytest.raises(UnicodeDecodeError):
            loads_utf8(raw)
    else:
        assert repr(loads_utf8(raw)) == repr(expected)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": 1, "a": 2}',  # a repeated key: the last one
        b"123456789012345678901234567890",  # an int beyond 64 bits
        b"1e400",  # a float out of range: json's inf
        b"NaN",
        b'"\\ud800"',  # a lone surrogate escape
        b'{"k": "\\u0000"}',
        b" \n[1, 2.50, true, null]\n ",
    ],
)
def test_what_msgspec_refuses_json_still_reads(raw):
    want = json.loads(raw.decode("utf-8"))
    assert repr(loads_utf8(raw)) == repr(want)
    assert repr(loads_text(raw.decode("utf-8"))) == repr(want)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"\xef\xbb\xbf{}", json.JSONDecodeError),  # a byte-order mark
        (b"{} x", json.JSONDecodeError),
        (b"[1,]", json.JSONDecodeError),
        (b'"\xff"', UnicodeDecodeError),
        (b"", json.JSONDecodeError),
        (b"[" * 100_000 + b"]" * 100_000, RecursionError),
    ],
)
def test_broken_json_fails_as_json_fails(raw, error):
    with pytest.raises(error):
        loads_utf8(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    with pytest.raises(error):
        loads_text(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=-(2**40), max_value=2**40), max_size=30))
def test_spaced_numbers_read_as_int_reads_them(numbers):
    text = " ".join(map(str, numbers))
    assert spaced_ints(text) == list(map(int, text.split())) == numbers


@pytest.mark.parametrize(
    "text", ["", "1  2", " 1 2 ", "1\t2", "1 \n2", "01 2", "+3 4", "-0 5", "1_000", "\u0663 1", "10" * 30]
)
def test_other_spacing_and_signs_read_as_int_reads_them(text):
    assert spaced_ints(text) == list(map(int, text.split()))


@pytest.mark.parametrize("text", ["1 x", "true", "1.0", "1e3", "1,2", "1, 2", "[1]", "1 ,2"])
def test_what_is_no_number_fails_as_int_fails(text):
    with pytest.raises(ValueError):
        list(map(int, text.split()))
    with pytest.raises(ValueError):
        spaced_ints(text)
