"""What generating for Zensical and the ``mltrl`` extension share: the names of what is generated,
the messages that say how to build, and the cards loaded once for both."""

from __future__ import annotations

from pathlib import Path

from ...core.portfolio import CardCache
from ..settings import Settings, settings_from_config

#: What `mltrl generate` writes beside mkdocs.yml: the folder Zensical reads as docs, and its config.
GENERATED_DIR = ".mltrl"
GENERATED_CONFIG = "mkdocs.zensical.yml"
MANIFEST = "manifest.json"
DOCS_URL = "https://github.com/mkdocs-mltrl/mkdocs-mltrl/blob/main/docs/hosts.md"
EXTENSION_NAME = "mltrl"
MKDOCS_THEMES = ("mkdocs", "readthedocs")  # MkDocs' built-in themes, which Zensical cannot render


HOW_TO = (
    "build the card wiki with `mltrl build --host zensical` (or `mltrl serve --host zensical`), or run "
    f"`mltrl generate` and then `zensical build -f {GENERATED_CONFIG}`; see {DOCS_URL}"
)


NOT_GENERATED = (
    f"mltrl: Zensical does not run MkDocs plugins, so the mltrl plugin of this config builds no card pages: {HOW_TO}"
)


class GenerateError(Exception):
    """A config that cannot be generated for (no mltrl plugin, a page in the way); ready to print."""


#: The cards as last loaded: generating and the extension (in a server, one process) share them.
CARD_CACHE = CardCache()


def read_settings(config_file: Path) -> Settings:
    settings = settings_from_config(config_file)
    if settings is None:
        raise GenerateError(f"{config_file} does not list the {EXTENSION_NAME} plugin under `plugins`")
    return settings
