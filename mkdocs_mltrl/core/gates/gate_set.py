"""The readiness gates: what a card must hold at each level, declared in a gates file.

The built-in gates are the shipped ``gatefiles/default.yaml``; an organisation's gates file adds
gates, drops built-in ones, moves them to another level and sets their severity. A gate's
condition is data (see ``schemas/gates.schema.json``) evaluated over the card as written, so a
condition never mistakes an unstated value for a default one."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ..card import Card
from ..card_parts import Waiver
from ..checklist import Checklist
from ..file_policy import Folder, project_folder
from ..findings import Finding, Severity
from ..resources import default_gates_path
from ..schema_check import check
from ..suggest import close_match
from ..yaml_loader import LoadedDocument, Path_, load_mapping
from .conditions import Condition, describe, field_paths_of, holds
from .field_paths import unknown_field

GATES_SCHEMA = "gates.schema.json"


GATES_DUPLICATE = "GATES001"  # two gates share a code


GATES_UNKNOWN = "GATES002"  # drop or change names a gate that does not exist


GATES_UNKNOWN_FIELD = "GATES003"  # a condition names a card field the format does not have


GATES_UNKNOWN_SECTION = "GATES004"  # a checklist condition names a section the checklist does not have


DEFAULT_DUE_SOON_DAYS = 90


class GateMode(str, enum.Enum):
    """How missing deliverables are reported."""

    OFF = "off"
    INFO = "info"  # reported, never failing (how a site build reports `warn`)
    WARN = "warn"
    ERROR = "error"

    @classmethod
    def parse(cls, value: object) -> GateMode:
        """Accept ``off``/``info``/``warn``/``error``, and YAML 1.1's ``false`` for an unquoted ``off``."""
        if value is False:
            return cls.OFF
        try:
            return cls(str(value).lower())
        except ValueError:
            raise ValueError(f"gates must be one of off, info, warn, error (got {value!r})") from None


@dataclass(frozen=True, slots=True)
class Gate:
    code: str
    level: int
    description: str
    when: Condition = field(compare=False, hash=False)
    doc: str | None = None
    severity: Severity | None = None  # None: reported as the gate mode says
    source: str = ""  # the gates file that declares (or last changed) the gate
    line: int = 1  # where the gate is declared in its file
    column: int = 1
    paper: str | None = None  # the MLTRL paper's words that ask for the deliverable
    paper_level: int | None = None  # the level they ask it at (None: the paper's Methods section)

    def met(self, card: Card, checklist: Checklist) -> bool:
        return holds(self.when, card, checklist)

    @property
    def predicate(self) -> str:
        return describe(self.when)


@dataclass(frozen=True)
class GateSet:
    """The gates of a readiness programme, and how its waivers and targets are reported."""

    gates: tuple[Gate, ...]
    expired_severity: Severity = Severity.WARNING
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS
    files: tuple[str, ...] = ()

    def by_code(self, code: str) -> Gate | None:
        return next((g for g in self.gates if g.code == code), None)

    @property
    def codes(self) -> list[str]:
        return [g.code for g in self.gates]

    @cached_property
    def plain_results(self) -> dict[tuple[str, bool, GateState], GateResult]:
        """One result object for each verdict a gate can give without a waiver: every card's
        report shares them, instead of holding a copy for each gate."""
        verdicts = (
            (True, GateState.MET),
            (False, GateState.MISSING),
            (True, GateState.ENTERED),
            (False, GateState.ENTERED),
        )
        return {(g.code, met, state): GateResult(g, met, state) for g in self.gates for met, state in verdicts}

    def result(self, gate: Gate, met: bool, state: GateState) -> GateResult:
        """The shared result of a gate of this set without a waiver (see :attr:`plain_results`)."""
        found = self.plain_results.get((gate.code, met, state))
        return found if found is not None and found.gate is gate else GateResult(gate, met, state)

    def signature(self) -> tuple[object, ...]:
        """Everything the gates decide by, conditions included: equal signatures, equal verdicts."""
        gates = tuple((g.code, g.level, g.severity, g.description, g.doc, repr(g.when)) for g in self.gates)
        return (gates, self.expired_severity, self.due_soon_days)


def _finding(document: LoadedDocument, display: str, path: Path_, severity: Severity, code: str, text: str) -> Finding:
    where = document.positions.of_value(path)
    return Finding(display, where.line, where.column, severity, code, text)


def _gate(data: dict[str, Any], source: str, line: int, column: int) -> Gate:
    paper = data.get("paper") or {}
    return Gate(
        data["code"],
        int(data["level"]),
        data["description"],
        data["when"],
        data.get("doc"),
        Severity(data["severity"]) if data.get("severity") else None,
        source,
        line,
        column,
        paper.get("quote"),
        int(paper["level"]) if "level" in paper else None,
    )


def _field_findings(document: LoadedDocument, display: str, index: int, gate: dict[str, Any]) -> list[Finding]:
    found = []
    for path, field_path, within in field_paths_of(gate["when"], ("gates", index, "when")):
        problem = unknown_field(field_path, within)
        if problem:
            found.append(_finding(document, display, path, Severity.WARNING, GATES_UNKNOWN_FIELD, problem))
    return found


def _merge(base: GateSet, document: LoadedDocument, display: str) -> tuple[GateSet, list[Finding]]:
    data = document.data
    findings: list[Finding] = []
    gates = {g.code: g for g in base.gates}
    order = {g.code: n for n, g in enumerate(base.gates)}
    for i, code in enumerate(data.get("drop") or ()):
        if code in gates:
            del gates[code]
        else:
            findings.append(
                _finding(document, display, ("drop", i), Severity.WARNING, GATES_UNKNOWN, _no_gate(code, gates))
            )
    for code, change in (data.get("change") or {}).items():
        gate = gates.get(code)
        if gate is None:
            where = document.positions.of_key(("change", code))
            findings.append(
                Finding(display, where.line, where.column, Severity.WARNING, GATES_UNKNOWN, _no_gate(code, gates))
            )
            continue
        gates[code] = replace(
            gate,
            level=int(change.get("level", gate.level)),
            severity=Severity(change["severity"]) if "severity" in change else gate.severity,
            description=change.get("description", gate.description),
            doc=change.get("doc", gate.doc),
            source=display,
        )
    seen: dict[str, int] = {}
    for i, raw in enumerate(data.get("gates") or ()):
        code = raw["code"]
        where = document.positions.of_value(("gates", i, "code"))
        if code in seen or code in gates:
            first = f"line {seen[code]} of this file" if code in seen else gates[code].source or "the built-in gates"
            findings.append(
                Finding(
                    display,
                    where.line,
                    where.column,
                    Severity.ERROR,
                    GATES_DUPLICATE,
                    f"gate code '{code}' is already used ({first}); drop the other gate to replace it",
                )
            )
            continue
        seen[code] = where.line
        findings.extend(_field_findings(document, display, i, raw))
        gates[code] = _gate(raw, display, where.line, where.column)
        order[code] = len(order)
    options_w = data.get("waivers") or {}
    options_t = data.get("targets") or {}
    merged = GateSet(
        tuple(sorted(gates.values(), key=lambda g: (g.level, order[g.code]))),
        Severity(options_w["expired"]) if "expired" in options_w else base.expired_severity,
        int(options_t.get("due_soon_days", base.due_soon_days)),
        (*base.files, display),
    )
    return merged, findings


def _no_gate(code: str, gates: dict[str, Gate]) -> str:
    hint = close_match(code, gates, cutoff=0.7)
    return f"'{code}' is not a gate" + (f": did you mean '{hint}'?" if hint else "")


def _read(
    path: Path, display: str, folder: Folder | None = None, checked: bool = True
) -> tuple[LoadedDocument | None, list[Finding]]:
    document, findings = load_mapping(path, display, folder)
    if document is None or not checked:
        return document, findings
    # One document a build: jsonschema checks it in less time than the quick validator takes to
    # compile this schema (0.08 s against 0.25 s), and the schema fills in no defaults.
    findings = check(document, display, GATES_SCHEMA, fast=False)
    return (None, findings) if findings else (document, [])


@cache
def default_gates() -> GateSet:
    """The built-in gates (the shipped default gates file)."""
    path = default_gates_path()
    # Not checked against the schema on every run (a test checks it): a build with valid cards
    # then never imports jsonschema, which the format packages of the `interop` extra make slow.
    document, findings = _read(path, str(path), checked=False)
    if document is None:  # pragma: no cover - a test checks the shipped file
        raise RuntimeError("the shipped gates file is invalid: " + "; ".join(f.format() for f in findings))
    gateset, problems = _merge(GateSet(()), document, "the built-in gates")
    if problems:  # pragma: no cover - a test checks the shipped file
        raise RuntimeError("the shipped gates file is invalid: " + "; ".join(f.format() for f in problems))
    return replace(gateset, files=())


def load_gates(
    path: Path | None = None, display: str | None = None, project: Path | None = None
) -> tuple[GateSet | None, list[Finding]]:
    """The built-in gates with an organisation's gates file applied (``None``: the built-in ones).

    Returns ``None`` and the findings when the file cannot be used; warnings (a dropped gate that
    does not exist, an unknown field) come back with a usable gate set. A gates file named inside
    ``project`` must really lie in it (see :mod:`..file_policy`).
    """
    base = default_gates()
    if path is None:
        return base, []
    display = display or str(path)
    document, findings = _read(path, display, project_folder(project) if project is not None else None)
    if document is None:
        return None, findings
    gateset, findings = _merge(base, document, display)
    if any(f.severity is Severity.ERROR for f in findings):
        return None, findings
    return gateset, findings


def check_sections(gateset: GateSet, checklist: Checklist) -> list[Finding]:
    """Gates whose checklist condition names a section the checklist does not have."""
    titles = {s.title for s in checklist.sections}

    def sections(condition: Condition) -> Iterator[str]:
        ((kind, spec),) = condition.items()
        if kind == "checklist" and spec.get("section"):
            yield spec["section"]
        elif kind in ("any_of", "all_of"):
            for sub in spec:
                yield from sections(sub)

    return [
        Finding(
            g.source,
            g.line,
            g.column,
            Severity.WARNING,
            GATES_UNKNOWN_SECTION,
            f"gate {g.code} names checklist section '{missing}', which the checklist '{checklist.title}' does not have",
        )
        for g in gateset.gates
        for missing in sections(g.when)
        if missing not in titles
    ]


class GateState(str, enum.Enum):
    MET = "met"
    MISSING = "missing"
    WAIVED = "waived"  # not met, excused by a waiver that has not expired
    EXPIRED = "expired"  # not met, and its waiver has expired
    ENTERED = "entered"  # below the level the card entered at: not asked


@dataclass(frozen=True, slots=True)
class GateResult:
    gate: Gate
    met: bool
    state: GateState = GateState.MET
    waiver: Waiver | None = None

    @property
    def missing(self) -> bool:
        return self.state in (GateState.MISSING, GateState.EXPIRED)
