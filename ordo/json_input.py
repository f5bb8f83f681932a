"""The one reader of JSON a client sends (SPEC §7): GraphQL bodies on the prepared and the
generic path, GET's `variables` and `extensions`, subscription messages, REST bodies and the
trusted-documents manifest. Two readers on two paths of one endpoint gave one request two
answers (orjson read an integer wider than 64 bits as a float, json exactly): docs/decisions.md.

The exact reader (`_exact`) is the definition: the standard json with ordo's rules. orjson,
2-10x faster, answers only bodies on which it agrees with it: bodies it reads in which no run of
19 digits appears (every integer narrower than that orjson reads exactly). Anything else is
read again by the exact reader, which reads it or refuses it with a reason. Either way the
work is linear in the body's size, and nesting is measured before anything recurses.
"""

from __future__ import annotations

import json
import re
from array import array
from itertools import accumulate
from typing import Any, NoReturn

import orjson

MAX_DEPTH = 64  # arrays and objects, one inside another; a GraphQL body needs about six
MAX_DIGITS = 4300  # an integer's, as Python's own limit (int() of more is slow, quadratic)
_BOM = b"\xef\xbb\xbf"  # RFC 8259 §8.1 lets a reader ignore it: ordo does
# Bytes read as digits (0), opening brackets ([) and anything else (.), in one C pass: a run
# of 19 digits may be an integer orjson reads as a float (a regex search was far slower).
_SHAPE = bytes(48 if 48 <= b <= 57 else 91 if b in b"[{" else 46 for b in range(256))
_WIDE = b"0" * 19
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")  # the escape of a UTF-16 surrogate
_BRACKETS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1, +1, -1, -1 as signed bytes
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[{]}"))
_CHUNK = 4096  # brackets summed at a time: a deep body is refused after its first chunk


class Unreadable(ValueError):
    """JSON ordo does not read, and why (the reason is the client's to read)."""


def read_json(raw: bytes | str) -> Any:
    """The JSON value of `raw`, or Unreadable."""
    if isinstance(raw, str):
        raw = _encoded(raw)
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _exact(raw)
    shape = raw.translate(_SHAPE)
    if _WIDE in shape:
        return _exact(raw)
    # The count of opening brackets bounds the depth from above: most bodies stop there.
    if shape.count(b"[") > MAX_DEPTH and too_deep(raw):
        raise _too_deep()
    return value


def too_deep(raw: bytes) -> bool:
    """Whether arrays and objects nest more than MAX_DEPTH deep in `raw`, found without
    recursion, in C-speed passes over the bytes (~20 ms for the worst MiB), stopping early."""
    # Escaped backslashes, then escaped quotes, gone: every quote left opens or closes a
    # string, and the even pieces between them are what lies outside strings. In text that is
    # not JSON this may count wrong, but only past the point where json stops reading it.
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[::2])
    steps = outside.translate(_BRACKETS, _NOT_BRACKETS)
    level = 0
    for start in range(0, len(steps), _CHUNK):
        levels = list(accumulate(array("b", steps[start : start + _CHUNK]), initial=level))
        if max(levels) > MAX_DEPTH:
            return True
        level = levels[-1]
    return False


def _exact(raw: bytes) -> Any:
    raw = raw.removeprefix(_BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unreadable(f"not UTF-8: byte {error.start} is {raw[error.start]:#04x}") from None
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and too_deep(raw):
        raise _too_deep()
    try:
        value = json.loads(text, parse_constant=_not_a_number, parse_float=_float, parse_int=_int)
    except ValueError as error:  # JSONDecodeError, or Unreadable from the parse_ functions
        raise Unreadable(str(error)) from None
    if _SURROGATE.search(raw):
        _check_text(value)
    return value


def _too_deep() -> Unreadable:
    return Unreadable(f"arrays and objects nest more than {MAX_DEPTH} deep")


def _encoded(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Unreadable(f"not text: a lone surrogate at character {error.start}") from None


def _check_text(value: Any) -> None:
    """Refuse strings holding a lone UTF-16 surrogate (`"\\ud800"`): not text, and no UTF-8
    answer could echo them. orjson refuses them as it reads; json keeps them."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        lone = error.object[error.start]
        raise Unreadable(f"a string holds a lone UTF-16 surrogate ({lone!a})") from None


def _not_a_number(constant: str) -> NoReturn:
    raise Unreadable(f"{constant} is not a JSON number")


def _float(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise Unreadable(f"the number {text[:20]} is past a double's range")
    return number


def _int(text: str) -> int:
    if (digits := len(text) - text.startswith("-")) > MAX_DIGITS:
        raise Unreadable(f"an integer of {digits} digits; at most {MAX_DIGITS}")
    return int(text)
