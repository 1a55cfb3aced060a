"""YAML 1.2 core-schema scalars: what a plain scalar is read as, refusing numbers that are not finite."""

from __future__ import annotations

import math
import re
import sys
from typing import Any

from .yaml_errors import YAML_NOT_FINITE, YAML_TAG, LoadError

# YAML 1.2 core schema, applied to plain (unquoted) scalars only.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


_BOOL_TRUE = re.compile(r"^(?:true|True|TRUE)$")


_BOOL_FALSE = re.compile(r"^(?:false|False|FALSE)$")


_INT10 = re.compile(r"^[-+]?[0-9]+$")


_INT8 = re.compile(r"^0o[0-7]+$")


_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")


_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")


_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}


#: The plain scalars that are not text, by spelling (numbers aside).
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL")),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}


#: Every number of the core schema (and .inf, .nan) starts with one of these.
_NUMBER_START = frozenset("0123456789+-.")


class NotFinite(LoadError):
    """A number that is NaN, infinite or too large for a float; the caller adds the position."""

    def __init__(self, text: str, why: str) -> None:
        shown = text if len(text) <= 40 else text[:40] + "..."
        super().__init__(YAML_NOT_FINITE, f"{shown!r} is {why}: numbers in cards must be finite")

    def at(self, mark: Any) -> LoadError:
        return LoadError(self.code, self.message, mark.line + 1, mark.column + 1)


_FLOAT_MAX = sys.float_info.max


def _finite_int(text: str, digits: str, base: int) -> int:
    # Base-10 conversion of huge numbers is slow and limited, so length decides first.
    if base == 10 and len(digits.lstrip("+-0")) > 309:
        raise NotFinite(text, "too large for a number")
    value = int(digits, base)
    if abs(value) > _FLOAT_MAX:
        raise NotFinite(text, "too large for a number")
    return value


def resolve_plain(text: str) -> Any:
    """The YAML 1.2 core-schema value of a plain scalar.

    NaN, infinities and numbers too large for a float raise :class:`NotFinite`: every client of
    the card (JSON, browsers, other validators) must read the same finite number.
    """
    if text in _WORDS:
        return _WORDS[text]
    if text[0] not in _NUMBER_START and text[-1] != "\n":  # most values: words
        return text
    if _NULL.match(text):
        return None
    if _BOOL_TRUE.match(text):
        return True
    if _BOOL_FALSE.match(text):
        return False
    if _INT10.match(text):
        return _finite_int(text, text, 10)
    if _INT8.match(text):
        return _finite_int(text, text[2:], 8)
    if _INT16.match(text):
        return _finite_int(text, text[2:], 16)
    if _FLOAT.match(text):
        value = float(text)
        if value in (math.inf, -math.inf):
            raise NotFinite(text, "too large for a number")
        return value
    if _INF.match(text):
        raise NotFinite(text, "infinite")
    if _NAN.match(text):
        raise NotFinite(text, "not a number (NaN)")
    return text


def resolve_tagged(tag: str, text: str, mark: Any) -> Any:
    """A scalar with an explicit core tag (``!!int 3``), checked against that tag."""
    if tag in ("tag:yaml.org,2002:str", "!"):
        return text
    try:
        value = resolve_plain(text)
    except NotFinite as exc:
        raise exc.at(mark) from None
    expected = {
        "tag:yaml.org,2002:int": int,
        "tag:yaml.org,2002:float": float,
        "tag:yaml.org,2002:bool": bool,
        "tag:yaml.org,2002:null": type(None),
    }[tag]
    if expected is float and type(value) is int:
        return float(value)
    if type(value) is not expected:
        raise LoadError(YAML_TAG, f"{text!r} is not a valid {tag.rsplit(':', 1)[-1]}", mark.line + 1, mark.column + 1)
    return value


_SHARED: dict[str, str] = {}


def shared_text(value: str) -> str:
    """One string object for each short value (statuses, kinds, roles, names) across all cards:
    thousands of cards repeat them, and a portfolio keeps every card's values in memory."""
    if len(value) > 40:
        return value
    found = _SHARED.get(value)
    if found is None:
        if len(_SHARED) >= 200_000:
            return value
        found = _SHARED[value] = value
    return found
