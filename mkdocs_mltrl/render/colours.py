"""Colours of the generated pages: the stage bands, and the light palette.

The stylesheet (``mltrl.css``) sets every colour as a variable, with a dark palette beside the
light one. The markup also carries the light palette as presentation attributes (``bgcolor``,
SVG ``fill`` and ``stroke``), which any stylesheet overrides: a host that drops the stylesheet
(Backstage TechDocs sanitizes every page) still shows the risk bands, the charts and the graph.
"""

from __future__ import annotations

#: Colours of the stage bands, for badges, pills and charts (readable with white text).
STAGE_COLOURS: dict[str, str] = {
    "research": "#7b3fa0",
    "prototyping": "#1f6fb2",
    "productization": "#b25e09",
    "deployment": "#1e7d3a",
}

#: The light palette: what mltrl.css sets on screen and in print, and what the markup carries.
LIGHT_PALETTE: dict[str, str] = {
    "stage_other": "#555",
    "on_stage": "#fff",
    "low": "#d8efd9",
    "medium": "#fbe7b0",
    "high": "#f6c3c0",
    "ink": "#1b1b1b",
    "paused": "#fff3cd",
    "retired": "#e2e3e5",
    "ok": "#1e7d3a",
    "bad": "#c62828",
    "discovery": "#e08a00",
    "review": "#c62828",
    "embedded": "#7b3fa0",
    "pause": "#6b6b6b",
    "event": STAGE_COLOURS["deployment"],
    "step": STAGE_COLOURS["prototyping"],
    "line": "rgba(127, 127, 127, 0.35)",
    "edge": "rgba(127, 127, 127, 0.6)",
    "page": "#fff",
}


def stage_colour(stage: str) -> str:
    """The colour of a stage band; stages of an organisation's own get the neutral one."""
    return STAGE_COLOURS.get(stage, LIGHT_PALETTE["stage_other"])
