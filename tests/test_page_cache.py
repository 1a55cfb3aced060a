"""Rendered card pages are reused across serve rebuilds only while nothing they show changes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from mkdocs_mltrl.core import CardCache, GateMode, load_portfolio
from mkdocs_mltrl.hosts import CardSite
from mkdocs_mltrl.render import SiteLayout

from .cards import complete_card, write


def render_all(folder: Path, pages: dict, cache: CardCache) -> dict[str, str]:  # type: ignore[type-arg]
    portfolio, _ = load_portfolio([folder], gates=GateMode.WARN, cache=cache)
    assert portfolio is not None
    site = CardSite(portfolio, SiteLayout(), page_cache=pages)
    files = [f for f in site.files() if f.kind == "card"]
    out = {f.card_id: site.render(f.src_uri).html for f in files if f.card_id}
    site.write_exports(folder.parent / "site", processes=1)
    site.forget_unused()
    return out


def kept(pages: dict) -> Counter[str]:  # type: ignore[type-arg]
    """What the cache holds: pages, and each card's two exports (CycloneDX and Hugging Face)."""
    return Counter("export" if key[0] == "export" else "page" for key in pages)


def test_pages_are_reused_until_what_they_show_changes(tmp_path: Path):
    folder = tmp_path / "cards"
    write(folder, complete_card("A", components=["B"]))
    write(folder, complete_card("B", name="Bee"))
    write(folder, complete_card("C"))
    pages: dict = {}  # type: ignore[type-arg]
    cache = CardCache()
    first = render_all(folder, pages, cache)
    objects = {key: id(page) for key, page in pages.items()}
    assert kept(pages) == {"page": 3, "export": 6}

    second = render_all(folder, pages, cache)
    assert second == first
    assert {key: id(page) for key, page in pages.items()} == objects  # nothing rendered again

    write(folder, complete_card("B", name="Renamed"))  # B's page and A's (it shows B's name) change
    third = render_all(folder, pages, cache)
    assert "Renamed" in third["B"] and "Renamed" in third["A"]
    assert third["C"] == first["C"]
    assert kept(pages) == {"page": 3, "export": 6}  # the stale entries were dropped
