"""The template filters and the escaping that every value written into a page goes through."""

from __future__ import annotations

import re
from typing import Any

import yaml
from markupsafe import Markup, escape

from ..core.card_text import render_inline, render_markdown, safe_url
from ..core.markdown_text import CODE_SPAN
from .charts import score_class


def person_html(value: Any) -> Markup:
    name = escape(value.name)
    url = safe_url(f"mailto:{value.email}") if value.email else None
    inner = Markup('<a href="{}">{}</a>').format(url, value.name) if url else name
    if value.role:
        inner += Markup(' <span class="mltrl-muted">({})</span>').format(value.role)
    if value.extras:
        inner += Markup(" ") + item_extras(value.extras, inline=True)
    return Markup(inner)


def item_extras(extras: Any, inline: bool = False) -> Markup:
    """The ``x-`` fields of one item of a card, shown with the item: text as inline Markdown,
    lists and mappings as YAML. A definition list in a table cell or a block, or a run of spans
    beside an inline value (a person, a component, the target)."""
    if not extras:
        return Markup("")
    out = []
    for key, value in extras:
        if isinstance(value, str):
            shown = render_inline(value)
        elif isinstance(value, (dict, list)):
            shown = Markup("<code>{}</code>" if inline else "<pre>{}</pre>").format(extra_text(value))
        else:
            shown = escape(extra_text(value))
        pattern = '<span class="mltrl-item-extra" data-key="{0}"><code>{0}</code> {1}</span>'
        if not inline:
            pattern = '<dt data-key="{0}"><code>{0}</code></dt><dd>{1}</dd>'
        out.append(Markup(pattern).format(key, shown))
    if inline:
        return Markup(" ").join(out)
    return Markup('<dl class="mltrl-item-extras">{}</dl>').format(Markup("").join(out))


def code_spans(text: str) -> Markup:
    """Plain text with `code` spans: escaped first, then each backquoted run becomes <code>."""
    return Markup(CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))


_CSS_SAFE = re.compile(r"[A-Za-z0-9 .,:_()\u00b7\u2013-]")


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string: anything but plain letters, digits and punctuation is
    written as a CSS escape, so no value can end the string or the style element."""
    return Markup('"' + "".join(c if _CSS_SAFE.fullmatch(c) else f"\\{ord(c):x} " for c in text) + '"')


def extra_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100).rstrip()
    if value is None:
        return ""
    return str(value)


try:
    from markupsafe import _escape_inner  # type: ignore[attr-defined]  # escape's own worker
except ImportError:  # pragma: no cover - another markupsafe

    def _escape_inner(text: str, /) -> str:
        return str(escape(text))


def escape_output(value: Any) -> str:
    """What ``{{ value }}`` writes in an autoescaped template: the same text as
    :func:`markupsafe.escape`, as a plain string, since the page joins it into one string anyway."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return _escape_inner(str(value))


#: The filters every template may use: all card text reaches a page through one of them or
#: through autoescaping.
FILTERS: dict[str, Any] = {
    "md": render_markdown,
    "md_inline": render_inline,
    "safe_url": safe_url,
    "person": person_html,
    "item_extras": item_extras,
    "extra": extra_text,
    "score_class": score_class,
    "code_spans": code_spans,
    "css_string": css_string,
}
