"""The reference of the gates in force, as Markdown (the docs' gates page) and as data."""

from __future__ import annotations

from typing import Any

from ..core.gates.gate_set import Gate, GateSet
from ..core.markdown_text import md_code_spans, md_link, md_text

# Every value of a gates file is untrusted: it is written as plain text, code spans or a link
# under the URL policy (see core/markdown_text.py), never as Markdown of its own.


def _paper(gate: Gate) -> str:
    """The paper's words for a gate, as a table cell: where, then the quote (escaped as text)."""
    if not gate.paper:
        return "—"
    where = "Methods" if gate.paper_level is None else f"Level {gate.paper_level}"
    return f"*{where}*: “{md_text(gate.paper, cell=True)}”"


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
        "Missing deliverables are a card's readiness status: its page and the index show them. With",
        "`gates: warn` (the default) `mltrl validate` reports them as **warnings** (failing under",
        "`--strict`) and a site build as **info**, so a new card publishes under `mkdocs build --strict`;",
        "with `gates: error` (plugin option) or `mltrl validate --gates error` they are **errors**, which",
        "also stop the build; `gates: info` reports them and never fails; `gates: off` does not report",
        "them. A gate with its own severity is reported with that severity everywhere. Conditions read",
        "the card as written: a value the card does not state never counts as a default value. How to",
        "add, drop, move and waive gates: [Running a readiness programme](readiness-programme.md).",
        "",
        "The last column quotes the [MLTRL paper](https://arxiv.org/abs/2101.03989) where it asks for the",
        "deliverable, with the level it asks it at (*Methods*: the paper's Methods section, which names",
        "no level). No built-in gate is asked before that level; a gate's code keeps the level it was",
        "first asked at, since codes are never renumbered.",
        "",
        "| code | level | deliverable | severity | in the paper |",
        "|---|---|---|---|---|",
    ]
    for g in gateset.gates:
        severity = g.severity.value if g.severity else "by mode"
        description = md_code_spans(g.description, cell=True)
        lines.append(f"| {g.code} | {g.level} | {description} | {severity} | {_paper(g)} |")
    lines += ["", "## Exact predicates", ""]
    for g in gateset.gates:
        description = md_code_spans(g.description)
        lines += [f"### {g.code}", "", f"Level {g.level}: {description}.", "", f"Met when {g.predicate}."]
        if g.paper:
            lines += ["", f"In the paper: {_paper(g)}"]
        if g.doc:
            lines += ["", f"Documentation: {md_link(g.doc, g.doc)}."]
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
            "paper": {"level": g.paper_level, "quote": g.paper} if g.paper else None,
            "when": g.when,
            "source": g.source,
        }
        for g in gateset.gates
    ]
