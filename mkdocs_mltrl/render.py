"""Render cards and the index to HTML with the Jinja templates of ``site_templates/``.

Every template is autoescaped; Markdown fields go through :mod:`.markup`. Nothing here knows
MkDocs: the plugin places the returned HTML in pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import yaml
from markupsafe import Markup, escape

from . import __version__
from .analytics import PortfolioReport, build_date, component_graph
from .charts import history_chart, risk_matrix, risk_points, score_class
from .gates import waiver_states
from .levels import STAGE_COLOURS, LevelInfo
from .local_links import rewrite
from .markup import chrome_title, render_inline, render_markdown, safe_url
from .model import Card
from .portfolio import Portfolio
from .programme import TargetStatus, lift, target_status
from .resources import templates_dir
from .urls import SiteLayout, relative_url

#: The sections of a card page, in order: (anchor, heading). Anchors are stable URLs.
CARD_SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("tldr", "TL;DR"),
    ("model", "Model / algorithm"),
    ("metrics", "Evaluation metrics"),
    ("intended-use", "Intended use"),
    ("deployment", "Deployment setting"),
    ("requirements", "Requirements"),
    ("risk-matrix", "Risk matrix"),
    ("testing", "Testing"),
    ("service-levels", "Service levels"),
    ("data", "Data considerations"),
    ("caveats", "Caveats"),
    ("ethics-checklist", "Ethics checklist"),
    ("compliance", "Regulatory compliance"),
    ("monitoring", "Monitoring"),
    ("level-history", "Level history"),
    ("readiness-gates", "Readiness gates"),
    ("debrief", "Stage debrief"),
    ("other", "Other"),
)

#: The sections of the portfolio page.
PORTFOLIO_SECTIONS: tuple[tuple[str, str], ...] = (
    ("cards-per-level", "Cards per level and stage"),
    ("time-in-level", "Time in each level"),
    ("switchbacks", "Switchbacks"),
    ("stale-cards", "Stale cards"),
    ("gates-unmet", "Gates not met"),
    ("paused-retired", "Paused and retired"),
    ("system-levels", "System levels"),
    ("trend", "Stages over time"),
    ("level-durations", "Days to graduate"),
    ("targets", "Targets"),
    ("waivers", "Waivers"),
    ("component-graph", "Component graph"),
)

CARD_ANCHOR = "card-title"
INDEX_ANCHOR = "trl-cards"
PORTFOLIO_ANCHOR = "portfolio"

DEFAULT_DEBRIEF = (
    "What was accomplished, and by whom?",
    "What was deferred or cut, and why?",
    "What did the team learn?",
    "What technical debt was taken on or paid down?",
)


@dataclass(frozen=True, slots=True)
class RenderedPage:
    name: str  # the exact page name (escape it before use)
    anchor: str  # id of the page's <h1>
    html: str
    toc: tuple[tuple[str, str], ...]  # (anchor, heading) of the page's sections

    @property
    def title(self) -> str:
        """The name, safe for theme chrome that prints it unescaped (see markup.chrome_title)."""
        return chrome_title(self.name)


def _person(value: Any) -> Markup:
    name = escape(value.name)
    url = safe_url(f"mailto:{value.email}") if value.email else None
    inner = Markup('<a href="{}">{}</a>').format(url, value.name) if url else name
    if value.role:
        inner += Markup(' <span class="mltrl-muted">({})</span>').format(value.role)
    return Markup(inner)


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def code_spans(text: str) -> Markup:
    """Plain text with `code` spans: escaped first, then each backquoted run becomes <code>."""
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))


_CSS_SAFE = re.compile(r"[A-Za-z0-9 .,:_()\u00b7\u2013-]")


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string: anything but plain letters, digits and punctuation is
    written as a CSS escape, so no value can end the string or the style element."""
    return Markup('"' + "".join(c if _CSS_SAFE.fullmatch(c) else f"\\{ord(c):x} " for c in text) + '"')


def _extra(value: Any) -> str:
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


def _escape_output(value: Any) -> str:
    """What ``{{ value }}`` writes in an autoescaped template: the same text as
    :func:`markupsafe.escape`, as a plain string, since the page joins it into one string anyway."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return _escape_inner(str(value))


class _Template(jinja2.Template):
    """Templates whose output expressions skip building a Markup object for every value."""

    @classmethod
    def _from_namespace(cls, environment: jinja2.Environment, namespace: Any, globals: Any) -> Any:
        if namespace.get("escape") is escape:  # only the one name the compiled code writes output with
            namespace["escape"] = _escape_output
        return super()._from_namespace(environment, namespace, globals)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, by file and source checksum (Jinja
    checks it, so an edited template is compiled again): `mkdocs serve` makes new Jinja
    environments, ours and the theme's, at every rebuild."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


class Renderer:
    """Renders pages of one portfolio with one layout; templates can be overridden per file."""

    def __init__(
        self, portfolio: Portfolio, layout: SiteLayout, override_dir: Path | None = None, site_url: str | None = None
    ) -> None:
        self.portfolio = portfolio
        self.layout = layout
        self.site_url = site_url.rstrip("/") + "/" if site_url else None
        search = [str(override_dir)] if override_dir else []
        search.append(str(templates_dir()))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(search),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=COMPILED_TEMPLATES,
        )
        self.env.template_class = _Template
        self._badges: dict[LevelInfo, str] = {}
        self.env.filters.update(
            md=render_markdown,
            md_inline=render_inline,
            safe_url=safe_url,
            person=_person,
            extra=_extra,
            score_class=score_class,
            code_spans=code_spans,
            css_string=css_string,
        )
        self.env.globals.update(
            version=__version__,
            stages=portfolio.levels.stages,
            stage_colours=STAGE_COLOURS,
            levels=list(portfolio.levels),
            build_date=build_date().isoformat(),
        )

    def _common(self, page_url: str) -> dict[str, Any]:
        layout = self.layout

        def rel(target: str) -> str:
            return relative_url(page_url, target)

        return {
            "rel": rel,
            "card_href": lambda card_id: rel(layout.card_url(card_id)),
            "index_href": rel(layout.index_url()),
            "portfolio_href": rel(layout.portfolio_url()),
        }

    def card_page(self, card: Card) -> RenderedPage:
        portfolio = self.portfolio
        page_url = self.layout.card_url(card.id)
        components = []
        for ref in card.components:
            if ref.card_id is not None:
                target = portfolio.by_id(ref.card_id)
                components.append(
                    {"name": target.name if target else ref.card_id, "id": target.id if target else ref.card_id,
                     "level": target.level if target else None, "card": target}
                )  # fmt: skip
            elif ref.external is not None:
                ext = ref.external
                components.append({"name": ext.name, "id": None, "level": ext.level, "card": None, "link": ext.link})
        points = risk_points(card)
        checklist = portfolio.checklist
        answered = sum(1 for item in checklist.item_ids if item in card.ethics and card.ethics[item].status != "open")
        sections = card_sections(card)
        html = self.env.get_template("card.html").render(
            card=card,
            sections=dict(sections),
            components=components,
            system=portfolio.system.get(card.id),
            gates=portfolio.gates[card.id],
            waivers=waiver_states(card, portfolio.gates[card.id], portfolio.gateset, portfolio.today),
            target=self.target(card),
            lift=lift(portfolio, card),
            requirements=card.sorted_requirements,
            points=points,
            risks_by_score=sorted(card.risks, key=lambda r: (-r.score, r.id)),
            matrix=risk_matrix(points),
            chart=history_chart(card),
            checklist=checklist,
            ethics_answered=answered,
            default_debrief=DEFAULT_DEBRIEF,
            anchor=CARD_ANCHOR,
            embed=self.embed_snippets(card),
            badge_href=relative_url(page_url, self.layout.badge(card.id)),
            **self._common(page_url),
        )
        return RenderedPage(card.name, CARD_ANCHOR, rewrite(html, self.local_links(card)), sections)

    def local_links(self, card: Card) -> dict[str, str]:
        """The card's links to files beside it -> their published URLs, relative to its page."""
        links = self.portfolio.local_links
        if links is None:
            return {}
        page_url = self.layout.card_url(card.id)
        return {url: relative_url(page_url, self.layout.asset(f.site_path)) for url, f in links.for_card(card).items()}

    def document(self, site_path: str, source: str, text: str, cards: list[Card]) -> str:
        """A Markdown document that cards link to, as a page of its own."""
        page_url = self.layout.asset(site_path)
        return self.env.get_template("document.html").render(
            title=source,
            source=source,
            body=text,
            cards=cards,
            css_href=relative_url(page_url, self.layout.asset("mltrl.css")),
            **self._common(page_url),
        )

    def target(self, card: Card) -> TargetStatus | None:
        portfolio = self.portfolio
        return target_status(card, portfolio.today or build_date(), portfolio.gateset.due_soon_days)

    def index_page(self, title: str = "TRL Cards") -> RenderedPage:
        cards = self.portfolio.sorted_by_level()
        page_url = self.layout.index_url()
        html = self.env.get_template("index.html").render(
            title=title,
            anchor=INDEX_ANCHOR,
            cards=cards,
            gates=self.portfolio.gates,
            system=self.portfolio.system,
            targets={c.id: t for c in cards for t in (self.target(c),) if t is not None},
            tags=sorted({t for c in cards for t in c.tags}, key=str.lower),
            owners=sorted({o.name for c in cards for o in c.owners}, key=str.lower),
            **self._common(page_url),
        )
        return RenderedPage(title, INDEX_ANCHOR, html, ())

    def portfolio_page(self, report: PortfolioReport, title: str = "Portfolio") -> RenderedPage:
        html = self.env.get_template("portfolio.html").render(
            title=title,
            anchor=PORTFOLIO_ANCHOR,
            sections=dict(PORTFOLIO_SECTIONS),
            report=report,
            graph=component_graph(self.portfolio),
            **self._common(self.layout.portfolio_url()),
        )
        return RenderedPage(title, PORTFOLIO_ANCHOR, html, PORTFOLIO_SECTIONS)

    def absolute(self, site_path: str) -> str:
        """A site path as a URL for other sites: absolute when site_url is set."""
        return self.site_url + site_path if self.site_url else site_path

    def embed_snippets(self, card: Card) -> dict[str, str]:
        """Copy-ready links to a card for other wikis: Markdown, HTML and Confluence markup."""
        page = self.absolute(self.layout.card_url(card.id))
        badge = self.absolute(self.layout.badge(card.id))
        alt = f"MLTRL level {card.level}: {card.level_info.name}"
        return {
            "Markdown": f"[![{alt}]({badge})]({page})",
            "HTML": f'<a href="{page}"><img src="{badge}" alt="{alt}"></a>',
            "Confluence": f"[!{badge}!|{page}]",
        }

    def badge(self, card: Card) -> str:
        """The card's level badge: the same for every card at a level, so made once a level."""
        info = card.level_info
        badge = self._badges.get(info)
        if badge is None:
            badge = self._badges[info] = self._badge(info)
        return badge

    def _badge(self, info: LevelInfo) -> str:
        label, value = "MLTRL", f"{info.level} · {info.name}"
        return self.env.get_template("badge.svg").render(
            level=info,
            label=label,
            value=value,
            left=_text_width(label) + 12,
            right=_text_width(value) + 12,
            colour=STAGE_COLOURS.get(info.stage, "#555"),
        )

    def redirect(self, card: Card, old_id: str) -> str:
        target = relative_url(self.layout.redirect_url(old_id), self.layout.card_url(card.id))
        return self.env.get_template("redirect.html").render(card=card, old_id=old_id, target=target)

    def export(self) -> dict[str, Any]:
        """The content of cards.json (see schemas/cards-export.schema.json)."""
        portfolio = self.portfolio
        cards = []
        for card in portfolio.sorted_by_level():
            report = portfolio.gates[card.id]
            system = portfolio.system.get(card.id)
            cards.append(
                {
                    "id": card.id,
                    "aliases": list(card.aliases),
                    "name": card.name,
                    "level": card.level,
                    "level_name": card.level_info.name,
                    "stage": card.stage,
                    "system_level": system.level if system else card.level,
                    "system_level_unknown": list(system.unknown) if system else [],
                    "status": card.status,
                    "owners": [o.name for o in card.owners],
                    "tags": list(card.tags),
                    "url": self.absolute(self.layout.card_url(card.id)),
                    "badge": self.absolute(self.layout.badge(card.id)),
                    "last_review": card.last_review_date,
                    "gates": {"met": report.passed, "missing": [g.code for g in report.missing]},
                }
            )
        return {"generator": f"mkdocs-mltrl {__version__}", "site_url": self.site_url, "cards": cards}

    def asset(self, name: str) -> str:
        """A shipped (or overridden) CSS or JS file."""
        return self.env.get_template(name).render()


def card_sections(card: Card) -> tuple[tuple[str, str], ...]:
    """The (anchor, heading) sections of a card's page, known without rendering it."""
    return CARD_SECTIONS if card.extras else CARD_SECTIONS[:-1]


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


def _words_once(texts: list[str | None], seen: set[str]) -> str:
    """The words of Markdown texts as HTML text, leaving out words already seen (any case)."""
    out = []
    for text in texts:
        for word in _plain(text).split():
            key = word.strip(_TRIM).lower()
            if key and key not in seen:
                seen.add(key)
                out.append(word)
    return " ".join(out)


def card_search_html(card: Card) -> str:
    """What search indexes of a card, in three entries. The card itself, titled with its name and
    id: its aliases, owners and reviewers (names and e-mail addresses), tags, level and status, its
    summary as written, then the other words of its model and intended use; its requirements; its
    risks. Each entry holds a word once.

    The card page shows much more (the checklist questions, table headers, gate descriptions,
    the chart), which every card repeats; indexing it would make the search index of a large
    portfolio too big for a browser to load.
    """
    # The id is in the title, which search ranks first: a query such as "VIS-1" is split into
    # "vis" and "1", and "1" alone is in every card named "... 1". It stands apart from the name
    # (search splits words at spaces and hyphens only, so "(VIS-1)" would be looked up as "(vis").
    title = escape(card.name if card.id in card.name.split() else f"{card.name} · {card.id}")
    people = [part for p in (*card.owners, *card.reviewers) for part in (p.name, p.email) if part]
    head = " ".join(escape(part) for part in (*card.aliases, *people, *card.tags))
    head += f" {escape(card.level_info.name)} {escape(card.stage)} {escape(card.status)}"
    summary = " ".join(_plain(card.summary).split())
    seen = {word.strip(_TRIM).lower() for word in f"{title} {head} {summary}".split()}
    more = _words_once([card.model, card.intended_use, card.unacceptable_use], seen)
    out = [f'<h1 id="{CARD_ANCHOR}">{title}</h1>', f"<p>{head} {summary} {more}".strip() + "</p>"]
    sections = dict(card_sections(card))
    requirements = _words_once([r.text for r in card.sorted_requirements], set())
    if requirements:
        out += [f'<h2 id="requirements">{sections["requirements"]}</h2>', f"<p>{requirements}</p>"]
    risks = _words_once([r.title for r in card.risks], set())
    if risks:
        out += [f'<h2 id="risk-matrix">{sections["risk-matrix"]}</h2>', f"<p>{risks}</p>"]
    return "\n".join(out)


_NARROW = set("iljtfr.,:;'|!() []")
_WIDE = set("mwMWGOQCDHN@%")


def _text_width(text: str) -> int:
    """An estimate of the width in pixels of text in 11px Verdana (badges embed no font)."""
    return round(sum(3.6 if c in _NARROW else 10.2 if c in _WIDE else 7.0 for c in text))
