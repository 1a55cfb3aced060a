"""The example site in a real browser (Playwright driving Debian's Chromium), in both themes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .browser import ARTIFACTS, ROOT, Visit, needs_browser, serve
from .site import build

pytestmark = needs_browser


def example_site(tmp: Path, theme: str) -> Path:
    """Build the repository's own site (its docs and cards) with one theme, offline.

    repo_url is left out: with it, Material fetches repository stars from GitHub in the browser;
    and the mkdocs theme's highlight.js, which it loads from a CDN, is turned off.
    """
    config: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config.pop("repo_url", None)
    config.pop("edit_uri", None)
    config["docs_dir"] = str(ROOT / "docs")
    config["site_dir"] = str(tmp / "site")
    if theme != "material":
        config["theme"] = {"name": theme, "highlightjs": False}  # else highlight.js comes from a CDN
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "mltrl" in entry:
            entry["mltrl"]["cards_dir"] = str(ROOT / "cards")
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            ext["pymdownx.snippets"]["base_path"] = [str(ROOT)]
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    result = build(path, "--strict")
    assert result.returncode == 0, result.stderr
    return tmp / "site"


@pytest.fixture(scope="module", params=["material", "mkdocs"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    site = example_site(tmp_path_factory.mktemp(request.param), request.param)
    with serve(site) as base:
        yield base, request.param


def visible_rows(page: Any) -> list[str]:
    return page.locator("table.mltrl-cards tbody tr:visible td:nth-child(1)").all_inner_texts()


def test_index_in_level_order_and_filter_narrows(browser: Any, served: tuple[str, str]):
    base, theme = served
    visit = Visit(browser, base + "cards/")
    page = visit.page
    levels = [
        int(x)
        for x in page.locator("table.mltrl-cards tbody tr").evaluate_all("rows => rows.map(r => r.dataset.level)")
    ]
    assert len(levels) == 6 and levels == sorted(levels, reverse=True)
    assert page.locator("form.mltrl-filter").is_visible()
    page.fill("form.mltrl-filter input[name=text]", "forecast")
    assert visible_rows(page) == ["P08.1"]
    page.fill("form.mltrl-filter input[name=text]", "")
    page.select_option("form.mltrl-filter select[name=level]", "9")
    assert visible_rows(page) == ["P09.3"]
    page.select_option("form.mltrl-filter select[name=level]", "")
    page.select_option("form.mltrl-filter select[name=tag]", "retail")
    assert sorted(visible_rows(page)) == ["P08.1", "R11.1"]
    page.select_option("form.mltrl-filter select[name=owner]", "Maya Cohen")
    assert visible_rows(page) == ["R11.1"]
    assert page.locator("form.mltrl-filter output").inner_text() == "1 of 6 cards"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.select_option("form.mltrl-filter select[name=owner]", "")
    page.select_option("form.mltrl-filter select[name=tag]", "")
    page.screenshot(path=str(ARTIFACTS / f"{theme}-index.png"))
    visit.check_clean()


def test_index_table_is_complete_without_javascript(browser: Any, served: tuple[str, str]):
    base, _ = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "cards/")
    assert page.locator("table.mltrl-cards tbody tr").count() == 6
    assert not page.locator("form.mltrl-filter").is_visible()  # no dead controls without the script
    context.close()


SECTIONS = ["summary", "tldr", "model", "intended-use", "requirements", "risk-matrix", "testing", "data", "caveats",
            "ethics-checklist", "level-history", "readiness-gates", "debrief"]  # fmt: skip


def test_card_page_sections_toc_matrix_and_chart(browser: Any, served: tuple[str, str]):
    base, theme = served
    visit = Visit(browser, base + "cards/R02.1/")
    page = visit.page
    for anchor in SECTIONS:
        assert page.locator(f"div.mltrl-card h2#{anchor}").is_visible(), anchor
        toc = page.locator(f'a[href="#{anchor}"]').filter(has_not=page.locator("div.mltrl-card"))
        assert toc.count() >= 1, f"{anchor} missing from the table of contents"

    card = yaml.safe_load((ROOT / "cards" / "mixed-bo.yaml").read_text())
    expected = {f"R{r['id']}": r["risk"] for r in card["requirements"] if "risk" in r}
    expected.update({r["id"]: r for r in card["risks"]})
    for label, risk in expected.items():
        row = 4 - min(int(risk["p_failure"] * 5), 4)  # likelihood bands of 0.2, highest first
        column = (risk["value"] - 1) // 2  # value bands 1-2, 3-4, ...
        cell = page.locator(f"table.mltrl-matrix tbody tr:nth-child({row + 1}) td:nth-of-type({column + 1})")
        chip = cell.locator(f'a[data-risk="{label}"]')
        assert chip.count() == 1, label
        chip_box, cell_box = chip.bounding_box(), cell.bounding_box()
        assert chip_box and cell_box
        assert (
            cell_box["x"] <= chip_box["x"]
            and chip_box["x"] + chip_box["width"] <= cell_box["x"] + cell_box["width"] + 0.5
        )
        assert (
            cell_box["y"] <= chip_box["y"]
            and chip_box["y"] + chip_box["height"] <= cell_box["y"] + cell_box["height"] + 0.5
        )

    chart = page.locator("svg.mltrl-history-chart")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 80
    assert chart.locator("[data-event]").count() == len(card["history"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(base + "cards/R02.1/")
    page.screenshot(path=str(ARTIFACTS / f"{theme}-card.png"))
    visit.check_clean()


def test_switchbacks_are_drawn_by_type(browser: Any, served: tuple[str, str]):
    base, _ = served
    visit = Visit(browser, base + "cards/R07.2/")
    markers = visit.page.locator("svg.mltrl-history-chart [data-switchback]")
    assert sorted(markers.evaluate_all("m => m.map(x => x.dataset.switchback)")) == ["discovery", "embedded"]
    assert all(markers.nth(i).is_visible() for i in range(markers.count()))
    visit.check_clean()


def test_index_sorts_by_clicking_headers_and_filters_by_stage_and_status(browser: Any, served: tuple[str, str]):
    base, _ = served
    visit = Visit(browser, base + "cards/")
    page = visit.page
    table = page.locator("table.mltrl-cards")

    def column(key: str) -> list[str]:
        return table.locator("tbody tr").evaluate_all(f"rows => rows.map(r => r.dataset.{key})")

    page.click("th[data-sort=name] button")
    names = column("name")
    assert names == sorted(names)
    page.click("th[data-sort=name] button")
    assert column("name") == sorted(names, reverse=True)
    page.click("th[data-sort=review] button")
    reviews = column("review")
    assert reviews == sorted(reviews, reverse=True)
    page.click("th[data-sort=system] button")
    systems = [int(x) for x in column("system")]
    assert systems == sorted(systems, reverse=True)
    assert table.locator("th[data-sort=system]").get_attribute("aria-sort") == "descending"
    page.click("th[data-sort=level] button")  # a first click sorts highest first
    levels = [int(x) for x in column("level")]
    assert levels == sorted(levels, reverse=True)
    page.click("th[data-sort=level] button")  # a second click reverses
    assert [int(x) for x in column("level")] == sorted(levels)
    page.select_option("form.mltrl-filter select[name=stage]", "productization")
    assert sorted(visible_rows(page)) == ["P08.1", "P21.4"]
    page.select_option("form.mltrl-filter select[name=stage]", "")
    page.select_option("form.mltrl-filter select[name=status]", "paused")
    assert visible_rows(page) == ["R11.1"]
    visit.check_clean()
