"""The plugin beside what real MkDocs sites combine: Markdown links to cards, Material's navigation
features and tags, mkdocs-static-i18n, the readthedocs theme. Real builds under --strict, read as
HTML and opened in Chromium."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from .browser import Visit, chromium, needs_browser, serve
from .cards import climbed, complete_card
from .site import build, make_site, page


def _cards() -> list[dict[str, object]]:
    return [
        complete_card("P08.1", level=5, history=climbed(5), tags=["forecasting", "<img src=x onerror=alert(1)>"]),
        complete_card("R02.1", level=3, history=climbed(3), tags=["forecasting"]),
    ]


def _post(root: Path, text: str) -> None:
    (root / "docs" / "blog").mkdir(exist_ok=True)
    (root / "docs" / "blog" / "post.md").write_text(f"# Post\n\n{text}\n")


@needs_browser
@pytest.mark.parametrize("directory_urls", [True, False])
def test_markdown_links_to_cards_by_id(tmp_path: Path, directory_urls: bool):
    cards = [*_cards(), complete_card("index", level=2, history=climbed(2))]
    config = make_site(tmp_path, cards, directory_urls=directory_urls)
    _post(
        tmp_path,
        "[a](../cards/P08.1.md), [b](../cards/P08.1.md#requirements), [c](../cards/portfolio.md), "
        "[d](../cards/index/index.md), [e](/cards/R02.1.md)",
    )
    data = yaml.safe_load(config.read_text())
    data["validation"] = {"links": {"absolute_links": "relative_to_docs"}}
    config.write_text(yaml.safe_dump(data))
    built = build(config, "--strict")
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    post = page(site, "blog/post/" if directory_urls else "blog/post.html")
    hrefs = [a["href"] for a in post.select("article a[href]") if "cards/" in a["href"]]
    if directory_urls:
        up = "../../cards/"
        expected = ["P08.1/", "P08.1/#requirements", "portfolio/", "index/", "R02.1/"]
    else:
        up = "../cards/"
        expected = ["P08.1/index.html", "P08.1/index.html#requirements", "portfolio/index.html"]
        expected += ["index/index.html", "R02.1/index.html"]
    assert hrefs == [up + e for e in expected]
    with serve(site) as base, chromium() as browser:  # a reader follows the link to the card
        visit = Visit(browser, base + ("blog/post/" if directory_urls else "blog/post.html"))
        visit.page.click("article a >> nth=1")
        visit.page.wait_for_load_state("networkidle")
        assert visit.page.url == base + "cards/P08.1/" + ("" if directory_urls else "index.html") + "#requirements"
        assert visit.page.locator("div.mltrl-card h1").inner_text() == "Technology P08.1"
        assert visit.page.locator("#requirements").is_visible()
        visit.check_clean()

    _post(tmp_path, "[a](../cards/NOPE.md)")
    missing = build(config, "--strict")
    assert missing.returncode == 1 and "'cards/NOPE.md' is not found among documentation files" in missing.stderr


@pytest.mark.parametrize("held", ["cards/P08.1.md", "cards/P08.1/index.md"])
def test_a_doc_in_the_place_of_a_card_page_is_refused(tmp_path: Path, held: str):
    config = make_site(tmp_path, _cards())
    (tmp_path / "docs" / held).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "docs" / held).write_text("# Mine\n")
    built = build(config)
    clash = f"the page of card 'P08.1' (cards/P08.1.yaml) and the docs file docs/{held} would both be written to"
    assert built.returncode == 1 and clash in built.stderr, built.stderr
    assert "Traceback" not in built.stderr


@needs_browser
def test_card_tags_are_material_tags(tmp_path: Path):
    cards = _cards()
    cards[0]["name"] = "Forecaster x](javascript:alert(2))[y"
    config = make_site(tmp_path, cards, extra={"plugins": ["search", "tags", {"mltrl": {}}]})
    (tmp_path / "docs" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n")
    (tmp_path / "docs" / "guide.md").write_text("---\ntags: [forecasting]\n---\n# Guide\n")
    built = build(config, "--strict")
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    index = page(site, "tags/")
    heading = index.find(id="tag:forecasting")
    assert heading is not None
    listed = heading.find_next("ul")
    assert listed is not None  # the cards beside the site's own page of that tag
    assert {a["href"] for a in listed.find_all("a")} == {"../cards/P08.1/", "../cards/R02.1/", "../guide/"}
    card = page(site, "cards/P08.1/")
    assert [a.get_text(strip=True) for a in card.select(".md-tag")] == ["forecasting", "‹img src=x onerror=alert(1)›"]
    for soup in (index, card):  # tags and titles are untrusted text: inert wherever the theme prints them
        assert not soup.select("img[onerror], a[href^=javascript]")
    assert "Forecaster x］(javascript:alert(2))［y" in index.get_text()
    with serve(site) as base, chromium() as browser:
        visit = Visit(browser, base + "cards/P08.1/")
        chip = visit.page.locator(".md-tag", has_text="forecasting")
        assert chip.is_visible()
        chip.click()
        visit.page.wait_for_load_state("networkidle")
        assert visit.page.url == base + "tags/#tag:forecasting"
        assert visit.page.locator("article a[href='../cards/R02.1/']").is_visible()
        visit.check_clean()


NAVIGATION = ["navigation.tabs", "navigation.sections", "toc.integrate"]


@pytest.mark.parametrize(
    "nav",
    [
        None,  # the automatic navigation: the index in a section "Cards"
        [{"Home": "index.md"}, {"TRL Cards": "cards/index.md"}],  # the index at the top level
        ["index.md", "cards/index.md"],
        [{"Home": "index.md"}],  # the plugin adds a section for the index
    ],
)
def test_card_pages_sit_under_the_index_tab_with_their_contents(tmp_path: Path, nav: list[object] | None):
    extra: dict[str, object] = {"theme": {"name": "material", "font": False, "features": NAVIGATION}}
    if nav is not None:
        extra["nav"] = nav
    built = build(make_site(tmp_path, _cards(), extra=extra), "--strict")
    assert built.returncode == 0, built.stderr
    for shown, other in (("P08.1", "R02.1"), ("R02.1", "P08.1")):  # rendered in this order
        card = page(tmp_path / "site", f"cards/{shown}/")
        assert [t.get_text(strip=True) for t in card.select(".md-tabs__item--active")] == [
            "Cards" if nav is None else "TRL Cards"
        ]
        sidebar = card.select_one(".md-sidebar--primary")
        assert sidebar is not None
        contents = [a["href"] for a in sidebar.select("[data-md-component=toc] a")]
        assert "#requirements" in contents and "#readiness-gates" in contents
        listed = [a.get_text(" ", strip=True) for a in sidebar.select(".md-nav__link")]
        assert f"Technology {shown}" in listed and f"Technology {other}" not in listed  # itself, no other card
    index = page(tmp_path / "site", "cards/")  # the index's own navigation lists no card
    assert not index.select(".md-sidebar--primary [data-md-component=toc]")
    assert "Technology P08.1" not in index.select_one(".md-sidebar--primary").get_text()


@needs_browser
@pytest.mark.parametrize("theme", ["material", "readthedocs"])
def test_a_card_page_navigation_shows_its_sections(tmp_path: Path, theme: str):
    """What a reader sees at 1280 px: the card under the index in the left navigation, with its
    sections, one click from each."""
    extra: dict[str, object] = {"nav": [{"Home": "index.md"}, {"TRL Cards": "cards/index.md"}]}
    if theme == "material":
        extra["theme"] = {"name": "material", "font": False, "features": NAVIGATION}
    built = build(make_site(tmp_path, _cards(), theme=theme, extra=extra), "--strict")
    assert built.returncode == 0, built.stderr
    sidebar = ".md-sidebar--primary" if theme == "material" else ".wy-nav-side"
    with serve(tmp_path / "site") as base, chromium() as browser:
        visit = Visit(browser, base + "cards/P08.1/")
        if theme == "material":
            tab = visit.page.locator(".md-tabs__item--active")
            assert tab.is_visible() and tab.inner_text().strip() == "TRL Cards"
        link = visit.page.locator(f"{sidebar} a[href='#requirements']")
        assert link.is_visible()
        link.click()  # the section comes to the top of the window (however the theme scrolls)
        visit.page.wait_for_function(
            "() => { const top = document.getElementById('requirements').getBoundingClientRect().top;"
            " return top >= 0 && top < 300; }"
        )
        assert visit.page.url.endswith("#requirements")
        visit.check_clean()


def _languages(structure: str, **options: object) -> dict[str, object]:
    languages = [
        {"locale": "en", "default": True, "name": "English", "build": True},
        {"locale": "fr", "name": "Français", "build": True},
    ]
    return {"i18n": {"docs_structure": structure, "languages": languages, **options}}


def _broken_relative_links(site: Path) -> list[str]:
    broken = []
    for html in site.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")):
            for element in soup.find_all(tag):
                url = str(element.get(attr) or "")
                parts = urlsplit(url)
                if not url or parts.scheme or parts.netloc or url.startswith(("#", "/")):
                    continue
                target = Path(os.path.normpath(html.parent / unquote(parts.path)))
                if not (target / "index.html" if target.is_dir() else target).is_file():
                    broken.append(f"{html.relative_to(site).as_posix()} -> {url}")
    return sorted(broken)


@pytest.mark.parametrize(
    ("structure", "mltrl_first", "directory_urls", "prefix"),
    [
        ("suffix", True, True, "cards"),
        ("suffix", False, True, "cards"),
        ("suffix", True, False, "cards"),
        ("suffix", False, False, "cards"),
        ("folder", False, True, "ml"),  # a first folder of two letters is a language in this layout
    ],
)
def test_i18n_builds_every_card_page_in_every_language(
    tmp_path: Path, structure: str, mltrl_first: bool, directory_urls: bool, prefix: str
):
    pytest.importorskip("mkdocs_static_i18n")
    # ids that the suffix layout would read as translations (`.de`, and any two letters)
    cards = [*_cards(), complete_card("ranker.de", level=2), complete_card("vision.ai", level=2)]
    config = make_site(tmp_path, cards, directory_urls=directory_urls, plugin={"url_prefix": prefix})
    docs = tmp_path / "docs"
    links = f"[P08.1]({prefix}/P08.1.md), [ranker]({prefix}/ranker.de.md), [vision]({prefix}/vision.ai.md)"
    if structure == "suffix":
        pages = {"": docs / "index.md", "fr/": docs / "index.fr.md"}
    else:
        (docs / "index.md").unlink()
        pages = {"": docs / "en" / "index.md", "fr/": docs / "fr" / "index.md"}
        links = links.replace(f"({prefix}/", f"(../{prefix}/")
    for folder, path in pages.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"# {'Accueil' if folder else 'Home'}\n\n{links}\n")
    data = yaml.safe_load(config.read_text())
    i18n = _languages(structure)
    mltrl = {"mltrl": {"url_prefix": prefix}}
    data["plugins"] = ["search", mltrl, i18n] if mltrl_first else ["search", i18n, mltrl]
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    built = build(config, "--strict")
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    end = "" if directory_urls else "index.html"
    for folder in ("", "fr/"):
        for card in ("P08.1", "R02.1", "ranker.de", "vision.ai"):
            shown = page(site, f"{folder}{prefix}/{card}/{end}")
            assert shown.html is not None and shown.html.get("lang") == (folder.strip("/") or "en")
            assert shown.select_one("div.mltrl-card h1").get_text() == f"Technology {card}"
            assert (site / folder / prefix / card / "badge.svg").is_file()
            for export in (f"{card}.cdx.json", "README.hf.txt"):  # written by the plugin, in each language
                assert (site / folder / prefix / card / export).is_file()
        home = page(site, folder if directory_urls else f"{folder}index.html")
        hrefs = [a["href"] for a in home.select("article a[href]") if f"{prefix}/" in a["href"]]
        assert hrefs == [f"{prefix}/{card}/{end}" for card in ("P08.1", "ranker.de", "vision.ai")]
    # every relative link resolves in French as in English: the same broken ones (a card's own
    # link into a wiki, `../wiki/c1`, resolves in neither)
    broken = _broken_relative_links(site)
    french = [b.removeprefix("fr/") for b in broken if b.startswith("fr/")]
    assert broken and french == [b for b in broken if not b.startswith("fr/")]
    assert all("wiki/c1" in b for b in broken), broken


def _i18n_site(root: Path, **options: object) -> Path:
    config = make_site(
        root, [*_cards(), complete_card("ranker.de", level=2)], extra={"site_url": "https://wiki.example.org/"}
    )
    (root / "docs" / "index.fr.md").write_text("# Accueil\n")
    data = yaml.safe_load(config.read_text())
    data["plugins"] = ["search", {"mltrl": {}}, _languages("suffix", **options)]
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    return config


@needs_browser
def test_i18n_card_pages_switch_language_and_are_in_the_sitemap(tmp_path: Path):
    pytest.importorskip("mkdocs_static_i18n")
    built = build(_i18n_site(tmp_path), "--strict")
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    sitemap = (site / "sitemap.xml").read_text()
    for folder in ("", "fr/"):
        assert f"<loc>https://wiki.example.org/{folder}cards/ranker.de/</loc>" in sitemap
    with serve(site) as base, chromium() as browser:
        visit = Visit(browser, base + "fr/cards/ranker.de/")
        assert visit.page.evaluate("document.documentElement.lang") == "fr"
        assert visit.page.locator("div.mltrl-card h1").inner_text() == "Technology ranker.de"
        assert visit.page.locator("div.mltrl-card img[src='badge.svg']").evaluate("img => img.naturalWidth") > 0
        # Material's language selector asks for a sitemap.xml beside each language's copy of the
        # page, on the site's own pages as on card pages; every other request is answered
        assert all(url.endswith("/sitemap.xml") for url in visit.failed), visit.failed
        assert [e for e in visit.errors if "404" not in e] == []
        english = visit.page.locator("a[hreflang=en]")  # Material's language selector
        assert english.get_attribute("href") == "../../../cards/ranker.de/"
        visit.page.goto(base + "fr/cards/ranker.de/" + english.get_attribute("href"))
        assert visit.page.url == base + "cards/ranker.de/"
        assert visit.page.evaluate("document.documentElement.lang") == "en"


def test_i18n_without_fallback_keeps_card_pages_in_the_default_language(tmp_path: Path):
    pytest.importorskip("mkdocs_static_i18n")
    built = build(_i18n_site(tmp_path, fallback_to_default=False), "--strict")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "cards" / "P08.1" / "index.html").is_file()
    assert not (tmp_path / "site" / "fr" / "cards").exists()


def test_the_automatic_navigation_shows_the_portfolio_once(tmp_path: Path):
    built = build(make_site(tmp_path, _cards()), "--strict")
    assert built.returncode == 0, built.stderr
    nav = page(tmp_path / "site", "cards/").select_one(".md-sidebar--primary")
    assert nav is not None
    titles = [link.get_text(" ", strip=True) for link in nav.select(".md-nav__link")]
    assert titles.count("Portfolio") == 1, titles


@needs_browser
def test_the_index_fits_the_readthedocs_column(tmp_path: Path):
    names = [f"Technology number {i} of the organisation" for i in range(12)]
    cards = [
        complete_card(f"P{i:02d}.1", level=i % 9 + 1, history=climbed(i % 9 + 1), name=names[i]) for i in range(12)
    ]
    built = build(make_site(tmp_path, cards, theme="readthedocs"), "--strict")
    assert built.returncode == 0, built.stderr
    with serve(tmp_path / "site") as base, chromium() as browser:
        visit = Visit(browser, base + "cards/", width=1280)
        table, column = visit.page.evaluate(
            "() => [document.querySelector('table.mltrl-cards').scrollWidth,"
            " document.querySelector('.rst-content').clientWidth]"
        )
        # every column (status, owners, last review, gates) is in view, none scrolled off to the right
        assert table <= column, (table, column)
        gates = visit.page.locator("table.mltrl-cards thead th").last.bounding_box()
        assert gates is not None and gates["x"] + gates["width"] <= 1280
        visit.check_clean()
