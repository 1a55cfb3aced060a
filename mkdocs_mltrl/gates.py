"""The readiness gates: what a card must hold at each level, declared in a gates file.

The built-in gates are the shipped ``gatefiles/default.yaml``; an organisation's gates file adds
gates, drops built-in ones, moves them to another level and sets their severity. A gate's
condition is data (see ``schemas/gates.schema.json``) evaluated over the card as written, so a
condition never mistakes an unstated value for a default one.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from .checklist import Checklist
from .clock import build_date
from .findings import Finding, Severity
from .model import Card, Waiver
from .resources import default_gates_path, load_schema
from .schema_check import check
from .yaml_loader import LoadedDocument, Path_, load_mapping

GATES_SCHEMA = "gates.schema.json"

GATES_DUPLICATE = "GATES001"  # two gates share a code
GATES_UNKNOWN = "GATES002"  # drop or change names a gate that does not exist
GATES_UNKNOWN_FIELD = "GATES003"  # a condition names a card field the format does not have
GATES_UNKNOWN_SECTION = "GATES004"  # a checklist condition names a section the checklist does not have

ENTERED_ABOVE = "MLTRL040"  # info: gates below the level a card entered at are not asked
WAIVER_UNKNOWN_GATE = "MLTRL041"  # a waiver names a gate that the programme does not have

DEFAULT_DUE_SOON_DAYS = 90

Condition = dict[str, Any]


class GateMode(str, enum.Enum):
    """How missing deliverables are reported."""

    OFF = "off"
    WARN = "warn"
    ERROR = "error"

    @classmethod
    def parse(cls, value: object) -> GateMode:
        """Accept ``off``/``warn``/``error``, and YAML 1.1's ``false`` for an unquoted ``off``."""
        if value is False:
            return cls.OFF
        try:
            return cls(str(value).lower())
        except ValueError:
            raise ValueError(f"gates must be one of off, warn, error (got {value!r})") from None


# --- conditions -------------------------------------------------------------------------------


def _get(data: Any, path: str) -> Any:
    node = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _non_empty(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _matches(item: Any, match: dict[str, Any]) -> bool:
    """Every field of ``match`` has one of its values; ``None`` among them allows it unstated."""
    for path, allowed in match.items():
        options = allowed if isinstance(allowed, list) else [allowed]
        value = _get(item, path)
        if value is None:
            if None not in options:
                return False
        elif _as_text(value) not in options:
            return False
    return True


def _counted(spec: dict[str, Any], data: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """(items that match ``where``, those of them that also have ``has`` and ``matches``)."""
    items = _get(data, spec["items"])
    selected = [i for i in items if _matches(i, spec.get("where", {}))] if isinstance(items, list) else []
    good = [
        i
        for i in selected
        if all(_non_empty(_get(i, p)) for p in spec.get("has", ())) and _matches(i, spec.get("matches", {}))
    ]
    return selected, good


def _checklist_complete(card: Card, checklist: Checklist, section: str | None) -> bool:
    answers = card.ethics
    ids = [
        item.id for s in checklist.sections if section is None or s.title == section for item in s.items
    ]  # fmt: skip
    return bool(ids) and all(i in answers and answers[i].status != "open" for i in ids)


def holds(condition: Condition, card: Card, checklist: Checklist) -> bool:
    """Whether ``card`` meets ``condition`` (a schema-valid condition of a gates file)."""
    ((kind, spec),) = condition.items()
    data = card.as_written()
    if kind == "present":
        return _non_empty(_get(data, spec))
    if kind == "link":
        return _non_empty(_get(data, f"links.{spec}"))
    if kind == "value":
        value = _get(data, spec["path"])
        values = value if isinstance(value, list) else [value]
        return any(v is not None and _as_text(v) in spec["in"] for v in values)
    if kind == "count":
        return len(_counted(spec, data)[1]) >= int(spec.get("at_least", 1))
    if kind == "every":
        selected, good = _counted(spec, data)
        return len(good) == len(selected)
    if kind == "checklist":
        return _checklist_complete(card, checklist, spec.get("section"))
    if kind == "any_of":
        return any(holds(c, card, checklist) for c in spec)
    if kind == "all_of":
        return all(holds(c, card, checklist) for c in spec)
    raise ValueError(f"unknown condition {kind!r}")  # the schema admits no other


def _code(text: str) -> str:
    return f"`{text}`"


def _alternatives(values: Sequence[Any], joiner: str = "or") -> str:
    words = [_code(v) if v is not None else "not stated" for v in values]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def _match_text(match: dict[str, Any]) -> str:
    parts = []
    for path, allowed in match.items():
        options = allowed if isinstance(allowed, list) else [allowed]
        parts.append(f"{_code(path)} {_alternatives(options)}")
    return " and ".join(parts)


def _items_text(spec: dict[str, Any]) -> str:
    text = f"items of {_code(spec['items'])}"
    if spec.get("where"):
        text += f" with {_match_text(spec['where'])}"
    return text


def _needs_text(spec: dict[str, Any]) -> str:
    needs = []
    if spec.get("has"):
        needs.append(f"{_alternatives(spec['has'], 'and')} not empty")
    if spec.get("matches"):
        needs.append(_match_text(spec["matches"]))
    return " and ".join(needs)


def describe(condition: Condition, nested: bool = False) -> str:
    """The exact predicate of a condition, in words (Markdown)."""
    ((kind, spec),) = condition.items()
    if kind == "present":
        return f"{_code(spec)} is present and not empty"
    if kind == "link":
        return f"{_code('links.' + spec)} is set"
    if kind == "value":
        return f"{_code(spec['path'])} is (or, for a list, holds) {_alternatives(spec['in'])}"
    if kind == "count":
        n = spec.get("at_least", 1)
        needs = _needs_text(spec)
        text = f"at least {n} {_items_text(spec)}"
        return text + (f" having {needs}" if needs else "")
    if kind == "every":
        return f"every one of the {_items_text(spec)} has {_needs_text(spec)} (true when there is none)"
    if kind == "checklist":
        where = f' of section "{spec["section"]}"' if spec.get("section") else ""
        return f"every item{where} of the active ethics checklist is answered and none is `open`"
    joiner = " or " if kind == "any_of" else " and "
    text = joiner.join(describe(c, nested=True) for c in spec)
    return f"({text})" if nested else text


def _paths(condition: Condition, at: Path_) -> Iterator[tuple[Path_, str, str | None]]:
    """(position path, card field path, list it is relative to) of every field a condition names."""
    ((kind, spec),) = condition.items()
    here: Path_ = (*at, kind)
    if kind == "present":
        yield here, spec, None
    elif kind == "value":
        yield (*here, "path"), spec["path"], None
    elif kind in ("count", "every"):
        yield (*here, "items"), spec["items"], None
        for key in ("where", "matches"):
            for path in spec.get(key, {}):
                yield (*here, key, path), path, spec["items"]
        for i, path in enumerate(spec.get("has", ())):
            yield (*here, "has", i), path, spec["items"]
    elif kind in ("any_of", "all_of"):
        for i, sub in enumerate(spec):
            yield from _paths(sub, (*here, i))


# --- the card format's field paths --------------------------------------------------------------

_ANY: dict[str, Any] = {"x-any": True}


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node and node["$ref"].startswith("#/$defs/"):
        node = {**defs[node["$ref"].removeprefix("#/$defs/")], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _child(node: dict[str, Any], part: str, defs: dict[str, Any]) -> dict[str, Any] | None:
    node = _resolve(node, defs)
    if node is _ANY:
        return _ANY
    branches = [node] + [_resolve(b, defs) for k in ("anyOf", "oneOf", "allOf") for b in node.get(k, ())]
    for branch in branches:
        if part in branch.get("properties", {}):
            return _resolve(branch["properties"][part], defs)
    for branch in branches:
        if part.startswith("x-") and branch.get("patternProperties"):
            return _ANY
        extra = branch.get("additionalProperties")
        if isinstance(extra, dict):
            return _resolve(extra, defs)
    return None


@cache
def _card_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    schema = load_schema("card.schema.json")
    return schema, schema.get("$defs", {})


def _field_node(path: str, base: dict[str, Any] | None = None) -> dict[str, Any] | None:
    schema, defs = _card_schema()
    node: dict[str, Any] | None = base or schema
    for part in path.split("."):
        if node is None:
            return None
        node = _child(node, part, defs)
    return node


def _field_names(node: dict[str, Any] | None) -> list[str]:
    if node is None or node is _ANY:
        return []
    _, defs = _card_schema()
    node = _resolve(node, defs)
    return sorted(node.get("properties", {}))


def _unknown_field(path: str, within: str | None) -> str | None:
    """Why ``path`` names no card field (``None`` when it does)."""
    base = None
    if within is not None:
        listing = _field_node(within)
        if listing is None or listing is _ANY:
            return None  # the list itself is reported, or unknown in structure
        _, defs = _card_schema()
        items = _resolve(listing, defs).get("items")
        if not isinstance(items, dict):
            return f"'{within}' is not a list in the card format"
        base = _resolve(items, defs)
    if _field_node(path, base) is not None:
        return None
    head, _, last = path.rpartition(".")
    parent = _field_node(head, base) if head else (base or _card_schema()[0])
    hint = difflib.get_close_matches(last, _field_names(parent), n=1, cutoff=0.6)
    place = f" in the items of '{within}'" if within else ""
    message = f"'{path}' is not a field of the card format{place}"
    return message + (f": did you mean '{'.'.join([*([head] if head else []), hint[0]])}'?" if hint else "")


# --- gates and gate sets ------------------------------------------------------------------------


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
    )


def _field_findings(document: LoadedDocument, display: str, index: int, gate: dict[str, Any]) -> list[Finding]:
    found = []
    for path, field_path, within in _paths(gate["when"], ("gates", index, "when")):
        problem = _unknown_field(field_path, within)
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
    hint = difflib.get_close_matches(code, list(gates), n=1, cutoff=0.7)
    return f"'{code}' is not a gate" + (f": did you mean '{hint[0]}'?" if hint else "")


def _read(path: Path, display: str) -> tuple[LoadedDocument | None, list[Finding]]:
    document, findings = load_mapping(path, display)
    if document is None:
        return None, findings
    # One document a build: jsonschema checks it in less time than the quick validator takes to
    # compile this schema (0.08 s against 0.25 s), and the schema fills in no defaults.
    findings = check(document, display, GATES_SCHEMA, fast=False)
    return (None, findings) if findings else (document, [])


@cache
def default_gates() -> GateSet:
    """The built-in gates (the shipped default gates file)."""
    path = default_gates_path()
    document, findings = _read(path, str(path))
    if document is None:  # pragma: no cover - a test checks the shipped file
        raise RuntimeError("the shipped gates file is invalid: " + "; ".join(f.format() for f in findings))
    gateset, problems = _merge(GateSet(()), document, "the built-in gates")
    if problems:  # pragma: no cover - a test checks the shipped file
        raise RuntimeError("the shipped gates file is invalid: " + "; ".join(f.format() for f in problems))
    return replace(gateset, files=())


def load_gates(path: Path | None = None, display: str | None = None) -> tuple[GateSet | None, list[Finding]]:
    """The built-in gates with an organisation's gates file applied (``None``: the built-in ones).

    Returns ``None`` and the findings when the file cannot be used; warnings (a dropped gate that
    does not exist, an unknown field) come back with a usable gate set.
    """
    base = default_gates()
    if path is None:
        return base, []
    display = display or str(path)
    document, findings = _read(path, display)
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


def __getattr__(name: str) -> Any:
    if name == "GATES":  # the built-in gates, for scripts that list them
        return default_gates().gates
    raise AttributeError(name)


# --- evaluating a card ---------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class GateReport:
    """The gates up to a card's level, and those of the next level."""

    current: tuple[GateResult, ...]
    next_level: tuple[GateResult, ...]
    entered_at: int = 0

    @property
    def missing(self) -> list[Gate]:
        return [r.gate for r in self.current if r.missing]

    @property
    def passed(self) -> bool:
        return not self.missing

    @property
    def asked(self) -> list[GateResult]:
        """The gates asked of the card at its level (those below its entry level are not)."""
        return [r for r in self.current if r.state is not GateState.ENTERED]

    @property
    def not_asked(self) -> list[GateResult]:
        return [r for r in self.current if r.state is GateState.ENTERED]

    @property
    def waived(self) -> list[GateResult]:
        return [r for r in self.current + self.next_level if r.state is GateState.WAIVED]

    @property
    def expired(self) -> list[GateResult]:
        return [r for r in self.current if r.state is GateState.EXPIRED]

    @property
    def to_graduate(self) -> list[Gate]:
        """Everything still missing before the card may graduate to the next level."""
        return self.missing + [r.gate for r in self.next_level if r.missing]


def entry_level(card: Card) -> int:
    """The level at which the card's history starts (0 without a history)."""
    return card.history[0].level if card.history else 0


def _result(
    gate: Gate, card: Card, checklist: Checklist, waivers: dict[str, Waiver], today: date, gateset: GateSet
) -> GateResult:
    met = gate.met(card, checklist)
    if met:
        return gateset.result(gate, True, GateState.MET)
    waiver = waivers.get(gate.code)
    if waiver is None:
        return gateset.result(gate, False, GateState.MISSING)
    active = date.fromisoformat(waiver.expires) >= today
    return GateResult(gate, False, GateState.WAIVED if active else GateState.EXPIRED, waiver)


def evaluate_gates(
    card: Card, checklist: Checklist, gateset: GateSet | None = None, today: date | None = None
) -> GateReport:
    gateset = gateset or default_gates()
    today = today or build_date()
    entered = entry_level(card)
    waivers: dict[str, Waiver] = {}
    for waiver in card.waivers:  # the latest expiry wins when a gate is waived twice
        if waiver.gate not in waivers or waiver.expires > waivers[waiver.gate].expires:
            waivers[waiver.gate] = waiver
    current = []
    for gate in gateset.gates:
        if gate.level > card.level:
            continue
        if gate.level < entered:
            current.append(gateset.result(gate, gate.met(card, checklist), GateState.ENTERED))
        else:
            current.append(_result(gate, card, checklist, waivers, today, gateset))
    upcoming = tuple(
        _result(g, card, checklist, waivers, today, gateset) for g in gateset.gates if g.level == card.level + 1
    )  # fmt: skip
    return GateReport(tuple(current), upcoming, entered)


def gate_findings(card: Card, report: GateReport, mode: GateMode, gateset: GateSet | None = None) -> list[Finding]:
    """Missing deliverables, expired waivers, waivers of unknown gates and the entry note."""
    gateset = gateset or default_gates()
    findings = []
    for i, waiver in enumerate(card.waivers):
        if gateset.by_code(waiver.gate) is None:
            where = card.positions.of_value(("waivers", i, "gate"))
            hint = difflib.get_close_matches(waiver.gate, gateset.codes, n=1, cutoff=0.7)
            findings.append(
                Finding(
                    card.file,
                    where.line,
                    where.column,
                    Severity.WARNING,
                    WAIVER_UNKNOWN_GATE,
                    f"waiver of '{waiver.gate}', which is not a gate of this programme"
                    + (f": did you mean '{hint[0]}'?" if hint else ""),
                )
            )
    if mode is GateMode.OFF:
        return findings
    default = Severity.ERROR if mode is GateMode.ERROR else Severity.WARNING
    at_level = card.positions.of_value(("level",))
    for result in report.current:
        gate = result.gate
        text = f"missing level-{gate.level} deliverable: {gate.description}"
        if result.state is GateState.MISSING:
            severity = gate.severity or default
            findings.append(Finding(card.file, at_level.line, at_level.column, severity, gate.code, text))
        elif result.state is GateState.EXPIRED and result.waiver is not None:
            where = card.positions.of_value(("waivers", result.waiver.index, "expires"))
            findings.append(
                Finding(
                    card.file,
                    where.line,
                    where.column,
                    gateset.expired_severity,
                    gate.code,
                    f"{text} (its waiver expired on {result.waiver.expires})",
                )
            )
    skipped = [r.gate.code for r in report.not_asked if not r.met]
    if skipped:
        where = card.positions.of_value(("history", 0, "level"))
        below = f"level {report.entered_at - 1}" if report.entered_at == 1 else f"levels 0-{report.entered_at - 1}"
        findings.append(
            Finding(
                card.file,
                where.line,
                where.column,
                Severity.INFO,
                ENTERED_ABOVE,
                f"entered at level {report.entered_at}: the gates of {below} are not asked "
                f"({', '.join(skipped)} not met)",
            )
        )
    return findings


# --- the reference page -------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class WaiverState:
    """One waiver of a card, as of a date: active or expired, and whether its gate needs it."""

    waiver: Waiver
    gate: Gate | None  # None: the programme has no such gate
    active: bool
    needed: bool  # the gate is asked of the card (or is next) and not met

    @property
    def state(self) -> str:
        if self.gate is None:
            return "unknown gate"
        return "active" if self.active else "expired"


def waiver_states(card: Card, report: GateReport, gateset: GateSet, today: date | None = None) -> list[WaiverState]:
    today = today or build_date()
    unmet = {
        r.gate.code for r in (*report.current, *report.next_level) if not r.met and r.state is not GateState.ENTERED
    }
    return [
        WaiverState(w, gateset.by_code(w.gate), date.fromisoformat(w.expires) >= today, w.gate in unmet)
        for w in card.waivers
    ]
