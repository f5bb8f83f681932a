"""The one reader of client JSON (ordo/json_input.py): each case SPEC §7 decides, and the fast
lane (orjson) answering exactly what the exact reader answers, value and refusal alike."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordo import json_input
from ordo.json_input import MAX_DEPTH, MAX_DIGITS, Unreadable, read_json, too_deep

HUGE = 2000000000000000000000000000000

READ = {
    "an integer past 64 bits": (b'{"o": 2000000000000000000000000000000}', {"o": HUGE}),
    "past 64 bits, negative": (b"[-9223372036854775809]", [-9223372036854775809]),
    "the largest u64 and one more": (
        b"[18446744073709551615, 18446744073709551616]",
        [18446744073709551615, 18446744073709551616],
    ),
    "an integer of the most digits": (b"[" + b"7" * MAX_DIGITS + b"]", [int("7" * MAX_DIGITS)]),
    "a float": (b"[1.5, -0.0, 1e-400, 1e308]", [1.5, -0.0, 0.0, 1e308]),
    "duplicate keys: the last wins": (b'{"a": 1, "b": 2, "a": 3}', {"a": 3, "b": 2}),
    "a surrogate pair": (b'["\\ud83d\\ude00"]', ["\U0001f600"]),
    "an escaped backslash before u": (b'["\\\\ud800"]', ["\\ud800"]),
    "a byte order mark": (b'\xef\xbb\xbf{"a": 1}', {"a": 1}),
    "nesting at the limit": (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, json.loads("[" * 64 + "]" * 64)),
    "brackets in strings do not nest": (b'["' + b"[{" * 100 + b'"]', ["[{" * 100]),
    "a text": ('{"o": 2000000000000000000000000000000}', {"o": HUGE}),
}

REFUSED = {
    "NaN": (b'{"a": NaN}', "NaN is not a JSON number"),
    "Infinity": (b"[Infinity]", "Infinity is not a JSON number"),
    "-Infinity": (b"[-Infinity]", "-Infinity is not a JSON number"),
    "a number past a double": (b"[1e400]", "past a double's range"),
    "an integer of too many digits": (b"[" + b"1" * (MAX_DIGITS + 1) + b"]", "at most 4300"),
    "a lone high surrogate": (b'{"a": "\\ud800"}', "lone UTF-16 surrogate ('\\ud800')"),
    "a lone low surrogate": (b'["x\\udc00y"]', "lone UTF-16 surrogate ('\\udc00')"),
    "a lone surrogate in a key": (b'{"\\udbff": 1}', "lone UTF-16 surrogate"),
    "a lone surrogate in a text": ('["\ud800"]', "a lone surrogate at character 2"),
    "nesting past the limit": (b"[" * 65 + b"]" * 65, "nest more than 64 deep"),
    "nesting past any parser": (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "more than 64"),
    "not UTF-8": (b'["\xff"]', "not UTF-8: byte 2 is 0xff"),
    "two byte order marks": (b"\xef\xbb\xbf\xef\xbb\xbf[]", "Unexpected UTF-8 BOM"),
    "extra data": (b"{} {}", "Extra data"),
    "nothing": (b"", "Expecting value"),
}


@pytest.mark.parametrize(("raw", "value"), READ.values(), ids=READ.keys())
def test_what_is_read_and_as_what(raw: bytes | str, value: Any) -> None:
    assert _typed(read_json(raw)) == _typed(value)


@pytest.mark.parametrize(("raw", "reason"), REFUSED.values(), ids=REFUSED.keys())
def test_what_is_refused_and_why(raw: bytes | str, reason: str) -> None:
    with pytest.raises(Unreadable) as refused:
        read_json(raw)
    assert reason in str(refused.value)


def test_a_wide_integer_is_exact_though_orjson_reads_it() -> None:
    # The bug this reader ends: orjson's answer, taken as it is, was a float.
    raw = b'{"o": 2000000000000000000000000000000}'
    assert json_input.orjson.loads(raw) == {"o": 2e30}
    assert type(read_json(raw)["o"]) is int


def test_nesting_is_measured_without_recursion_deep_in_the_stack() -> None:
    raw = b"[" * 1_000_000 + b"]" * 1_000_000  # 2 MB: past any limit of the stack
    depth = _stack_depth()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 20)  # no room for recursion at all
    try:
        assert too_deep(raw)
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize(
    ("raw", "deep"),
    [
        (b'["\\"' + b"[" * 70 + b'"]', False),  # an escaped quote does not close the string
        (b'["\\\\"' + b", [" * 70 + b"]" * 70 + b"]", True),  # an escaped backslash does
        (b"[" * 64 + b"]" * 64 + b"[" * 64 + b"]" * 64, False),  # side by side: 64
        (b"[{" * 32 + b"[" + b"}]" * 32 + b"]", True),  # arrays and objects alike
        (b'["' + b"[" * 100, False),  # after a quote left open, nothing counts
    ],
)
def test_too_deep_counts_brackets_outside_strings(raw: bytes, deep: bool) -> None:
    assert too_deep(raw) is deep


# --- the fast lane answers as the exact reader ---------------------------------------------

numbers = (
    st.integers()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.decimals(allow_nan=False, allow_infinity=False).map(str)
)
texts = st.text() | st.sampled_from(["\ud800", "\udfff", "\ud83d\ude00", "1" * 20, "{["])
values = st.recursive(
    st.none() | st.booleans() | numbers | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
NUMBER_TEXTS = st.from_regex(r"\A-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,30})?([eE][+-]?[0-9]{1,3})?\Z")


def _agree(raw: bytes) -> None:
    """read_json (orjson first) and the exact reader give the same value or the same refusal."""
    try:
        fast: Any = _typed(read_json(raw))
    except Unreadable as error:
        fast = ("refused", str(error))
    try:
        exact: Any = _typed(json_input._exact(raw))
    except Unreadable as error:
        exact = ("refused", str(error))
    assert fast == exact, raw


@settings(max_examples=400, deadline=None)
@given(value=values, ascii_only=st.booleans())
def test_the_fast_lane_reads_any_json_as_the_exact_reader(value: Any, ascii_only: bool) -> None:
    _agree(json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass"))


@settings(max_examples=400, deadline=None)
@given(number=NUMBER_TEXTS)
def test_the_fast_lane_reads_numbers_as_the_exact_reader(number: str) -> None:
    _agree(f"[{number}]".encode())


@settings(max_examples=400, deadline=None)
@given(
    raw=st.binary(max_size=40)
    | st.text(alphabet='[]{}":,\\u0123456789eE.-tfnrulasNIy ').map(str.encode)
)
def test_the_fast_lane_refuses_what_the_exact_reader_refuses(raw: bytes) -> None:
    _agree(raw)


def _typed(value: Any) -> Any:
    """A value with each number's type kept (1 == 1.0 == True otherwise; -0.0 == 0.0)."""
    if isinstance(value, list):
        return [_typed(entry) for entry in value]
    if isinstance(value, dict):
        return [(key, _typed(entry)) for key, entry in value.items()]
    if isinstance(value, float):
        return ("float", math.copysign(1, value), repr(value))
    return (type(value).__name__, value)


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth
