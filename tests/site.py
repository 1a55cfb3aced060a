"""Build real MkDocs sites in a temporary folder and read the HTML that comes out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup

from .cards import write

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def make_site(
    root: Path,
    cards: list[dict[str, Any]],
    *,
    theme: str = "material",
    directory_urls: bool = True,
    plugin: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write mkdocs.yml, docs/ and cards/ under ``root``; return the mkdocs.yml path."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n\nWelcome.\n")
    for card in cards:
        write(root / "cards", card)
    (root / "cards").mkdir(exist_ok=True)
    config: dict[str, Any] = {
        "site_name": "Card wiki",
        # offline: no Google Fonts (material), no highlight.js from a CDN (mkdocs)
        "theme": {"name": theme, "font": False} if theme == "material" else {"name": theme, "highlightjs": False},
        "use_directory_urls": directory_urls,
        "plugins": ["search", {"mltrl": plugin or {}}],
    }
    config.update(extra or {})
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def build(config_file: Path, *args: str, tool: str = "mkdocs") -> subprocess.CompletedProcess[str]:
    """Run a real `mkdocs build` (or `properdocs build`) as a user would."""
    command = [sys.executable, "-m", tool, "build", "-f", str(config_file), *args]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    return subprocess.run(command, cwd=config_file.parent, capture_output=True, text=True, timeout=300, env=env)


def page(site: Path, url: str) -> BeautifulSoup:
    """Parse the built page at a site URL (``cards/R1/`` or ``cards/R1/index.html``)."""
    path = site / url
    if url.endswith("/") or not url:
        path = path / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
