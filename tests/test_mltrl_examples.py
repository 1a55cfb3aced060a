"""The public MLTRL repository's two example cards (R02.1 at level 4, P13.2 at level 8), transcribed
into card YAML under tests/data/mltrl-examples/, validated and built together as a team adopting
MLTRL would: no errors, every fact of the originals on the page, no false alarms."""

from __future__ import annotations

import json
import re
import shutil
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_mltrl.core import render_markdown

from .site import build, page
from .test_cli import mltrl

EXAMPLES = Path(__file__).parent / "data" / "mltrl-examples"
#: Keys whose values are not prose shown as written (enums shown in other words, links, ids).
NOT_PROSE = {"link", "status", "mltrl", "id", "kind", "role", "source"}


def _png() -> bytes:
    """A one-pixel PNG: the flowchart image beside P13.2's card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mltrl-repo")
    shutil.copytree(EXAMPLES, root, dirs_exist_ok=True)
    (root / "examples" / "example-BO-flowchart.png").write_bytes(_png())
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n")
    config = {
        "site_name": "MLTRL examples",
        "theme": {"name": "mkdocs", "highlightjs": False},
        "plugins": [{"mltrl": {"cards_dir": "examples"}}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return root


@pytest.fixture(scope="module")
def site(repo: Path) -> Path:
    result = build(repo / "mkdocs.yml")
    assert result.returncode == 0, result.stderr
    return repo / "site"


def _findings(repo: Path) -> list[dict[str, Any]]:
    result = mltrl("validate", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    return list(data["findings"] if isinstance(data, dict) else data)


def test_the_examples_validate_with_no_errors_and_no_false_alarms(repo: Path):
    findings = _findings(repo)
    assert not [f for f in findings if f["severity"] == "error"], findings
    codes = {f["code"] for f in findings}
    # no cycle errors, no switchback or review warnings, no broken links, nothing the schema refuses
    assert not codes & {"MLTRL003", "MLTRL014", "MLTRL018", "MLTRL019", "LINK001", "LINK002", "schema"}, codes
    missing = [f for f in findings if f["code"] == "MLTRL002"]
    assert [f["message"].split("'")[1] for f in missing] == ["P12.2"]  # R02.1 has a card here


def _leaves(node: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, k)]
    if isinstance(node, list):
        return [leaf for v in node for leaf in _leaves(v, key)]
    return [(key, node)] if isinstance(node, str) else []


def _text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.mark.parametrize("card_id", ["R02.1", "P13.2"])
def test_every_fact_of_the_original_is_on_the_page(repo: Path, site: Path, card_id: str):
    data = yaml.safe_load((repo / "examples" / f"{card_id}.yaml").read_text())
    body = page(site, f"cards/{card_id}/").select_one("div.mltrl-card")
    assert body is not None
    shown = " ".join(body.get_text(" ").split())
    for key, value in _leaves(data):
        if key in NOT_PROSE:
            continue
        expected = _text(str(render_markdown(value)))
        assert expected in shown, (key, expected)


def test_the_level_4_card(site: Path):
    soup = page(site, "cards/R02.1/")
    rows = {tr.th.get_text(strip=True): tr.td.get_text(" ", strip=True) for tr in soup.select("table.mltrl-summary tr")}
    assert rows["Owners"] == "Gunes Baydin" and rows["Reviewers"] == "Yarin Gal"
    ethics = soup.select_one("p.mltrl-evidence")
    assert ethics is not None and "Ethics checklist kept elsewhere: in progress" in ethics.get_text(" ", strip=True)
    assert "0 of" not in soup.select_one("h2#ethics-checklist").find_next("p", class_="mltrl-progress").get_text()
    suites = [tr.get_text(" ", strip=True) for tr in soup.select("table.mltrl-suites tbody tr")]
    assert suites == [
        "MVBO unit tests (BO loop) unit not stated",
        "Integration tests with BoTorch and GPyTorch integration not stated",
    ]
    statuses = [tr.select("td")[5].get_text(strip=True) for tr in soup.select("table.mltrl-requirements tbody tr")]
    assert statuses == ["not stated"] * 5


def test_the_level_8_card(site: Path):
    soup = page(site, "cards/P13.2/")
    rows = {tr.th.get_text(strip=True): tr.td.get_text(" ", strip=True) for tr in soup.select("table.mltrl-summary tr")}
    assert rows["Reviewers"] == "Eric Xing, Dava Newman"
    assert rows["System level"] == "at most 4, limited by R02.1 (level 4); P12.2 unknown"
    assert "Mixed-variable BO R02.1 (level 4)" in rows["Components"]
    assert "P12.2 (no card here) (level unknown)" in rows["Components"]
    ethics = soup.select_one("p.mltrl-evidence")
    assert ethics is not None and "Ethics checklist kept elsewhere: complete" in ethics.get_text(" ", strip=True)
    assert not soup.select("table.mltrl-ethics")  # no list of unanswered items
    # a shadow suite whose status the card does not give is not shown as run, nor as "planned"
    suites = {
        tr.select("td")[1].get_text(strip=True): tr.select("td")[2].get_text(strip=True)
        for tr in soup.select("table.mltrl-suites tbody tr")
    }
    assert suites["shadow"] == "not stated"
    assert "planned" not in soup.select_one("table.mltrl-suites").get_text()


def test_the_flowchart_and_the_checklist_beside_the_cards_are_published(site: Path):
    card_dir = site / "cards" / "P13.2"
    soup = page(site, "cards/P13.2/")
    img = soup.select_one("h2#model ~ div.mltrl-prose img")
    assert img is not None and img["alt"] == "Solar array optimization flowchart"
    image = (card_dir / img["src"]).resolve()
    assert image.is_file() and image.read_bytes().startswith(b"\x89PNG")
    link = soup.select_one("p.mltrl-evidence a")
    assert link is not None
    checklist = (card_dir / link["href"]).resolve()
    assert checklist.is_file() and "Ethics checklist of the example cards" in checklist.read_text()
    assert re.search(r"\.\./", link["href"])  # relative, so the site works under any sub-path


def test_the_examples_coupled_both_ways_build_with_unknown_levels_named(tmp_path: Path):
    """As the cards were first transcribed: R02.1 names P13.2 back (a cycle) and R04.1 (no card)."""
    shutil.copytree(EXAMPLES, tmp_path, dirs_exist_ok=True)
    card = tmp_path / "examples" / "R02.1.yaml"
    card.write_text(card.read_text().replace("reviewers:\n", "components:\n  - P13.2\n  - R04.1\nreviewers:\n", 1))
    (tmp_path / "examples" / "example-BO-flowchart.png").write_bytes(_png())
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    config = {"site_name": "x", "theme": {"name": "mkdocs"}, "plugins": [{"mltrl": {"cards_dir": "examples"}}]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    findings = _findings(tmp_path)
    assert not [f for f in findings if f["severity"] == "error"]
    assert sorted(f["message"].split("'")[1] for f in findings if f["code"] == "MLTRL002") == ["P12.2", "R04.1"]
    assert build(tmp_path / "mkdocs.yml").returncode == 0
    for card_id, expected in (
        ("P13.2", "at most 4, limited by R02.1 (level 4); P12.2, R04.1 unknown"),
        ("R02.1", "at most 4; R04.1, P12.2 unknown"),
    ):
        soup = page(tmp_path / "site", f"cards/{card_id}/")
        rows = {
            tr.th.get_text(strip=True): tr.td.get_text(" ", strip=True) for tr in soup.select("table.mltrl-summary tr")
        }
        assert rows["System level"] == expected
