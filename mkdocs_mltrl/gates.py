"""The readiness gates: what a card must hold at each level, declared as one table."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from .checklist import Checklist
from .findings import Finding, Severity
from .model import Card, Requirement


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


@dataclass(frozen=True, slots=True)
class Gate:
    level: int
    item: int
    description: str
    met: Callable[[Card, Checklist], bool]

    @property
    def code(self) -> str:
        return f"MLTRL1{self.level}{self.item}"


def _text(value: str | None) -> bool:
    return bool(value and value.strip())


def _of_kind(card: Card, kind: str) -> list[Requirement]:
    return [r for r in card.requirements if r.kind == kind]


def _suite(card: Card, *kinds: str) -> bool:
    return any(s.kind in kinds for s in card.suites)


def _checklist_complete(card: Card, checklist: Checklist) -> bool:
    answers = card.ethics
    return all(item in answers and answers[item].status != "open" for item in checklist.item_ids)


GATES: tuple[Gate, ...] = (
    Gate(0, 1, "`summary` written", lambda c, _: _text(c.summary)),
    Gate(0, 2, "at least one of `owners`", lambda c, _: bool(c.owners)),
    Gate(1, 1, "`model` described", lambda c, _: _text(c.model)),
    Gate(1, 2, "`versions.code` set", lambda c, _: "code" in c.versions),
    Gate(2, 1, "at least one `research` requirement", lambda c, _: bool(_of_kind(c, "research"))),
    Gate(
        2,
        2,
        "every research requirement has `verification` and `validation`",
        lambda c, _: all(r.has_vv for r in _of_kind(c, "research")),
    ),
    Gate(2, 3, "`data.summary` written (data readiness)", lambda c, _: _text(c.data_summary)),
    Gate(3, 1, "a `unit` or `integration` test suite", lambda c, _: _suite(c, "unit", "integration")),
    Gate(3, 2, "`links.code` set", lambda c, _: "code" in c.links),
    Gate(4, 1, "`intended_use.intended` written", lambda c, _: _text(c.intended_use)),
    Gate(4, 2, "at least one of `reviewers`", lambda c, _: bool(c.reviewers)),
    Gate(4, 3, "at least one ethics answer (the ethics conversation has started)", lambda c, _: bool(c.ethics)),
    Gate(
        4,
        4,
        "at least one risk quantified (a requirement `risk` or a `risks` entry)",
        lambda c, _: bool(c.risks) or any(r.risk for r in c.requirements),
    ),
    Gate(
        5,
        1,
        "every research requirement `verified`, `validated` or `waived`",
        lambda c, _: all(r.done for r in _of_kind(c, "research")),
    ),
    Gate(5, 2, "at least one `product` requirement", lambda c, _: bool(_of_kind(c, "product"))),
    Gate(5, 3, "`versions.model` and `versions.data` set", lambda c, _: "model" in c.versions and "data" in c.versions),
    Gate(
        6,
        1,
        "every product requirement has `verification` and `validation`",
        lambda c, _: all(r.has_vv for r in _of_kind(c, "product")),
    ),
    Gate(6, 2, "`intended_use.unacceptable` written", lambda c, _: _text(c.unacceptable_use)),
    Gate(6, 3, "every requirement has a `risk`", lambda c, _: all(r.risk for r in c.requirements)),
    Gate(7, 1, "a dataset with role `golden`", lambda c, _: any(d.role == "golden" for d in c.datasets)),
    Gate(
        7,
        2,
        "a `metamorphic` or `critical-scenario` test suite",
        lambda c, _: _suite(c, "metamorphic", "critical-scenario"),
    ),
    Gate(8, 1, "every ethics checklist item answered and none `open`", lambda c, cl: _checklist_complete(c, cl)),
    Gate(
        8,
        2,
        "a `shadow`, `canary`, `ab` or `blue-green` test suite",
        lambda c, _: _suite(c, "shadow", "canary", "ab", "blue-green"),
    ),
    Gate(
        8,
        3,
        "every product requirement `verified`, `validated` or `waived`",
        lambda c, _: all(r.done for r in _of_kind(c, "product")),
    ),
    Gate(
        9,
        1,
        "`monitoring` with a `data-drift` or `concept-drift` signal",
        lambda c, _: c.monitoring is not None and bool({"data-drift", "concept-drift"} & set(c.monitoring.signals)),
    ),
)


@dataclass(frozen=True, slots=True)
class GateResult:
    gate: Gate
    met: bool


@dataclass(frozen=True, slots=True)
class GateReport:
    """The gates up to a card's level, and those of the next level."""

    current: tuple[GateResult, ...]
    next_level: tuple[GateResult, ...]

    @property
    def missing(self) -> list[Gate]:
        return [r.gate for r in self.current if not r.met]

    @property
    def passed(self) -> bool:
        return not self.missing

    @property
    def to_graduate(self) -> list[Gate]:
        """Everything still missing before the card may graduate to the next level."""
        return self.missing + [r.gate for r in self.next_level if not r.met]


def evaluate_gates(card: Card, checklist: Checklist) -> GateReport:
    current = tuple(GateResult(g, g.met(card, checklist)) for g in GATES if g.level <= card.level)
    upcoming = tuple(GateResult(g, g.met(card, checklist)) for g in GATES if g.level == card.level + 1)
    return GateReport(current, upcoming)


def gate_findings(card: Card, report: GateReport, mode: GateMode) -> list[Finding]:
    if mode is GateMode.OFF:
        return []
    severity = Severity.ERROR if mode is GateMode.ERROR else Severity.WARNING
    where = card.positions.of_value(("level",))
    return [
        Finding(
            card.file,
            where.line,
            where.column,
            severity,
            gate.code,
            f"missing level-{gate.level} deliverable: {gate.description}",
        )
        for gate in report.missing
    ]
