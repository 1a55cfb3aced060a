"""Characters that show nothing, or change the order of the text around them.

A card's name, tags, people and other one-line values are compared and listed side by side; a
character a reader cannot see makes two different values look the same (``Alpha`` and ``Alpha``
followed by a zero-width space), and a bidirectional control shows a value reversed or reordered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

INVISIBLE_CODE = "TEXT001"  # an invisible or bidirectional control character: an error
DIRECTION_MARK_CODE = "TEXT002"  # a direction mark (LRM, RLM, ALM): a warning

#: Bidirectional embeddings, overrides and isolates: they reorder the text that follows them.
_BIDI = "\u202a-\u202e\u2066-\u2069"
#: Characters that show nothing wherever they stand: zero-width space, word joiner, invisible
#: operators, byte-order mark, soft hyphen, combining grapheme joiner, Hangul and Khmer fillers,
#: Mongolian selectors and separator, deprecated format characters, interlinear annotations,
#: musical format characters, tags.
_ALWAYS = (
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0"
    "\ufff9-\ufffb\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
#: Joiners and variation selectors: invisible, but they join or vary the characters beside them.
_JOINERS = "\u200c\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef"
_MARKS = "\u061c\u200e\u200f"
_SUSPECT = re.compile(f"[{_BIDI}{_ALWAYS}{_JOINERS}{_MARKS}]")
_BIDI_RE = re.compile(f"[{_BIDI}]")
_MARK_RE = re.compile(f"[{_MARKS}]")
_JOINER_RE = re.compile(f"[{_JOINERS}]")
#: An emoji tag sequence (the flags of England, Scotland, Wales): a black flag, tags, a cancel tag.
_TAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
#: A keycap (1️⃣, #️⃣): a digit, '#' or '*' that a variation selector and U+20E3 make an emoji.
_KEYCAP = re.compile("[0-9#*]\ufe0f\u20e3")


@dataclass(frozen=True, slots=True)
class Hidden:
    """One invisible or reordering character in a value: where (an offset) and what."""

    code: str
    offset: int
    message: str


def _name(char: str) -> str:
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed').lower()})"


def _joins(value: str, at: int) -> bool:
    """Whether the joiner or selector at ``at`` stands between (or, a selector, after) characters
    it can change: not at an edge, not beside a space or an ASCII character (but a keycap)."""
    before = value[at - 1] if at > 0 else ""
    after = value[at + 1] if at + 1 < len(value) else ""
    if _KEYCAP.match(value, max(at - 1, 0)) and at > 0:
        return True
    visible = before and not before.isascii() and not before.isspace()
    if value[at] in "\u200c\u200d":
        return bool(visible and after and not after.isascii() and not after.isspace())
    return bool(visible)


def may_hide(text: str) -> bool:
    """Whether ``text`` holds any character :func:`hidden_characters` may report."""
    return not text.isascii() and _SUSPECT.search(text) is not None


def hidden_characters(value: str) -> Iterator[Hidden]:
    """Each character of a one-line value that a reader cannot see or that reorders it."""
    if not may_hide(value):
        return
    allowed: set[int] = set()
    for match in _TAG_SEQUENCE.finditer(value):
        allowed.update(range(match.start() + 1, match.end()))
    for match in _SUSPECT.finditer(value):
        at, char = match.start(), match.group()
        if at in allowed:
            continue
        if _BIDI_RE.match(char):
            yield Hidden(
                INVISIBLE_CODE,
                at,
                f"a bidirectional control character {_name(char)}: it shows the text after it reordered or"
                " reversed; remove it",
            )
        elif _MARK_RE.match(char):
            yield Hidden(
                DIRECTION_MARK_CODE,
                at,
                f"an invisible direction mark {_name(char)}: values that differ only by it look the same;"
                " keep it only where text in two directions needs it",
            )
        elif _JOINER_RE.match(char) and _joins(value, at):
            continue
        else:
            yield Hidden(
                INVISIBLE_CODE,
                at,
                f"an invisible character {_name(char)}: values that differ only by it look the same; remove it",
            )
