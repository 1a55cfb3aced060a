"""Every readiness gate: a card that lacks the deliverable, and one that has it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from mkdocs_mltrl.core import GateMode, Severity, default_gates, evaluate_gates, load_portfolio

from .cards import climbed, complete_card, line_of, without, write


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
    "MLTRL133": lambda c: without(c, "service_levels"),
    "MLTRL145": lambda c: without(c, "metrics", 0, "dataset"),
    "MLTRL164": lambda c: without(c, "deployment", "uncertainty"),
    "MLTRL165": lambda c: without(c, "compliance", 0, "status"),
    "MLTRL191": lambda c: {**c, "monitoring": {"signals": ["concept-drift", "data-quality"]}},
    "MLTRL192": lambda c: {**c, "monitoring": {"signals": ["data-drift", "data-quality"]}},
    "MLTRL193": lambda c: {**c, "monitoring": {"signals": ["data-drift", "concept-drift"]}},
}


#: Built-in gates asked from another level than the one their code was given at (codes are never
#: renumbered): MLTRL133 asked for a service level at level 3, before the paper does.
MOVED = {"MLTRL133": 5}


def level_of(code: str) -> int:
    gate = default_gates().by_code(code)
    assert gate is not None
    return gate.level


def test_gate_codes_follow_the_contract():
    assert sorted(g.code for g in default_gates().gates) == sorted(BREAK)
    levels = [g.level for g in default_gates().gates]
    assert levels == sorted(levels)
    for gate in default_gates().gates:
        assert len(gate.code) == 8
        assert gate.level == MOVED.get(gate.code, int(gate.code[6])), gate.code


def test_no_gate_is_asked_before_the_paper_asks_for_it():
    for gate in default_gates().gates:
        assert gate.paper, f"{gate.code} quotes no sentence of the paper"
        assert gate.paper_level is None or gate.level >= gate.paper_level, gate.code


def test_service_levels_are_asked_from_level_5(tmp_path: Path):
    """The paper has SLAs and SLOs defined from the move to level 4; a card past level 4 is asked."""
    for level, asked in ((3, False), (4, False), (5, True)):
        _, findings = run(tmp_path / str(level), without(complete_card(level=level), "service_levels"))
        assert ("MLTRL133" in {f.code for f in findings}) is asked, (level, [f.format() for f in findings])


def run(tmp_path: Path, card: dict[str, Any], mode: GateMode = GateMode.WARN):
    if card["history"][0]["level"] == card["level"] and len(card["history"]) == 1:
        card = {**card, "history": climbed(card["level"])}  # every level's gates are asked
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


@pytest.mark.parametrize("code", [c for c, change in BREAK.items() if change is not None and level_of(c) > 0])
def test_gate_is_not_due_below_its_level(tmp_path: Path, code: str):
    level = level_of(code)
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
    with pytest.raises(ValueError, match="off, info, warn, error"):
        GateMode.parse("sometimes")


# --- entry-aware gates, statuses and evidence kept elsewhere --------------------------------------


def _codes(findings) -> set[str]:
    return {f.code for f in findings}


def test_gates_below_the_entry_level_are_not_asked(tmp_path: Path):
    card = _requirements_of("research")(complete_card(level=8))
    card["history"] = climbed(8, start=5)
    path = write(tmp_path / "cards", card)
    portfolio, findings = load_portfolio([tmp_path / "cards"])
    assert portfolio is not None
    assert "MLTRL121" not in _codes(findings)  # a product card that entered at 5
    entered = [f for f in findings if f.code == "MLTRL040"]
    assert len(entered) == 1 and entered[0].severity is Severity.INFO
    assert entered[0].message == "entered at level 5: the gates of levels 0-4 are not asked (MLTRL121 not met)"
    assert entered[0].line == line_of(path.read_text(), "event: start") + 1  # the start event's level
    report = portfolio.gates["C1"]
    assert report.entered_at == 5 and report.passed
    assert {r.gate.code for r in report.not_asked} >= {"MLTRL101", "MLTRL121", "MLTRL145"}
    # The same card entering at 0 is asked for its research requirement.
    card["history"] = climbed(8)
    write(tmp_path / "cards", card)
    _, findings = load_portfolio([tmp_path / "cards"])
    assert "MLTRL121" in _codes(findings) and "MLTRL040" not in _codes(findings)


@pytest.mark.parametrize("status", ["planned", "failing", None])
def test_a_deployment_test_counts_only_when_it_ran_and_passed(tmp_path: Path, status: str | None):
    card = complete_card(level=9)
    shadow = card["testing"]["suites"][2]
    if status is None:
        del shadow["status"]
    else:
        shadow["status"] = status
    _, findings = run(tmp_path, card)
    assert "MLTRL182" in _codes(findings)


def test_an_unstated_requirement_status_is_not_done(tmp_path: Path):
    card = without(complete_card(level=9), "requirements", 1, "status")
    _, findings = run(tmp_path, card)
    assert "MLTRL183" in _codes(findings)


def test_ethics_kept_elsewhere_meets_the_ethics_gates(tmp_path: Path):
    card = complete_card(level=9)
    card["ethics"] = {"external": {"status": "complete", "link": "https://wiki.example.org/ethics"}}
    _, findings = run(tmp_path, card)
    assert not {"MLTRL143", "MLTRL181"} & _codes(findings)
    card["ethics"]["external"]["status"] = "in-progress"
    _, findings = run(tmp_path, card)
    assert "MLTRL181" in _codes(findings) and "MLTRL143" not in _codes(findings)
    card["ethics"]["external"]["status"] = "not-started"
    _, findings = run(tmp_path, card)
    assert {"MLTRL143", "MLTRL181"} <= _codes(findings)


def test_vv_kept_elsewhere_meets_the_requirement_vv_gates(tmp_path: Path):
    card = complete_card(level=9)
    for requirement in card["requirements"]:
        del requirement["verification"], requirement["validation"]
    _, findings = run(tmp_path, card)
    assert {"MLTRL122", "MLTRL161"} <= _codes(findings)
    card["vv"] = {"external": {"status": "complete", "link": "https://docs.example.org/prd"}}
    _, findings = run(tmp_path, card)
    assert not {"MLTRL122", "MLTRL161"} & _codes(findings)
    card["vv"]["external"]["status"] = "in-progress"
    _, findings = run(tmp_path, card)
    assert {"MLTRL122", "MLTRL161"} <= _codes(findings)


def test_monitoring_named_fields_meet_the_level_9_gates(tmp_path: Path):
    card = complete_card(level=9)
    card["monitoring"] = {
        "data_quality": "Schema checks on every batch.",
        "data_drift": "PSI on inputs, weekly.",
        "concept_drift": "Label feedback against predictions.",
    }
    _, findings = run(tmp_path, card)
    assert not {"MLTRL191", "MLTRL192", "MLTRL193"} & _codes(findings)
    card["monitoring"] = {"data_drift": "PSI.", "signals": ["concept-drift"]}
    _, findings = run(tmp_path, card)
    assert {"MLTRL191", "MLTRL192", "MLTRL193"} & _codes(findings) == {"MLTRL193"}
