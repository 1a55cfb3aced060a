"""The shapes of Markdown that the renderer handles in time proportional to a text's length.

Python-Markdown recurses once per level of nested lists and quotes (about 500 levels raise a
``RecursionError``), scans from each ``[`` to its ``]`` and from each ``](`` to its ``)`` (so
brackets that never close take time that grows with the square of their number), and spends time
on each line break and markup character. These limits bound all three; :mod:`.card_text` renders
a text beyond one as it is written, without parsing it, and :mod:`.text_checks` reports it as a
positioned error (see docs/card-format.md, "Markdown limits").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

NESTING_CODE, BRACKETS_CODE, MARKUP_CODE = "MD001", "MD002", "MD003"

#: Lists and quotes nested in one another on one line: markers, and four spaces of indentation.
MAX_NESTING = 16
#: Bracket matching may read at most SCAN_FACTOR times the text's length plus SCAN_ALLOWANCE
#: characters, in one text and in all the Markdown of one card.
SCAN_FACTOR, SCAN_ALLOWANCE = 2, 50_000
#: Line breaks, markup characters and nesting levels (each counting NESTING_WEIGHT) in all the
#: Markdown of one card.
MAX_MARKUP = 30_000
MARKUP_CHARACTERS = "\n[]()*_`<>&|!\\"
NESTING_WEIGHT = 2

_LINE_START = re.compile(r"^[ \t]*(?:(?:>|[-*+](?=[ \t]|$)|[0-9]{1,9}[.)](?=[ \t]|$))[ \t]*)+", re.M)
_MARKER = re.compile(r">|[-*+]|[0-9]{1,9}[.)]")
_SPACES = re.compile(r" +")
_BRACKET_TOKEN = re.compile(r"\\[\s\S]|[\[\]()]|\n[ \t]*\n")


@dataclass(frozen=True, slots=True)
class TextLimit:
    """A text beyond one of the renderer's limits: which (a stable code), where (an offset into
    the text) and why."""

    code: str
    offset: int
    message: str


_DROP_MARKUP = str.maketrans(dict.fromkeys(MARKUP_CHARACTERS))
_MARKER_START = frozenset("-*+>0123456789")
_ANY_MARKUP = re.compile("[" + re.escape(MARKUP_CHARACTERS) + "]")


def is_plain(text: str) -> bool:
    """Whether a text holds no line break, no markup character and no marker at its start:
    nothing any limit counts."""
    return _ANY_MARKUP.search(text) is None and text.lstrip(" \t")[:1] not in _MARKER_START


def _depths(text: str) -> Iterator[tuple[int, int]]:
    """(offset, depth) of each line that starts with list or quote markers: the markers, and each
    four spaces of indentation before, between or after them."""
    if "\n" not in text and text.lstrip(" \t")[:1] not in _MARKER_START:
        return  # one line that starts with no marker
    for match in _LINE_START.finditer(text):
        prefix = match.group(0).expandtabs(4)
        depth = len(_MARKER.findall(prefix)) + sum(len(run) // 4 for run in _SPACES.findall(prefix))
        yield match.start(), depth


def markup_count(text: str) -> int:
    """What the renderer's time grows with: line breaks, markup characters and nesting levels."""
    levels = sum(depth for _, depth in _depths(text))
    return len(text) - len(text.translate(_DROP_MARKUP)) + NESTING_WEIGHT * levels


def markup_limit(count: int) -> str | None:
    """Why ``count`` (see :func:`markup_count`) is too much for one card, if it is."""
    if count <= MAX_MARKUP:
        return None
    shown = MARKUP_CHARACTERS.replace("\n", "")
    return (
        f"the card's Markdown holds {count:,} line breaks, markup characters ({shown}) and list or quote levels"
        f" (each counting {NESTING_WEIGHT}), more than the {MAX_MARKUP:,} one card may hold; move long text into a"
        " document the card links to"
    )


def nesting_limit(text: str) -> TextLimit | None:
    """The first line whose lists and quotes nest deeper than :data:`MAX_NESTING`, if any."""
    for offset, depth in _depths(text):
        if depth > MAX_NESTING:
            return TextLimit(
                NESTING_CODE,
                offset,
                f"lists and quotes nest {depth} levels deep on one line (each marker, and each 4 spaces of"
                f" indentation, is a level); at most {MAX_NESTING} are rendered",
            )
    return None


def bracket_scan(text: str) -> tuple[int, int]:
    """What the renderer reads to match brackets, and the offset of the bracket that reads most:
    from each ``[`` to its ``]`` and from each ``](`` to its ``)``; one that never closes is read
    to the end of its paragraph."""
    total, worst, worst_at = 0, -1, 0
    opens: list[int] = []
    parens: list[tuple[int, bool]] = []
    closed_at = -2

    def add(distance: int, at: int) -> None:
        nonlocal total, worst, worst_at
        total += distance
        if distance > worst:
            worst, worst_at = distance, at

    def settle(end: int) -> None:
        for at in opens:
            add(end - at, at)
        for at, link in parens:
            if link:
                add(end - at, at)
        opens.clear()
        parens.clear()

    for match in _BRACKET_TOKEN.finditer(text):
        token, at = match.group(0), match.start()
        if token == "[":
            opens.append(at)
        elif token == "]":
            if opens:
                start = opens.pop()
                add(at - start, start)
            closed_at = at
        elif token == "(":
            parens.append((at, closed_at == at - 1))
        elif token == ")":
            if parens:
                start, link = parens.pop()
                if link:
                    add(at - start, start)
        elif token[0] == "\n":
            settle(at)
    settle(len(text))
    return total, worst_at


def scan_allowed(length: int) -> int:
    """How much bracket matching a text (or a card's Markdown) of ``length`` characters may take."""
    return SCAN_FACTOR * length + SCAN_ALLOWANCE


def scan_message(total: int, length: int) -> str:
    return (
        f"brackets open far from where they close: matching them reads {total:,} characters, more than"
        f" {SCAN_FACTOR} times the length of the text plus {SCAN_ALLOWANCE:,} ({scan_allowed(length):,});"
        " close each '[' and '](' near where it opens, or write a bracket meant as text as '\\['"
    )


def brackets_limit(text: str) -> TextLimit | None:
    """The text's brackets, when matching them reads more than :func:`scan_allowed`."""
    if "[" not in text:
        return None
    total, worst_at = bracket_scan(text)
    if total <= scan_allowed(len(text)):
        return None
    return TextLimit(BRACKETS_CODE, worst_at, scan_message(total, len(text)))


def shape_limit(text: str) -> TextLimit | None:
    """The first limit on nesting or brackets that a Markdown text is beyond, if any."""
    return nesting_limit(text) or brackets_limit(text)


def text_limit(text: str) -> TextLimit | None:
    """The first of the renderer's limits that a Markdown text is beyond on its own, if any."""
    too_much = markup_limit(markup_count(text))
    return TextLimit(MARKUP_CODE, 0, too_much) if too_much else shape_limit(text)
