"""A Markdown body as its title, lead text and sections, read with markdown-it-py (CommonMark).

huggingface_hub reads a model card's front matter and leaves the body as one text. Its headings
are found by a CommonMark parser rather than by scanning lines, so that a ``#`` line inside a
fenced code block, a setext heading or an HTML comment are read as every renderer reads them.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Any

from .extra import require
from .values import block_text

_COMMENT = re.compile(r"<!--.*?-->", re.S)
#: Text the Hugging Face templates leave where nothing was written.
_PLACEHOLDERS = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*[^*\n]+\*\*:?[ \t]*)?"  # an optional list marker and bold label
    r"(?:\[?more information needed\]?\.?|\[optional\])[ \t]*(?:\n|\Z)",
    re.I | re.M,
)


@dataclass(frozen=True, slots=True)
class Section:
    level: int  #: 1-6
    title: str  #: the heading's text
    text: str  #: the text under the heading, up to the next heading of any level
    path: tuple[str, ...]  #: the titles of the enclosing headings, outermost first (the title excepted)


@dataclass(frozen=True, slots=True)
class Body:
    title: str | None  #: the first heading, when it is an H1 that nothing but blank text precedes
    lead: str  #: the text between the title and the next heading
    sections: tuple[Section, ...]


def _parser(purpose: str) -> Any:
    markdown_it = require("markdown_it", purpose)
    return markdown_it.MarkdownIt("commonmark").enable("table")


def tidy(text: str) -> str:
    """Markdown without HTML comments and template placeholders, trimmed ("" when nothing is left)."""
    return block_text(_PLACEHOLDERS.sub("", _COMMENT.sub("", block_text(text))))


def split(body: str, as_written: bool = False) -> Body:
    """The body's title, lead text and sections; ``as_written`` keeps HTML comments and template
    placeholders (a body mkdocs-mltrl wrote has none that are not the card's own)."""
    lines = body.splitlines()
    tokens = _parser("Reading a model card's sections").parse(body)
    headings: list[tuple[int, str, int, int]] = []  # level, title, first line, line after
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            headings.append((int(token.tag[1]), tokens[index + 1].content.strip(), token.map[0], token.map[1]))

    def text_between(start: int, end: int) -> str:
        text = "\n".join(lines[start:end])
        return block_text(text) if as_written else tidy(text)

    title: str | None = None
    first = 0
    if headings and headings[0][0] == 1 and not text_between(0, headings[0][2]):
        title, first = headings[0][1], 1
    lead_start = headings[0][3] if title is not None else 0
    lead_end = headings[first][2] if len(headings) > first else len(lines)
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    for i in range(first, len(headings)):
        level, heading, _start, after = headings[i]
        end = headings[i + 1][2] if i + 1 < len(headings) else len(lines)
        while stack and stack[-1][0] >= level:
            stack.pop()
        sections.append(Section(level, heading, text_between(after, end), tuple(t for _, t in stack)))
        stack.append((level, heading))
    return Body(title, text_between(lead_start, lead_end), tuple(sections))


def list_items(text: str) -> list[str]:
    """The items of ``text`` when it is nothing but bullet lists (each item's Markdown, without its
    marker), else an empty list."""
    lines = text.splitlines()
    items: list[str] = []
    for token in _parser("Reading a model card's sections").parse(text):
        if token.level == 0 and token.type not in {"bullet_list_open", "bullet_list_close"}:
            return []
        if token.type == "list_item_open" and token.level == 1 and token.map is not None:
            start, end = token.map
            item = re.sub(r"^\s*[-*+]\s+", "", "\n".join(lines[start:end]), count=1)
            first, _, rest = item.partition("\n")
            items.append(tidy(first + ("\n" + textwrap.dedent(rest) if rest else "")))
    return [i for i in items if i]


def table(text: str) -> list[list[str]]:
    """The rows of the first table in ``text`` (the header row first), each cell's Markdown as
    written; [] when there is no table."""
    rows: list[list[str]] = []
    row: list[str] | None = None
    for token in _parser("Reading a model card's tables").parse(text):
        if token.type == "table_close":
            break
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content.replace("\\|", "|").strip())
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
    return rows


def normalise(title: str) -> str:
    """A heading as a lookup key: lower case, without "[optional]", "&" as "and", no punctuation."""
    title = re.sub(r"\[optional\]", "", title, flags=re.I).replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.lower()).split())


def key_of(title: str) -> str:
    """A heading as part of an ``x-`` key: ``Training procedure`` -> ``training-procedure``."""
    return normalise(title).replace(" ", "-") or "section"
