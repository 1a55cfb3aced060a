"""The plugin in real `mkdocs build`s: pages, sections, index order, nav, themes, URLs, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mkdocs_mltrl.render import CARD_SECTIONS

from .cards import DEFAULT_ITEMS, climbed, complete_card, history
from .site import build, make_site, page
from .test_cli import mltrl

SECTION_IDS = [anchor for anchor, _ in CARD_SECTIONS if anchor != "other"]


def portfolio() -> list[dict]:
    return [
        complete_card("R02.1", level=4, name="Mixed optimiser", components=["P13.2", {"name": "Vendor OCR", "level": 3}],
                      history=history(("2021-01-01", "start", 2), ("2021-03-01", "graduate", 3), ("2021-06-01", "graduate", 4))),
        complete_card("P13.2", level=8, name="Forecast service"),
        complete_card("R10", level=2, name="Alpha research", tags=["alpha"], owners=["Zed <zed@example.org>"],
                      history=history(("2022-01-01", "start", 2))),
        complete_card("C7", level=8, name="Beta classifier", history=history(("2022-01-01", "start", 8))),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    extra = {
        "repo_url": "https://git.example.org/org/wiki",
        "edit_uri": "edit/main/docs/",
        "theme": {"name": "material", "font": False, "features": ["content.action.edit"]},
    }
    config = make_site(root, portfolio(), extra=extra)
    result = build(config, "--strict")
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_every_card_has_its_page_with_every_section(built: Path):
    for card_id in ("R02.1", "P13.2", "R10", "C7"):
        soup = page(built, f"cards/{card_id}/")
        body = soup.select_one("div.mltrl-card")
        assert body is not None and body["data-card-id"] == card_id
        ids = [h["id"] for h in body.find_all("h2")]
        assert ids == SECTION_IDS


def test_sections_are_in_the_table_of_contents(built: Path):
    soup = page(built, "cards/R02.1/")
    toc_links = {a["href"] for a in soup.select("nav.md-nav--secondary a")}
    assert {f"#{anchor}" for anchor in SECTION_IDS} <= toc_links


def test_summary_table_lists_level_components_and_versions(built: Path):
    soup = page(built, "cards/R02.1/")
    rows = {tr.th.get_text(strip=True): tr.td for tr in soup.select("table.mltrl-summary tr")}
    assert rows["Level"].get_text(strip=True) == "4 – Proof of Concept (PoC) Development"
    assert rows["Stage"].get_text(strip=True) == "prototyping"
    assert "limited by Vendor OCR (level 3)" in rows["System level"].get_text(" ", strip=True)
    link = rows["Components"].find("a")
    assert link.get_text() == "Forecast service" and link["href"] == "../P13.2/"
    assert "level 8" in rows["Components"].get_text()
    assert "1.2.0" in rows["Versions"].get_text()
    assert rows["Owners"].find("a")["href"] == "mailto:ada@example.org"


def test_requirements_are_ordered_numerically(tmp_path: Path):
    reqs = [{"id": i, "text": f"req {i}"} for i in ("10", "2", "1.2", "1", "1.10", "1.1")]
    config = make_site(
        tmp_path, [complete_card(level=1, requirements=reqs, risks=[], history=history(("2021-01-01", "start", 1)))]
    )
    assert build(config).returncode == 0
    soup = page(tmp_path / "site", "cards/C1/")
    ids = [tr.td.get_text(strip=True) for tr in soup.select("table.mltrl-requirements tbody tr")]
    assert ids == ["1", "1.1", "1.2", "1.10", "2", "10"]


def test_risk_matrix_places_each_risk_in_its_cell(built: Path):
    soup = page(built, "cards/R02.1/")
    cells = {a["data-risk"]: a.find_parent("td") for a in soup.select("table.mltrl-matrix a.mltrl-chip")}
    # requirement 1: p 0.1 value 8 -> bottom row (4), column 7-8 (3); score 0.8 low
    assert (cells["R1"]["data-row"], cells["R1"]["data-column"]) == ("4", "3")
    # requirement 2: p 0.3 value 5 -> row 0.2-0.4 (3), column 5-6 (2)
    assert (cells["R2"]["data-row"], cells["R2"]["data-column"]) == ("3", "2")
    # risk K1: p 0.5 value 6 -> row 0.4-0.6 (2), column 5-6 (2); score 3.0 medium
    assert (cells["K1"]["data-row"], cells["K1"]["data-column"]) == ("2", "2")
    assert "mltrl-score-medium" in soup.select_one('a[data-risk="K1"]')["class"]
    cells5 = soup.select("table.mltrl-risks tbody tr td:nth-of-type(5)")
    scores = [float(td.get_text().split()[0]) for td in cells5]  # "3.00 medium": the score and its band in words
    assert scores == sorted(scores, reverse=True)
    assert [td.select_one(".mltrl-band").get_text() for td in cells5][:1] == ["medium"]


def test_ethics_checklist_shows_every_item_and_progress(built: Path):
    soup = page(built, "cards/R10/")
    rows = soup.select("table.mltrl-ethics tbody tr")
    n = len(DEFAULT_ITEMS)
    assert len(rows) == n
    assert soup.select_one("p.mltrl-progress").get_text(" ", strip=True).startswith(f"{n} of {n}")


def test_level_history_table_and_chart(built: Path):
    soup = page(built, "cards/R02.1/")
    assert len(soup.select("table.mltrl-history tbody tr")) == 3
    svg = soup.select_one("svg.mltrl-history-chart")
    assert svg is not None and len(svg.select("[data-event]")) == 3


def test_switchbacks_are_marked_by_type(tmp_path: Path):
    card = complete_card(
        level=2, history=history(("2021-01-01", "start", 4), ("2021-02-01", "switchback", 2, "embedded"))
    )
    assert build(make_site(tmp_path, [card])).returncode == 0
    marker = page(tmp_path / "site", "cards/C1/").select_one('svg [data-event="switchback"]')
    assert marker["data-switchback"] == "embedded"


def test_readiness_gates_show_met_and_next_level(tmp_path: Path):
    card = complete_card(level=4, history=climbed(4))
    del card["versions"]["model"]
    assert build(make_site(tmp_path, [card])).returncode == 0
    soup = page(tmp_path / "site", "cards/C1/")
    # the current level's deliverables, one row each; earlier levels summed up
    assert [tr.select("td")[3].get_text() for tr in soup.select("tr.mltrl-gate-row-met")] == [
        "MLTRL141",
        "MLTRL142",
        "MLTRL143",
        "MLTRL144",
        "MLTRL145",
    ]
    assert not soup.select("tr.mltrl-gate-row-unmet")
    assert "Levels 0–3: 9 of 9 deliverables met." in soup.get_text()
    assert not soup.select("p.mltrl-entered")
    todo = soup.select_one("ul.mltrl-todo").get_text(" ", strip=True)
    assert "MLTRL153" in todo


def test_missing_earlier_deliverables_are_listed(tmp_path: Path):
    card = complete_card(level=4, history=climbed(4))
    del card["model"]
    assert build(make_site(tmp_path, [card])).returncode == 0
    soup = page(tmp_path / "site", "cards/C1/")
    unmet = [tr.select("td")[3].get_text() for tr in soup.select("tr.mltrl-gate-row-unmet")]
    assert unmet == ["MLTRL111"]
    assert "1 of 14 deliverables up to level 4 missing." in soup.select_one("p.mltrl-gate-summary").get_text()


def test_gates_below_the_entry_level_say_entered_at(tmp_path: Path):
    card = complete_card(level=6, history=climbed(6, start=3))
    del card["model"]  # a level-1 deliverable, not asked of a card that entered at 3
    result = build(make_site(tmp_path, [card]))
    assert result.returncode == 0 and "warning MLTRL111" not in result.stderr
    soup = page(tmp_path / "site", "cards/C1/")
    entered = soup.select_one("p.mltrl-entered").get_text(" ", strip=True)
    assert entered == "Entered at level 3: the gates of levels 0–2 are not asked (MLTRL111 not met)."
    assert not soup.select("tr.mltrl-gate-row-unmet")
    codes = [tr.select("td")[3].get_text() for tr in soup.select("table.mltrl-gates tbody tr")]
    assert codes and all(code[6] == "6" for code in codes)
    assert "Levels 3–5:" in soup.get_text()


def test_index_lists_cards_by_level_then_name(built: Path):
    soup = page(built, "cards/")
    names = [tr.select("td")[1].get_text(strip=True) for tr in soup.select("table.mltrl-cards tbody tr")]
    assert names == ["Beta classifier", "Forecast service", "Mixed optimiser", "Alpha research"]
    first = soup.select_one("table.mltrl-cards tbody tr")
    assert first.a["href"] == "C7/"
    headers = [th.get_text(strip=True) for th in soup.select("table.mltrl-cards thead th")]
    assert headers == [
        "ID",
        "Name",
        "Level",
        "System level",
        "Stage",
        "Status",
        "Owners",
        "Last review",
        "Gates",
    ]  # a Target column only when a card sets a target
    assert soup.select_one("form.mltrl-filter") is not None
    script = soup.find("script", src=re.compile(r"mltrl\.js$"))
    assert script is not None and (built / "cards" / script["src"]).is_file()


def test_nav_holds_the_index_not_the_cards(built: Path):
    soup = page(built, "index.html")
    nav_links = [a.get("href", "") for a in soup.select("nav.md-nav--primary a")]
    assert any(h.rstrip("/").endswith("cards") for h in nav_links)
    assert not any("R02.1" in h for h in nav_links)


def test_nav_cards_lists_card_pages(tmp_path: Path):
    config = make_site(tmp_path, portfolio(), plugin={"nav_cards": True})
    assert build(config).returncode == 0
    nav_links = [a.get("href", "") for a in page(tmp_path / "site", "index.html").select("nav.md-nav--primary a")]
    assert any("R02.1" in h for h in nav_links)


def test_explicit_nav_gets_a_section_with_the_index(tmp_path: Path):
    config = make_site(tmp_path, portfolio(), extra={"nav": [{"Home": "index.md"}]})
    result = build(config, "--strict")
    assert result.returncode == 0, result.stderr
    nav = page(tmp_path / "site", "index.html").select("nav.md-nav--primary")[0].get_text(" ", strip=True)
    assert "TRL Cards" in nav


def test_edit_link_opens_the_card_file(built: Path):
    soup = page(built, "cards/R02.1/")
    edit = soup.select_one("a.md-content__button[href*='edit']")
    assert edit["href"] == "https://git.example.org/org/wiki/edit/main/cards/R02.1.yaml"


def test_card_pages_are_in_the_search_index(built: Path):
    import json

    index = json.loads((built / "search" / "search_index.json").read_text())
    locations = {doc["location"] for doc in index["docs"]}
    assert "cards/R02.1/" in locations
    assert "cards/R02.1/#requirements" in locations


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
@pytest.mark.parametrize("directory_urls", [True, False])
def test_themes_and_url_styles(tmp_path: Path, theme: str, directory_urls: bool):
    config = make_site(tmp_path, portfolio(), theme=theme, directory_urls=directory_urls)
    result = build(config, "--strict")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    card_url = "cards/R02.1/" if directory_urls else "cards/R02.1/index.html"
    soup = page(site, card_url)
    assert [h["id"] for h in soup.select("div.mltrl-card h2")] == SECTION_IDS
    # every link the plugin wrote is relative and lands on a file of the site
    base = (site / card_url).parent if not directory_urls else site / card_url
    for a in soup.select("div.mltrl-card a[href]"):
        href = a["href"]
        if href.startswith(("http", "mailto:", "#")) or "nofollow" in a.get("rel", []):
            continue  # external, in-page, or a link written in the card itself
        assert not href.startswith("/"), href
        target = (base / href.split("#")[0]).resolve()
        assert target.exists() or (target / "index.html").exists(), href
    # search plugins index every section of a card with its text (and the page keeps its full HTML)
    import json

    index = json.loads((site / "search" / "search_index.json").read_text())
    docs = {doc["location"]: doc for doc in index["docs"]}
    card_loc = "cards/R02.1/" if directory_urls else "cards/R02.1/index.html"
    assert "Gates" not in docs.get(card_loc + "#requirements", {}).get("text", "Gates")  # section text only
    assert "Shall classify images." in docs[card_loc + "#requirements"]["text"]
    assert docs[card_loc + "#risk-matrix"]["title"] == "Risk matrix"
    assert soup.select_one("table.mltrl-requirements") is not None
    css = [link["href"] for link in soup.select("link[rel=stylesheet]") if "mltrl" in link["href"]]
    assert css and not css[0].startswith("/") and (base / css[0]).resolve().is_file()


def test_properdocs_builds_the_same_site(tmp_path: Path):
    pytest.importorskip("properdocs")
    config = make_site(tmp_path, portfolio(), theme="material")
    result = build(config, "--strict", tool="properdocs")
    assert result.returncode == 0, result.stderr
    assert [h["id"] for h in page(tmp_path / "site", "cards/R02.1/").select("div.mltrl-card h2")] == SECTION_IDS


def test_card_errors_abort_before_anything_is_written(tmp_path: Path):
    config = make_site(tmp_path, portfolio())
    assert build(config).returncode == 0
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    broken = tmp_path / "cards" / "broken.yaml"
    broken.write_text("mltrl: 1\nid: X1\nname: x\nlevel: 12\nsummary: s\nowners: [a]\n")
    (tmp_path / "cards" / "dup.yaml").write_text("mltrl: 1\nid: r10\nname: x\nlevel: 0\nsummary: s\nowners: [a]\n")
    result = build(config)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cards/broken.yaml:4:8: error schema level: 12 is greater than the maximum of 9" in result.stderr
    assert "cards/dup.yaml:2:5: error MLTRL001" in result.stderr
    after = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before


def test_warnings_fail_only_strict_builds(tmp_path: Path):
    card = complete_card(level=5, history=climbed(5), components=["NOPE"])
    config = make_site(tmp_path, [card])
    relaxed = build(config)
    assert relaxed.returncode == 0
    assert "WARNING -  mltrl: cards/C1.yaml" in relaxed.stderr and "MLTRL002" in relaxed.stderr
    assert build(config, "--strict").returncode == 1


def test_missing_deliverables_are_status_in_builds_and_bite_where_asked(tmp_path: Path):
    card = complete_card(level=5, history=climbed(5))
    del card["model"]
    config = make_site(tmp_path, [card])
    strict = build(config, "--strict")
    assert strict.returncode == 0, strict.stderr
    assert "INFO    -  mltrl: cards/C1.yaml" in strict.stderr and "info MLTRL111" in strict.stderr
    unmet = page(tmp_path / "site", "cards/C1/").select("table.mltrl-gates tr.mltrl-gate-row-unmet")
    assert [row.find_all("td")[-1].get_text() for row in unmet] == ["MLTRL111"]  # the card's status, on its page
    # the check is `mltrl validate`: a warning, failing under --strict; `info` never fails
    validated = mltrl("validate", "--strict", cwd=tmp_path)
    assert validated.returncode == 1 and "warning MLTRL111" in validated.stdout
    relaxed = mltrl("validate", "--strict", "--gates", "info", cwd=tmp_path)
    assert relaxed.returncode == 0 and "info MLTRL111" in relaxed.stdout
    # `gates: error` stops the build as well
    config.write_text(config.read_text().replace("mltrl: {}", "mltrl:\n      gates: error"))
    failed = build(config)
    assert failed.returncode == 1 and "error MLTRL111" in failed.stderr


def test_gates_off_as_yaml11_false(tmp_path: Path):
    card = complete_card(level=5, history=climbed(5))
    del card["model"]
    config = make_site(tmp_path, [card])
    config.write_text(config.read_text().replace("mltrl: {}", "mltrl:\n      gates: off"))
    assert "gates: off" in config.read_text()
    built = build(config, "--strict")
    assert built.returncode == 0 and "MLTRL111" not in built.stderr


def test_docs_dir_is_never_written(tmp_path: Path):
    config = make_site(tmp_path, portfolio())
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "docs").rglob("*"))
    assert build(config).returncode == 0
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "docs").rglob("*")) == before


def test_templates_can_be_overridden(tmp_path: Path):
    (tmp_path / "overrides").mkdir(parents=True)
    (tmp_path / "overrides" / "index.html").write_text(
        '<div class="mltrl"><h1 id="trl-cards">{{ title }}</h1><p id="custom">{{ cards | length }} cards</p></div>'
    )
    config = make_site(tmp_path, portfolio(), plugin={"templates_dir": "overrides", "title": "Readiness"})
    assert build(config).returncode == 0
    soup = page(tmp_path / "site", "cards/")
    assert soup.select_one("#custom").get_text() == "4 cards"
    assert soup.select_one("div.mltrl h1").get_text() == "Readiness"


def test_url_prefix(tmp_path: Path):
    config = make_site(tmp_path, portfolio(), plugin={"url_prefix": "readiness/trl"})
    assert build(config, "--strict").returncode == 0
    soup = page(tmp_path / "site", "readiness/trl/R02.1/")
    assert soup.select_one("div.mltrl-card") is not None


def test_hostile_strings_stay_inert(tmp_path: Path):
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>{{ 7*7 }}{% include "x" %}</svg></table>'
    card = complete_card(
        "EVIL",
        level=4,
        name=evil,
        summary=f"{evil}\n\n[click](javascript:alert(3)) ![i](data:image/png;base64,AAAA) <!-- c -->\n\n[r]: javascript:alert(4)\n[ref][r]",
        tags=[evil],
        owners=[{"name": evil, "email": "a@b.c"}],
        history=history(("2021-01-01", "start", 4)),
        requirements=[
            {"id": "1", "text": evil, "verification": evil, "validation": evil, "risk": {"p_failure": 0.5, "value": 5}}
        ],
        risks=[{"id": "K<1>", "title": evil, "p_failure": 0.2, "value": 2, "mitigation": evil}],
        **{"x-notes": evil, "x-more": {"k": evil}},
    )
    config = make_site(tmp_path, [card])
    result = build(config)
    assert result.returncode == 0, result.stderr
    for url in ("cards/EVIL/", "cards/"):
        raw = (tmp_path / "site" / url / "index.html").read_text()
        soup = BeautifulSoup(raw, "html.parser")
        scripts = [s for s in soup.find_all("script") if "alert" in (s.string or "")]
        assert scripts == []
        assert soup.find("img", onerror=True) is None
        for tag in soup.find_all(True):
            for attr, value in tag.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not attr.startswith("on"), (tag.name, attr)
                assert not text.strip().lower().startswith(("javascript:", "data:")), (tag.name, attr, text)
        assert "49" not in soup.get_text().replace("2049", "")
        assert "{{ 7*7 }}" in soup.get_text()
    title = BeautifulSoup((tmp_path / "site" / "cards/EVIL/index.html").read_text(), "html.parser").title.get_text()
    assert "<" not in title and "script" in title


def test_stage_bands_can_be_configured(tmp_path: Path):
    config = make_site(tmp_path, portfolio(), plugin={"stages": {3: "research", 4: "research"}})
    result = build(config, "--strict")
    assert result.returncode == 0, result.stderr
    card = page(tmp_path / "site", "cards/R02.1/")  # level 4
    rows = {tr.th.get_text(strip=True): tr.td.get_text(strip=True) for tr in card.select("table.mltrl-summary tr")}
    assert rows["Stage"] == "research"
    index = page(tmp_path / "site", "cards/")
    options = [o.get_text() for o in index.select("form.mltrl-filter select[name=stage] option")][1:]
    assert options == ["research", "productization", "deployment"]
    stages = [
        tr["data-stage"] for tr in page(tmp_path / "site", "cards/portfolio/").select("table.mltrl-per-stage tbody tr")
    ]
    assert stages == ["research", "productization", "deployment"]
    config.write_text(config.read_text().replace("4: research", "4: Not A Stage"))
    bad = build(config)
    assert bad.returncode == 1 and "is not a stage name" in bad.stderr and "Traceback" not in bad.stderr
