"""Geometry of the risk matrix and the level-history chart; templates only draw it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from ..core.card import Card
from ..core.card_parts import ReviewEvent

#: Likelihood bands, highest first (rows of the matrix), and value bands (columns).
P_BANDS: tuple[tuple[float, float, str], ...] = (
    (0.8, 1.0, "0.8-1"),
    (0.6, 0.8, "0.6-0.8"),
    (0.4, 0.6, "0.4-0.6"),
    (0.2, 0.4, "0.2-0.4"),
    (0.0, 0.2, "0-0.2"),
)
VALUE_BANDS: tuple[tuple[int, int], ...] = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10))


def score_class(score: float) -> str:
    """low (< 2), medium (2 to < 5) or high (>= 5), on the 0-10 scale of p_failure x value."""
    if score >= 5:
        return "high"
    if score >= 2:
        return "medium"
    return "low"


def p_row(p_failure: float) -> int:
    for row, (low, _, _) in enumerate(P_BANDS):
        if p_failure >= low:
            return row
    return len(P_BANDS) - 1


def value_column(value: int) -> int:
    for column, (low, high) in enumerate(VALUE_BANDS):
        if low <= value <= high:
            return column
    return len(VALUE_BANDS) - 1


@dataclass(frozen=True, slots=True)
class RiskPoint:
    label: str  # "R1.2" for requirement 1.2, the risk's id for a card risk
    kind: str  # "requirement" or "risk"
    title: str
    p_failure: float
    value: int
    score: float
    row: int
    column: int
    anchor: str

    @property
    def score_class(self) -> str:
        return score_class(self.score)


@dataclass(frozen=True, slots=True)
class MatrixCell:
    row: int
    column: int
    score_class: str
    points: tuple[RiskPoint, ...]


def risk_points(card: Card) -> list[RiskPoint]:
    """Every requirement risk and card risk, highest score first."""
    points = []
    for req in card.requirements:
        if req.risk:
            points.append(
                RiskPoint(
                    f"R{req.id}", "requirement", req.text, req.risk.p_failure, req.risk.value, req.risk.score,
                    p_row(req.risk.p_failure), value_column(req.risk.value), f"req-{req.id}",
                )
            )  # fmt: skip
    for risk in card.risks:
        points.append(
            RiskPoint(
                risk.id, "risk", risk.title, risk.estimate.p_failure, risk.estimate.value, risk.score,
                p_row(risk.estimate.p_failure), value_column(risk.estimate.value), f"risk-{risk.index}",
            )
        )  # fmt: skip
    return sorted(points, key=lambda p: (-p.score, p.kind, p.label))


def risk_matrix(points: list[RiskPoint]) -> list[list[MatrixCell]]:
    """Rows (likelihood, highest first) of cells (value, lowest first), each with its points."""
    grid = []
    for row, (p_low, p_high, _) in enumerate(P_BANDS):
        cells = []
        for column, (v_low, v_high) in enumerate(VALUE_BANDS):
            mid = ((p_low + p_high) / 2) * ((v_low + v_high) / 2)
            inside = tuple(p for p in points if p.row == row and p.column == column)
            cells.append(MatrixCell(row, column, score_class(mid), inside))
        grid.append(cells)
    return grid


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: float
    y: float
    event: ReviewEvent


@dataclass(frozen=True, slots=True)
class HistoryChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    points: tuple[ChartPoint, ...]
    path: str
    first: str
    last: str
    ticks: tuple[tuple[float, str], ...] = ()  # (x, year) at each 1 January inside the chart

    def level_y(self, level: int) -> float:
        return self.top + self.plot_height * (9 - level) / 9


#: Least horizontal distance between the centres of two event markers (markers are 10-12 px wide).
MARKER_GAP = 14


def spread(xs: list[float], gap: float, low: float, high: float) -> list[float]:
    """Positions in order, moved apart just enough that neighbours are ``gap`` apart, within
    [low, high] (which must hold them: ``(len(xs) - 1) * gap <= high - low``)."""
    out = list(xs)
    for i in range(1, len(out)):
        out[i] = max(out[i], out[i - 1] + gap)
    if out and out[-1] > high:
        out[-1] = high
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - gap)
    return [round(x, 1) for x in out]


def history_chart(card: Card, width: int = 640, height: int = 220) -> HistoryChart | None:
    """Level over time as a step line, one point per event.

    Time runs left to right; events closer in time than the markers are wide are moved apart (in
    order), and the chart grows wider when the events would not fit: it scrolls rather than
    shrinks on a small screen."""
    if not card.history:
        return None
    left, top, right, bottom = 36, 12, 16, 28
    width = max(width, left + right + (len(card.history) - 1) * MARKER_GAP + 2 * MARKER_GAP)
    plot_w, plot_h = width - left - right, height - top - bottom
    days = [date.fromisoformat(e.date).toordinal() for e in card.history]
    start, end = min(days), max(days)
    span = max(end - start, 1)
    inset = 6  # markers stay inside the plot

    def x_of(day: int) -> float:
        if end == start:
            return left + plot_w / 2
        return left + inset + (plot_w - 2 * inset) * (day - start) / span

    def y_of(level: int) -> float:
        return round(top + plot_h * (9 - level) / 9, 1)

    if end == start:
        first = left + plot_w / 2 - (len(days) - 1) * MARKER_GAP / 2
        xs = [round(first + i * MARKER_GAP, 1) for i in range(len(days))]
    else:
        xs = spread([x_of(d) for d in days], MARKER_GAP, left + inset, left + plot_w - inset)
    points = tuple(ChartPoint(x, y_of(e.level), e) for x, e in zip(xs, card.history, strict=True))
    ticks = _year_ticks(days, xs, left + plot_w) if end > start else ()
    path = f"M {points[0].x} {points[0].y}"
    for point in points[1:]:
        path += f" H {point.x} V {point.y}"
    return HistoryChart(
        width, height, left, top, plot_w, plot_h, points, path, card.history[0].date, card.history[-1].date, ticks
    )


def _year_ticks(days: list[int], xs: list[float], right: float, room: float = 38) -> tuple[tuple[float, str], ...]:
    """Years on the time axis, placed between the events around them as the markers were, and
    left out where a label would crowd the first or last date or the year before it."""
    pairs = sorted(zip(days, xs, strict=True))
    first, last = date.fromordinal(pairs[0][0]), date.fromordinal(pairs[-1][0])
    out: list[tuple[float, str]] = []
    for year in range(first.year + 1, last.year + 1):
        day = date(year, 1, 1).toordinal()
        for (d0, x0), (d1, x1) in itertools.pairwise(pairs):
            if d0 <= day <= d1 and d1 > d0:
                x = round(x0 + (x1 - x0) * (day - d0) / (d1 - d0), 1)
                if x - pairs[0][1] >= 2 * room and right - x >= 2 * room and (not out or x - out[-1][0] >= room):
                    out.append((x, str(year)))
                break
    return tuple(out)
