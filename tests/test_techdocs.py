"""The card wiki as Backstage TechDocs shows it: built with `mkdocs-techdocs-core`, every page passed
through TechDocs' DOMPurify configuration (no <style>, no <script>, no stylesheet but Material's
own), and opened in Chromium. Without mltrl.css, the pages must still read right: measured in the
browser (computed colours, strokes, contrast, visibility, gaps), not by class names."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .browser import ARTIFACTS, CHROMIUM, serve
from .test_schema_clients import need

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "tests" / "js"
TECHDOCS_PYTHON = Path(os.environ.get("MLTRL_TECHDOCS_PYTHON") or ROOT / "tests" / ".venv-techdocs" / "bin" / "python")
#: What a Backstage user writes: TechDocs' plugin (which brings its own Material theme) and ours.
TECHDOCS_CONFIG = {"site_name": "ML readiness", "plugins": ["techdocs-core", "mltrl"]}


@pytest.fixture(scope="module")
def sanitized(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    need(TECHDOCS_PYTHON.is_file(), "no TechDocs environment: see tests/techdocs/requirements.txt and .ci/run")
    need(shutil.which("node") is not None, "node is not installed")
    need((JS / "node_modules" / "dompurify").is_dir(), "dompurify is not installed: run `npm ci --prefix tests/js`")
    need(CHROMIUM is not None, "no Chromium found")
    root = tmp_path_factory.mktemp("techdocs")
    shutil.copytree(ROOT / "cards", root / "cards")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# ML readiness\n\nThe [TRL Cards](cards/index.md).\n")
    (root / "mkdocs.yml").write_text(yaml.safe_dump(TECHDOCS_CONFIG, sort_keys=False))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run(
        [str(TECHDOCS_PYTHON), "-m", "mkdocs", "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert built.returncode == 0, built.stderr
    clean = root / "sanitized"
    done = subprocess.run(
        ["node", str(JS / "techdocs-sanitize.mjs"), str(root / "site"), str(clean)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with serve(clean) as base:
        yield clean, base


def open_page(browser: Any, url: str, width: int = 1280) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route("https://**", lambda route: route.abort())  # Google Fonts: this machine is offline
    page.goto(url)
    page.wait_for_load_state("load")
    return page


#: Relative luminance and contrast of CSS colours, computed in the page (WCAG 2.x formulas).
CONTRAST = """
(pairs) => {
  const rgb = (css) => { const c = document.createElement('canvas').getContext('2d'); c.fillStyle = css;
    const h = c.fillStyle; if (h.startsWith('#')) return [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16));
    return h.match(/[\\d.]+/g).slice(0, 3).map(Number); };
  const lum = (css) => { const [r, g, b] = rgb(css).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  return pairs.map(([a, b]) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); });
}
"""

#: CIE76 colour difference of CSS colours (sRGB to CIELAB, D65): above about 2.3 people see a
#: difference; the risk bands differ mostly in hue, which a contrast ratio does not measure.
DELTA_E = """
(pairs) => {
  const rgb = (css) => { const c = document.createElement('canvas').getContext('2d'); c.fillStyle = css;
    const h = c.fillStyle; if (h.startsWith('#')) return [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16));
    return h.match(/[\\d.]+/g).slice(0, 3).map(Number); };
  const lab = (css) => { const [r, g, b] = rgb(css).map(v => { v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    const xyz = [(r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047, r * 0.2126 + g * 0.7152 + b * 0.0722,
                 (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883].map(t => t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    return [116 * xyz[1] - 16, 500 * (xyz[0] - xyz[1]), 200 * (xyz[1] - xyz[2])]; };
  return pairs.map(([a, b]) => { const x = lab(a), y = lab(b); return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]); });
}
"""


def test_only_materials_stylesheet_survives_and_no_script(browser: Any, sanitized: tuple[Path, str]):
    clean, base = sanitized
    html = (clean / "cards" / "P08.1" / "index.html").read_text()
    assert "<script" not in html and "<style" not in html
    page = open_page(browser, base + "cards/P08.1/")
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href || 'inline')")
    local = [s for s in sheets if s.startswith(base)]
    assert len(local) == 1 and "/assets/stylesheets/main." in local[0], sheets
    assert "mltrl.css" not in html


def test_risk_bands_are_coloured_and_named(browser: Any, sanitized: tuple[Path, str]):
    _, base = sanitized
    page = open_page(browser, base + "cards/P08.1/")
    cells = page.evaluate(
        """[...document.querySelectorAll('table.mltrl-matrix td')].map(td => ({
             band: [...td.classList].find(c => c.startsWith('mltrl-cell-')).slice(11),
             background: getComputedStyle(td).backgroundColor, text: td.innerText }))"""
    )
    assert len(cells) == 25
    by_band: dict[str, set[str]] = {}
    for cell in cells:
        by_band.setdefault(cell["band"], set()).add(cell["background"])
        assert cell["band"] in cell["text"].lower(), cell  # meaning never by colour alone
    assert set(by_band) == {"low", "medium", "high"}
    colours = [next(iter(c)) for c in by_band.values()]
    assert all(len(c) == 1 for c in by_band.values()) and len(set(colours)) == 3, by_band
    assert "rgba(0, 0, 0, 0)" not in colours
    differences = page.evaluate(DELTA_E, [[colours[0], colours[1]], [colours[1], colours[2]], [colours[0], colours[2]]])
    assert min(differences) > 10, differences  # three bands a reader tells apart at a glance
    scores = page.evaluate(
        """[...document.querySelectorAll('table.mltrl-risks td[class*="mltrl-score-"]')].map(td =>
             [getComputedStyle(td).backgroundColor, td.innerText])"""
    )
    assert scores and all(
        bg != "rgba(0, 0, 0, 0)" and any(b in text for b in ("low", "medium", "high")) for bg, text in scores
    )


def test_history_chart_is_stroked(browser: Any, sanitized: tuple[Path, str]):
    _, base = sanitized
    page = open_page(browser, base + "cards/P21.4/")
    strokes = page.evaluate(
        """[...document.querySelectorAll('svg.mltrl-history-chart path')].filter(p => !p.classList.contains('mltrl-marker'))
             .map(p => [p.getAttribute('class'), getComputedStyle(p).stroke, parseFloat(getComputedStyle(p).strokeWidth),
                        parseFloat(getComputedStyle(p).strokeOpacity)])"""
    )
    kinds = {cls for cls, *_ in strokes}
    assert {"mltrl-grid", "mltrl-step", "mltrl-tick"} <= kinds, kinds
    for cls, stroke, width, opacity in strokes:
        assert stroke != "none" and width >= 1 and opacity > 0.2, (cls, stroke, width, opacity)
    markers = page.evaluate(
        "[...document.querySelectorAll('svg.mltrl-history-chart .mltrl-marker')].map(m => getComputedStyle(m).fill)"
    )
    assert markers and all(fill not in ("none", "rgb(0, 0, 0)") for fill in markers), markers


def test_component_graph_labels_contrast_with_their_boxes(browser: Any, sanitized: tuple[Path, str]):
    _, base = sanitized
    page = open_page(browser, base + "cards/portfolio/")
    pairs = page.evaluate(
        """[...document.querySelectorAll('svg.mltrl-graph a')].map(a =>
             [getComputedStyle(a.querySelector('rect')).fill, getComputedStyle(a.querySelector('text')).fill])"""
    )
    assert pairs
    assert all(box != "rgb(0, 0, 0)" for box, _ in pairs), pairs
    ratios = page.evaluate(CONTRAST, pairs)
    assert min(ratios) >= 3, list(zip(pairs, ratios, strict=True))
    edges = page.evaluate(
        "[...document.querySelectorAll('svg.mltrl-graph path.mltrl-edge')].map(p => [getComputedStyle(p).stroke, getComputedStyle(p).fill])"
    )
    assert edges and all(stroke != "none" and fill == "none" for stroke, fill in edges), edges


def test_print_header_is_hidden_on_screen(browser: Any, sanitized: tuple[Path, str]):
    _, base = sanitized
    page = open_page(browser, base + "cards/P08.1/")
    header = page.locator(".mltrl-print-header")
    assert header.count() == 1 and not header.is_visible()
    page.emulate_media(media="print")  # printing is what it is for: shown there (by the print rules)
    assert page.locator(".mltrl-print-header").count() == 1


def test_pills_and_labels_and_cells_are_separated(browser: Any, sanitized: tuple[Path, str]):
    _, base = sanitized
    index = open_page(browser, base + "cards/")
    levels = index.evaluate(
        "[...document.querySelectorAll('table.mltrl-cards tbody tr')].map(tr => tr.children[2].innerText)"
    )
    assert levels and all(text[0].isdigit() and not text[1].isalpha() for text in levels), levels
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    index.screenshot(path=str(ARTIFACTS / "techdocs-index.png"))
    card = open_page(browser, base + "cards/P08.1/")
    gaps = card.evaluate(
        """[...document.querySelectorAll('table.mltrl-requirements tbody tr')].flatMap(tr => {
             const boxes = [...tr.children].map(td => { const r = document.createRange(); r.selectNodeContents(td);
               const rects = [...r.getClientRects()]; return rects.length ? [Math.min(...rects.map(x => x.left)),
               Math.max(...rects.map(x => x.right))] : null; }).filter(Boolean);
             return boxes.slice(1).map((b, i) => b[0] - boxes[i][1]); })"""
    )
    assert gaps and min(gaps) >= 8, gaps
    card.screenshot(path=str(ARTIFACTS / "techdocs-card.png"), full_page=True)


def test_every_name_requirement_and_risk_is_on_the_page(browser: Any, sanitized: tuple[Path, str]):
    _, base = sanitized
    for path in sorted((ROOT / "cards").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        page = open_page(browser, base + f"cards/{data['id']}/")
        text = " ".join(page.evaluate("document.body.innerText").split())
        assert data["name"] in text
        for requirement in data.get("requirements", []):
            assert " ".join(requirement["text"].split())[:60] in text, requirement["id"]
        for risk in data.get("risks", []):
            assert risk["title"] in text, risk["id"]
        page.close()
