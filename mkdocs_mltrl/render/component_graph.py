"""The portfolio's component graph laid out for drawing: one column per level."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.card import Card
from ..core.clock import build_date as build_date
from ..core.portfolio import Portfolio


@dataclass(frozen=True, slots=True)
class GraphNode:
    card: Card
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class GraphEdge:
    source: GraphNode
    target: GraphNode


@dataclass(frozen=True, slots=True)
class ComponentGraph:
    """Cards that have or are components, in one column per level; isolated cards are left out."""

    width: int
    height: int
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    isolated: int
    column_width: int
    node_width: int
    node_height: int
    top: int
    columns: tuple[tuple[int, float], ...] = ()  # (level, x) of each column that holds a card


def component_graph(portfolio: Portfolio) -> ComponentGraph:
    column_width, node_width, node_height, gap, top = 118, 100, 18, 6, 26
    edges_by_id: list[tuple[Card, Card]] = []
    for card in portfolio.cards:
        for ref in card.component_ids:
            target = portfolio.by_id(ref)
            if target is not None and target is not card:
                edges_by_id.append((card, target))
    linked = {c.id for pair in edges_by_id for c in pair}
    columns: dict[int, list[Card]] = {n: [] for n in range(10)}
    for card in sorted(portfolio.cards, key=lambda c: (c.stage, c.id.lower())):
        if card.id in linked:
            columns[card.level].append(card)
    used = [level for level, members in columns.items() if members]  # empty levels take no room
    nodes: dict[str, GraphNode] = {}
    for position, level in enumerate(used):
        for row, card in enumerate(columns[level]):
            nodes[card.id] = GraphNode(card, 8 + position * column_width, top + row * (node_height + gap))
    rows = max((len(m) for m in columns.values()), default=0)
    height = top + max(rows, 1) * (node_height + gap) + 8
    edges = tuple(GraphEdge(nodes[a.id], nodes[b.id]) for a, b in edges_by_id if a.id in nodes and b.id in nodes)
    return ComponentGraph(
        max(len(used), 1) * column_width + 8,
        height,
        tuple(nodes.values()),
        edges,
        len(portfolio.cards) - len(linked),
        column_width,
        node_width,
        node_height,
        top,
        tuple((level, 8 + position * column_width) for position, level in enumerate(used)),
    )
