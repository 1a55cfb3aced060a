"""What a card's text may hold beyond the schema, each a positioned finding.

- Markdown within the renderer's limits (:mod:`.markdown_limits`: ``MD001``-``MD003``), which
  :mod:`.card_text` renders nothing beyond, so that ``mltrl validate`` and every build refuse the
  card before a page is rendered;
- links and images in Markdown that the page leaves out (``LINK006``: a scheme other than http,
  https or mailto, or a relative URL that a browser resolves to another host);
- one-line values without invisible or reordering characters (:mod:`.invisible`:
  ``TEXT001``, ``TEXT002``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .card import Card
from .card_text import refused_urls
from .findings import Finding, Severity
from .invisible import INVISIBLE_CODE, hidden_characters, may_hide
from .local_links import markdown_fields
from .markdown_limits import (
    BRACKETS_CODE,
    MARKUP_CODE,
    NESTING_CODE,
    bracket_scan,
    is_plain,
    markup_count,
    markup_limit,
    scan_allowed,
    scan_message,
    shape_limit,
)
from .yaml_loader import Path_, Position

REFUSED_LINK_CODE = "LINK006"
LIMIT_CODES = frozenset({NESTING_CODE, BRACKETS_CODE, MARKUP_CODE})

#: How many source lines past the last one found the text of a value is looked for.
_WINDOW = 8


class _Source:
    """A card's source lines, to find an offset of a value's text in them."""

    def __init__(self, card: Card) -> None:
        self.card = card
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.card.source_text.splitlines()
        return self._lines

    def locate(self, path: Path_, text: str, offset: int, key: bool = False) -> Position:
        """The line and column of ``offset`` in the value (or key) at ``path``: each line of the
        text is looked for in the source from the value's own position, in order; where a line is
        not written as it reads (an escape, a folded line), the value's position."""
        positions = self.card.positions
        where = positions.of_key(path) if key else positions.of_value(path)
        lines = self.lines
        target = text.count("\n", 0, offset)
        start = text.rfind("\n", 0, offset) + 1
        line, column = where.line, where.column - 1
        end = text.find("\n", offset)
        skipped = 0  # blank lines since the last line found: the source has them too
        for number, part in enumerate(text[: end if end >= 0 else len(text)].split("\n")):
            stripped = part.strip()
            if not stripped:
                skipped += 1
                continue
            needle = stripped[:40]
            found = None
            for candidate in range(line, min(len(lines), line + _WINDOW + skipped) + 1):
                at = lines[candidate - 1].find(needle, column if candidate == line else 0)
                if at >= 0:
                    found = candidate, at
                    break
            if found is None:
                if number == target:
                    return where
                continue
            line, column = found
            skipped = 0
            if number == target:
                lead = len(part) - len(part.lstrip())
                inside = max(0, offset - start - lead)
                return Position(line, min(column + inside, len(lines[line - 1])) + 1)
            column += len(needle)
        return where


def _strings(value: Any, path: Path_) -> Iterator[tuple[Path_, str, bool]]:
    """Every string of the card's data, with its path and whether it is a mapping key."""
    if isinstance(value, str):
        yield path, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*path, key), key, True
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _finding(card: Card, where: Position, severity: Severity, code: str, message: str) -> Finding:
    return Finding(card.file, where.line, where.column, severity, code, message)


_HOST_PART = re.compile(r"[/\\]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _markdown_findings(card: Card, source: _Source) -> list[Finding]:
    """Texts beyond a limit, the card's Markdown beyond its limits, then (only when the card is
    within them, so that nothing is parsed that the renderer would not parse) the links its page
    leaves out."""
    findings: list[Finding] = []
    markup = length = scanned = 0
    largest: tuple[int, Path_ | None] = (-1, None)
    worst: tuple[int, Path_ | None, str, int] = (-1, None, "", 0)
    linked: list[tuple[Path_, str]] = []
    for path, text in markdown_fields(card):
        length += len(text)
        if is_plain(text):
            continue
        count = markup_count(text)
        markup += count
        if count > largest[0]:
            largest = (count, path)
        limit = shape_limit(text)
        if limit is not None:
            where = source.locate(path, text, limit.offset)
            findings.append(_finding(card, where, Severity.ERROR, limit.code, limit.message))
            continue
        if "[" in text:
            total, at = bracket_scan(text)
            scanned += total
            if total > worst[0]:
                worst = (total, path, text, at)
        if "](" in text or "]:" in text:
            linked.append((path, text))
    too_much = markup_limit(markup)
    if too_much and largest[1] is not None:
        findings.append(_finding(card, card.positions.of_value(largest[1]), Severity.ERROR, MARKUP_CODE, too_much))
    elif scanned > scan_allowed(length) and worst[1] is not None:
        where = source.locate(worst[1], worst[2], worst[3])
        findings.append(_finding(card, where, Severity.ERROR, BRACKETS_CODE, scan_message(scanned, length)))
    else:
        findings += [f for path, text in linked for f in _refused_links(card, source, path, text)]
    return findings


def _refused_links(card: Card, source: _Source, path: Path_, text: str) -> Iterator[Finding]:
    """A warning for each link or image URL of a text that its page leaves out."""
    for url in dict.fromkeys(refused_urls(text)):
        offset = text.find(url)
        if offset < 0:
            host = _HOST_PART.split(url.lstrip("/\\"), 1)[0]
            offset = text.find(host) if host else -1
        where = source.locate(path, text, offset) if offset >= 0 else card.positions.of_value(path)
        if _SCHEME.match(url):
            why = "a link or image takes an http:, https: or mailto: URL, or a path in this site"
        else:
            why = "it leads to another host, and a relative link is a path in this site"
        yield _finding(card, where, Severity.WARNING, REFUSED_LINK_CODE, f"'{url}' is left out of the page: {why}")


def markdown_beyond_limits(findings: list[Finding]) -> set[str]:
    """The card files among ``findings`` whose Markdown is beyond the renderer's limits."""
    return {f.file for f in findings if f.code in LIMIT_CODES}


def _hidden_findings(card: Card, source: _Source) -> list[Finding]:
    """A finding for each invisible or reordering character of a one-line value or key."""
    text = card.source_text
    if not may_hide(text) and "\\" not in text:
        return []  # no such character, nor an escape that could write one
    markdown = {path for path, _ in markdown_fields(card)}
    findings: list[Finding] = []
    for path, value, key in _strings(card.as_written(), ()):
        if value.isascii() or (not key and path in markdown):
            continue
        for hidden in hidden_characters(value):
            severity = Severity.ERROR if hidden.code == INVISIBLE_CODE else Severity.WARNING
            where = source.locate(path, value, hidden.offset, key=key)
            findings.append(_finding(card, where, severity, hidden.code, hidden.message))
    return findings


def text_findings(card: Card) -> list[Finding]:
    """The card's text beyond the renderer's limits, links its page leaves out, and invisible or
    reordering characters in its one-line values."""
    source = _Source(card)
    return _markdown_findings(card, source) + _hidden_findings(card, source)
