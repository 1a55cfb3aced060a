"""A readiness programme end to end: the documented gates file, waivers, targets and histories over
several years, validated, reported and built. Figures are checked against computations written
here from the histories, not against the package's own."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from mkdocs_mltrl.core import load_gates

from .cards import complete_card, line_of, without, write
from .site import make_site, page

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2025, 6, 30)
EPOCH = str(int((TODAY - date(1970, 1, 1)).total_seconds()) + 3600)
STAGE = ["research"] * 3 + ["prototyping"] * 2 + ["productization"] * 4 + ["deployment"]


def docs_gates_file() -> str:
    text = (ROOT / "docs" / "readiness-programme.md").read_text(encoding="utf-8")
    return re.search(r'```yaml title="readiness/gates.yaml"\n(.*?)```', text, re.S).group(1)  # type: ignore[union-attr]


def ev(day: str, event: str, level: int, **more: Any) -> dict[str, Any]:
    return {"date": day, "event": event, "level": level, **more}


PANEL = {"reviewers": ["Grace Panel"]}


def portfolio_cards() -> list[dict[str, Any]]:
    p1 = complete_card("P1", level=6, components=["R1"], **{"x-security-review": "https://wiki.example.org/sec/p1"})
    p1 = without(without(p1, "deployment"), "compliance")
    p1["data"]["datasets"] = [
        {"name": "Gold", "version": "1.0.0", "role": "test"}
    ]  # no golden set: MLTRL171, moved to 6
    p1["history"] = [
        ev("2021-02-10", "start", 3),
        ev("2021-09-01", "graduate", 4),
        ev("2022-05-15", "graduate", 5),
        ev("2022-11-01", "switchback", 4, switchback="review"),
        ev("2023-03-01", "graduate", 5),
        ev("2024-04-20", "graduate", 6),
    ]
    p1["waivers"] = [
        {"gate": "MLTRL164", "reason": "Deployment is designed with the *hospital* IT team.", "approved_by": "Grace Panel", "expires": "2026-01-31"},
        {"gate": "MLTRL165", "reason": "Compliance review booked.", "approved_by": "Grace Panel", "expires": "2025-01-31"},
        {"gate": "MLTRL999", "reason": "A typo.", "approved_by": "Grace Panel", "expires": "2026-01-31"},
    ]  # fmt: skip
    p1["target"] = {"level": 7, "date": "2025-03-31"}
    r1 = without(complete_card("R1", level=2), "links", "code")  # a level-3 deliverable it still lacks
    r1["history"] = [ev("2022-01-05", "start", 0), ev("2022-06-01", "graduate", 1), ev("2023-01-10", "graduate", 2)]
    r1["target"] = {"level": 3, "date": "2026-12-31"}
    d1 = complete_card("D1", level=9, **{"x-security-review": "https://wiki.example.org/sec/d1"})
    d1["history"] = [
        ev("2020-03-01", "start", 5),
        ev("2020-08-01", "graduate", 6),
        ev("2021-01-15", "graduate", 7),
        ev("2021-07-01", "graduate", 8),
        ev("2022-02-01", "graduate", 9),
    ]
    d1["target"] = {"level": 8, "date": "2021-12-31"}
    x1 = complete_card("X1", level=2, status="retired")
    x1["history"] = [ev("2021-05-01", "start", 1), ev("2021-12-01", "graduate", 2), ev("2023-06-30", "retire", 2)]
    t1 = without(without(complete_card("T1", level=4), "reviewers"), "metrics")
    t1["history"] = [ev("2023-02-01", "start", 3), ev("2024-01-15", "graduate", 4, **PANEL)]
    t1["target"] = {"level": 5, "date": "2025-08-15"}
    return [p1, r1, d1, x1, t1]


@pytest.fixture(scope="module")
def programme(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    root = tmp_path_factory.mktemp("programme")
    cards = portfolio_cards()
    (root / "readiness").mkdir()
    (root / "readiness" / "gates.yaml").write_text(docs_gates_file(), encoding="utf-8")
    config = make_site(root, cards, plugin={"gates_file": "readiness/gates.yaml"})
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config)], cwd=root, capture_output=True, text=True,
        timeout=300, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (root / "plain.yml").write_text("plugins:\n  - mltrl\n")  # the same cards, built-in gates only
    return root, cards


def mltrl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_mltrl", *args], cwd=root, capture_output=True, text=True, timeout=120, env=env
    )


# --- independent computations from the histories -----------------------------------------------


def days(a: str, b: str) -> int:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


#: Every graduation of the portfolio above, read off the histories by hand: (level, entered, graduated).
GRADUATIONS = [
    (0, "2022-01-05", "2022-06-01"),  # R1
    (1, "2022-06-01", "2023-01-10"),  # R1
    (1, "2021-05-01", "2021-12-01"),  # X1
    (3, "2021-02-10", "2021-09-01"),  # P1
    (3, "2023-02-01", "2024-01-15"),  # T1
    (4, "2021-09-01", "2022-05-15"),  # P1
    (4, "2022-11-01", "2023-03-01"),  # P1, back at 4 after the switchback
    (5, "2023-03-01", "2024-04-20"),  # P1 (its first spell at 5 ended in a switchback, not a graduation)
    (5, "2020-03-01", "2020-08-01"),  # D1
    (6, "2020-08-01", "2021-01-15"),  # D1
    (7, "2021-01-15", "2021-07-01"),  # D1
    (8, "2021-07-01", "2022-02-01"),  # D1
]


def level_then(card: dict[str, Any], day: date) -> tuple[int, str] | None:
    past = [e for e in card["history"] if date.fromisoformat(e["date"]) <= day]
    if not past:
        return None
    return past[-1]["level"], "retired" if past[-1]["event"] == "retire" else "active"


def quarter_ends() -> list[date]:
    out = []
    for year in range(2020, 2026):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            if date(2020, 3, 1) <= date(year, month, day) <= TODAY:
                out.append(date(year, month, day))
    return out


# --- findings -----------------------------------------------------------------------------------


def test_validate_reports_what_the_files_say(programme: tuple[Path, list[dict[str, Any]]]):
    root, _ = programme
    result = mltrl(root, "validate", "--format", "json")
    assert result.returncode == 0, result.stdout
    found = {(f["file"], f["code"], f["severity"]) for f in json.loads(result.stdout)["findings"]}
    assert found == {
        ("cards/P1.yaml", "MLTRL165", "warning"),  # its waiver expired
        ("cards/P1.yaml", "MLTRL171", "warning"),  # moved from level 7 to 6
        ("cards/P1.yaml", "MLTRL041", "warning"),  # a waiver of a gate that does not exist
        ("cards/P1.yaml", "MLTRL020", "info"),  # held back by R1
        ("cards/T1.yaml", "ORG401", "warning"),  # the added gate
        ("cards/T1.yaml", "MLTRL145", "info"),  # its severity changed
    }  # MLTRL164 is waived; MLTRL142 is dropped (T1 names no reviewers)
    text = (root / "cards" / "P1.yaml").read_text()
    expired = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "MLTRL165")
    assert expired["line"] == line_of(text, "2025-01-31")
    assert expired["message"].endswith("(its waiver expired on 2025-01-31)")
    unknown = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "MLTRL041")
    assert unknown["line"] == line_of(text, "MLTRL999")
    # Without the programme's file the dropped gate is asked again and the moved one is not due yet.
    plain = {(f["file"], f["code"]) for f in json.loads(mltrl(root, "validate", "--format", "json", "--config",
             str(root / "plain.yml"), "cards").stdout)["findings"]}  # fmt: skip
    assert ("cards/T1.yaml", "MLTRL142") in plain and ("cards/P1.yaml", "MLTRL171") not in plain


def test_expired_waiver_severity_is_configurable(tmp_path: Path):
    card = without(complete_card("W1", level=6), "compliance")
    card["waivers"] = [{"gate": "MLTRL165", "reason": "r", "approved_by": "Ann", "expires": "2020-01-01"}]
    write(tmp_path / "cards", card)
    (tmp_path / "gates.yaml").write_text("mltrl-gates: 1\nwaivers: {expired: error}\n")
    result = mltrl(tmp_path, "validate", "--format", "json", "--gates-file", "gates.yaml")
    assert result.returncode == 1
    assert [(f["code"], f["severity"]) for f in json.loads(result.stdout)["findings"]] == [("MLTRL165", "error")]
    card["waivers"][0]["expires"] = "2099-01-01"
    write(tmp_path / "cards", card)
    result = mltrl(tmp_path, "validate", "--format", "json", "--gates-file", "gates.yaml")
    assert result.returncode == 0 and json.loads(result.stdout)["findings"] == []


# --- mltrl report -----------------------------------------------------------------------------


def test_report_json_matches_the_histories(programme: tuple[Path, list[dict[str, Any]]]):
    root, cards = programme
    result = mltrl(root, "report", "--format", "json")
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert [(w["id"], w["gate"]) for w in got["waivers"]["active"]] == [("P1", "MLTRL164")]
    assert [(w["id"], w["gate"], w["expires"]) for w in got["waivers"]["expired"]] == [("P1", "MLTRL165", "2025-01-31")]
    targets = {t["id"]: t for t in got["targets"]}
    assert targets["P1"]["state"] == "overdue" and targets["P1"]["days_left"] == -days("2025-03-31", "2025-06-30")
    assert targets["R1"]["state"] == "on track"
    assert targets["D1"]["state"] == "reached" and targets["D1"]["reached_on"] == "2021-07-01"
    assert targets["T1"]["state"] == "due soon" and targets["T1"]["days_left"] == days("2025-06-30", "2025-08-15")
    assert got["overdue_targets"] == ["P1"]
    for row in got["level_durations"]:
        spans = [days(a, b) for level, a, b in GRADUATIONS if level == row["level"]]
        assert row["graduations"] == len(spans), row
        assert row["median_days"] == (statistics.median(spans) if spans else None), row
    trend = {p["date"]: p["per_stage"] for p in got["trend"]}
    assert list(trend) == [q.isoformat() for q in quarter_ends()]
    for q in quarter_ends():
        want = {"research": 0, "prototyping": 0, "productization": 0, "deployment": 0}
        for card in cards:
            then = level_then(card, q)
            if then is not None and then[1] != "retired":
                want[STAGE[then[0]]] += 1
        assert trend[q.isoformat()] == want, q
    assert got["lifts"] == {"P1": {"limiting": [{"name": "R1", "id": "R1", "level": 2}], "next_level": 3,
                                   "next_gates": ["MLTRL132"]}}  # fmt: skip
    text = mltrl(root, "report").stdout
    assert "Overdue targets:\n  P1: level 7 by 2025-03-31, overdue by 91 days\n" in text
    assert "Active waivers:\n  P1 MLTRL164: until 2026-01-31, approved by Grace Panel\n" in text
    assert "Expired waivers:\n  P1 MLTRL165: until 2025-01-31, approved by Grace Panel\n" in text


@pytest.mark.parametrize("day", ["2020-02-01", "2021-06-30", "2022-12-31", "2023-06-30", "2025-06-30"])
def test_report_as_of_a_date_matches_the_histories(programme: tuple[Path, list[dict[str, Any]]], day: str):
    root, cards = programme
    result = mltrl(root, "report", "--as-of", day, "--format", "json")
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    then = {c["id"]: level_then(c, date.fromisoformat(day)) for c in cards}
    started = {k: v for k, v in then.items() if v is not None}
    assert got["as_of"] == day and got["cards"] == len(started)
    assert {r["id"]: (r["level"], r["status"]) for r in got["levels"]} == started
    per_level = {str(n): sum(1 for v in started.values() if v[0] == n) for n in range(10)}
    assert got["per_level"] == per_level
    assert sorted(got["not_started"]) == sorted(k for k, v in then.items() if v is None)
    text = mltrl(root, "report", "--as-of", day).stdout
    assert text.startswith(f"{len(started)} card{'s' if len(started) != 1 else ''} as of {day}\n")
    for card_id, (level, status) in started.items():
        assert f"  {card_id}: {level}" + ("" if status == "active" else f" ({status})") + "\n" in text


# --- pages --------------------------------------------------------------------------------------


def test_card_page_shows_waivers_target_and_what_lifts_it(programme: tuple[Path, list[dict[str, Any]]]):
    root, _ = programme
    soup = page(root / "site", "cards/P1/")
    rows = {tr.select("td")[3].get_text(): tr for tr in soup.select("table.mltrl-gates tbody tr")}
    assert rows["MLTRL164"]["data-state"] == "waived"
    assert rows["MLTRL164"].select("td")[2].get_text() == "waived until 2026-01-31"
    assert rows["MLTRL165"].select("td")[2].get_text() == "no (waiver expired 2025-01-31)"
    waivers = {tr["data-gate"]: tr for tr in soup.select("table.mltrl-waivers tbody tr")}
    assert waivers["MLTRL164"]["data-state"] == "active" and waivers["MLTRL165"]["data-state"] == "expired"
    assert "Deployment is designed with the hospital IT team." in waivers["MLTRL164"].get_text()
    assert waivers["MLTRL164"].select_one("em").get_text() == "hospital"  # reason rendered as Markdown
    assert waivers["MLTRL999"]["data-state"] == "unknown gate"
    target = soup.select_one("td.mltrl-target")
    assert target["data-state"] == "overdue" and "overdue by 91 days" in target.get_text()
    assert [li["data-name"] for li in soup.select("ol.mltrl-lifts li")] == ["R1"]
    assert [li.select("code")[-1].get_text() for li in soup.select("ul.mltrl-lift-gates li")] == ["MLTRL132"]
    reached = page(root / "site", "cards/D1/").select_one("td.mltrl-target")
    assert reached["data-state"] == "reached" and "reached on 2021-07-01" in reached.get_text()
    assert not page(root / "site", "cards/R1/").select("ol.mltrl-lifts")


def test_index_shows_each_targets_state(programme: tuple[Path, list[dict[str, Any]]]):
    root, _ = programme
    soup = page(root / "site", "cards/")
    states = {tr.select_one("code").get_text(): tr.select_one("td.mltrl-target")["data-state"]
              for tr in soup.select("table.mltrl-cards tbody tr")}  # fmt: skip
    assert states == {"P1": "overdue", "R1": "on track", "D1": "reached", "T1": "due soon", "X1": ""}


def test_portfolio_page_lists_waivers_targets_trend_and_durations(programme: tuple[Path, list[dict[str, Any]]]):
    root, cards = programme
    soup = page(root / "site", "cards/portfolio/")
    assert [tr["data-gate"] for tr in soup.select("table.mltrl-waivers-active tbody tr")] == ["MLTRL164"]
    assert [tr["data-gate"] for tr in soup.select("table.mltrl-waivers-expired tbody tr")] == ["MLTRL165"]
    assert {tr["data-id"]: tr["data-state"] for tr in soup.select("table.mltrl-targets tbody tr")} == {
        "P1": "overdue", "R1": "on track", "D1": "reached", "T1": "due soon"
    }  # fmt: skip
    svg = soup.select_one("svg[data-chart=trend]")
    assert 'stroke="currentColor"' in str(svg) and 'fill="#' not in str(svg)  # theme colours, both schemes
    for q in quarter_ends():
        bars = {r["data-stage"]: int(r["data-count"]) for r in svg.select(f"rect[data-date='{q.isoformat()}']")}
        want: dict[str, int] = {}
        for card in cards:
            then = level_then(card, q)
            if then is not None and then[1] != "retired":
                want[STAGE[then[0]]] = want.get(STAGE[then[0]], 0) + 1
        assert bars == want, q
    medians = {
        int(tr["data-level"]): tr.select("td")[2].get_text()
        for tr in soup.select("table.mltrl-level-durations tbody tr")
    }
    spans = [days(a, b) for level, a, b in GRADUATIONS if level == 4]
    assert medians[4] == f"{statistics.median(spans):g}" and medians[2] == "—"
    lift = soup.select_one("table.mltrl-system-limited tr[data-id=P1] td.mltrl-lift").get_text(" ", strip=True)
    assert lift == "R1 to level 3: MLTRL132"


def test_docs_example_gates_file_validates(tmp_path: Path):
    (tmp_path / "gates.yaml").write_text(docs_gates_file(), encoding="utf-8")
    gateset, findings = load_gates(tmp_path / "gates.yaml", "gates.yaml")
    assert findings == [] and gateset is not None
    assert gateset.due_soon_days == 60 and gateset.by_code("MLTRL142") is None
    assert gateset.by_code("ORG401") is not None and gateset.by_code("MLTRL171").level == 6  # type: ignore[union-attr]


def _target_as_of(card: dict[str, Any], due_soon: int) -> dict[str, Any] | None:
    """A card's target on TODAY, worked out here from its history and the gates file's due_soon_days."""
    target = card.get("target")
    if target is None:
        return None
    left = days(TODAY.isoformat(), target["date"])
    reached = [
        e["date"] for e in card["history"] if e["event"] in ("start", "graduate") and e["level"] >= target["level"]
    ]
    state = "reached" if reached else "overdue" if left < 0 else "due soon" if left <= due_soon else "on track"
    return {**target, "state": state, "days_left": left, "reached_on": reached[0] if reached else None}


def test_cards_json_carries_waivers_and_targets_and_follows_its_schema(programme: tuple[Path, list[dict[str, Any]]]):
    from jsonschema import Draft202012Validator

    root, cards = programme
    site = root / "site" / "cards"
    export = json.loads((site / "cards.json").read_text(encoding="utf-8"))
    for schema_file in (site / "cards.schema.json", site / "schemas" / "cards-export.schema.json"):
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(export)]
        assert errors == []
    by_id = {c["id"]: c for c in export["cards"]}
    due_soon = 60  # the documented gates file's targets.due_soon_days
    for card in cards:
        assert by_id[card["id"]]["target"] == _target_as_of(card, due_soon), card["id"]
    assert [by_id[c]["target"]["state"] for c in ("P1", "R1", "D1", "T1")] == [
        "overdue",
        "on track",
        "reached",
        "due soon",
    ]
    assert by_id["X1"]["target"] is None and by_id["X1"]["waivers"] == []
    p1 = {w["gate"]: w for w in by_id["P1"]["waivers"]}
    assert list(p1) == ["MLTRL164", "MLTRL165", "MLTRL999"]  # as the card lists them
    assert p1["MLTRL164"] == {"gate": "MLTRL164", "reason": "Deployment is designed with the *hospital* IT team.",
                              "approved_by": "Grace Panel", "expires": "2026-01-31", "state": "active", "needed": True}  # fmt: skip
    assert (p1["MLTRL165"]["state"], p1["MLTRL165"]["needed"]) == ("expired", True)
    assert (p1["MLTRL999"]["state"], p1["MLTRL999"]["needed"]) == ("unknown gate", False)
    # an organisation's gate code among the missing ones is valid in the export (T1 lacks ORG401)
    assert "ORG401" in by_id["T1"]["gates"]["missing"]
