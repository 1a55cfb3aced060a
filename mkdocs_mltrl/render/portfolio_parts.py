"""The portfolio's lists of cards, and the pages they get when the portfolio is paged.

The portfolio page shows figures (counts, charts, tables by level) that stay small whatever the
number of cards, and lists of cards (stale, gates not met, ...) that grow with it. A paged portfolio
shows the first rows of each list and links to the whole list on pages of its own; the component
graph, which draws every linked card, gets a page of its own too."""

from __future__ import annotations

from typing import Any

from ..core.analytics import PortfolioReport

#: The lists of cards, by the anchor of the section (or sub-section) that shows them: their title.
LISTS: dict[str, str] = {
    "stale-cards": "Stale cards",
    "gates-unmet": "Gates not met",
    "paused-retired": "Paused and retired cards",
    "system-levels": "Cards held back by a component",
    "targets": "Targets",
    "waivers-active": "Active waivers",
    "waivers-expired": "Expired waivers",
}

#: The page of its own that a paged portfolio gives its component graph.
GRAPH = "component-graph"
GRAPH_TITLE = "Component graph"


def list_rows(report: PortfolioReport) -> dict[str, list[Any]]:
    """The rows of every list, in the order the portfolio shows them."""
    known = [w for w in report.waivers if w[1].gate]  # waivers of a gate the programme has
    return {
        "stale-cards": list(report.stale),
        "gates-unmet": list(report.gates_unmet),
        "paused-retired": report.paused + report.retired,
        "system-levels": list(report.system_limited),
        "targets": list(report.targets),
        "waivers-active": [w for w in known if w[1].active],
        "waivers-expired": [w for w in known if not w[1].active],
    }


def part_title(part: str) -> str:
    """The title of a list's pages, or of the component graph's."""
    return GRAPH_TITLE if part == GRAPH else LISTS[part]
