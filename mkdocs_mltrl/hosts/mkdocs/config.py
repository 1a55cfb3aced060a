"""The plugin's options, as ``mkdocs.yml`` declares them under ``plugins: - mltrl:``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, ValidationError

from ...core.gates.gate_set import GateMode
from ...core.levels import parse_stages
from ..settings import parse_reviewers_from, parse_workers

T = TypeVar("T")


class _Checked(BaseConfigOption[T]):
    """An option read by one of the settings' parse functions, whose ValueError is the message."""

    def __init__(self, parse: Callable[[object], T], default: T) -> None:
        super().__init__()
        self.parse = parse
        self.default = default

    def run_validation(self, value: object) -> T:
        try:
            return self.parse(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class MltrlConfig(base.Config):
    #: Turn the plugin off (for example for quick drafts: `enabled: !ENV [MLTRL, true]`).
    enabled = c.Type(bool, default=True)
    #: Folder of card files, relative to mkdocs.yml.
    cards_dir = c.Type(str, default="cards")
    #: Where the cards live in the site: `<url_prefix>/` is the index, `<url_prefix>/<id>/` a card.
    url_prefix = c.Type(str, default="cards")
    #: An ethics checklist YAML file, relative to mkdocs.yml (default: the shipped checklist).
    checklist = c.Optional(c.Type(str))
    #: An organisation's gates file, relative to mkdocs.yml: gates added, dropped, moved, re-rated.
    gates_file = c.Optional(c.Type(str))
    #: Stage bands by level, where the organisation's differ from the defaults.
    stages: _Checked[dict[int, str]] = _Checked(parse_stages, {})
    #: How missing gate deliverables are reported: off, info, warn (info in a build) or error.
    #: (MkDocs reads YAML 1.1, where a bare `off` is false: that is read as off too.)
    gates = _Checked(lambda value: GateMode.parse(value).value, "warn")
    #: Graduations to this level or higher must name their reviewers (MLTRL019); 10 turns it off.
    reviewers_from = _Checked(parse_reviewers_from, 4)
    #: A folder whose files replace the shipped templates of the same name.
    templates_dir = c.Optional(c.Type(str))
    #: List every card page in the navigation (makes large sites build quadratically slower).
    nav_cards = c.Type(bool, default=False)
    #: A card with no review event in this many days is listed as stale on the portfolio page.
    stale_after_days = c.Type(int, default=180)
    #: Title of the index page and of its navigation section.
    title = c.Type(str, default="TRL Cards")
    #: Processes a build shares the cards out between: 0 is one per core, 1 this one only.
    workers = _Checked(parse_workers, 0)
