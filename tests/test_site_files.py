"""Ids never name the site's own files, and no output of a build overwrites another."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mkdocs_mltrl.hosts.outputs import OutputPaths

from .cards import complete_card, history, write
from .site import build, make_site
from .test_cli import mltrl


def card(card_id: str, **overrides: Any) -> dict[str, Any]:
    return complete_card(card_id, level=0, history=history(("2021-01-01", "start", 0)), **overrides)


def validate(root: Path) -> dict[str, tuple[str, int, int]]:
    """Each card file's first error: (code, line, column)."""
    result = mltrl("validate", "--format", "json", cwd=root)
    assert "Traceback" not in result.stderr
    found: dict[str, tuple[str, int, int]] = {}
    for f in json.loads(result.stdout)["findings"]:
        if f["severity"] == "error":
            found.setdefault(Path(f["file"]).name, (f["code"], f["line"], f["column"]))
    return found


ID_CASES = {
    # id: the code that refuses it
    "index.html": "ID001",
    "INDEX.MD": "ID001",
    "cards.json": "ID001",
    "cards.schema.json": "ID001",
    "schemas": "ID001",
    "Assets": "ID001",
    "portfolio": "ID001",
    "404.html": "ID001",
    "sitemap.xml": "ID001",
    "sitemap.xml.gz": "ID001",
    "search": "ID001",
    "CON": "ID002",
    "nul": "ID002",
    "nul.txt": "ID002",
    "Com1": "ID002",
    "lpt9.tar.gz": "ID002",
    "A1.": "schema",
    "A1..": "schema",
}


def test_ids_that_name_site_files_or_windows_devices_are_positioned_errors(tmp_path: Path):
    for n, card_id in enumerate(ID_CASES):
        write(tmp_path / "cards", card(card_id), name=f"c{n}.yaml")
    write(tmp_path / "cards", card("A1"), name="fine-1.yaml")
    write(tmp_path / "cards", card("A1.b", aliases=["console", "nul-1", "auxiliary"]), name="fine-2.yaml")
    found = validate(tmp_path)
    for n, (card_id, code) in enumerate(ID_CASES.items()):
        assert found.get(f"c{n}.yaml") == (code, 2, 5), (card_id, found.get(f"c{n}.yaml"))  # `id: <value>`
    assert "fine-1.yaml" not in found and "fine-2.yaml" not in found


@pytest.mark.parametrize("key", ["id", "alias"])
def test_an_alias_is_held_to_the_same_rules(tmp_path: Path, key: str):
    for n, bad in enumerate(["cards.json", "CON", "x."]):
        claims = {"aliases": [bad]} if key == "alias" else {}
        write(tmp_path / "cards", card(bad if key == "id" else f"ok{n}", **claims), name=f"a{n}.yaml")
    found = validate(tmp_path)
    assert [found[f"a{n}.yaml"][0] for n in range(3)] == ["ID001", "ID002", "schema"]


@pytest.mark.parametrize("card_id", ["index.html", "cards.json", "CON"])
def test_a_build_with_such_an_id_stops_before_writing(tmp_path: Path, card_id: str):
    config = make_site(tmp_path, [card("R1"), card(card_id)], theme="mkdocs")
    result = build(config)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "IsADirectoryError" not in result.stderr and "error ID00" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_docs_page_at_a_card_page_stops_the_build_and_keeps_the_last_site(tmp_path: Path):
    config = make_site(tmp_path, [card("R1")], theme="mkdocs")
    assert build(config).returncode == 0
    built = (tmp_path / "site" / "cards" / "R1" / "index.html").read_text()
    (tmp_path / "docs" / "cards").mkdir()
    (tmp_path / "docs" / "cards" / "r1.md").write_text("# Mine\n")
    result = build(config)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the page of card 'R1' (cards/R1.yaml)" in result.stderr
    assert "the docs file docs/cards/r1.md" in result.stderr
    assert "cards/R1/index.html" in result.stderr
    assert (tmp_path / "site" / "cards" / "R1" / "index.html").read_text() == built


def test_without_url_prefix_a_card_beside_a_page_of_its_name_is_a_conflict(tmp_path: Path):
    config = make_site(tmp_path, [card("about")], theme="mkdocs", plugin={"url_prefix": ""})
    result = build(config)  # the card index is the home page: docs/index.md is in its way
    assert result.returncode == 1 and "the card index and the docs file docs/index.md" in result.stderr
    (tmp_path / "docs" / "index.md").unlink()
    (tmp_path / "docs" / "about.md").write_text("# About\n")
    result = build(config)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the page of card 'about'" in result.stderr and "the docs file docs/about.md" in result.stderr
    (tmp_path / "docs" / "about.md").unlink()
    assert build(config, "--strict").returncode == 0
    assert (tmp_path / "site" / "about" / "index.html").is_file()


def test_a_docs_file_where_the_export_goes_is_a_conflict(tmp_path: Path):
    config = make_site(tmp_path, [card("R1")], theme="mkdocs")
    (tmp_path / "docs" / "cards").mkdir()
    (tmp_path / "docs" / "cards" / "Cards.JSON").write_text("{}")
    result = build(config)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the export cards.json and the docs file docs/cards/Cards.JSON" in result.stderr


def test_output_paths_name_both_sources():
    outputs = OutputPaths()
    assert outputs.claim("cards/index.html", "the card index") is None
    assert outputs.claim("cards/R1/index.html", "card R1") is None
    same = outputs.claim("Cards/INDEX.html", "a docs page")
    assert same is not None and "a docs page and the card index would both be written to Cards/INDEX.html" in same
    below = outputs.claim("cards/index.html/index.html", "card index.html")
    assert below is not None and "inside cards/index.html, which is the card index" in below
    above = outputs.claim("cards/R1", "a file named R1")
    assert above is not None and "a folder that holds card R1" in above
    assert outputs.claim("cards/R10/index.html", "card R10") is None


def test_generating_for_zensical_refuses_the_same_conflicts(tmp_path: Path):
    make_site(tmp_path, [card("R1")], theme="mkdocs")
    (tmp_path / "docs" / "cards").mkdir()
    (tmp_path / "docs" / "cards" / "R1.md").write_text("# Mine\n")
    result = mltrl("generate", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "the page of card 'R1' (cards/R1.yaml) and the docs file docs/cards/R1.md" in result.stderr
    assert not (tmp_path / ".mltrl" / "docs").exists()
