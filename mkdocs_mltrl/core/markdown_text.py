"""Values written into Markdown that read back as exactly those values.

The gates reference (``mltrl gates --format markdown``, which the docs send into ``docs/gates.md``)
is Markdown that a site's own Markdown renders, with raw HTML on and whatever extensions the site
uses. A gates file and a checklist are untrusted like cards, so each of their values is written
here as plain text or as a code span, on one line: no value can become a tag, an entity, a link,
emphasis, an attribute list or a line that a block extension reads (a heading, a snippet, a
definition), and a code span holds any backticks. Links go through the URL policy of card text
(:func:`.card_text.safe_url`).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from .card_text import safe_url
from .printable import one_line

_MARKUP = re.compile(r"[\\`*_{}\[\]]|[<>^~=$]|&(?=#?\w+;)")
_CELL_MARKUP = re.compile(r"[\\`*_{}\[\]|]|[<>^~=$]|&(?=#?\w+;)")
#: Characters that only extensions read as markup (superscript, strike, highlight, maths), which
#: a backslash does not escape in plain Markdown: written as character references.
_REFERENCES = {"^": "&#94;", "~": "&#126;", "=": "&#61;", "$": "&#36;"}
_BACKTICKS = re.compile(r"`+")
#: The code spans of a gate's description: what the card pages (``render.filters.code_spans``)
#: and the gates reference show as code.
CODE_SPAN = re.compile(r"`([^`\n]+)`")
#: What a link's URL keeps as it is inside ``(...)``: nothing that could end it or start markup.
_URL_SAFE = "-._~:/?#@!$&*+,;=%"


def flat(text: str) -> str:
    """``text`` on one line: line breaks become spaces, and control, invisible and
    direction-changing characters are written as escapes (``\\x1b``, ``\\u202e``)."""
    return one_line(" ".join(text.splitlines()))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in "<>&":
        return html.escape(char)
    return _REFERENCES.get(char) or "\\" + char


def md_text(text: str, cell: bool = False) -> str:
    """Plain text in Markdown: ``<``, ``>``, an ``&`` that starts an entity and the characters of
    extensions' markup as character references, each character Markdown reads as markup escaped
    with a backslash (``|`` too in a table ``cell``)."""
    return (_CELL_MARKUP if cell else _MARKUP).sub(_escape, flat(text))


def md_code(text: str) -> str:
    """A code span that holds ``text`` exactly: its fence is one backtick longer than the longest
    run of backticks in it, and a space pads a value that starts or ends with one."""
    value = flat(text)
    if not value.strip():
        return "(empty)" if not value else "`" + value + "`"
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def md_code_spans(text: str, cell: bool = False) -> str:
    """Text with `code` spans, as a page shows a gate's description: the backquoted runs as code
    spans, the rest as plain text."""
    out: list[str] = []
    code: list[str] = []  # code spans that touch are one span: two fences side by side would merge
    at = 0
    value = flat(text)
    for match in CODE_SPAN.finditer(value):
        if match.start() > at:
            if code:
                out.append(md_code("".join(code)))
                code = []
            out.append(md_text(value[at : match.start()], cell))
        code.append(match.group(1))
        at = match.end()
    if code:
        out.append(md_code("".join(code)))
    out.append(md_text(value[at:], cell))
    return "".join(out)


def md_link(text: str, url: str) -> str:
    """A link to ``url`` when the URL policy allows it, else ``text`` (and the URL) as plain text."""
    allowed = safe_url(url)
    if allowed is None:
        shown = md_text(text) if text == url else f"{md_text(text)} ({md_text(url)})"
        return shown + " (not linked: only http, https and mailto URLs and paths in this site are)"
    return f"[{md_text(text)}]({quote(allowed, safe=_URL_SAFE, errors='surrogateescape')})"
