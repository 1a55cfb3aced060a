"""Every rule of the table has a card that fails it and one that passes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mkdocs_mltrl.core import RULES, Finding, GateMode, Severity, load_portfolio

from .cards import complete_card, dump, history, line_of, write


def findings_for(tmp_path: Path, *cards: dict[str, Any]) -> list[Finding]:
    for card in cards:
        write(tmp_path / "cards", card)
    portfolio, findings = load_portfolio([tmp_path / "cards"], gates=GateMode.OFF)
    assert portfolio is not None
    return findings


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


H = history


CASES: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {
    # code: (failing cards, passing cards)
    "MLTRL001": (
        [complete_card("R1"), complete_card("r1")],
        [complete_card("R1"), complete_card("R2")],
    ),
    "ID001": (
        [complete_card("Assets")],
        [complete_card("assets-1")],
    ),
    "ID002": (
        [complete_card("CON")],
        [complete_card("CON1")],
    ),
    "MLTRL002": (
        [complete_card("A", components=["NOPE"])],
        [complete_card("A", components=["B", {"name": "Ext", "level": 9}]), complete_card("B")],
    ),
    "MLTRL004": (
        [complete_card(requirements=[{"id": "1", "text": "a"}, {"id": "1", "text": "b"}])],
        [complete_card(requirements=[{"id": "1", "text": "a"}, {"id": "1.1", "text": "b"}])],
    ),
    "MLTRL005": (
        [complete_card(risks=[{"id": "K", "title": "t", "p_failure": 0.1, "value": 1, "requirements": ["7"]}])],
        [complete_card(risks=[{"id": "K", "title": "t", "p_failure": 0.1, "value": 1, "requirements": ["2"]}])],
    ),
    "MLTRL006": (
        [complete_card(ethics={"answers": {"no-such-item": {"status": "done"}}})],
        [complete_card(ethics={"answers": {"data-rights": {"status": "done"}}})],
    ),
    "MLTRL007": (
        [complete_card(metrics=[{"name": "RMSE", "achieved": 0.4, "dataset": "Golden"}])],
        [complete_card(metrics=[{"name": "RMSE", "achieved": 0.4, "dataset": "Gold"}, {"name": "AUC"}])],
    ),
    "MLTRL010": (
        [complete_card(level=2, history=H(("2021-05-01", "start", 1), ("2021-04-01", "graduate", 2)))],
        [complete_card(level=2, history=H(("2021-05-01", "start", 1), ("2021-05-01", "graduate", 2)))],
    ),
    "MLTRL011": (
        [complete_card(level=2, history=H(("2021-01-01", "graduate", 2)))],
        [complete_card(level=2, history=H(("2021-01-01", "start", 2)))],
    ),
    "MLTRL012": (
        [complete_card(level=4, history=H(("2021-01-01", "start", 2), ("2021-02-01", "graduate", 4)))],
        [complete_card(level=3, history=H(("2021-01-01", "start", 2), ("2021-02-01", "graduate", 3)))],
    ),
    "MLTRL013": (
        [complete_card(level=5, history=H(("2021-01-01", "start", 4), ("2021-02-01", "switchback", 5, "review")))],
        [complete_card(level=1, history=H(("2021-01-01", "start", 4), ("2021-02-01", "switchback", 1, "review")))],
    ),
    "MLTRL014": (
        [complete_card(level=3, history=H(("2021-01-01", "start", 4), ("2021-02-01", "switchback", 3, "embedded")))],
        [complete_card(level=2, history=H(("2021-01-01", "start", 4), ("2021-02-01", "switchback", 2, "embedded")))],
    ),
    "MLTRL015": (
        [complete_card(level=3, status="paused", history=H(("2021-01-01", "start", 4), ("2021-02-01", "pause", 3)))],
        [complete_card(level=4, status="paused", history=H(("2021-01-01", "start", 4), ("2021-02-01", "pause", 4)))],
    ),
    "MLTRL016": (
        [complete_card(level=5, history=H(("2021-01-01", "start", 4)))],
        [complete_card(level=4, history=H(("2021-01-01", "start", 4)))],
    ),
    "MLTRL018": (
        [
            complete_card(
                level=5,
                history=[
                    {"date": "2021-01-01", "event": "start", "level": 4},
                    {"date": "2021-02-01", "event": "graduate", "level": 5, "outcome": "failed", "reviewers": ["R"]},
                ],
            )
        ],
        [
            complete_card(
                level=4,
                history=[
                    {"date": "2021-01-01", "event": "start", "level": 4},
                    {"date": "2021-02-01", "event": "graduate", "level": 4, "outcome": "failed", "reviewers": ["R"]},
                ],
            )
        ],
    ),
    "MLTRL019": (
        [complete_card(level=4, reviewers=[], history=H(("2021-01-01", "start", 3), ("2021-02-01", "graduate", 4)))],
        [
            complete_card(level=3, reviewers=[], history=H(("2021-01-01", "start", 2), ("2021-02-01", "graduate", 3))),
            complete_card("C3", level=4, history=H(("2021-01-01", "start", 3), ("2021-02-01", "graduate", 4))),
            complete_card(
                "C2",
                level=4,
                history=[
                    {"date": "2021-01-01", "event": "start", "level": 3},
                    {"date": "2021-02-01", "event": "graduate", "level": 4, "reviewers": ["Lin"]},
                ],
            ),
        ],
    ),
    "MLTRL017": (
        [complete_card(level=4, status="paused", history=H(("2021-01-01", "start", 4)))],
        [complete_card(level=4, status="retired", history=H(("2021-01-01", "start", 4), ("2021-06-01", "retire", 4)))],
    ),
    "MLTRL020": (
        [complete_card("A", level=8, components=["B"]), complete_card("B", level=3)],
        [complete_card("A", level=3, components=["B", {"name": "Ext", "level": 5}]), complete_card("B", level=3)],
    ),
    "MLTRL021": (
        [complete_card(license="(MIT OR Apache-2.0")],
        [complete_card(license="(MIT OR Apache-2.0) AND BSD-3-Clause")],
    ),
}


def test_every_rule_has_a_case():
    assert set(CASES) == {rule.code for rule in RULES}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails(tmp_path: Path, code: str):
    failing, _ = CASES[code]
    found = [f for f in findings_for(tmp_path, *failing) if f.code == code]
    assert found, f"{code} not reported"
    rule = next(r for r in RULES if r.code == code)
    assert all(f.severity is rule.severity for f in found)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_passes(tmp_path: Path, code: str):
    _, passing = CASES[code]
    found = findings_for(tmp_path, *passing)
    assert not found, [f.format() for f in found]


def test_skip_is_reported_at_the_level_of_the_offending_event(tmp_path: Path):
    card = complete_card(level=4, history=H(("2021-01-01", "start", 2), ("2021-02-01", "graduate", 4)))
    path = write(tmp_path / "cards", card)
    text = path.read_text()
    [finding] = [f for f in findings_for(tmp_path) if f.code == "MLTRL012"]
    assert finding.message == "graduate from level 2 to 4 skips level 3"
    assert finding.line == line_of(text, "2021-02-01") + 2  # date, event, then level
    assert text.splitlines()[finding.line - 1][finding.column - 1 :].startswith("4")


def test_duplicate_ids_are_reported_on_both_files(tmp_path: Path):
    found = [f for f in findings_for(tmp_path, complete_card("R1"), complete_card("r1")) if f.code == "MLTRL001"]
    assert {f.file.rsplit("/", 1)[-1] for f in found} == {"R1.yaml", "r1.yaml"}


def test_alias_collides_with_another_id(tmp_path: Path):
    found = findings_for(tmp_path, complete_card("A", aliases=["b"]), complete_card("B"))
    assert "MLTRL001" in codes(found)


def test_retired_codes_are_not_reused():
    from mkdocs_mltrl.core import RETIRED_CODES

    assert not set(RETIRED_CODES) & {rule.code for rule in RULES}


def test_system_level_is_transitive_and_includes_external_components(tmp_path: Path):
    cards = [
        complete_card("A", level=8, components=["B"]),
        complete_card("B", level=7, components=["C"]),
        complete_card("C", level=6, components=[{"name": "Vendor OCR", "level": 2}]),
    ]
    for card in cards:
        write(tmp_path / "cards", card)
    portfolio, _ = load_portfolio([tmp_path / "cards"], gates=GateMode.OFF)
    assert portfolio is not None
    assert portfolio.system["A"].level == 2
    assert portfolio.system["A"].limited_by == "Vendor OCR"
    info = [f for f in portfolio.findings if f.code == "MLTRL020" and f.file.endswith("A.yaml")]
    assert info and info[0].severity is Severity.INFO


def test_rules_run_on_a_card_written_by_hand(tmp_path: Path):
    text = dump(complete_card(level=3, history=H(("2021-01-01", "start", 3))))
    text = text.replace("level: 3\nsummary", "level: 3\nstatus: paused\nsummary")
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "c.yaml").write_text(text)
    [finding] = [f for f in findings_for(tmp_path) if f.code == "MLTRL017"]
    assert finding.line == line_of(text, "status: paused")
    assert finding.severity is Severity.WARNING
