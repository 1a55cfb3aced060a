"""The card model: loading YAML with positions, the schema, the MLTRL rules, the readiness gates,
levels, the ethics checklist, the portfolio and its programme, analytics, and card changes.

Nothing here knows a host or a template engine. :mod:`.card_text` is the one reading of card
Markdown into sanitised HTML, and the only module here that imports Markdown, nh3 or markupsafe."""

from .analytics import DEFAULT_STALE_AFTER_DAYS, PortfolioReport, portfolio_report
from .card import Card
from .card_files import CardPathError, discover, display_path
from .card_ids import DEVICE_NAMES, RESERVED_IDS, id_problem
from .card_parts import ReviewEvent
from .card_text import chrome_title, render_inline, render_markdown, safe_url
from .checklist import load_checklist
from .clock import build_date
from .diff import diff_revisions
from .findings import Finding, Severity, count
from .gates import (
    GateMode,
    GateSet,
    default_gates,
    evaluate_gates,
    field_paths_of,
    load_gates,
    unknown_field,
    waiver_states,
)
from .git_files import GitError
from .levels import LevelInfo, LevelTable, parse_stages
from .local_links import rewrite
from .portfolio import CardCache, Portfolio, build_portfolio, load_portfolio
from .programme import AsOf, TargetStatus, as_of, lift, target_status
from .resources import default_gates_path, load_schema, schema_path, templates_dir
from .rules import RETIRED_CODES, RULES
from .schema_check import is_valid_fast, validator_for
from .schema_messages import CONTROL_FREE, MESSAGES, resolve_pointer
from .suggest import Suggester, close_match
from .workers import Ahead, parallel, process_count
from .yaml_errors import LoadError
from .yaml_loader import load_file, parse_text
from .yaml_scalars import NotFinite, resolve_plain

__all__ = [
    "CONTROL_FREE",
    "DEFAULT_STALE_AFTER_DAYS",
    "DEVICE_NAMES",
    "MESSAGES",
    "RESERVED_IDS",
    "RETIRED_CODES",
    "RULES",
    "Ahead",
    "AsOf",
    "Card",
    "CardCache",
    "CardPathError",
    "Finding",
    "GateMode",
    "GateSet",
    "GitError",
    "LevelInfo",
    "LevelTable",
    "LoadError",
    "NotFinite",
    "Portfolio",
    "PortfolioReport",
    "ReviewEvent",
    "Severity",
    "Suggester",
    "TargetStatus",
    "as_of",
    "build_date",
    "build_portfolio",
    "chrome_title",
    "close_match",
    "count",
    "default_gates",
    "default_gates_path",
    "diff_revisions",
    "discover",
    "display_path",
    "evaluate_gates",
    "field_paths_of",
    "id_problem",
    "is_valid_fast",
    "lift",
    "load_checklist",
    "load_file",
    "load_gates",
    "load_portfolio",
    "load_schema",
    "parallel",
    "parse_stages",
    "parse_text",
    "portfolio_report",
    "process_count",
    "render_inline",
    "render_markdown",
    "resolve_plain",
    "resolve_pointer",
    "rewrite",
    "safe_url",
    "schema_path",
    "target_status",
    "templates_dir",
    "unknown_field",
    "validator_for",
    "waiver_states",
]
