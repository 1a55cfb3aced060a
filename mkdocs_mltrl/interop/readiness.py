"""What the exports say about a card's readiness, as ``cards.json`` says it: computed by the core
from the whole portfolio (the system level and the gates need the other cards)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.card import Card
from ..core.portfolio import Portfolio


@dataclass(frozen=True, slots=True)
class Readiness:
    level: int
    level_name: str
    stage: str
    status: str
    system_level: int
    #: Components whose level is not known: the system level is then at most ``system_level``.
    system_unknown: tuple[str, ...]
    gates_met: bool
    gates_missing: tuple[str, ...]


def readiness_of(portfolio: Portfolio, card: Card) -> Readiness:
    report = portfolio.gates[card.id]
    system = portfolio.system.get(card.id)
    return Readiness(
        level=card.level,
        level_name=card.level_info.name,
        stage=card.stage,
        status=card.status,
        system_level=system.level if system else card.level,
        system_unknown=system.unknown if system else (),
        gates_met=report.passed,
        gates_missing=tuple(g.code for g in report.missing),
    )
