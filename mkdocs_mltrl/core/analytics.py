"""Portfolio figures: cards per level and stage, time in each level, switchbacks, stale cards,
gate gaps. Shared by the portfolio page and `mltrl report`."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import programme
from .card import Card
from .clock import build_date as build_date
from .gates.evaluation import WaiverState
from .portfolio import Portfolio
from .programme import LevelDuration, Lift, TargetStatus, TrendPoint, waiver_dict

DEFAULT_STALE_AFTER_DAYS = 180


@dataclass(frozen=True, slots=True)
class LevelTime:
    """Days spent at one level, over every pair of consecutive history events."""

    level: int
    spans: int
    median: float | None
    minimum: int | None
    maximum: int | None


@dataclass(frozen=True, slots=True)
class StaleCard:
    card: Card
    last_review: str | None
    days: int | None  # None: no history at all


@dataclass
class PortfolioReport:
    today: date
    stale_after_days: int
    cards: int
    per_level: list[int]
    per_stage: dict[str, int]
    time_in_level: list[LevelTime]
    switchbacks_by_type: dict[str, int]
    switchbacks_by_pair: dict[tuple[int, int], int]
    stale: list[StaleCard]
    gates_unmet: list[tuple[Card, list[str]]]
    paused: list[Card]
    retired: list[Card]
    #: (card, system level, limiting component, components of unknown level): cards whose system
    #: level is below their level, or not known.
    system_limited: list[tuple[Card, int, str | None, tuple[str, ...]]] = field(default_factory=list)
    waivers: list[tuple[Card, WaiverState]] = field(default_factory=list)
    targets: list[tuple[Card, TargetStatus]] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    durations: list[LevelDuration] = field(default_factory=list)
    lifts: dict[str, Lift] = field(default_factory=dict)

    @property
    def overdue(self) -> list[tuple[Card, TargetStatus]]:
        return [(c, t) for c, t in self.targets if t.state == "overdue"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "stale_after_days": self.stale_after_days,
            "cards": self.cards,
            "per_level": {str(level): n for level, n in enumerate(self.per_level)},
            "per_stage": self.per_stage,
            "time_in_level": [
                {
                    "level": t.level,
                    "spans": t.spans,
                    "median_days": t.median,
                    "min_days": t.minimum,
                    "max_days": t.maximum,
                }
                for t in self.time_in_level
            ],
            "switchbacks": {
                "by_type": self.switchbacks_by_type,
                "by_pair": [{"from": a, "to": b, "count": n} for (a, b), n in sorted(self.switchbacks_by_pair.items())],
            },
            "stale": [{"id": s.card.id, "last_review": s.last_review, "days": s.days} for s in self.stale],
            "gates_unmet": [{"id": c.id, "level": c.level, "missing": codes} for c, codes in self.gates_unmet],
            "paused": [c.id for c in self.paused],
            "retired": [c.id for c in self.retired],
            "waivers": {
                "active": [waiver_dict(c, w) for c, w in self.waivers if w.gate is not None and w.active],
                "expired": [waiver_dict(c, w) for c, w in self.waivers if w.gate is not None and not w.active],
            },
            "targets": [{"id": c.id, **t.as_dict()} for c, t in self.targets],
            "overdue_targets": [c.id for c, _ in self.overdue],
            "level_durations": [d.as_dict() for d in self.durations],
            "trend": [{"date": p.day.isoformat(), "per_stage": p.per_stage} for p in self.trend],
            "lifts": {card_id: lift.as_dict() for card_id, lift in self.lifts.items()},
            "system_limited": [
                {"id": c.id, "level": c.level, "system_level": lvl, "limited_by": by, "unknown": list(unknown)}
                for c, lvl, by, unknown in self.system_limited
            ],
        }


def _days(a: str, b: str) -> int:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def portfolio_report(
    portfolio: Portfolio, today: date | None = None, stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
) -> PortfolioReport:
    today = today or build_date()
    cards = portfolio.sorted_by_level()
    per_level = [0] * 10
    per_stage = dict.fromkeys(portfolio.levels.stages, 0)
    spans: dict[int, list[int]] = {n: [] for n in range(10)}
    by_type: Counter[str] = Counter()
    by_pair: Counter[tuple[int, int]] = Counter()
    stale = []
    for card in cards:
        per_level[card.level] += 1
        per_stage[card.stage] = per_stage.get(card.stage, 0) + 1
        for before, after in zip(card.history, card.history[1:], strict=False):
            spans[before.level].append(_days(before.date, after.date))
            if after.event == "switchback" and not after.held_level:
                by_type[after.switchback or "unspecified"] += 1
                by_pair[(before.level, after.level)] += 1
        last = card.last_review_date
        if last is None:
            stale.append(StaleCard(card, None, None))
        elif (today - date.fromisoformat(last)).days > stale_after_days:
            stale.append(StaleCard(card, last, (today - date.fromisoformat(last)).days))
    time_in_level = [
        LevelTime(n, len(v), statistics.median(v) if v else None, min(v) if v else None, max(v) if v else None)
        for n, v in spans.items()
    ]
    stale.sort(key=lambda s: (s.days is not None, -(s.days or 0), s.card.id))
    gates_unmet = [
        (c, [g.code for g in portfolio.gates[c.id].missing]) for c in cards if not portfolio.gates[c.id].passed
    ]
    limited = []
    for card in cards:
        system = portfolio.system.get(card.id)
        if system and (system.level < card.level or not system.known):
            by = system.limited_by if system.level < card.level else None
            limited.append((card, system.level, by, system.unknown))
    return PortfolioReport(
        today=today,
        stale_after_days=stale_after_days,
        cards=len(cards),
        per_level=per_level,
        per_stage=per_stage,
        time_in_level=time_in_level,
        switchbacks_by_type={k: by_type.get(k, 0) for k in ("discovery", "review", "embedded")},
        switchbacks_by_pair=dict(by_pair),
        stale=stale,
        gates_unmet=gates_unmet,
        paused=[c for c in cards if c.status == "paused"],
        retired=[c for c in cards if c.status == "retired"],
        system_limited=limited,
        waivers=programme.waivers(portfolio, today),
        targets=programme.targets(portfolio, today),
        trend=programme.trend(portfolio, today),
        durations=programme.level_durations(portfolio),
        lifts={c.id: found for c in cards for found in (programme.lift(portfolio, c),) if found is not None},
    )
