"""What the pages show beside the figures: code in gate descriptions, the compact component graph,
history markers kept apart, the portfolio report's wording, a quiet build with an explicit nav."""

from __future__ import annotations

import os
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from mkdocs_mltrl.render import MARKER_GAP, code_spans, css_string, search_html, spread

from .cards import complete_card, history, write
from .site import build, make_site, page


def test_code_spans_escape_first():
    assert code_spans("a `unit` or `integration` suite") == "a <code>unit</code> or <code>integration</code> suite"
    assert (
        code_spans("`<script>` & <b>`x`</b>") == "<code>&lt;script&gt;</code> &amp; &lt;b&gt;<code>x</code>&lt;/b&gt;"
    )
    assert code_spans("an odd ` backquote") == "an odd ` backquote"


def test_css_string_cannot_end_the_string_or_the_style():
    assert css_string("R02.1 · Level 4") == '"R02.1 · Level 4"'
    out = css_string('x"; } </style><script>')
    assert '"' not in out[1:-1] and "<" not in out and "}" not in out and ";" not in out
    assert "<style" not in search_html('<style>@page { }</style><h2 id="a">A</h2>') and "@page" not in search_html(
        '<style>@page { }</style><h2 id="a">A</h2>'
    )


def test_spread_keeps_order_and_room():
    xs = spread([10, 11, 12, 100, 101], MARKER_GAP, 10, 200)
    assert xs == sorted(xs) and all(b - a >= MARKER_GAP for a, b in pairwise(xs))
    crowded = spread([190, 195, 199, 200], MARKER_GAP, 10, 200)
    assert crowded[-1] <= 200 and all(b - a >= MARKER_GAP for a, b in pairwise(crowded))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("presentation")
    cards = [
        complete_card("A8", level=8, name="Top", components=["B2"],
                      history=history(("2021-01-01", "start", 6), ("2021-01-02", "graduate", 7),
                                      ("2021-01-04", "graduate", 8), ("2024-01-01", "pause", 8))),
        complete_card("B2", level=2, name="Bottom", history=history(("2020-01-01", "start", 1), ("2020-06-01", "graduate", 2))),
        complete_card("C5", level=5, name="Alone"),
    ]  # fmt: skip
    config = make_site(root, cards, extra={"nav": [{"Home": "index.md"}, {"Cards": "cards/index.md"}]})
    result = build(config)
    assert result.returncode == 0, result.stderr
    assert "not included in the" not in result.stderr  # the portfolio is not reported as left out of the nav
    return root


def test_gate_descriptions_render_code_spans(built: Path):
    soup = page(built / "site", "cards/A8/")
    cells = soup.select("table.mltrl-gates td:nth-of-type(2)") + soup.select("ul.mltrl-todo li")
    assert cells and not any("`" in c.get_text() for c in cells)
    assert any(c.code for c in cells)


def test_component_graph_has_a_column_only_for_levels_with_cards(built: Path):
    graph = page(built / "site", "cards/portfolio/").select_one("svg.mltrl-graph")
    assert [t["data-level"] for t in graph.select("text[data-level]")] == ["2", "8"]
    assert int(graph["width"]) < 300  # two columns, not ten
    assert (built / "site" / "cards" / "portfolio" / "index.html").is_file()


def test_history_markers_days_apart_are_kept_apart(built: Path):
    chart = page(built / "site", "cards/A8/").select_one("svg.mltrl-history-chart")
    xs = [float(m.get("cx") or float(m["x"]) + 4.5) for m in chart.select("[data-event]")]
    assert len(xs) == 4 and all(b - a >= MARKER_GAP for a, b in pairwise(xs))


def test_history_chart_marks_the_years_in_order(built: Path):
    chart = page(built / "site", "cards/A8/").select_one("svg.mltrl-history-chart")
    years = [(float(t["x"]), t.get_text()) for t in chart.select("text.mltrl-year")]
    assert [y for _, y in years] == ["2022", "2023"]
    first = chart.select("[data-event]")[2]  # the third event, 2021-01-04: the years come after it
    assert all(x > float(first["cx"]) for x, _ in years)
    assert years == sorted(years)


def test_history_dates_are_marked_as_dates(built: Path):
    dates = [td.get_text() for td in page(built / "site", "cards/A8/").select("table.mltrl-history td.mltrl-date")]
    assert dates == ["2021-01-01", "2021-01-02", "2021-01-04", "2024-01-01"]


def test_report_counts_one_span_as_one(tmp_path: Path):
    write(
        tmp_path / "cards",
        complete_card("A1", level=2, history=history(("2020-01-01", "start", 1), ("2020-03-01", "graduate", 2))),
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run([sys.executable, "-m", "mkdocs_mltrl", "report"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "  1: 1 span, median 60, 60-60" in result.stdout
    assert "1 spans" not in result.stdout
