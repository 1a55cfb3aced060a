"""Text that every output can write: file names as the system gives them may hold bytes that are
not UTF-8 (Python keeps them as lone surrogates, ``surrogateescape``), which no UTF-8 stream, JSON
document or Markdown comment can carry, and control characters that would break a line."""

from __future__ import annotations

import re
import unicodedata

_SURROGATE = re.compile("[\ud800-\udfff]")

_NOT_SHOWN = ("Cc", "Cf", "Zl", "Zp")  # control, format (bidi, zero-width), line separators


def valid_text(text: str) -> str:
    """``text`` as valid Unicode: each byte that was not UTF-8 (a lone surrogate) written as
    ``\\xNN``; any other text unchanged."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from a byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def one_line(text: str) -> str:
    """:func:`valid_text` on one line, as it is: control, invisible, direction-changing and
    line-separating characters written as escapes (``\\n``, ``\\x1b``, ``\\u202e``)."""
    text = valid_text(text)
    if text.isprintable():
        return text
    out = []
    for char in text:
        if unicodedata.category(char) in _NOT_SHOWN:
            out.append(char.encode("unicode_escape").decode("ascii"))
        else:
            out.append(char)
    return "".join(out)


def valid_data(value: object) -> object:
    """A JSON-ready value with every string (keys too) made valid Unicode (:func:`valid_text`)."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, dict):
        return {valid_data(k): valid_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [valid_data(v) for v in value]
    return value
