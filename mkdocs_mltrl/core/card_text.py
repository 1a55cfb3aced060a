"""Card text made safe for a page: Markdown without raw HTML, sanitised, links limited."""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

import markdown
import nh3
from markupsafe import Markup, escape

from .markdown_limits import text_limit

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}


#: How a browser reads the start of a relative URL as another host (WHATWG URL parsing reads a
#: backslash as a slash in http(s) URLs): two slashes or backslashes, in any mix.
_OTHER_HOST = re.compile(r"[/\\]{2}")


def safe_url(url: object) -> str | None:
    r"""The URL if it is http(s), mailto or a path in this site, else None (cards are untrusted).

    Nothing a browser strips or reads around (spaces, tabs, line breaks, control characters) is
    allowed anywhere, so the URL is read here as a browser reads it; a relative URL that a browser
    would resolve to another host (``//evil.example``, ``\\evil.example``, ``/\evil.example``)
    is not a path in this site.
    """
    if not isinstance(url, str) or not url or any(c.isspace() or ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in url):
        return None
    match = _SCHEME.match(url)
    if match:
        return url if match.group(1).lower() in ALLOWED_SCHEMES else None
    return None if _OTHER_HOST.match(url) else url


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


def _keep_safe(element: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: a link or image URL is kept only under :func:`safe_url`."""
    return None if attribute in ("href", "src") and safe_url(value) is None else value


_URL_ATTRIBUTE = re.compile(r'\s(?:href|src)="([^"]*)"')


@lru_cache(maxsize=8192)
def _render(text: str) -> tuple[str, tuple[str, ...]]:
    """The sanitised HTML of a text, and the link and image URLs it dropped."""
    line = text.removesuffix("\n")  # YAML's folded scalars end with one
    if _PLAIN.fullmatch(line):
        return f"<p>{line}</p>", ()
    if text_limit(text) is not None:  # shown as it is written, never parsed
        return f"<pre>{escape(text)}</pre>", ()
    html = _MARKDOWN.reset().convert(text)
    urls = (unescape(url) for url in _URL_ATTRIBUTE.findall(html)) if "=" in html else ()
    refused = tuple(url for url in urls if safe_url(url) is None)
    return _clean(html, _TAGS, _ATTRIBUTES), refused


def _clean(html: str, tags: set[str], attributes: dict[str, set[str]]) -> str:
    """The one sanitiser of HTML from a card or beside one: ``tags`` and ``attributes`` only,
    links and images under :func:`safe_url`, comments dropped."""
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        attribute_filter=_keep_safe,
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def refused_urls(text: str) -> tuple[str, ...]:
    """The link and image URLs of a Markdown text that its page leaves out (see :func:`safe_url`)."""
    return _render(text)[1] if text else ()


@lru_cache(maxsize=8192)
def _markdown(text: str) -> Markup:
    return Markup(_render(text)[0])


@lru_cache(maxsize=8192)
def _inline(text: str) -> Markup:
    html = _render(text)[0]
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


#: What an HTML document beside a card keeps besides the tags of card text: structure and
#: inline text markup, never a script, a style, a form, a frame or an event attribute.
_DOCUMENT_TAGS = _TAGS | {
    "h1", "h2", "div", "span", "section", "article", "header", "footer", "figure", "figcaption", "caption",
    "tfoot", "colgroup", "col", "small", "mark", "kbd", "samp", "var", "q", "cite", "details", "summary",
}  # fmt: skip
_DOCUMENT_ATTRIBUTES = {**_ATTRIBUTES, "th": {"align", "colspan", "rowspan"}, "td": {"align", "colspan", "rowspan"}}


def sanitise_html(text: str) -> Markup:
    """An HTML document beside a card, cleaned like card text: the allowed tags and attributes
    only, scripts and styles dropped with their content, links and images under :func:`safe_url`."""
    return Markup(_clean(text, _DOCUMENT_TAGS, _DOCUMENT_ATTRIBUTES))


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
