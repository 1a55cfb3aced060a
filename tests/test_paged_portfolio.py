"""A paged portfolio, forced at a few hundred cards: its figures as they are, the first rows of each
list of cards, and the whole lists on pages of their own. The same cards are built paged and not
paged, and the lists compared row by row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from mkdocs_mltrl.render.paging import PORTFOLIO_PREVIEW_ROWS
from mkdocs_mltrl.render.portfolio_parts import GRAPH, LISTS

from .browser import serve
from .site import build, make_site
from .test_paged_index import ROWS, cards

#: Each list's table on the portfolio page, by the list's name.
TABLES = {
    "stale-cards": "table.mltrl-stale",
    "gates-unmet": "table.mltrl-gates-unmet",
    "paused-retired": "table.mltrl-paused-retired",
    "system-levels": "table.mltrl-system-limited",
    "targets": "table.mltrl-targets",
    "waivers-active": "table.mltrl-waivers-active",
    "waivers-expired": "table.mltrl-waivers-expired",
}


def built(root: Path, paged: bool) -> Path:
    made = cards()
    made[3]["waivers"] = [
        {"gate": "MLTRL111", "reason": "Not yet.", "approved_by": "Lin Reviewer", "expires": "2031-01-01"}
    ]
    config = make_site(root, made, plugin={"paged_index": paged, "rows_per_page": ROWS})
    result = build(config)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(paged, not paged): the same cards, the same day."""
    return built(tmp_path_factory.mktemp("paged"), True), built(tmp_path_factory.mktemp("whole"), False)


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def rows(page: BeautifulSoup, selector: str, url: str) -> list[tuple[str, ...]]:
    """Each row of a table as its cells' text, card links made absolute (pages at other depths)."""
    out = []
    for tr in page.select(f"{selector} tbody tr"):
        links = tuple(urljoin(url, a["href"]) for a in tr.select("a[href]"))
        out.append((*(td.get_text() for td in tr.find_all("td")), *links))
    return out


def whole_list(site: Path, part: str) -> tuple[list[tuple[str, ...]], int]:
    """A list's rows, page after page following its pager's links; and the number of pages."""
    url, collected, pages = f"cards/portfolio/{part}/", [], 0
    while url:
        page = soup(site, url)
        collected += rows(page, TABLES[part], url)
        pages += 1
        following = page.select_one("nav.mltrl-pager a[rel=next]")
        url = urljoin(url, following["href"]) if following else ""
    return collected, pages


def test_each_list_shows_its_first_rows_and_links_to_all_of_them(sites: tuple[Path, Path]):
    paged, whole = sites
    page, full = soup(paged, "cards/portfolio/"), soup(whole, "cards/portfolio/")
    long_lists = 0
    for part, selector in TABLES.items():
        expected = rows(full, selector, "cards/portfolio/")
        shown = rows(page, selector, "cards/portfolio/")
        assert shown == expected[:PORTFOLIO_PREVIEW_ROWS], part
        if len(expected) <= PORTFOLIO_PREVIEW_ROWS:
            assert not (paged / "cards" / "portfolio" / part).exists(), part
            continue
        long_lists += 1
        link = page.select_one(f'p.mltrl-more a[href="{part}/"]')
        assert link is not None and link.get_text() == f"all {len(expected)}", part
        collected, pages = whole_list(paged, part)
        assert collected == expected, part  # every row, in the portfolio's order, once
        assert pages == -(-len(expected) // ROWS), part
    assert long_lists >= 3  # stale cards, gates not met, system levels at least: the test means something
    assert len(rows(full, TABLES["waivers-active"], "")) == 1 and rows(full, TABLES["targets"], "")


def test_the_figures_are_the_same_paged_or_not(sites: tuple[Path, Path]):
    paged, whole = sites
    page, full = soup(paged, "cards/portfolio/"), soup(whole, "cards/portfolio/")
    for selector in ("svg[data-chart=per-level]", "table.mltrl-per-stage", "table.mltrl-time-in-level",
                     "table.mltrl-switchback-types", "svg[data-chart=trend]", "table.mltrl-level-durations"):  # fmt: skip
        assert str(page.select_one(selector)) == str(full.select_one(selector)), selector
    headings = [h.get("id") for h in page.select("div.mltrl-portfolio h2")]
    assert headings == [h.get("id") for h in full.select("div.mltrl-portfolio h2")]


def test_the_component_graph_has_a_page_of_its_own(sites: tuple[Path, Path]):
    paged, whole = sites
    assert soup(paged, "cards/portfolio/").select("svg.mltrl-graph") == []
    link = soup(paged, "cards/portfolio/").select_one('a[href="component-graph/"]')
    assert link is not None
    on_page = soup(paged, f"cards/portfolio/{GRAPH}/").select_one("svg.mltrl-graph")
    in_full = soup(whole, "cards/portfolio/").select_one("svg.mltrl-graph")
    assert on_page is not None and in_full is not None
    for a in on_page.select("a[href]"):
        a["href"] = urljoin(f"cards/portfolio/{GRAPH}/", a["href"])
    for a in in_full.select("a[href]"):
        a["href"] = urljoin("cards/portfolio/", a["href"])
    assert str(on_page) == str(in_full)


def test_list_pages_are_out_of_search_and_titled(sites: tuple[Path, Path]):
    paged, _ = sites
    docs = json.loads((paged / "search" / "search_index.json").read_text())["docs"]
    locations = {d["location"] for d in docs}
    assert "cards/portfolio/" in locations
    assert not any(loc.startswith(f"cards/portfolio/{part}/") for part in [*LISTS, GRAPH] for loc in locations)
    page = soup(paged, "cards/portfolio/stale-cards/2/")
    assert page.select_one("div.mltrl-portfolio-part h1").get_text() == "Stale cards"
    assert page.title is not None and page.title.get_text().startswith("Stale cards, page 2")


def test_the_paged_portfolio_holds_far_fewer_elements(browser: Any, sites: tuple[Path, Path]):
    counts = []
    for site in sites:
        with serve(site) as base:
            page = browser.new_page()
            page.goto(base + "cards/portfolio/")
            page.wait_for_load_state("load")
            counts.append(page.evaluate("document.getElementsByTagName('*').length"))
            tables = page.locator("table.mltrl-list").evaluate_all(
                "ts => ts.map(t => t.querySelectorAll('tbody tr[data-id]').length)"
            )
            if site == sites[0]:
                assert max(tables) == PORTFOLIO_PREVIEW_ROWS
            page.close()
    paged, whole = counts
    assert paged * 2 < whole, counts
