"""What both imports share: the result they return and the first event of an imported card."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from .values import block_text

#: The heading of the section an export writes about readiness (an import leaves it out: the
#: level of an imported card is the one asked for).
READINESS_HEADING = "Readiness"
#: How that section starts.
READINESS_START = "MLTRL level "
#: The columns of the metrics table an export writes, which an import reads back.
METRICS_COLUMNS = ("Metric", "Dataset", "Target", "Achieved")
#: The heading of the list of datasets an export writes under "Training data" (an import reads it back).
DATASETS_HEADING = "Datasets"
#: The prefix a toolkit trade-off gets among the card's caveats (and loses again in CycloneDX).
TRADE_OFF = "Trade-off: "


@dataclass
class ImportResult:
    """An imported card (as the data of a card file) and what the reader should know about it:
    what was kept under ``x-`` keys, left out, or filled in."""

    card: dict[str, Any]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportOptions:
    """What the command line says about the card to write."""

    source: str  #: the source file, as the history's first event names it
    owners: tuple[str, ...] = ()  #: the card's owners, whoever the source names (``--owner``)
    default_owners: tuple[str, ...] = ()  #: the owners when neither ``owners`` nor the source names any
    level: int = 0
    card_id: str | None = None
    name: str | None = None
    today: _dt.date | None = None


def import_event(options: ImportOptions, today: _dt.date, what: str) -> dict[str, Any]:
    """The first event of an imported card: a ``start`` at the level asked for, saying where the
    card came from (the path in a code span, so that it is shown as written)."""
    return {"date": today.isoformat(), "event": "start", "level": options.level, "notes": block_text(what)}
