"""Host-neutral site plumbing: the card site (its pages, assets and exports) and its settings.

The host adapters are :mod:`.mkdocs` (the MkDocs and ProperDocs plugin) and :mod:`.zensical`: the only
modules that import a host library. This package does not import them, and they never import
each other."""

from .settings import ConfigError, Settings, parse_reviewers_from, parse_workers, read_config, settings_from_config
from .site import PAGE_KINDS, PAGE_STUB, CardSite, schema_text
from .site_loading import LoadedSite, SiteError, load_card_site

__all__ = [
    "PAGE_KINDS",
    "PAGE_STUB",
    "CardSite",
    "ConfigError",
    "LoadedSite",
    "Settings",
    "SiteError",
    "load_card_site",
    "parse_reviewers_from",
    "parse_workers",
    "read_config",
    "schema_text",
    "settings_from_config",
]
