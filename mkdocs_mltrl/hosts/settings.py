"""Options shared by the plugin and the CLI, and reading them from an ``mkdocs.yml``.

The CLI must not import MkDocs, so ``mkdocs.yml`` is read here with a YAML loader that accepts
MkDocs' tags (``!ENV``, ``!relative``, ``!!python/name:...``) without running them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core.gates.gate_set import GateMode
from ..core.levels import parse_stages
from ..render.paging import DEFAULT_ROWS_PER_PAGE

PLUGIN_NAME = "mltrl"


@dataclass(frozen=True)
class Settings:
    cards_dir: Path
    checklist: Path | None = None
    gates_file: Path | None = None
    gates: GateMode = GateMode.WARN
    url_prefix: str = "cards"
    site_url: str | None = None
    #: ``use_directory_urls`` of mkdocs.yml: card pages at ``<id>/`` (else ``<id>/index.html``).
    directory_urls: bool = True
    stale_after_days: int = 180
    stages: dict[int, str] = field(default_factory=dict)
    templates_dir: Path | None = None
    title: str = "TRL Cards"
    nav_cards: bool = False
    reviewers_from: int = 4
    #: Processes that share out the loading and rendering of a build: 0 is one per core, 1 none.
    workers: int = 0
    #: The index and the portfolio's lists in pages of rows: None decides by the number of cards.
    paged_index: bool | None = None
    rows_per_page: int = DEFAULT_ROWS_PER_PAGE
    #: The site's output folders (``site_dir``): no file in them is published beside the cards.
    site_dirs: tuple[Path, ...] = ()


def parse_reviewers_from(value: object) -> int:
    """The level from which a graduation must name reviewers: 0-10 (10: never)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"reviewers_from must be a level from 0 to 10 (10 turns the check off), got {value!r}")
    return value


def parse_workers(value: object) -> int:
    """The number of processes a build may use: 0 (one per core) or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"workers must be 0 (one per core) or a number of processes, got {value!r}")
    return value


def parse_paged_index(value: object) -> bool | None:
    """``auto`` (None: paged above PAGED_ABOVE cards), or true or false to force it either way."""
    if value is None or value == "auto":
        return None
    if isinstance(value, bool):
        return value
    raise ValueError(f"paged_index must be auto, true or false, got {value!r}")


def parse_rows_per_page(value: object) -> int:
    """Rows on each page of a paged index or portfolio list: at least 10."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 10:
        raise ValueError(f"rows_per_page must be a whole number of 10 or more, got {value!r}")
    return value


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml; any tag becomes its plain value (or None), nothing is executed."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None


_TolerantLoader.add_multi_constructor("", _ignore_tag)


class ConfigError(Exception):
    """An mkdocs.yml that cannot be read."""


def read_config(config_file: Path) -> dict[str, Any]:
    try:
        with config_file.open(encoding="utf-8") as handle:
            config = yaml.load(handle, Loader=_TolerantLoader)
    except OSError as exc:
        raise ConfigError(f"cannot read {config_file}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"cannot parse {config_file}: {exc}") from None
    return config if isinstance(config, dict) else {}


def plugin_options(config: dict[str, Any]) -> dict[str, Any] | None:
    """The ``mltrl`` plugin's options in a read mkdocs.yml; None when the plugin is not listed."""
    plugins = config.get("plugins")
    entries: list[Any] = list(plugins.items()) if isinstance(plugins, dict) else list(plugins or [])
    for entry in entries:
        if entry == PLUGIN_NAME:
            return {}
        if isinstance(entry, tuple) and entry[0] == PLUGIN_NAME:
            return dict(entry[1] or {})
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            return dict(entry[PLUGIN_NAME] or {})
    return None


def settings_from_config(config_file: Path) -> Settings | None:
    """Settings from an mkdocs.yml's ``mltrl`` options, paths relative to the file's folder."""
    config = read_config(config_file)
    options = plugin_options(config)
    if options is None:
        return None
    base = config_file.parent
    checklist = options.get("checklist")
    templates = options.get("templates_dir")
    gates_file = options.get("gates_file")
    try:
        gates = GateMode.parse(options.get("gates", "warn"))
        stages = parse_stages(options.get("stages"))
        reviewers_from = parse_reviewers_from(options.get("reviewers_from", 4))
        workers = parse_workers(options.get("workers", 0))
        paged_index = parse_paged_index(options.get("paged_index", "auto"))
        rows_per_page = parse_rows_per_page(options.get("rows_per_page", DEFAULT_ROWS_PER_PAGE))
    except ValueError as exc:
        raise ConfigError(f"{config_file}: {exc}") from None
    return Settings(
        cards_dir=base / str(options.get("cards_dir", "cards")),
        checklist=base / str(checklist) if checklist else None,
        gates_file=base / str(gates_file) if gates_file else None,
        gates=gates,
        url_prefix=str(options.get("url_prefix", "cards")).strip("/"),
        site_url=config.get("site_url") or None,
        directory_urls=config.get("use_directory_urls", True) is not False,
        stale_after_days=int(options.get("stale_after_days", 180)),
        stages=stages,
        templates_dir=base / str(templates) if templates else None,
        title=str(options.get("title", "TRL Cards")),
        nav_cards=options.get("nav_cards") is True,
        reviewers_from=reviewers_from,
        workers=workers,
        paged_index=paged_index,
        rows_per_page=rows_per_page,
        site_dirs=(base / str(config.get("site_dir") or "site"),),
    )
