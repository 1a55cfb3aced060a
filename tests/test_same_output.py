"""The fast paths give the same site as the plain ones: loading, validating and rendering.

Nothing here is a stored copy of today's output: each test makes the same pages two ways and
compares them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mkdocs_mltrl.core import GateMode, Portfolio, load_portfolio, parse_text
from mkdocs_mltrl.core import portfolio as portfolio_module
from mkdocs_mltrl.hosts import CardSite
from mkdocs_mltrl.render import SiteLayout

from .cards import complete_card, history, write
from .site import build, make_site

ROOT = Path(__file__).resolve().parent.parent


def synthetic(folder: Path) -> Path:
    """A fixed set of cards that differ in every way a page shows: components, levels, people,
    Markdown, history, risks, aliases, x- fields."""
    cards = [
        complete_card("A1", level=7, components=["B2", "C3"], aliases=["OLD-A"], tags=["vision", "triage"],
                      history=history(("2020-01-01", "start", 2), ("2020-03-01", "graduate", 3),
                                      ("2020-06-01", "graduate", 4), ("2020-09-01", "switchback", 3, "review"),
                                      ("2020-10-01", "graduate", 4), ("2020-12-01", "graduate", 5),
                                      ("2021-01-01", "graduate", 6), ("2021-03-01", "graduate", 7))),
        complete_card("B2", level=3, name="Bee *two* <b>", summary="Uses `code`, [a link](https://example.org) "
                      "and **bold** text.\n\nA second paragraph.", components=["C3"],
                      history=history(("2021-01-01", "start", 3))),
        complete_card("C3", level=1, owners=["Lin <lin@example.org>", {"name": "Sam", "role": "lead"}],
                      caveats=["Not for *children*.", "Needs 1.5x the memory."], **{"x-cost": {"eur": 12}},
                      history=history(("2021-01-01", "start", 0), ("2021-02-01", "graduate", 1))),
        complete_card("D4", level=9, status="paused",
                      history=history(("2019-01-01", "start", 9), ("2020-01-01", "pause", 9))),
    ]  # fmt: skip
    for card in cards:
        write(folder, card)
    return folder


def card_folders(tmp_path: Path) -> list[Path]:
    return [ROOT / "examples" / "site" / "cards", ROOT / "cards", synthetic(tmp_path / "synthetic")]


def plain_load(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Portfolio:
    """Load without the fast paths: every card parsed with all its positions and checked by
    jsonschema, not by the compiled validator."""
    with monkeypatch.context() as patch:
        patch.setattr(portfolio_module, "parse_text", lambda text, positions=True: parse_text(text, positions=True))
        patch.setattr(portfolio_module, "is_valid_fast", lambda data: False)
        portfolio, _ = load_portfolio([folder], gates=GateMode.WARN)
    assert portfolio is not None
    return portfolio


def pages(portfolio: Portfolio, cache: dict[Any, Any] | None = None) -> dict[str, str]:
    site = CardSite(portfolio, SiteLayout(), page_cache=cache)
    out = {}
    for generated in site.files():
        if generated.kind in ("card", "index", "portfolio"):
            out[generated.src_uri] = site.render(generated.src_uri).html
        else:
            out[generated.src_uri] = generated.content
    site.forget_unused()
    return out


@pytest.mark.parametrize("which", ["examples", "repository cards", "synthetic"])
def test_fast_loading_gives_the_same_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: str):
    folder = card_folders(tmp_path)[["examples", "repository cards", "synthetic"].index(which)]
    fast, _ = load_portfolio([folder], gates=GateMode.WARN)
    assert fast is not None and fast.cards
    plain = plain_load(folder, monkeypatch)
    assert [c.id for c in fast.cards] == [c.id for c in plain.cards]
    assert [f.format() for f in fast.findings] == [f.format() for f in plain.findings]
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        lean, full = parse_text(text, positions=False), parse_text(text)
        assert lean.data == full.data
        assert lean.positions.values == full.positions.values  # computed when asked for
        assert lean.positions.keys == full.positions.keys
    fast_pages, plain_pages = pages(fast), pages(plain)
    assert fast_pages.keys() == plain_pages.keys()
    for uri in fast_pages:
        assert fast_pages[uri] == plain_pages[uri], uri
    assert "cards/cards.json" in fast_pages  # the export is compared too


def test_cached_pages_are_the_pages_a_fresh_render_gives(tmp_path: Path):
    folder = synthetic(tmp_path / "cards")
    cache: dict[Any, Any] = {}
    first, _ = load_portfolio([folder], gates=GateMode.WARN)
    assert first is not None
    pages(first, cache)
    write(folder, complete_card("C3", level=1, name="Renamed component", history=history(("2021-01-01", "start", 1))))
    edited, _ = load_portfolio([folder], gates=GateMode.WARN)
    assert edited is not None
    cached = pages(edited, cache)  # A1 and B2 show C3's name: their pages must be made again
    fresh = pages(edited)
    assert cached == fresh
    layout = SiteLayout()
    assert "Renamed component" in cached[layout.card_src("A1")] and "Renamed component" in cached[layout.card_src("B2")]


REBUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from pathlib import Path
def once():
    config = load_config("mkdocs.yml")
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
once()
card = Path("cards/C3.yaml")
card.write_text(card.read_text().replace("name: Technology C3", "name: Renamed C3"))
once()
"""


def _site_files(site: Path) -> dict[str, str]:
    out = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and (rel.startswith("cards/") or rel == "search/search_index.json"):
            out[rel] = path.read_text(encoding="utf-8")
    return out


def test_a_serve_rebuild_writes_what_a_cold_build_writes(tmp_path: Path):
    """`mkdocs serve` keeps pages across rebuilds; after an edit its site is a fresh build's."""
    served, cold = tmp_path / "served", tmp_path / "cold"
    make_site(served, [])
    synthetic(served / "cards")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-c", REBUILD], cwd=served, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    shutil.copytree(served, cold, ignore=shutil.ignore_patterns("site"))
    result = build(cold / "mkdocs.yml")
    assert result.returncode == 0, result.stderr
    served_files, cold_files = _site_files(served / "site"), _site_files(cold / "site")
    assert served_files.keys() == cold_files.keys()
    for name in served_files:
        assert served_files[name] == cold_files[name], name
    assert "Renamed C3" in served_files["cards/A1/index.html"]
    assert any(c["name"] == "Renamed C3" for c in json.loads(served_files["cards/cards.json"])["cards"])


def test_output_expressions_write_what_jinja_writes(tmp_path: Path):
    """Card templates write values with a lean escape; Jinja's own Template class gives the same."""
    import jinja2

    from mkdocs_mltrl.render import Renderer

    portfolio, _ = load_portfolio([synthetic(tmp_path / "cards"), ROOT / "examples" / "site" / "cards"])
    assert portfolio is not None
    lean, plain = Renderer(portfolio, SiteLayout()), Renderer(portfolio, SiteLayout())
    plain.env.template_class = jinja2.Template
    for card in portfolio.cards:
        assert lean.card_page(card).html == plain.card_page(card).html
        assert "&lt;b&gt;" in lean.card_page(card).html or card.id != "B2"  # names stay escaped
    assert lean.index_page().html == plain.index_page().html
    assert lean.export() == plain.export()


@pytest.mark.parametrize("which", ["examples", "synthetic"])
def test_a_build_drops_parsed_data_but_keeps_what_it_said(tmp_path: Path, which: str):
    """A single build keeps no parsed data and only the compressed source of each card: what reads
    them later (gates, positions, the source text) gets the same answers as from a kept card."""
    folder = card_folders(tmp_path)[0 if which == "examples" else 2]
    built, _ = load_portfolio([folder], gates=GateMode.WARN)
    kept, _ = load_portfolio([folder], gates=GateMode.WARN, cache=portfolio_module.CardCache())
    assert built is not None and kept is not None
    for lean, full in zip(built.cards, kept.cards, strict=True):
        assert lean.data == {} and full.data
        assert lean.as_written() == full.data
        assert lean.source_text == full.source_text == (folder / Path(lean.file).name).read_text(encoding="utf-8")
        assert lean.positions.values == full.positions.values
        for gate in built.gateset.gates:
            assert gate.met(lean, built.checklist) == gate.met(full, kept.checklist), (lean.id, gate.code)
    assert [f.format() for f in built.findings] == [f.format() for f in kept.findings]
    assert pages(built) == pages(kept)


SERVE_STEPS = """
import json, shutil, sys
from pathlib import Path
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

def rebuild():
    config = load_config("mkdocs.yml")
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    return config.plugins["mltrl"].theme_outputs.reused

def edit_config(change):
    config = yaml.safe_load(Path("mkdocs.yml").read_text())
    change(config)
    Path("mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))

def rename_card():
    card = Path("cards/C3.yaml")
    card.write_text(card.read_text().replace("name: Technology C3", "name: Renamed C3"))

def add_page():
    Path("docs/guide.md").write_text("# Guide\\n\\nHow we review.\\n")

def override(text):
    Path("overrides/main.html").write_text('{% extends "base.html" %}{% block footer %}' + text + '{% endblock %}')

steps = {
    "start": lambda: None,
    "card edit": rename_card,
    "site name": lambda: edit_config(lambda c: c.update(site_name="Renamed wiki")),
    "nothing": lambda: None,
    "theme option": lambda: edit_config(lambda c: c["theme"].update(features=["navigation.footer"])),
    "new page": add_page,
    "override": lambda: override("Custom footer"),
    "override edit": lambda: override("Custom footer, edited"),
}
reused = {}
for name, step in steps.items():
    step()
    reused[name] = rebuild()
    state = Path(sys.argv[1]) / name
    shutil.copytree(".", state, ignore=shutil.ignore_patterns("state*"))
print(json.dumps(reused))
"""


def test_serve_reuses_theme_output_only_while_every_page_would_be_the_same(tmp_path: Path):
    """`mkdocs serve` writes an unchanged card page from the theme output it kept; after each kind
    of change (a card, the config, a theme option, a new page, a template override), every card
    page is what a cold build of the same files writes."""
    served, states = tmp_path / "served", tmp_path / "states"
    make_site(served, [], extra={"theme": {"name": "material", "font": False, "custom_dir": "overrides"}})
    (served / "overrides").mkdir()
    synthetic(served / "cards")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    script = [sys.executable, "-c", SERVE_STEPS, str(states)]
    done = subprocess.run(script, cwd=served, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    reused = json.loads(done.stdout.strip().splitlines()[-1])
    # C3's edit changes A1, B2 (they show C3's name) and C3; D4 is reused. A change every page
    # shows reuses nothing; a rebuild after no change reuses every card page.
    assert reused == {"start": 0, "card edit": 1, "site name": 0, "nothing": 4, "theme option": 0,
                      "new page": 0, "override": 0, "override edit": 0}  # fmt: skip
    for state in sorted(states.iterdir()):
        served_files = _site_files(state / "site")
        shutil.rmtree(state / "site")
        result = build(state / "mkdocs.yml")
        assert result.returncode == 0, result.stderr
        cold_files = _site_files(state / "site")
        assert served_files.keys() == cold_files.keys(), state.name
        for name in served_files:
            assert served_files[name] == cold_files[name], (state.name, name)
    footer = _site_files(states / "override edit" / "site")["cards/D4/index.html"]
    assert "Custom footer, edited" in footer and "Renamed wiki" in footer
