"""The readiness programme across the portfolio: targets, waivers, levels over time and what
lifts a system. Shared by the pages and `mltrl report`; every figure comes from the card files."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from typing import Any

from .card import Card
from .gates.evaluation import WaiverState, waiver_states
from .gates.gate_set import Gate
from .portfolio import Portfolio

#: Most quarters the trend shows (the latest ones).
MAX_QUARTERS = 40


# --- targets --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TargetStatus:
    level: int
    date: str
    state: str  # "reached", "overdue", "due soon" or "on track"
    days_left: int  # days from the build date to the target date (negative: past)
    reached_on: str | None = None  # the date of the event that reached the level, when known

    @property
    def label(self) -> str:
        if self.state == "reached":
            return f"reached on {self.reached_on}" if self.reached_on else "reached"
        if self.state == "overdue":
            days = -self.days_left
            return f"overdue by {days} day{'s' if days != 1 else ''}"
        days = self.days_left
        return f"{self.state} (due in {days} day{'s' if days != 1 else ''})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "date": self.date,
            "state": self.state,
            "days_left": self.days_left,
            "reached_on": self.reached_on,
        }


def target_status(card: Card, today: date, due_soon_days: int) -> TargetStatus | None:
    """Where a card stands against its target: a start or graduation at the level closes it."""
    target = card.target
    if target is None:
        return None
    days_left = (date.fromisoformat(target.date) - today).days
    for event in card.history:
        if event.event in ("start", "graduate") and event.level >= target.level:
            return TargetStatus(target.level, target.date, "reached", days_left, event.date)
    if not card.history and card.level >= target.level:
        return TargetStatus(target.level, target.date, "reached", days_left)
    if days_left < 0:
        state = "overdue"
    elif days_left <= due_soon_days:
        state = "due soon"
    else:
        state = "on track"
    return TargetStatus(target.level, target.date, state, days_left)


def targets(portfolio: Portfolio, today: date) -> list[tuple[Card, TargetStatus]]:
    out = []
    for card in portfolio.sorted_by_level():
        status = target_status(card, today, portfolio.gateset.due_soon_days)
        if status is not None:
            out.append((card, status))
    order = {"overdue": 0, "due soon": 1, "on track": 2, "reached": 3}
    return sorted(out, key=lambda pair: (order[pair[1].state], pair[1].date, pair[0].id))


# --- waivers --------------------------------------------------------------------------------------


def waivers(portfolio: Portfolio, today: date) -> list[tuple[Card, WaiverState]]:
    """Every waiver of every card, expired ones first, then by expiry date."""
    out = [
        (card, state)
        for card in portfolio.cards
        for state in waiver_states(card, portfolio.gates[card.id], portfolio.gateset, today)
    ]
    return sorted(out, key=lambda pair: (pair[1].active, pair[1].waiver.expires, pair[0].id, pair[1].waiver.gate))


def waiver_dict(card: Card, state: WaiverState) -> dict[str, Any]:
    return {"id": card.id, **waiver_fields(state)}


def waiver_fields(state: WaiverState) -> dict[str, Any]:
    """One waiver as data (``mltrl report`` and ``cards.json``): its state as the card page shows it."""
    return {
        "gate": state.waiver.gate,
        "state": state.state,
        "expires": state.waiver.expires,
        "approved_by": str(state.waiver.approved_by),
        "reason": state.waiver.reason,
        "needed": state.needed,
    }


# --- levels over time -----------------------------------------------------------------------------


def standing_on(card: Card, day: date) -> tuple[int, str] | None:
    """The card's level and status (active, paused, retired) at the end of ``day``; None before
    its history starts (or without a history)."""
    return _standings(card, [day])[0]


@dataclass
class AsOf:
    """The portfolio as it stood on a date, reconstructed from the histories."""

    day: date
    standing: list[tuple[Card, int, str]]  # (card, level, status) of cards whose history had started
    not_started: list[Card]
    no_history: list[Card]
    stages: tuple[str, ...]

    @property
    def per_level(self) -> list[int]:
        counts = [0] * 10
        for _, level, _ in self.standing:
            counts[level] += 1
        return counts

    def per_stage(self, portfolio: Portfolio) -> dict[str, int]:
        counts = dict.fromkeys(self.stages, 0)
        for _, level, _ in self.standing:
            stage = portfolio.levels.stage(level)
            counts[stage] = counts.get(stage, 0) + 1
        return counts

    def as_dict(self, portfolio: Portfolio) -> dict[str, Any]:
        return {
            "as_of": self.day.isoformat(),
            "cards": len(self.standing),
            "per_level": {str(level): n for level, n in enumerate(self.per_level)},
            "per_stage": self.per_stage(portfolio),
            "paused": [c.id for c, _, s in self.standing if s == "paused"],
            "retired": [c.id for c, _, s in self.standing if s == "retired"],
            "levels": [
                {"id": c.id, "level": level, "stage": portfolio.levels.stage(level), "status": status}
                for c, level, status in self.standing
            ],
            "not_started": [c.id for c in self.not_started],
            "no_history": [c.id for c in self.no_history],
        }


def as_of(portfolio: Portfolio, day: date) -> AsOf:
    standing, not_started, no_history = [], [], []
    for card in portfolio.sorted_by_level():
        if not card.history:
            no_history.append(card)
            continue
        found = standing_on(card, day)
        if found is None:
            not_started.append(card)
        else:
            standing.append((card, *found))
    standing.sort(key=lambda row: (-row[1], row[0].name.lower(), row[0].id.lower()))
    return AsOf(day, standing, not_started, no_history, portfolio.levels.stages)


def quarter_ends(first: date, last: date) -> list[date]:
    """Every quarter end (31 March, 30 June, 30 September, 31 December) from ``first`` to ``last``."""
    ends = ((3, 31), (6, 30), (9, 30), (12, 31))
    out = []
    for year in range(first.year, last.year + 1):
        for month, day in ends:
            end = date(year, month, day)
            if first <= end <= last:
                out.append(end)
    return out


@dataclass(frozen=True, slots=True)
class TrendPoint:
    day: date
    per_stage: dict[str, int]  # cards per stage that were active or paused that day (retired ones left out)

    @property
    def total(self) -> int:
        return sum(self.per_stage.values())


def trend(portfolio: Portfolio, today: date) -> list[TrendPoint]:
    """Cards per stage at the end of each quarter, from the first history event to the build date."""
    starts = [date.fromisoformat(c.history[0].date) for c in portfolio.cards if c.history]
    if not starts:
        return []
    ends = quarter_ends(min(starts), today)[-MAX_QUARTERS:]
    counts = [dict.fromkeys(portfolio.levels.stages, 0) for _ in ends]
    for card in portfolio.cards:
        for count, found in zip(counts, _standings(card, ends), strict=True):
            if found is not None and found[1] != "retired":
                stage = portfolio.levels.stage(found[0])
                count[stage] = count.get(stage, 0) + 1
    return [TrendPoint(end, count) for end, count in zip(ends, counts, strict=True)]


def _standings(card: Card, days: list[date]) -> list[tuple[int, str] | None]:
    """:func:`standing_on` for each of ``days`` (in order), reading the history once."""
    out: list[tuple[int, str] | None] = []
    events = card.history
    level: int | None = None
    status = "active"
    i = 0
    for day in days:
        while i < len(events) and date.fromisoformat(events[i].date) <= day:
            level = events[i].level
            status = {"pause": "paused", "retire": "retired"}.get(events[i].event, "active")
            i += 1
        out.append(None if level is None else (level, status))
    return out


@dataclass(frozen=True, slots=True)
class LevelDuration:
    """Days from entering a level to graduating from it, over every graduation from it."""

    level: int
    graduations: int
    median: float | None
    minimum: int | None
    maximum: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "graduations": self.graduations,
            "median_days": self.median,
            "min_days": self.minimum,
            "max_days": self.maximum,
        }


def graduation_days(card: Card) -> list[tuple[int, int]]:
    """(level, days) for each graduation: from the event that brought the card to the level (its
    start, a graduation or a switchback) to the graduation one level up. Pauses count as time in
    the level; a review that keeps the level does not restart it."""
    out = []
    entered: date | None = None
    level: int | None = None
    for event in card.history:
        day = date.fromisoformat(event.date)
        if level is None:
            entered, level = day, event.level
            continue
        if event.level != level:
            if event.event == "graduate" and event.level == level + 1 and entered is not None:
                out.append((level, (day - entered).days))
            entered, level = day, event.level
    return out


def level_durations(portfolio: Portfolio) -> list[LevelDuration]:
    spans: dict[int, list[int]] = {n: [] for n in range(9)}
    for card in portfolio.cards:
        for level, days in graduation_days(card):
            spans[level].append(days)
    return [
        LevelDuration(n, len(v), statistics.median(v) if v else None, min(v) if v else None, max(v) if v else None)
        for n, v in spans.items()
    ]


# --- what lifts a system --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Limiting:
    """A component below a card's level: a card of the portfolio, or an external component."""

    name: str
    level: int
    card: Card | None = None
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Lift:
    """The components that hold a card's system level down, lowest first, and what the first one
    still lacks to graduate: the shortest way to raise the system level."""

    limiting: tuple[Limiting, ...]
    next_gates: tuple[Gate, ...]  # for the first limiting component, when it is a card

    @property
    def first(self) -> Limiting:
        return self.limiting[0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "limiting": [
                {"name": c.name, "id": c.card.id if c.card else None, "level": c.level} for c in self.limiting
            ],
            "next_level": self.first.level + 1,
            "next_gates": [g.code for g in self.next_gates],
        }


def lift(portfolio: Portfolio, card: Card) -> Lift | None:
    """What lifts ``card``'s system level, or None when no component is below its level."""
    system = portfolio.system.get(card.id)
    if system is None or system.level >= card.level:
        return None
    found: dict[str, Limiting] = {}
    seen = {card.id}
    queue = [card]
    while queue:
        node = queue.pop(0)
        for ref in node.components:
            if ref.external is not None:
                ext = ref.external
                if ext.level is not None and ext.level < card.level:
                    found.setdefault(f"external:{ext.name}", Limiting(ext.name, ext.level, None, ext.link))
                continue
            target = portfolio.by_id(ref.card_id) if ref.card_id else None
            if target is None or target.id in seen:
                continue
            seen.add(target.id)
            queue.append(target)
            if target.level < card.level:
                found[target.id] = Limiting(target.id, target.level, target)
    if not found:
        return None
    limiting = tuple(sorted(found.values(), key=lambda c: (c.level, c.card is None, c.name.lower())))
    first = limiting[0]
    report = portfolio.gates.get(first.card.id) if first.card is not None else None
    return Lift(limiting, tuple(report.to_graduate) if report is not None else ())
