"""Evaluating a card against the gates of its programme, with its waivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..card import Card
from ..card_parts import Waiver
from ..checklist import Checklist
from ..clock import build_date
from ..findings import Finding, Severity
from ..suggest import close_match
from .gate_set import Gate, GateMode, GateResult, GateSet, GateState, default_gates

ENTERED_ABOVE = "MLTRL040"  # info: gates below the level a card entered at are not asked


WAIVER_UNKNOWN_GATE = "MLTRL041"  # a waiver names a gate that the programme does not have


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
            hint = close_match(waiver.gate, gateset.codes, cutoff=0.7)
            findings.append(
                Finding(
                    card.file,
                    where.line,
                    where.column,
                    Severity.WARNING,
                    WAIVER_UNKNOWN_GATE,
                    f"waiver of '{waiver.gate}', which is not a gate of this programme"
                    + (f": did you mean '{hint}'?" if hint else ""),
                )
            )
    if mode is GateMode.OFF:
        return findings
    default = {GateMode.ERROR: Severity.ERROR, GateMode.WARN: Severity.WARNING, GateMode.INFO: Severity.INFO}[mode]
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
