"""The reference of the gates in force, as Markdown (the docs' gates page) and as data."""

from __future__ import annotations

from typing import Any

from ..core.gates.gate_set import GateSet


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def gates_markdown(gateset: GateSet) -> str:
    """The reference of every gate with its exact predicate, as Markdown (docs/gates.md)."""
    title = "Readiness gates" if not gateset.files else "Readiness gates of this programme"
    lines = [
        f"# {title}",
        "",
        "<!-- Generated from the gates file by `mltrl gates --format markdown`; do not edit. -->",
        "",
        "A card at level L must meet every gate of every level up to L, except the gates of levels",
        "below the level its history starts at (the level it *entered at*), which are not asked. A",
        "missing deliverable is a finding with the gate's code, positioned at the card's `level`.",
        "Gate findings are **warnings** by default, **errors** with `gates: error` (plugin option) or",
        "`mltrl validate --gates error`, and not reported at all with `gates: off`; a gate with its own",
        "severity is reported with that severity. Conditions read the card as written: a value the",
        "card does not state never counts as a default value. How to add, drop, move and waive gates:",
        "[Running a readiness programme](readiness-programme.md).",
        "",
        "| code | level | deliverable | severity |",
        "|---|---|---|---|",
    ]
    for g in gateset.gates:
        severity = g.severity.value if g.severity else "by mode"
        lines.append(f"| {g.code} | {g.level} | {_cell(g.description)} | {severity} |")
    lines += ["", "## Exact predicates", ""]
    for g in gateset.gates:
        lines += [f"### {g.code}", "", f"Level {g.level}: {g.description}.", "", f"Met when {g.predicate}."]
        if g.doc:
            lines += ["", f"Documentation: [{g.doc}]({g.doc})." if "://" not in g.doc else f"Documentation: <{g.doc}>."]
        lines.append("")
    return "\n".join(lines)


def gates_data(gateset: GateSet) -> list[dict[str, Any]]:
    return [
        {
            "code": g.code,
            "level": g.level,
            "description": g.description,
            "predicate": g.predicate,
            "doc": g.doc,
            "severity": g.severity.value if g.severity else None,
            "when": g.when,
            "source": g.source,
        }
        for g in gateset.gates
    ]
