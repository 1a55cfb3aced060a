"""Colours of the stage bands, for badges, pills and charts."""

from __future__ import annotations

#: Colours of the stage bands, for badges, pills and charts (readable with white text).
STAGE_COLOURS: dict[str, str] = {
    "research": "#7b3fa0",
    "prototyping": "#1f6fb2",
    "productization": "#b25e09",
    "deployment": "#1e7d3a",
}
