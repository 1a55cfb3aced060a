"""Every readiness gate: a card that lacks the deliverable, and one that has it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from mkdocs_mltrl.findings import Severity
from mkdocs_mltrl.gates import GATES, GateMode, evaluate_gates
from mkdocs_mltrl.portfolio import load_portfolio

from .cards import complete_card, without, write


def _research_unverified(card: dict[str, Any]) -> dict[str, Any]:
    card = copy.deepcopy(card)
    card["requirements"][0]["status"] = "in-progress"
    return card


def _product_unverified(card: dict[str, Any]) -> dict[str, Any]:
    card = copy.deepcopy(card)
    card["requirements"][1]["status"] = "failed"
    return card


def _suites_without(*kinds: str):
    def change(card: dict[str, Any]) -> dict[str, Any]:
        card = copy.deepcopy(card)
        card["testing"]["suites"] = [s for s in card["testing"]["suites"] if s["kind"] not in kinds]
        return card

    return change


def _requirements_of(kind: str):
    def change(card: dict[str, Any]) -> dict[str, Any]:
        card = copy.deepcopy(card)
        card["requirements"] = [r for r in card["requirements"] if r["kind"] != kind]
        return card

    return change


def _one_open_answer(card: dict[str, Any]) -> dict[str, Any]:
    card = copy.deepcopy(card)
    card["ethics"]["answers"]["misuse"]["status"] = "open"
    return card


BREAK = {
    "MLTRL101": lambda c: {**c, "summary": "   "},
    "MLTRL102": None,  # owners are required by the schema: the gate can never fail on a valid card
    "MLTRL111": lambda c: without(c, "model"),
    "MLTRL112": lambda c: without(c, "versions", "code"),
    "MLTRL121": _requirements_of("research"),
    "MLTRL122": lambda c: without(c, "requirements", 0, "validation"),
    "MLTRL123": lambda c: without(c, "data", "summary"),
    "MLTRL131": _suites_without("unit", "integration"),
    "MLTRL132": lambda c: without(c, "links", "code"),
    "MLTRL141": lambda c: without(c, "intended_use", "intended"),
    "MLTRL142": lambda c: without(c, "reviewers"),
    "MLTRL143": lambda c: {**c, "ethics": {"answers": {}}},
    "MLTRL144": lambda c: without(without(without(c, "risks"), "requirements", 0, "risk"), "requirements", 1, "risk"),
    "MLTRL151": _research_unverified,
    "MLTRL152": _requirements_of("product"),
    "MLTRL153": lambda c: without(c, "versions", "data"),
    "MLTRL161": lambda c: without(c, "requirements", 1, "verification"),
    "MLTRL162": lambda c: without(c, "intended_use", "unacceptable"),
    "MLTRL163": lambda c: without(c, "requirements", 1, "risk"),
    "MLTRL171": lambda c: {**c, "data": {"summary": "x", "datasets": []}},
    "MLTRL172": _suites_without("metamorphic", "critical-scenario"),
    "MLTRL181": _one_open_answer,
    "MLTRL182": _suites_without("shadow", "canary", "ab", "blue-green"),
    "MLTRL183": _product_unverified,
    "MLTRL191": lambda c: {**c, "monitoring": {"signals": ["latency"]}},
}


def test_gate_codes_follow_the_contract():
    assert [g.code for g in GATES] == sorted(BREAK)
    for gate in GATES:
        assert gate.code.startswith(f"MLTRL1{gate.level}") and len(gate.code) == 8


def run(tmp_path: Path, card: dict[str, Any], mode: GateMode = GateMode.WARN):
    write(tmp_path / "cards", card)
    portfolio, findings = load_portfolio([tmp_path / "cards"], gates=mode)
    assert portfolio is not None
    return portfolio, findings


def test_a_complete_card_passes_every_gate(tmp_path: Path):
    portfolio, findings = run(tmp_path, complete_card(level=9))
    assert findings == []
    assert portfolio.gates["C1"].passed


@pytest.mark.parametrize("code", [c for c, change in BREAK.items() if change is not None])
def test_gate_fails_when_its_deliverable_is_missing(tmp_path: Path, code: str):
    card = BREAK[code](complete_card(level=9))  # type: ignore[misc]
    _, findings = run(tmp_path, card)
    assert code in {f.code for f in findings}, [f.format() for f in findings]
    assert all(f.severity is Severity.WARNING for f in findings if f.code == code)


@pytest.mark.parametrize("code", [c for c, change in BREAK.items() if change is not None and c[6] != "0"])
def test_gate_is_not_due_below_its_level(tmp_path: Path, code: str):
    level = int(code[6])
    card = BREAK[code](complete_card(level=level - 1))  # type: ignore[misc]
    _, findings = run(tmp_path, card)
    assert code not in {f.code for f in findings}


def test_gates_as_errors_and_off(tmp_path: Path):
    card = without(complete_card(level=9), "model")
    _, findings = run(tmp_path, card, GateMode.ERROR)
    assert [(f.code, f.severity) for f in findings] == [("MLTRL111", Severity.ERROR)]
    _, findings = run(tmp_path, card, GateMode.OFF)
    assert findings == []


def test_report_lists_what_is_missing_to_graduate(tmp_path: Path):
    card = without(complete_card(level=4), "versions", "model")
    portfolio, _ = run(tmp_path, card)
    report = evaluate_gates(portfolio.cards[0], portfolio.checklist)
    assert report.passed
    assert [g.code for g in report.to_graduate] == ["MLTRL153"]


def test_gate_mode_accepts_yaml11_false():
    assert GateMode.parse(False) is GateMode.OFF
    assert GateMode.parse("ERROR") is GateMode.ERROR
    with pytest.raises(ValueError, match="off, warn, error"):
        GateMode.parse("sometimes")
