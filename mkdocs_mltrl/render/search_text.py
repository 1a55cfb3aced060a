"""What search indexes of a generated page: lean text, boilerplate left out."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from markupsafe import escape

from ..core.card import Card
from ..core.card_text import render_markdown
from .paging import PAGED_ABOVE
from .sections import CARD_ANCHOR

_SECTION = re.compile(r'(<h[12] id="[^"]*">.*?</h[12]>)', re.S)


_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)


_TAG = re.compile(r"<[^>]*>")


_EXCLUDED = re.compile(r"<([A-Za-z][A-Za-z0-9]*)\b[^>]*\sdata-search-exclude\b[^>]*>")


_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


def _drop_excluded(html: str) -> str:
    """The HTML without the elements marked ``data-search-exclude`` (and all they hold)."""
    out = []
    pos = 0
    while True:
        found = _EXCLUDED.search(html, pos)
        if found is None:
            break
        out.append(html[pos : found.start()])
        tag = found.group(1).lower()
        end = found.end()
        if tag not in _VOID and not found.group().endswith("/>"):
            depth = 1
            tags = re.compile(rf"<(/?){tag}\b[^>]*>", re.I)
            while depth:
                match = tags.search(html, end)
                if match is None:
                    end = len(html)
                    break
                depth += -1 if match.group(1) else 1
                end = match.end()
        pos = end
    out.append(html[pos:])
    return "".join(out)


def search_html(html: str) -> str:
    """The text of a generated page for search indexers: its headings (with their anchors) and
    each section's text in one paragraph. Elements marked ``data-search-exclude`` (boilerplate
    that every page repeats, lists of every card) are left out, as Material's search does.
    Indexers parse every tag of a page, and need none but the headings; the page itself keeps
    its full HTML."""
    out = []
    page = _STYLE.sub("", html)
    for part in _SECTION.split(_drop_excluded(page) if "data-search-exclude" in page else page):
        if _SECTION.fullmatch(part):
            out.append(part)
        else:
            text = " ".join(_TAG.sub(" ", part).split())
            if text:
                out.append(f"<p>{text}</p>")
    return "\n".join(out)


_TRIM = ".,;:!?()[]{}\"'`*_"


def _plain(markdown_text: str | None) -> str:
    """The text of a Markdown field, as escaped HTML text without tags."""
    return _TAG.sub(" ", render_markdown(markdown_text)) if markdown_text else ""


def _words_once(texts: list[str | None], seen: set[str], common: frozenset[str]) -> str:
    """The words of Markdown texts as HTML text, leaving out words already seen and common words
    (any case)."""
    out = []
    for text in texts:
        for word in _plain(text).split():
            key = word.strip(_TRIM).lower()
            if key and key not in seen and key not in common:
                seen.add(key)
                out.append(word)
    return " ".join(out)


def _prose(card: Card) -> list[str | None]:
    """The Markdown texts of a card that search indexes word by word."""
    texts = [card.summary, card.model, card.intended_use, card.unacceptable_use]
    return texts + [r.text for r in card.sorted_requirements] + [r.title for r in card.risks]


#: Above this many cards (the size at which the index is paged), words found in the text of more
#: than COMMON_SHARE of the cards are not indexed in card text (see :func:`common_words`).
COMMON_ABOVE = PAGED_ABOVE
COMMON_SHARE = 0.5


def common_words(cards: Sequence[Card]) -> frozenset[str]:
    """The words (lower case) found in the text (summary, model, uses, requirements, risk titles)
    of more than half of the cards, when there are more than COMMON_ABOVE; otherwise none.

    A browser's search builds its index from every word of every entry each time a page opens, at
    a cost that grows with each (word, card) pair. A word that most cards share (a template's
    sentence, the organisation's vocabulary) is most of those pairs, and finds no card: searching
    for it lists thousands, and Lunr, which Material's search uses, weighs it at almost nothing
    (its inverse document frequency is below log 2). Such words stay searchable where a card
    names them: its name, id, owners and tags. Counted on the Markdown, each word once a card; a
    word whose Markdown differs from its text (a link's) is counted less, so it stays indexed.
    """
    if len(cards) <= COMMON_ABOVE:
        return frozenset()
    counts: Counter[str] = Counter()
    for card in cards:
        counts.update({word.strip(_TRIM) for word in " ".join(filter(None, _prose(card))).lower().split()})
    limit = len(cards) * COMMON_SHARE
    return frozenset(word for word, n in counts.items() if n > limit and word)


def card_search_html(card: Card, tags: bool = True, common: frozenset[str] = frozenset()) -> str:
    """What search indexes of a card: one entry, titled with its name and id, holding its former
    ids, its owners' names and e-mail addresses, its licence and its tags (unless ``tags`` is false: Material's
    search indexes a page's tags apart), then the words of its summary, model, intended and
    unacceptable use, requirements and risk titles, each word once, without the ``common`` words
    (see :func:`common_words`).

    The card page shows much more (the checklist questions, table headers, gate descriptions,
    the chart), which every card repeats, and its level, stage, status and reviewers, which
    hundreds or thousands of cards share (the index filters by the first three). A browser's search
    builds its index from every word of every entry each time a page opens, so each entry and word
    left out makes a large portfolio's search ready sooner (see docs/performance.md).
    """
    # The id is in the title, which search ranks first: a query such as "VIS-1" is split into
    # "vis" and "1", and "1" alone is in every card named "... 1". It stands apart from the name
    # after " - ", which search splits words at (with spaces), so it adds no word of its own to
    # every card, and "(VIS-1)" would be looked up as "(vis".
    title = escape(card.name if card.id in card.name.split() else f"{card.name} - {card.id}")
    people = [part for p in card.owners for part in (p.name, p.email) if part]
    head = " ".join(
        escape(part) for part in (*card.aliases, *people, *(card.tags if tags else ()), *filter(None, [card.license]))
    )
    seen = {word.strip(_TRIM).lower() for word in f"{title} {head} {' '.join(card.tags)}".split()}
    words = _words_once(_prose(card), seen, common)
    return f'<h1 id="{CARD_ANCHOR}">{title}</h1>\n<p>{f"{head} {words}".strip()}</p>'
