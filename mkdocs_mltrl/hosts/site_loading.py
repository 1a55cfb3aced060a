"""Loading the cards for a host: the card site, or the findings that stop its build."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.card_files import CardPathError
from ..core.findings import Finding, Severity
from ..core.gates.gate_set import GateMode
from ..core.levels import LevelTable
from ..core.portfolio import CardCache, load_portfolio
from ..render.paging import Paging, is_paged
from ..render.renderer import RenderedPage
from ..render.urls import SiteLayout
from .settings import Settings
from .site import CardSite


class SiteError(Exception):
    """A problem that stops every host's build (a missing folder, card errors); ready to print."""


@dataclass
class LoadedSite:
    """The outcome of loading the cards for a host: the site, or the findings that stop it."""

    site: CardSite | None
    findings: list[Finding]
    cards: int = 0  # card files read, as `mltrl validate` counts them

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def error_message(self) -> str:
        """What every host prints when the cards have errors: one positioned finding a line."""
        errors = self.errors
        listing = "\n".join(f.format() for f in errors)
        return f"{len(errors)} error(s) in the cards; nothing was built:\n{listing}"


def load_card_site(
    settings: Settings,
    base: Path,
    directory_urls: bool = True,
    cache: CardCache | None = None,
    page_cache: dict[tuple[Any, ...], RenderedPage] | None = None,
    processes: int = 1,
    keep: bool = False,
    named_sources: bool = False,
) -> LoadedSite:
    """Load and check the cards as every host does; ``site`` is None when there are errors.

    ``processes`` share out the loading (see :mod:`.workers`); ``keep``: the process keeps the
    cards to its end (see :func:`.portfolio.load_portfolio`); ``named_sources``: see
    :attr:`.SiteLayout.named_sources`.
    Raises :class:`SiteError` for a configured path that is missing.
    """
    checklist = settings.checklist
    if checklist is not None and not os.path.lexists(checklist):  # what is there is read by the path policy
        raise SiteError(f"checklist file not found: {checklist}")
    if settings.gates_file is not None and not os.path.lexists(settings.gates_file):
        raise SiteError(f"gates file not found: {settings.gates_file}")
    if not settings.cards_dir.is_dir():
        raise SiteError(f"cards_dir is not a folder: {settings.cards_dir}")
    # A site publishes each card's readiness as it stands: a missing deliverable is the card's status,
    # shown on its page, not a fault of the site. Under the default `warn` a build logs it as info
    # (so a new card publishes under --strict); `mltrl validate` warns of it, and `gates: error`
    # stops validate and builds alike.
    gates = GateMode.INFO if settings.gates is GateMode.WARN else settings.gates
    try:
        portfolio, findings = load_portfolio(
            [settings.cards_dir],
            checklist,
            gates,
            cache,
            base,
            LevelTable(settings.stages),
            settings.reviewers_from,
            gates_file=settings.gates_file,
            root=base,
            site_dirs=settings.site_dirs,
            processes=processes,
            keep=keep,
        )
    except CardPathError as exc:
        raise SiteError(str(exc)) from None
    loaded = LoadedSite(None, findings, portfolio.files if portfolio else 0)
    if loaded.errors or portfolio is None:
        return loaded
    templates = settings.templates_dir
    if templates is not None and not templates.is_dir():
        raise SiteError(f"templates_dir is not a folder: {templates}")
    layout = SiteLayout(settings.url_prefix.strip("/"), directory_urls, named_sources)
    paging = Paging(settings.rows_per_page) if is_paged(len(portfolio.cards), settings.paged_index) else None
    loaded.site = CardSite(
        portfolio, layout, templates, settings.title, settings.site_url, settings.stale_after_days, page_cache, paging
    )
    return loaded
