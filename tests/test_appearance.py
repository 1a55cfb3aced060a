"""How the pages look, measured in a real browser (Playwright driving Debian's Chromium).

Two sites per theme (material and mkdocs): the repository's own, and a crowded one (long names,
many owners, long notes, events days apart, paused, retired and failing cards, an old id). Each
page is loaded once; the measurements are taken at 1280 and 390 px wide, light and dark, and the
tests below check them: nothing scrolls the page sideways, wide tables and charts scroll inside
their own box, the index fits a desktop column, text on coloured cells has WCAG AA contrast,
colours are the plugin's own variables, chart text stays 11 px or more, markers days apart stay
apart. A card page printed to PDF by Chromium is read back with poppler's tools.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from .browser import ARTIFACTS, Visit, needs_browser, serve
from .cards import complete_card, history
from .site import build, make_site
from .test_browser import example_site

pytestmark = needs_browser

EPOCH = "1764547200"  # 2025-12-01: the build date in the printed header
BUILD_DATE = datetime.fromtimestamp(int(EPOCH), tz=timezone.utc).date().isoformat()
WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")
INDEX_COLUMNS = ["ID", "Name", "Level", "System level", "Stage", "Status", "Owners", "Last review"]
LONG_NAME = "An unusually long technology name that keeps going to test how every table wraps it"

#: What the theme's own colour switch does: Material sets the scheme on <body>, the mkdocs theme
#: (Bootstrap 5.3) sets data-bs-theme on <html>.
SCHEME_SCRIPT = {
    "material": "s => document.body.setAttribute('data-md-color-scheme', s === 'dark' ? 'slate' : 'default')",
    "mkdocs": "s => document.documentElement.setAttribute('data-bs-theme', s)",
}
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"
MATERIAL_THEME = {
    "name": "material",
    "font": False,
    "palette": [
        {"scheme": "default", "toggle": {"icon": "material/brightness-7", "name": "Dark mode"}},
        {"scheme": "slate", "toggle": {"icon": "material/brightness-4", "name": "Light mode"}},
    ],
}


def crowded_cards() -> list[dict[str, Any]]:
    busy = complete_card(
        "S8.1", level=8, name=LONG_NAME, aliases=["OLD-S8"], components=["S2.1", "S5.1"],
        owners=["Ada Example <ada@example.org>", "Bartholomew Featherstonehaugh", "Chidimma Okonkwo-Adeyemi"],
        tags=["vision", "retail", "forecasting", "a-very-long-tag-name"],
        history=history(("2021-01-01", "start", 2), ("2021-01-03", "graduate", 3), ("2021-01-05", "graduate", 4),
                        ("2021-01-08", "switchback", 3, "discovery"), ("2021-01-10", "graduate", 4),
                        ("2022-03-01", "graduate", 5), ("2022-03-04", "graduate", 6), ("2023-06-01", "graduate", 7),
                        ("2024-02-01", "graduate", 8)),
    )  # fmt: skip
    busy["data"]["datasets"].append(
        {"name": "A dataset with a long name", "version": "2024.6.30-rc.7", "role": "training", "source": "external",
         "link": "https://data.example.org/some/deeply/nested/path/to/the/dataset/release/notes",
         "notes": "Collected over three years from " + "many " * 20 + "stores."}
    )  # fmt: skip
    busy["requirements"].append(
        {"id": "3", "text": "Shall " + "keep working under load " * 6, "kind": "product", "verification": "Load test.",
         "validation": "Pilot.", "status": "failed", "risk": {"p_failure": 0.9, "value": 9}}
    )  # fmt: skip
    busy["metrics"] = [
        {"name": "Top-1 accuracy on the held-out stores", "target": 0.9, "achieved": 0.87, "dataset": "Gold"},
        {"name": "Calibration error", "target": "below 0.05", "notes": "Measured " + "weekly and " * 8 + "monthly."},
    ]
    busy["service_levels"] = [{"name": "p99 latency", "kind": "slo", "target": "200 ms", "achieved": "180 ms"}]
    busy["compliance"] = [
        {
            "regime": "EU AI Act (high-risk system obligations)",
            "status": "in-progress",
            "link": "https://example.org/a",
        },
        {"regime": "GDPR", "status": "compliant"},
        {"regime": "Internal model risk policy MRM-7", "status": "non-compliant", "notes": "Validation report due."},
    ]
    busy["deployment"] = {"setting": "Batch scoring every night.", "human_in_the_loop": "Planners approve every order."}
    busy["history"][-1]["outcome"] = "passed"
    paused = complete_card("S2.1", level=2, name="Paused research", status="paused",
                           history=history(("2021-01-01", "start", 1), ("2021-01-02", "graduate", 2),
                                           ("2022-01-01", "pause", 2)))  # fmt: skip
    retired = complete_card("S5.1", level=5, name="Retired capability", status="retired",
                            history=history(("2020-01-01", "start", 5), ("2023-01-01", "retire", 5)))  # fmt: skip
    unmet = complete_card("S4.2", level=4, name="Missing its model")
    del unmet["model"]
    return [busy, paused, retired, unmet]


def crowded_site(root: Path, theme: str) -> Path:
    config = make_site(
        root, crowded_cards(), theme=theme, extra={"theme": MATERIAL_THEME} if theme == "material" else None
    )
    result = build(config)  # not --strict: the crowded cards have warnings on purpose
    assert result.returncode == 0, result.stderr
    return root / "site"


#: One pass over a page: everything the tests below assert, as plain data.
MEASURE = r"""() => {
  const px = v => parseFloat(v) || 0;
  const parse = c => { const m = /rgba?\(([^)]*)\)/.exec(c || ""); if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]); };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const background = el => { const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let out = [255, 255, 255, 1]; for (const c of layers.reverse()) out = over(c, out); return out; };
  const root = document.querySelector(".mltrl");
  const column = root.parentElement.getBoundingClientRect();
  const colPad = px(getComputedStyle(root.parentElement).paddingRight);
  const out = {
    url: location.pathname, docScroll: document.documentElement.scrollWidth, docClient: document.documentElement.clientWidth,
    rootScroll: root.scrollWidth, rootClient: root.clientWidth, rootRight: root.getBoundingClientRect().right,
    columnRight: column.right - colPad, pageBackground: background(root),
  };
  const inScrollBox = e => { for (let a = e.parentElement; a && a !== root; a = a.parentElement) {
    if (["auto", "scroll", "hidden"].includes(getComputedStyle(a).overflowX)) return true; } return false; };
  out.boxes = [...root.querySelectorAll("table, .mltrl-scroll, figure")]
    .filter(e => e.getClientRects().length && !inScrollBox(e))
    .map(e => ({ what: e.tagName + "." + e.className, right: e.getBoundingClientRect().right,
                 scroll: e.scrollWidth, client: e.clientWidth, overflow: getComputedStyle(e).overflowX }));
  const index = root.querySelector("table.mltrl-cards");
  if (index) { const box = index.parentElement; const right = box.getBoundingClientRect().right;
    out.index = { scroll: box.scrollWidth, client: box.clientWidth,
      headers: [...index.tHead.rows[0].cells].map(th => ({ text: th.textContent.replace(/[\u2195\u2191\u2193]/g, "").trim(),
        inside: th.getBoundingClientRect().right <= right + 1 })) }; }
  // the plugin's palette, each variable resolved to rgb() by a probe
  const probe = document.createElement("span"); root.appendChild(probe);
  const names = ["research", "prototyping", "productization", "deployment", "stage-other", "on-stage", "low", "medium",
    "high", "ink", "paused", "retired", "ok", "bad", "discovery", "review", "embedded", "pause", "event", "step"];
  out.palette = {};
  for (const n of names) { probe.style.color = `var(--mltrl-${n})`; out.palette[n] = getComputedStyle(probe).color; }
  probe.remove();
  // text on colour: each element's text against the background it is drawn on
  const coloured = ".mltrl-level, .mltrl-chip, td.mltrl-cell, [class*='mltrl-score-'], .mltrl-status-paused, " +
    ".mltrl-status-retired, .mltrl-gate-met, .mltrl-gate-unmet, td[class*='mltrl-req-'], td[class*='mltrl-ethics-'], " +
    ".mltrl-gate-row-met td:nth-child(3), .mltrl-gate-row-unmet td:nth-child(3), td[class*='mltrl-compliance-'], " +
    ".mltrl-outcome";
  out.contrast = [...root.querySelectorAll(coloured)].filter(e => e.textContent.trim() && e.getClientRects().length)
    .map(e => { const bg = background(e); const fg = over(parse(getComputedStyle(e).color), bg);
      return { what: e.className || e.tagName, text: e.textContent.trim().slice(0, 30), ratio: ratio(fg, bg),
               bg: getComputedStyle(e).backgroundColor, shadow: getComputedStyle(e).boxShadow }; });
  for (const t of root.querySelectorAll("text.mltrl-node-label")) {
    const fill = parse(getComputedStyle(t.parentElement.querySelector("rect")).fill);
    out.contrast.push({ what: "node-label", text: t.textContent, ratio: ratio(parse(getComputedStyle(t).fill), fill),
                        bg: getComputedStyle(t.parentElement.querySelector("rect")).fill, shadow: "none" }); }
  out.cells = [...root.querySelectorAll("td.mltrl-cell")].map(e => ({ cls: e.className, bg: getComputedStyle(e).backgroundColor,
    shadow: getComputedStyle(e).boxShadow }));
  out.fills = [...root.querySelectorAll("svg .mltrl-fill, svg .mltrl-marker")].map(e => getComputedStyle(e).fill);
  // chart text: the size it is drawn at on screen (font size times the SVG's scale)
  out.chartText = [...root.querySelectorAll("svg.mltrl-history-chart text, svg.mltrl-graph text, svg.mltrl-bars text")]
    .map(t => { const svg = t.ownerSVGElement; const m = svg.getScreenCTM();
      return { chart: svg.getAttribute("class"), size: px(getComputedStyle(t).fontSize) * (m ? m.a : 1) }; });
  out.charts = [...root.querySelectorAll("svg.mltrl-history-chart, svg.mltrl-graph")].map(svg => { const box = svg.parentElement;
    return { chart: svg.getAttribute("class"), width: svg.getBoundingClientRect().width, scale: svg.getScreenCTM().a,
             boxScroll: box.scrollWidth, boxClient: box.clientWidth, boxOverflow: getComputedStyle(box).overflowX }; });
  out.graphLevels = [...root.querySelectorAll("svg.mltrl-graph text[data-level]")].map(t => Number(t.dataset.level));
  out.graphNodeLevels = [...new Set([...root.querySelectorAll("svg.mltrl-graph a[data-id] title")]
    .map(t => Number(/\(level (\d),/.exec(t.textContent)[1])))].sort();
  out.markers = [...root.querySelectorAll("svg.mltrl-history-chart [data-event]")].map(m => { const b = m.getBoundingClientRect();
    return { event: m.dataset.event, left: b.left, right: b.right, fill: getComputedStyle(m).fill }; });
  const key = root.querySelector(".mltrl-key-graduate");
  out.startKey = key ? getComputedStyle(key, "::before").backgroundColor : null;
  out.wrappedDates = [...root.querySelectorAll("td.mltrl-date")].filter(td => { const r = document.createRange();
    r.selectNodeContents(td); return [...r.getClientRects()].filter(x => x.width > 0).length > 1; }).map(td => td.textContent);
  out.dates = root.querySelectorAll("td.mltrl-date").length;
  const gates = [...root.querySelectorAll("table.mltrl-gates td:nth-child(2), ul.mltrl-todo li")];
  out.gateBackticks = gates.filter(td => td.textContent.includes("`")).length;
  out.gateCode = gates.filter(td => td.querySelector("code")).length;
  return out;
}"""


def card_urls(visit: Visit) -> list[str]:
    hrefs = visit.page.locator("table.mltrl-cards tbody tr td:nth-child(1) a").evaluate_all("as => as.map(a => a.href)")
    return sorted(set(hrefs))


@pytest.fixture(scope="module", params=["material", "mkdocs"])
def sites(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    theme = request.param
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EPOCH)
        own = example_site(tmp_path_factory.mktemp(f"own-{theme}"), theme)
        crowded = crowded_site(tmp_path_factory.mktemp(f"crowded-{theme}"), theme)
    with contextlib.ExitStack() as stack:
        yield {"theme": theme, "own": stack.enter_context(serve(own)), "crowded": stack.enter_context(serve(crowded))}


def set_scheme(visit: Visit, theme: str, scheme: str) -> None:
    visit.page.evaluate(SCHEME_SCRIPT[theme], scheme)


@pytest.fixture(scope="module")
def measured(browser: Any, sites: dict[str, Any]) -> dict[str, Any]:
    """Every generated page of both sites, each loaded once, measured at both widths and in both schemes."""
    theme = sites["theme"]
    out: dict[str, Any] = {"theme": theme, "pages": []}
    for site in ("own", "crowded"):
        base = sites[site]
        visit = Visit(browser, base + "cards/")  # one tab per site, reused for every page
        urls = [base + "cards/", base + "cards/portfolio/", *card_urls(visit)]
        if site == "crowded":
            urls.append(base + "cards/OLD-S8/")  # the redirect of an old id: it lands on the card
        for url in urls:
            visit.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            visit.page.goto(url, wait_until="load")
            visit.page.wait_for_selector(".mltrl")
            visit.page.add_style_tag(content=NO_TRANSITIONS)  # colours are read at once after a switch
            for width in WIDTHS:
                visit.page.set_viewport_size({"width": width, "height": 900})
                for scheme in SCHEMES:
                    set_scheme(visit, theme, scheme)
                    figures = visit.page.evaluate(MEASURE)
                    figures.update(site=site, width=width, scheme=scheme, requested=url)
                    out["pages"].append(figures)
                    if site == "own" and (url.endswith("/cards/") or "R02.1" in url or "R07.2" in url):
                        name = "index" if url.endswith("/cards/") else url.rstrip("/").rsplit("/", 1)[-1]
                        visit.screenshot(f"{theme}-{scheme}-{width}-{name}.png")
        visit.check_clean()
        visit.page.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"measurements-{theme}.json").write_text(json.dumps(out, indent=1))
    return out


def where(p: dict[str, Any]) -> str:
    return f"{p['url']} at {p['width']} px, {p['scheme']}"


def test_no_page_scrolls_sideways(measured: dict[str, Any]):
    pages = measured["pages"]
    assert len(pages) >= 4 * 15  # both sites: index, portfolio, every card, the redirect; 2 widths x 2 schemes
    for p in pages:
        assert p["docScroll"] <= p["docClient"], where(p)
        assert p["rootScroll"] <= p["rootClient"], where(p)
        assert p["rootRight"] <= p["columnRight"] + 1, where(p)
        for box in p["boxes"]:
            assert box["right"] <= p["rootRight"] + 1, (where(p), box)
            if box["scroll"] > box["client"] + 1:  # wider than the column: it scrolls inside its own box
                assert box["overflow"] in ("auto", "scroll"), (where(p), box)
    redirected = [p for p in pages if p["requested"].endswith("/OLD-S8/")]
    assert redirected and all(p["url"].rstrip("/").endswith("S8.1") for p in redirected)


def test_a_redirect_asks_the_host_for_nothing_missing(browser: Any, sites: dict[str, Any]):
    """The redirect page names its icon: a page that names none makes the browser ask the host for
    /favicon.ico, which a site need not have (about every other visit, before the refresh leaves)."""
    base = sites["crowded"]
    visit = Visit(browser, base + "cards/S2.1/")
    for _ in range(10):
        visit.page.goto(base + "cards/S2.1/", wait_until="load")
        visit.page.goto(base + "cards/OLD-S8/", wait_until="load")
        visit.page.wait_for_selector(".mltrl")
    assert visit.page.url.rstrip("/").endswith("S8.1")
    visit.check_clean()


def test_wide_tables_scroll_inside_their_box_on_a_phone(measured: dict[str, Any]):
    phone = [p for p in measured["pages"] if p["width"] == 390 and "S8.1" in p["url"]]
    scrolled = [b for p in phone for b in p["boxes"] if b["scroll"] > b["client"] + 1]
    assert scrolled, "the crowded card has tables wider than a phone"
    assert all(b["overflow"] in ("auto", "scroll") for b in scrolled)


def test_index_shows_every_column_on_a_desktop(measured: dict[str, Any]):
    for p in measured["pages"]:
        if "index" not in p:
            continue
        headers = [h["text"] for h in p["index"]["headers"]]
        assert headers[: len(INDEX_COLUMNS)] == INDEX_COLUMNS
        if p["width"] == 1280:
            assert p["index"]["scroll"] <= p["index"]["client"], where(p)
            assert all(h["inside"] for h in p["index"]["headers"]), where(p)
        else:
            assert p["index"]["scroll"] > p["index"]["client"]  # on a phone it scrolls inside its box


def test_text_on_coloured_cells_meets_wcag_aa(measured: dict[str, Any]):
    checked = [(c, p) for p in measured["pages"] for c in p["contrast"]]
    assert len(checked) > 100
    low = [(round(c["ratio"], 2), c["what"], c["text"], where(p)) for c, p in checked if c["ratio"] < 4.5]
    assert low == []
    for scheme in SCHEMES:
        ratios = [c["ratio"] for c, p in checked if p["scheme"] == scheme]
        print(f"{measured['theme']} {scheme}: {len(ratios)} coloured texts, lowest contrast {min(ratios):.2f}")


PAINTED = re.compile(
    r"mltrl-level|mltrl-chip|mltrl-cell|mltrl-score-|mltrl-status-(paused|retired)|mltrl-gate-(met|unmet)"
    r"|mltrl-req-(verified|validated|failed)|mltrl-ethics-(done|open)|mltrl-compliance-(compliant|in-progress|non-)"
    r"|node-label"
)


def test_colours_are_the_plugins_variables_in_both_schemes(measured: dict[str, Any]):
    for p in measured["pages"]:
        palette = set(p["palette"].values())
        for cell in p["cells"]:  # risk-matrix cells keep their colour whatever the theme's table styles
            assert cell["bg"] in palette, (where(p), cell)
            assert cell["shadow"] == "none", (where(p), cell)
        for c in p["contrast"]:  # every element the plugin paints, painted from its palette
            if PAINTED.search(c["what"]):
                assert c["bg"] in palette, (where(p), c)
        assert set(p["fills"]) <= palette, where(p)
    light = next(p for p in measured["pages"] if p["scheme"] == "light" and p["cells"])
    dark = next(p for p in measured["pages"] if p["scheme"] == "dark" and p["url"] == light["url"])
    for name in ("low", "medium", "high", "ink", "ok", "bad"):  # dark mode has a palette of its own
        assert light["palette"][name] != dark["palette"][name], name
    assert sum(dark["pageBackground"][:3]) < 3 * 80  # the theme's dark scheme is really on
    assert sum(light["pageBackground"][:3]) > 3 * 200


def test_charts_keep_their_text_size_and_scroll_on_a_phone(measured: dict[str, Any]):
    texts = [(t, p) for p in measured["pages"] for t in p["chartText"]]
    assert {t["chart"] for t, _ in texts} >= {"mltrl-history-chart", "mltrl-graph", "mltrl-bars"}
    small = [(t, where(p)) for t, p in texts if t["size"] < 11 - 0.01]
    assert small == []
    for p in measured["pages"]:
        for chart in p["charts"]:
            assert abs(chart["scale"] - 1) < 0.01, (where(p), chart)  # drawn at its own size, never shrunk
            if chart["width"] > p["rootClient"]:
                assert chart["boxOverflow"] in ("auto", "scroll") and chart["boxScroll"] > chart["boxClient"]
    assert any(c["width"] > p["rootClient"] for p in measured["pages"] if p["width"] == 390 for c in p["charts"])


def test_markers_days_apart_stay_apart_and_start_matches_the_legend(measured: dict[str, Any]):
    crowded = [p for p in measured["pages"] if "S8.1" in p["url"]]
    for p in crowded:
        markers = p["markers"]
        assert len(markers) == 9
        for a, b in pairwise(markers):
            assert b["left"] >= a["right"], (where(p), a, b)  # no two markers overlap, even two days apart
    for p in measured["pages"]:
        for m in p["markers"]:
            if m["event"] in ("start", "graduate", "resume"):
                assert m["fill"] == p["startKey"], (where(p), m)


def test_component_graph_fits_and_skips_empty_levels(measured: dict[str, Any]):
    portfolios = [p for p in measured["pages"] if p["url"].endswith("/portfolio/")]
    assert portfolios
    for p in portfolios:
        assert p["graphLevels"] == p["graphNodeLevels"], where(p)
        if p["width"] == 1280:
            graph = [c for c in p["charts"] if c["chart"] == "mltrl-graph"]
            assert graph and graph[0]["boxScroll"] <= graph[0]["boxClient"], where(p)


def test_dates_do_not_wrap_and_gates_show_code(measured: dict[str, Any]):
    cards = [p for p in measured["pages"] if p["markers"]]
    assert sum(p["dates"] for p in cards) > 20
    assert [(where(p), p["wrappedDates"]) for p in measured["pages"] if p["wrappedDates"]] == []
    assert all(p["gateBackticks"] == 0 for p in measured["pages"])
    assert any(p["gateCode"] for p in cards)


WORD = re.compile(r"<word [^>]*>([^<]*)</word>")


def ppm_pixels(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    parts = data.split(maxsplit=4)  # P6, width, height, maxval, pixels
    assert parts[0] == b"P6"
    return int(parts[1]), int(parts[2]), parts[4]


def has_colour(pixels: bytes, rgb: tuple[int, int, int], tolerance: int = 6) -> int:
    count = 0
    for i in range(0, len(pixels) - 2, 3):
        if all(abs(pixels[i + k] - rgb[k]) <= tolerance for k in range(3)):
            count += 1
    return count


def rgb_of(css: str) -> tuple[int, int, int]:
    r, g, b = (int(float(v)) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
    return r, g, b


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("scheme", SCHEMES)
def test_card_prints_as_a_review_report(browser: Any, sites: dict[str, Any], scheme: str, tmp_path: Path):
    theme = sites["theme"]
    visit = Visit(browser, sites["crowded"] + "cards/S8.1/")
    set_scheme(visit, theme, scheme)
    visit.page.emulate_media(media="print")
    rows = visit.page.evaluate(
        "() => [...document.querySelectorAll('.mltrl tr')].map(tr => getComputedStyle(tr).breakInside)"
    )
    assert rows and set(rows) == {"avoid"}
    light = visit.page.evaluate(
        "() => { const s = document.createElement('span'); document.querySelector('.mltrl').appendChild(s);"
        " s.style.color = 'var(--mltrl-high)'; const c = getComputedStyle(s).color; s.remove(); return c; }"
    )
    pdf = tmp_path / f"{theme}-{scheme}.pdf"
    visit.page.pdf(path=str(pdf), prefer_css_page_size=True)
    visit.check_clean()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / pdf.name)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 3 <= pages <= 10, pages
    texts = []
    for number in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
        texts.append(" ".join(text.split()))
    whole = " ".join(texts)
    for number, text in enumerate(texts, 1):  # the running header on every page
        assert "S8.1 · Level 8 · Flight-ready" in text and f"built {BUILD_DATE}" in text, number
        assert f"page {number} of {pages}" in text
    for heading in ("Summary", "Requirements", "Risk matrix", "Ethics checklist", "Level history", "Readiness gates"):
        assert heading in whole
    assert LONG_NAME in whole and "2021-01-03" in whole  # the history chart's and table's text are printed
    for chrome in ("Getting started", "Table of contents", "Link to this card from another wiki", "Search",
                   "Made with", "Documentation built with"):  # fmt: skip
        assert chrome not in whole, chrome
    # no row is cut: every word of each table row's first cell is on one and the same page
    cells = visit.page.evaluate(
        "() => [...document.querySelectorAll('.mltrl tbody tr td:first-child')].map(td => td.textContent)"
    )
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = [Counter(html.unescape(w) for w in WORD.findall(part)) for part in bbox.split("<page ")[1:]]
    assert len(words) == pages
    cut = [c for c in cells if c.split() and not any(Counter(c.split()) <= page for page in words)]
    assert len(cells) > 40 and cut == []
    subprocess.run(["pdftoppm", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / f"{theme}-{scheme}-print")],
                   check=True)  # fmt: skip
    images = sorted(tmp_path.glob("page*.ppm"))
    assert len(images) == pages
    colour = rgb_of(light)
    assert sum(has_colour(ppm_pixels(image)[2], colour) for image in images) > 200  # risk colours are printed
    width, _, first = ppm_pixels(images[0])
    assert first[:3] == b"\xff\xff\xff" and first[3 * (width - 1) : 3 * width] == b"\xff\xff\xff"  # white paper


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_every_card_of_the_sites_own_portfolio_prints_with_its_header(
    browser: Any, sites: dict[str, Any], tmp_path: Path
):
    theme = sites["theme"]
    visit = Visit(browser, sites["own"] + "cards/")
    urls = card_urls(visit)
    assert urls
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, url in enumerate(urls):
        visit.page.goto(url, wait_until="load")
        card_id, level = visit.page.evaluate(
            "() => { const c = document.querySelector('.mltrl-card'); return [c.dataset.cardId, c.dataset.level]; }"
        )
        pdf = tmp_path / f"{card_id}.pdf"
        visit.page.pdf(path=str(pdf), prefer_css_page_size=True)
        first = subprocess.run(
            ["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert f"{card_id} · Level {level}" in first and f"built {BUILD_DATE}" in first, card_id
        assert "page 1 of" in first
        if number == 0:
            subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "2", str(pdf),
                            str(ARTIFACTS / f"{theme}-own-print")], check=True)  # fmt: skip
    visit.check_clean()
