"""The sections of the generated pages, in order, with their stable anchors."""

from __future__ import annotations

from ..core.card import Card

#: The sections of a card page, in order: (anchor, heading). Anchors are stable URLs.
CARD_SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("tldr", "TL;DR"),
    ("model", "Model / algorithm"),
    ("metrics", "Evaluation metrics"),
    ("intended-use", "Intended use"),
    ("deployment", "Deployment setting"),
    ("requirements", "Requirements"),
    ("risk-matrix", "Risk matrix"),
    ("testing", "Testing"),
    ("service-levels", "Service levels"),
    ("data", "Data considerations"),
    ("caveats", "Caveats"),
    ("ethics-checklist", "Ethics checklist"),
    ("compliance", "Regulatory compliance"),
    ("monitoring", "Monitoring"),
    ("level-history", "Level history"),
    ("readiness-gates", "Readiness gates"),
    ("debrief", "Stage debrief"),
    ("other", "Other"),
)


#: The sections of the portfolio page.
PORTFOLIO_SECTIONS: tuple[tuple[str, str], ...] = (
    ("cards-per-level", "Cards per level and stage"),
    ("time-in-level", "Time in each level"),
    ("switchbacks", "Switchbacks"),
    ("stale-cards", "Stale cards"),
    ("gates-unmet", "Gates not met"),
    ("paused-retired", "Paused and retired"),
    ("system-levels", "System levels"),
    ("trend", "Stages over time"),
    ("level-durations", "Days to graduate"),
    ("targets", "Targets"),
    ("waivers", "Waivers"),
    ("component-graph", "Component graph"),
)


CARD_ANCHOR = "card-title"


INDEX_ANCHOR = "trl-cards"


PORTFOLIO_ANCHOR = "portfolio"


DEFAULT_DEBRIEF = (
    "What was accomplished, and by whom?",
    "What was deferred or cut, and why?",
    "What did the team learn?",
    "What technical debt was taken on or paid down?",
)


def card_sections(card: Card) -> tuple[tuple[str, str], ...]:
    """The (anchor, heading) sections of a card's page, known without rendering it."""
    return CARD_SECTIONS if card.extras else CARD_SECTIONS[:-1]
