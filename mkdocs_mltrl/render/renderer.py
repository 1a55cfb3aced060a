"""Render cards and the index to HTML with the Jinja templates of ``site_templates/``.

Every template is autoescaped; Markdown fields go through :mod:`mkdocs_mltrl.core.card_text`. Nothing here knows
MkDocs: the plugin places the returned HTML in pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.analytics import PortfolioReport
from ..core.card import Card
from ..core.card_text import chrome_title, render_markdown, sanitise_html
from ..core.clock import build_date
from ..core.gates.evaluation import waiver_states
from ..core.levels import LevelInfo
from ..core.local_links import rewrite
from ..core.portfolio import Portfolio
from ..core.printable import one_line
from ..core.programme import TargetStatus, lift, target_status, waiver_fields
from .charts import history_chart, risk_matrix, risk_points
from .colours import LIGHT_PALETTE, STAGE_COLOURS, stage_colour
from .component_graph import component_graph
from .index_data import IndexRows, data_json, index_data, index_rows
from .paging import PORTFOLIO_PREVIEW_ROWS, Paging
from .portfolio_parts import GRAPH, list_rows, part_title
from .sections import CARD_ANCHOR, DEFAULT_DEBRIEF, INDEX_ANCHOR, PORTFOLIO_ANCHOR, PORTFOLIO_SECTIONS, card_sections
from .templates import environment
from .urls import EXPORT_FORMATS, SiteLayout, relative_url


@dataclass(frozen=True, slots=True)
class RenderedPage:
    name: str  # the exact page name (escape it before use)
    anchor: str  # id of the page's <h1>
    html: str
    toc: tuple[tuple[str, str], ...]  # (anchor, heading) of the page's sections

    @property
    def title(self) -> str:
        """The name, safe for theme chrome that prints it unescaped (see card_text.chrome_title)."""
        return chrome_title(self.name)


class Renderer:
    """Renders pages of one portfolio with one layout; templates can be overridden per file."""

    def __init__(
        self,
        portfolio: Portfolio,
        layout: SiteLayout,
        override_dir: Path | None = None,
        site_url: str | None = None,
        paging: Paging | None = None,
    ) -> None:
        self.portfolio = portfolio
        self.layout = layout
        #: How the index and the portfolio's long lists are paged; None: every row on one page.
        self.paging = paging
        self._index_rows: IndexRows | None = None
        self.site_url = site_url.rstrip("/") + "/" if site_url else None
        self.env = environment(override_dir)
        self._badges: dict[LevelInfo, str] = {}
        self.env.globals.update(
            version=__version__,
            stages=portfolio.levels.stages,
            stage_colours=STAGE_COLOURS,
            stage_colour=stage_colour,
            palette=LIGHT_PALETTE,
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
        components: list[dict[str, Any]] = []
        for ref in card.components:
            if ref.card_id is not None:
                target = portfolio.by_id(ref.card_id)
                components.append(
                    {"name": target.name if target else ref.card_id, "id": target.id if target else ref.card_id,
                     "level": target.level if target else None, "card": target}
                )  # fmt: skip
            elif ref.external is not None:
                ext = ref.external
                components.append(
                    {"name": ext.name, "id": None, "level": ext.level, "card": None, "link": ext.link,
                     "extras": ext.extras}
                )  # fmt: skip
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
            exports={f: relative_url(page_url, self.layout.card_export(card.id, f)) for f in EXPORT_FORMATS},
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

    def document(self, site_path: str, source: str, text: str, cards: list[Card], html: bool = False) -> str:
        """A Markdown (or, with ``html``, an HTML) document that cards link to, as a page of its
        own: rendered and sanitised like card text."""
        page_url = self.layout.asset(site_path)
        source = one_line(source)  # a file name may hold anything a file system allows
        return self.env.get_template("document.html").render(
            title=source,
            source=source,
            body=text,
            content=sanitise_html(text) if html else render_markdown(text),
            cards=cards,
            css_href=relative_url(page_url, self.layout.asset("mltrl.css")),
            **self._common(page_url),
        )

    def target(self, card: Card) -> TargetStatus | None:
        portfolio = self.portfolio
        return target_status(card, portfolio.today or build_date(), portfolio.gateset.due_soon_days)

    def index_rows(self) -> IndexRows:
        """Every row of the index (worked out once: each page of a paged index shows some)."""
        if self._index_rows is None:
            self._index_rows = index_rows(self.portfolio, self.target)
        return self._index_rows

    def index_pages(self) -> int:
        """How many pages the index has (1 unless it is paged)."""
        return self.paging.count(len(self.portfolio.cards)) if self.paging else 1

    def index_page(self, title: str = "TRL Cards", number: int = 1) -> RenderedPage:
        """The index, or page ``number`` of a paged index."""
        rows = self.index_rows()
        layout, paging = self.layout, self.paging
        common = self._common(layout.index_page_url(number))
        cards = list(paging.rows(rows.cards, number)) if paging else rows.cards
        first = paging.first_row(number) if paging else 1
        html = self.env.get_template("index.html").render(
            title=title,
            anchor=INDEX_ANCHOR,
            cards=cards,
            total=len(rows.cards),
            page=number,
            pages=[common["rel"](layout.index_page_url(n)) for n in range(1, self.index_pages() + 1)],
            shown=(first, first + len(cards) - 1),
            rows_per_page=paging.rows_per_page if paging else len(cards),
            data_src=common["rel"](layout.index_data()) if paging else None,
            gates=self.portfolio.gates,
            system=self.portfolio.system,
            targets=rows.targets,
            tags=rows.tags,
            owners=rows.owners,
            **common,
        )
        return RenderedPage(title, INDEX_ANCHOR, html, ())

    def index_data(self) -> str:
        """Every row of a paged index as data (``index.json``), for its script."""
        return data_json(index_data(self.index_rows(), self.portfolio, self.layout))

    def portfolio_page(self, report: PortfolioReport, title: str = "Portfolio") -> RenderedPage:
        """The portfolio; a paged one shows the first rows of each list and links to the rest."""
        layout, paging = self.layout, self.paging
        common = self._common(layout.portfolio_url())
        html = self.env.get_template("portfolio.html").render(
            title=title,
            anchor=PORTFOLIO_ANCHOR,
            sections=dict(PORTFOLIO_SECTIONS),
            report=report,
            lists=list_rows(report),
            preview=PORTFOLIO_PREVIEW_ROWS if paging else 0,
            rows_per_page=paging.rows_per_page if paging else 0,
            part_href=lambda part: common["rel"](layout.portfolio_part_url(part)),
            graph=None if paging else component_graph(self.portfolio),
            graph_href=common["rel"](layout.portfolio_part_url(GRAPH)) if paging else None,
            **common,
        )
        return RenderedPage(title, PORTFOLIO_ANCHOR, html, PORTFOLIO_SECTIONS)

    def portfolio_parts(self, report: PortfolioReport) -> list[tuple[str, int]]:
        """(list, page number) of every page of its own that a paged portfolio has: the pages of
        each list longer than the portfolio shows, and the component graph's."""
        if self.paging is None:
            return []
        parts = [(GRAPH, 1)]
        for part, rows in list_rows(report).items():
            if len(rows) > PORTFOLIO_PREVIEW_ROWS:
                parts += [(part, n) for n in range(1, self.paging.count(len(rows)) + 1)]
        return parts

    def portfolio_part_page(self, report: PortfolioReport, part: str, number: int) -> RenderedPage:
        """Page ``number`` of one of the portfolio's lists, or its component graph (``GRAPH``)."""
        layout, paging = self.layout, self.paging or Paging()
        title = part_title(part)
        common = self._common(layout.portfolio_part_url(part, number))
        rows = list_rows(report).get(part, [])
        shown = list(paging.rows(rows, number))
        first = paging.first_row(number)
        html = self.env.get_template("portfolio-part.html").render(
            title=title,
            anchor=PORTFOLIO_ANCHOR,
            sections=dict(PORTFOLIO_SECTIONS),
            report=report,
            part=part,
            rows=shown,
            total=len(rows),
            page=number,
            pages=[common["rel"](layout.portfolio_part_url(part, n)) for n in range(1, paging.count(len(rows)) + 1)],
            shown=(first, first + len(shown) - 1),
            graph=component_graph(self.portfolio) if part == GRAPH else None,
            **common,
        )
        return RenderedPage(title, PORTFOLIO_ANCHOR, html, ())

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
            colour=stage_colour(info.stage),
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
            target = self.target(card)
            waivers = waiver_states(card, report, portfolio.gateset, portfolio.today)
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
                    "waivers": [waiver_fields(w) for w in waivers],
                    "target": target.as_dict() if target is not None else None,
                    "license": card.license,
                    "exports": {f: self.absolute(self.layout.card_export(card.id, f)) for f in EXPORT_FORMATS},
                }
            )
        return {"generator": f"mkdocs-mltrl {__version__}", "site_url": self.site_url, "cards": cards}

    def asset(self, name: str) -> str:
        """A shipped (or overridden) CSS or JS file."""
        return self.env.get_template(name).render()


_NARROW = set("iljtfr.,:;'|!() []")


_WIDE = set("mwMWGOQCDHN@%")


def _text_width(text: str) -> int:
    """An estimate of the width in pixels of text in 11px Verdana (badges embed no font)."""
    return round(sum(3.6 if c in _NARROW else 10.2 if c in _WIDE else 7.0 for c in text))
