"""A portfolio of a few hundred generated cards with known histories and components: the page and
`mltrl report --format json` must say what the histories say."""

from __future__ import annotations

import itertools
import json
import os
import random
import statistics
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from .browser import CHROMIUM, SKIP_REASON, Visit, chromium, serve
from .cards import complete_card, write
from .site import build, make_site, page

TODAY = date(2025, 6, 30)
EPOCH = str(int((TODAY - date(1970, 1, 1)).total_seconds()) + 3600)  # SOURCE_DATE_EPOCH of that day
N = 240
STAGE = ["research"] * 3 + ["prototyping"] * 2 + ["productization"] * 4 + ["deployment"]


def generate(seed: int = 7) -> list[dict[str, Any]]:
    """Cards whose histories climb, switch back, pause and retire, with components between them."""
    rng = random.Random(seed)
    cards = []
    for i in range(N):
        day = date(2019, 1, 1) + timedelta(days=rng.randint(0, 900))
        level = rng.randint(0, 4)
        events = [{"date": day.isoformat(), "event": "start", "level": level}]
        for _ in range(rng.randint(0, 6)):
            day += timedelta(days=rng.randint(10, 300))
            roll = rng.random()
            if roll < 0.6 and level < 9:
                level += 1
                events.append({"date": day.isoformat(), "event": "graduate", "level": level})
            elif roll < 0.8 and level > 0:
                back = rng.randint(0, level - 1)
                kind = rng.choice(["discovery", "review"])
                if (level, back) in ((4, 2), (9, 4)):
                    kind = "embedded"
                events.append({"date": day.isoformat(), "event": "switchback", "level": back, "switchback": kind})
                level = back
        status = "active"
        if rng.random() < 0.1:
            day += timedelta(days=5)
            kind = rng.choice(["pause", "retire"])
            events.append({"date": day.isoformat(), "event": kind, "level": level})
            status = "paused" if kind == "pause" else "retired"
        components = sorted({f"G{j:03d}" for j in rng.sample(range(i), k=min(i, rng.randint(0, 2)))}) if i else []
        card = complete_card(
            f"G{i:03d}", level=level, name=f"Generated {i:03d}", status=status, history=events, components=components
        )
        if rng.random() < 0.15:
            del card["model"]  # a level-1 deliverable: gates unmet from level 1 up
        cards.append(card)
    return cards


def expected(cards: list[dict[str, Any]]) -> dict[str, Any]:
    per_level = Counter(c["level"] for c in cards)
    spans: dict[int, list[int]] = {n: [] for n in range(10)}
    types: Counter[str] = Counter()
    pairs: Counter[tuple[int, int]] = Counter()
    stale = []
    for c in cards:
        h = c["history"]
        for a, b in itertools.pairwise(h):
            spans[a["level"]].append((date.fromisoformat(b["date"]) - date.fromisoformat(a["date"])).days)
            if b["event"] == "switchback":
                types[b["switchback"]] += 1
                pairs[(a["level"], b["level"])] += 1
        if (TODAY - date.fromisoformat(h[-1]["date"])).days > 180:
            stale.append(c["id"])
    return {
        "per_level": {str(n): per_level.get(n, 0) for n in range(10)},
        "per_stage": {s: sum(per_level.get(n, 0) for n in range(10) if STAGE[n] == s) for s in dict.fromkeys(STAGE)},
        "spans": {n: v for n, v in spans.items()},
        "types": {k: types.get(k, 0) for k in ("discovery", "review", "embedded")},
        "pairs": dict(pairs),
        "stale": set(stale),
        "paused": {c["id"] for c in cards if c["status"] == "paused"},
        "retired": {c["id"] for c in cards if c["status"] == "retired"},
        "no_model": {  # the level-1 gate: asked of cards at level 1 or higher that entered at 1 or lower
            c["id"] for c in cards if "model" not in c and c["level"] >= 1 and c["history"][0]["level"] <= 1
        },
        "edges": sum(len(c["components"]) for c in cards),
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    root = tmp_path_factory.mktemp("portfolio")
    cards = generate()
    make_site(root, [], theme="mkdocs")
    for card in cards:
        write(root / "cards", card)
    return root, cards


def test_report_json_matches_the_histories(generated: tuple[Path, list[dict[str, Any]]]):
    root, cards = generated
    want = expected(cards)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run([sys.executable, "-m", "mkdocs_mltrl", "report", "--format", "json"], cwd=root,
                            capture_output=True, text=True, timeout=120, env=env)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    got = json.loads(result.stdout)
    assert got["today"] == TODAY.isoformat() and got["cards"] == N
    assert got["per_level"] == want["per_level"]
    assert got["per_stage"] == want["per_stage"]
    for row in got["time_in_level"]:
        values = want["spans"][row["level"]]
        assert row["spans"] == len(values)
        if values:
            assert (row["median_days"], row["min_days"], row["max_days"]) == (
                statistics.median(values),
                min(values),
                max(values),
            )
    assert got["switchbacks"]["by_type"] == want["types"]
    assert {(p["from"], p["to"]): p["count"] for p in got["switchbacks"]["by_pair"]} == want["pairs"]
    assert {s["id"] for s in got["stale"]} == want["stale"]
    assert set(got["paused"]) == want["paused"] and set(got["retired"]) == want["retired"]
    assert {g["id"] for g in got["gates_unmet"]} == want["no_model"]
    assert sum(want["types"].values()) > 20 and want["pairs"].get((4, 2), 0) > 0  # the data exercises switchbacks


def test_portfolio_page_shows_the_same_figures(generated: tuple[Path, list[dict[str, Any]]]):
    root, cards = generated
    want = expected(cards)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True, timeout=600, env=env
    )
    assert result.returncode == 0, result.stderr
    soup = page(root / "site", "cards/portfolio/")
    bars = {r["data-level"]: int(r["data-count"]) for r in soup.select('svg[data-chart="per-level"] rect')}
    assert bars == {k: v for k, v in want["per_level"].items()}
    stages = {
        tr["data-stage"]: int(tr.select("td")[1].get_text()) for tr in soup.select("table.mltrl-per-stage tbody tr")
    }
    assert stages == want["per_stage"]
    for tr in soup.select("table.mltrl-time-in-level tbody tr"):
        values = want["spans"][int(tr["data-level"])]
        cells = [td.get_text(strip=True) for td in tr.select("td")]
        assert int(cells[1]) == len(values)
        if values:
            assert float(cells[2]) == statistics.median(values)
            assert cells[3] == f"{min(values)}–{max(values)}"
    pairs = {
        (int(tr["data-from"]), int(tr["data-to"])): int(tr.select("td")[2].get_text())
        for tr in soup.select("table.mltrl-switchback-pairs tbody tr")
    }
    assert pairs == want["pairs"]
    types = {
        tr["data-type"]: int(tr.select("td")[1].get_text())
        for tr in soup.select("table.mltrl-switchback-types tbody tr")
    }
    assert types == want["types"]
    assert {tr["data-id"] for tr in soup.select("table.mltrl-stale tbody tr")} == want["stale"]
    assert {tr["data-id"] for tr in soup.select("table.mltrl-gates-unmet tbody tr")} == want["no_model"]
    assert {tr["data-id"] for tr in soup.select("table.mltrl-paused-retired tbody tr")} == want["paused"] | want[
        "retired"
    ]
    assert len(soup.select("svg.mltrl-graph path.mltrl-edge")) == want["edges"]
    # the index shows level and system level side by side
    index = page(root / "site", "cards/")
    row = index.select_one("table.mltrl-cards tbody tr[data-system]")
    assert int(row["data-system"]) <= int(row["data-level"])


@pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)
def test_portfolio_page_stays_readable_in_a_browser(generated: tuple[Path, list[dict[str, Any]]]):
    root, _ = generated
    assert (root / "site" / "cards" / "portfolio" / "index.html").is_file(), "run after the build test"
    with serve(root / "site") as base, chromium() as browser:
        visit = Visit(browser, base + "cards/portfolio/")
        graph = visit.page.locator("svg.mltrl-graph")
        graph.scroll_into_view_if_needed()
        label = graph.locator("text.mltrl-node-label").first
        box = label.bounding_box()
        assert box is not None and box["height"] >= 9  # drawn at full size, not shrunk to fit
        node_boxes = graph.locator("a[data-id] rect").evaluate_all(
            "rs => rs.map(r => { const b = r.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; })"
        )
        overlaps = 0
        for i, a in enumerate(node_boxes):
            for b in node_boxes[i + 1 : i + 40]:
                if a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]:
                    overlaps += 1
        assert overlaps == 0
        visit.screenshot("portfolio.png", full_page=True)
        visit.check_clean()


def test_system_level_is_shown_on_the_index_and_card(tmp_path: Path):
    cards = [
        complete_card(
            "TOP", level=8, components=["MID"], history=[{"date": "2021-01-01", "event": "start", "level": 8}]
        ),
        complete_card(
            "MID", level=6, components=["LOW"], history=[{"date": "2021-01-01", "event": "start", "level": 6}]
        ),
        complete_card("LOW", level=3, history=[{"date": "2021-01-01", "event": "start", "level": 3}]),
    ]
    assert build(make_site(tmp_path, cards, theme="mkdocs")).returncode == 0
    index = page(tmp_path / "site", "cards/")
    top = index.select_one('tr[data-level="8"]')
    assert top["data-system"] == "3" and "via LOW" in top.get_text()
    card = page(tmp_path / "site", "cards/TOP/")
    rows = {tr.th.get_text(strip=True): tr.td.get_text(" ", strip=True) for tr in card.select("table.mltrl-summary tr")}
    assert rows["System level"].startswith("3 – System Development, limited by LOW (level 3)")
