"""A paged index, forced at a few hundred cards: one page of rows as HTML, every row as data beside
it, and plain links to every page. Built for real and opened in Chromium: what the DOM holds, that
every card is reachable with and without JavaScript, that rows the script builds are the rows the
pages hold, and that sorting and filtering the data give the right cards."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from mkdocs_mltrl.core import RESERVED_IDS
from mkdocs_mltrl.hosts.settings import parse_paged_index, parse_rows_per_page
from mkdocs_mltrl.render.paging import PAGED_ABOVE, is_paged
from mkdocs_mltrl.render.urls import INDEX_DATA, PAGES

from .browser import serve
from .site import build, make_site
from .test_hostile import EVIL, assert_inert
from .test_portfolio import generate

ROWS = 40
OWNERS = ["Ada Example", "Bo Ng", "Chidi Okafor", "Dana Ünal", EVIL[1], "Eve <b>bold</b>"]
TAGS = ["vision", "nlp", "retail", "risk", EVIL[0][:40], "ünïcode"]


def cards() -> list[dict[str, Any]]:
    """240 cards with varied levels, statuses, gates and components (test_portfolio's), given
    varied owners, tags, targets and a few hostile names."""
    out = generate()
    for i, card in enumerate(out):
        names = [OWNERS[i % len(OWNERS)]] + ([OWNERS[(i * 7 + 1) % len(OWNERS)]] if i % 4 == 0 else [])
        card["owners"] = [{"name": name} for name in names]
        card["tags"] = sorted({TAGS[i % len(TAGS)], TAGS[(i * 5) % len(TAGS)]})
        if i % 9 == 0:
            card["target"] = {"level": min(card["level"] + 1, 9), "date": "2030-06-30"}
        if i % 50 == 7:
            card["name"] = f"{EVIL[i % len(EVIL)][:150]} {i:03d}"
    return out


def site_of(root: Path, directory_urls: bool = True) -> tuple[Path, list[dict[str, Any]]]:
    made = cards()
    config = make_site(
        root, made, directory_urls=directory_urls, plugin={"paged_index": True, "rows_per_page": ROWS, "gates": "warn"}
    )
    result = build(config)
    assert result.returncode == 0, result.stderr
    return root / "site", made


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    return site_of(tmp_path_factory.mktemp("paged"))


@pytest.fixture(scope="module")
def paged_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """The same site with use_directory_urls: false (pages are files, links end in index.html)."""
    return site_of(tmp_path_factory.mktemp("files"), directory_urls=False)


def level_order(made: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in sorted(made, key=lambda c: (-c["level"], c["name"].lower(), c["id"].lower()))]


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def crawl(site: Path, start: str) -> tuple[list[str], list[str]]:
    """Follow the pager links from ``start`` without JavaScript, as a crawler or `lynx` would:
    the pages visited, and the card links of their tables in page order."""
    pages, seen, card_links = [start], {start}, []
    for url in pages:
        path = site / url
        soup = soup_of((path / "index.html" if url.endswith("/") else path).read_text(encoding="utf-8"))
        for a in soup.select("table.mltrl-cards tbody tr td:first-child a"):
            card_links.append(urljoin(url, a["href"]))
        for a in soup.select("nav.mltrl-pager a"):
            target = urljoin(url, a["href"])
            if target not in seen:
                seen.add(target)
                pages.append(target)
    return pages, card_links


def test_the_switch_is_automatic_above_the_threshold_and_can_be_forced():
    assert not is_paged(PAGED_ABOVE, None) and is_paged(PAGED_ABOVE + 1, None)
    assert is_paged(3, True) and not is_paged(10_000, False)
    assert parse_paged_index("auto") is None and parse_paged_index(True) and parse_paged_index(False) is False
    for bad in ("yes", 1, "sometimes"):
        with pytest.raises(ValueError, match="paged_index must be auto, true or false"):
            parse_paged_index(bad)
    with pytest.raises(ValueError, match="rows_per_page"):
        parse_rows_per_page(5)
    assert {PAGES, INDEX_DATA} <= RESERVED_IDS  # no card can take the pages' folder or the data file


def test_a_bad_option_stops_the_build_with_its_message(tmp_path: Path):
    config = make_site(tmp_path, cards()[:3], plugin={"paged_index": "sometimes"})
    result = build(config)
    assert result.returncode != 0
    assert "paged_index must be auto, true or false, got 'sometimes'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_small_site_keeps_one_table_and_no_data(tmp_path: Path):
    config = make_site(tmp_path, cards()[:30])
    assert build(config).returncode == 0
    site = tmp_path / "site"
    soup = soup_of((site / "cards" / "index.html").read_text(encoding="utf-8"))
    assert len(soup.select("table.mltrl-cards tbody tr")) == 30
    assert soup.select_one("table.mltrl-cards").get("data-src") is None
    assert soup.select("nav.mltrl-pager") == []
    assert not (site / "cards" / INDEX_DATA).exists() and not (site / "cards" / PAGES).exists()


@pytest.mark.parametrize("which", ["paged", "paged_files"])
def test_every_card_is_reachable_without_javascript_in_level_order(which: str, request: pytest.FixtureRequest):
    site, made = request.getfixturevalue(which)
    start = "cards/" if which == "paged" else "cards/index.html"
    pages, links = crawl(site, start)
    assert len(pages) == -(-len(made) // ROWS) == 6
    suffix = "/" if which == "paged" else "/index.html"
    assert links == [f"cards/{card_id}{suffix}" for card_id in level_order(made)]  # each once, in order
    for url in pages:
        path = site / url
        html = (path / "index.html" if url.endswith("/") else path).read_text(encoding="utf-8")
        assert len(soup_of(html).select("table.mltrl-cards tbody tr")) <= ROWS
        assert_inert(html, carries_evil=False)
    assert all((site / link).is_file() or (site / link / "index.html").is_file() for link in links)


def test_the_data_holds_every_row_as_text_and_stays_inert(paged: tuple[Path, list[dict[str, Any]]]):
    site, made = paged
    raw = (site / "cards" / INDEX_DATA).read_text(encoding="utf-8")
    assert "<" not in raw and ">" not in raw and "&" not in raw  # escaped as \u003c etc.
    data = json.loads(raw)
    by_id = {c["id"]: c for c in made}
    assert [row[0] for row in data["rows"]] == level_order(made)
    for row in data["rows"]:
        card = by_id[row[0]]
        assert row[1] == card["name"] and row[3] == card["level"]
        assert [data["owners"][i] for i in row[8]] == [o["name"] for o in card["owners"]]
        assert [data["tags"][i] for i in row[11]] == card["tags"]
        assert row[2] == f"{card['id']}/"
    # the search index leaves the more pages out: search finds the cards on their own pages
    locations = {d["location"] for d in json.loads((site / "search" / "search_index.json").read_text())["docs"]}
    assert not any(loc.startswith(f"cards/{PAGES}/") for loc in locations) and "cards/" in locations


def opened(browser: Any, url: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_selector("form.mltrl-filter:not([hidden])")
    page.errors, page.dialogs = errors, dialogs
    return page


#: Each shown row as the browser holds it, links made absolute (pages at other depths write the same
#: link differently).
ROWS_JS = """() => [...document.querySelectorAll('table.mltrl-cards tbody tr')].map(tr => {
  const copy = tr.cloneNode(true);
  copy.querySelectorAll('a[href]').forEach(a => a.setAttribute('href', a.href));
  return copy.outerHTML;
})"""


def shown_ids(page: Any) -> list[str]:
    return page.locator("table.mltrl-cards tbody tr td:first-child code").all_inner_texts()


def all_pages(page: Any) -> list[str]:
    """Every card id shown, going from page to page with the pager's Next button."""
    ids = shown_ids(page)
    while page.locator("nav.mltrl-pager button[data-go=next]").count():
        page.click("nav.mltrl-pager button[data-go=next]")
        ids += shown_ids(page)
    return ids


@pytest.mark.parametrize("which", ["paged", "paged_files"])
def test_the_script_builds_the_rows_the_pages_hold(browser: Any, which: str, request: pytest.FixtureRequest):
    site, made = request.getfixturevalue(which)
    index = "cards/" if which == "paged" else "cards/index.html"
    pages, _ = crawl(site, index)
    with serve(site) as base:
        page = opened(browser, base + index)
        static = browser.new_page(java_script_enabled=False)
        for number, url in enumerate(pages, 1):
            static.goto(base + url)
            expected = static.evaluate(ROWS_JS)
            if number > 1:
                page.click("nav.mltrl-pager button[data-go=next]")
            assert page.evaluate(ROWS_JS) == expected, f"page {number}"
            assert page.locator("nav.mltrl-pager [aria-current=page]").inner_text() == str(number)
        # the script on a page further in starts on that page, with every card behind it
        further = opened(browser, base + pages[2])
        assert shown_ids(further) == level_order(made)[2 * ROWS : 3 * ROWS]
        assert page.errors == [] and further.errors == [] and page.dialogs == []


def test_the_dom_holds_one_page_and_every_card_is_reachable(browser: Any, paged: tuple[Path, list[dict[str, Any]]]):
    site, made = paged
    with serve(site) as base:
        page = opened(browser, base + "cards/")
        assert page.locator("table.mltrl-cards tbody tr").count() == ROWS
        elements = page.evaluate("document.getElementsByTagName('*').length")
        assert elements < 3000, elements  # a table of all 240 rows alone is over 4,000 elements
        assert page.locator("form.mltrl-filter output").inner_text() == f"{len(made)} of {len(made)} cards"
        assert all_pages(page) == level_order(made)
        # hostile names are text: shown as written, nothing they hold became an element or ran
        names = {c["id"]: c["name"] for c in made}
        cells = page.locator("table.mltrl-cards tbody tr").evaluate_all(
            "rows => rows.map(r => [r.cells[0].textContent, r.cells[1].textContent])"
        )
        assert all(names[card_id] == name for card_id, name in cells)
        assert page.locator("table.mltrl-cards img, table.mltrl-cards script, table.mltrl-cards svg").count() == 0
        assert page.dialogs == [] and page.errors == []


def expected_sort(made: list[dict[str, Any]], key: str, descending: bool) -> list[str]:
    base = sorted(made, key=lambda c: (-c["level"], c["name"].lower(), c["id"].lower()))
    values = {
        "name": lambda c: c["name"].lower(),
        "level": lambda c: c["level"],
        "review": lambda c: c["history"][-1]["date"],
    }[key]
    return [c["id"] for c in sorted(base, key=values, reverse=descending)]  # stable: ties keep level order


def test_sorting_works_on_every_row_not_the_page(browser: Any, paged: tuple[Path, list[dict[str, Any]]]):
    site, made = paged
    with serve(site) as base:
        page = opened(browser, base + "cards/")
        page.click("nav.mltrl-pager button[data-go=next]")  # sorting starts again from the first page
        for key, descending in (("name", False), ("name", True), ("review", True), ("level", True), ("level", False)):
            page.click(f"th[data-sort={key}] button")
            assert page.locator(f"th[data-sort={key}]").get_attribute("aria-sort") == (
                "descending" if descending else "ascending"
            )
            assert shown_ids(page) == expected_sort(made, key, descending)[:ROWS], (key, descending)
        assert all_pages(page) == expected_sort(made, "level", False)
        page.click("th[data-sort=system] button")
        systems = [int(x) for x in page.locator("table.mltrl-cards tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.system)")]  # fmt: skip
        assert (
            systems == sorted(systems, reverse=True)
            and systems[0] == max(json.loads((site / "cards" / INDEX_DATA).read_text())["rows"], key=lambda r: r[4])[4]
        )


def test_filters_select_from_every_row(browser: Any, paged: tuple[Path, list[dict[str, Any]]]):
    site, made = paged
    order = level_order(made)
    by_id = {c["id"]: c for c in made}

    def owners(card: dict[str, Any]) -> list[str]:
        return [o["name"] for o in card["owners"]]

    with serve(site) as base:
        page = opened(browser, base + "cards/")
        checks: list[tuple[str, str, Any]] = [
            ("level", "3", lambda c: c["level"] == 3),
            ("status", "paused", lambda c: c["status"] == "paused"),
            ("tag", TAGS[4], lambda c: TAGS[4] in c["tags"]),
            ("owner", EVIL[1], lambda c: EVIL[1] in owners(c)),
            ("stage", "productization", lambda c: 5 <= c["level"] <= 8),
        ]
        for name, value, keep in checks:
            page.select_option(f"form.mltrl-filter select[name={name}]", value)
            want = [i for i in order if keep(by_id[i])]
            assert want, name
            assert page.locator("form.mltrl-filter output").inner_text() == f"{len(want)} of {len(made)} cards"
            assert all_pages(page) == want, name
            page.select_option(f"form.mltrl-filter select[name={name}]", "")
        target = made[123]
        page.fill("form.mltrl-filter input[name=text]", target["name"].upper())
        assert shown_ids(page) == [i for i in order if target["name"].lower() in by_id[i]["name"].lower()]
        page.fill("form.mltrl-filter input[name=text]", "no card is called this")
        assert shown_ids(page) == []
        assert page.locator("nav.mltrl-pager").inner_text().strip() == "No card matches."
        assert page.errors == []


def test_keyboard_users_page_and_sort_without_losing_their_place(
    browser: Any, paged: tuple[Path, list[dict[str, Any]]]
):
    site, made = paged
    with serve(site) as base:
        page = opened(browser, base + "cards/")
        page.focus("nav.mltrl-pager button[data-go=next]")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.dataset.go") == "next"  # focus stays on Next
        page.keyboard.press("Enter")
        assert page.locator("nav.mltrl-pager [aria-current=page]").inner_text() == "3"
        labels = page.locator("nav.mltrl-pager button").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
        assert "Previous page" in labels and "Page 3" in labels and "Next page" in labels
        page.focus("th[data-sort=name] button")
        page.keyboard.press("Space")
        assert page.locator("th[data-sort=name]").get_attribute("aria-sort") == "ascending"
        assert shown_ids(page) == expected_sort(made, "name", False)[:ROWS]
        assert page.locator("table.mltrl-cards thead th").count() == 10  # the target column: some cards set one
        assert page.locator("form.mltrl-filter output[aria-live=polite]").count() == 1


def test_without_the_data_file_the_page_stays_a_static_page(browser: Any, paged: tuple[Path, list[dict[str, Any]]]):
    site, made = paged
    with serve(site) as base:
        page = browser.new_page()
        page.route(re.compile(r".*/index\.json$"), lambda route: route.abort())
        page.goto(base + f"cards/{PAGES}/2/")
        page.wait_for_load_state("networkidle")
        assert shown_ids(page) == level_order(made)[ROWS : 2 * ROWS]
        assert page.locator("form.mltrl-filter").is_hidden()  # no controls that cannot work
        assert page.locator("nav.mltrl-pager a").count() == 6 + 2  # every page, previous and next
