"""Card text made safe for a page: Markdown without raw HTML, sanitised, links limited."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}


def safe_url(url: object) -> str | None:
    """The URL if it is http(s), mailto or relative, else None (cards are untrusted)."""
    if not isinstance(url, str) or not url or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    match = _SCHEME.match(url)
    if match and match.group(1).lower() not in ALLOWED_SCHEMES:
        return None
    return url


def _new_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    # Raw HTML is never passed through: without these, it reaches the page as text.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_MARKDOWN = _new_markdown()


# One line of words and plain punctuation, starting with a letter: Markdown can only wrap it in a
# paragraph (no emphasis, links, code, HTML, entities, lists, headings or breaks are possible).
_PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9 ,.;:?%/=+()-]*[A-Za-z0-9,.;:?%/=+()-])?")


@lru_cache(maxsize=8192)
def _render(text: str) -> str:
    line = text.removesuffix("\n")  # YAML's folded scalars end with one
    if _PLAIN.fullmatch(line):
        return f"<p>{line}</p>"
    html = _MARKDOWN.reset().convert(text)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


@lru_cache(maxsize=8192)
def _markdown(text: str) -> Markup:
    return Markup(_render(text))


@lru_cache(maxsize=8192)
def _inline(text: str) -> Markup:
    html = _render(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


_EMPTY = Markup("")


def render_markdown(text: str | None) -> Markup:
    """Sanitised HTML of a Markdown field."""
    return _markdown(text) if text else _EMPTY


def render_inline(text: str | None) -> Markup:
    """Like :func:`render_markdown`, without the paragraph around a single paragraph."""
    return _inline(text) if text else _EMPTY


# Brackets too: Material 9.5's tags plugin writes page titles and tags into the Markdown of its
# tags index, where `](javascript:...)` in a card's name would make a link.
_CHROME_SAFE = str.maketrans(
    {"<": "\u2039", ">": "\u203a", "&": "\uff06", '"': "\u201d", "'": "\u2019", "[": "\uff3b", "]": "\uff3d"}
)


def chrome_title(text: str) -> str:
    """Text for the theme's title, nav and breadcrumbs, which themes print without escaping.

    Characters that HTML treats specially are replaced by look-alikes; the page itself shows the
    exact name, escaped.
    """
    cleaned = "".join(c for c in text if c.isprintable())
    return cleaned.translate(_CHROME_SAFE)
