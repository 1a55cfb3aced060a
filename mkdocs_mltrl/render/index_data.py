"""The rows of the card index: what every page of it shows, and the same rows as compact data.

A paged index ships one page of rows as HTML and every row as data (``index.json`` beside the
index), from which ``mltrl.js`` sorts, filters and renders pages of rows with ``textContent``, never
as markup. Every text in the data is the one the HTML shows; the data holds no HTML."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.card import Card
from ..core.portfolio import Portfolio
from ..core.programme import TargetStatus
from .urls import SiteLayout, relative_url

#: Bumped when the shape of the data changes (the script reads only the version it knows).
DATA_VERSION = 1
STATUSES = ("active", "paused", "retired")


@dataclass(frozen=True, slots=True)
class IndexRows:
    """Every card of the index, highest level first, with what its row shows beside the card."""

    cards: list[Card]
    targets: dict[str, TargetStatus]
    tags: list[str]
    owners: list[str]


def index_rows(portfolio: Portfolio, target: Callable[[Card], TargetStatus | None]) -> IndexRows:
    cards = portfolio.sorted_by_level()
    return IndexRows(
        cards,
        {c.id: t for c in cards for t in (target(c),) if t is not None},
        sorted({t for c in cards for t in c.tags}, key=str.lower),
        sorted({o.name for c in cards for o in c.owners}, key=str.lower),
    )


def gates_title(portfolio: Portfolio, card: Card) -> str:
    """The title of a row's "N missing" gates: each missing gate's code and description."""
    return "; ".join(f"{g.code} {g.description.replace('`', '')}" for g in portfolio.gates[card.id].missing)


def target_title(target: TargetStatus) -> str:
    return f"level {target.level} by {target.date}: {target.label}"


def index_data(rows: IndexRows, portfolio: Portfolio, layout: SiteLayout) -> dict[str, Any]:
    """Every row of the index as data; see docs/performance.md for its shape. Card links are
    relative to the data file's folder, written by the same URL layout as the pages'."""
    data_url = layout.index_data()
    owners = {name: i for i, name in enumerate(rows.owners)}
    tags = {tag: i for i, tag in enumerate(rows.tags)}
    gate_sets: dict[str, int] = {"": 0}  # distinct sets of missing gates by their title; 0: met
    gate_counts = [0]
    out_rows = []
    for card in rows.cards:
        system = portfolio.system.get(card.id)
        level = system.level if system else card.level
        title = gates_title(portfolio, card)
        if title not in gate_sets:
            gate_sets[title] = len(gate_sets)
            gate_counts.append(len(portfolio.gates[card.id].missing))
        target = rows.targets.get(card.id)
        out_rows.append(
            [
                card.id,
                card.name,
                relative_url(data_url, layout.card_url(card.id)),
                card.level,
                level,
                system.limited_by if system and level < card.level else None,
                list(system.unknown) if system else [],
                STATUSES.index(card.status),
                [owners[o.name] for o in card.owners],
                card.last_review_date or "",
                gate_sets[title],
                [tags[t] for t in card.tags],
                [target.state, target_title(target)] if target else None,
            ]
        )
    return {
        "version": DATA_VERSION,
        "levels": [[info.name, info.stage] for info in portfolio.levels],
        "statuses": list(STATUSES),
        "owners": rows.owners,
        "tags": rows.tags,
        "gates": [[title, n] for title, n in zip(gate_sets, gate_counts, strict=True)],
        "targets": bool(rows.targets),
        "rows": out_rows,
    }


def data_json(data: dict[str, Any]) -> str:
    """Compact JSON, with ``<``, ``>`` and ``&`` escaped: the file stays inert even if a host served
    it as HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e") + "\n"
