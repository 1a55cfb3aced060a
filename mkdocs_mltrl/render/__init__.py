"""What the card model looks like as pages: URLs, charts, templates, pages, search text and the
gates reference. Depends on :mod:`mkdocs_mltrl.core` only."""

from .charts import MARKER_GAP, spread
from .colours import STAGE_COLOURS
from .filters import code_spans, css_string
from .gates_reference import gates_data, gates_markdown
from .new_card import ScaffoldError, create_card, published_schema, render_new_card, schema_hint, write_schema
from .renderer import RenderedPage, Renderer
from .search_text import card_search_html, search_html
from .sections import CARD_ANCHOR, CARD_SECTIONS, INDEX_ANCHOR, PORTFOLIO_ANCHOR, PORTFOLIO_SECTIONS, card_sections
from .templates import COMPILED_TEMPLATES, templates_signature
from .urls import SiteLayout, card_edit_url

__all__ = [
    "CARD_ANCHOR",
    "CARD_SECTIONS",
    "COMPILED_TEMPLATES",
    "INDEX_ANCHOR",
    "MARKER_GAP",
    "PORTFOLIO_ANCHOR",
    "PORTFOLIO_SECTIONS",
    "STAGE_COLOURS",
    "RenderedPage",
    "Renderer",
    "ScaffoldError",
    "SiteLayout",
    "card_edit_url",
    "card_search_html",
    "card_sections",
    "code_spans",
    "create_card",
    "css_string",
    "gates_data",
    "gates_markdown",
    "published_schema",
    "render_new_card",
    "schema_hint",
    "search_html",
    "spread",
    "templates_signature",
    "write_schema",
]
