"""Relative links and images in Markdown fields resolve against the card's own file: files inside
the repository are published and the links rewritten; missing ones are positioned warnings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mkdocs_mltrl.core import load_portfolio

from .cards import complete_card, line_of, write
from .site import build, make_site, page
from .test_cli import mltrl

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def _card(**fields: object) -> dict[str, object]:
    return complete_card("L1", 2, history=[{"date": "2021-01-01", "event": "start", "level": 2}], **fields)


def test_missing_and_outside_files_are_positioned_warnings(tmp_path: Path):
    repo = tmp_path / "repo"
    (repo / "cards" / "team").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("outside")
    (repo / "cards" / "team" / "escape.txt").symlink_to(tmp_path / "secret.txt")
    card = _card(
        model="A model.\n\nSee ![flow](flow.png) and [notes](../../notes.md#top).\n",
        caveats=["Read [this](../../../secret.txt).", "And [that](escape.txt)."],
        links={"docs": "../wiki/page"},  # a URL field naming no file: kept as is, no warning
    )
    path = write(repo / "cards" / "team", card)
    text = path.read_text()
    portfolio, findings = load_portfolio([repo / "cards"], root=repo, base=repo)
    assert portfolio is not None
    found = sorted((f.code, f.line, f.column, f.message) for f in findings if f.code.startswith("LINK"))
    flow_line = line_of(text, "![flow](flow.png)")
    assert found == [
        ("LINK001", flow_line, text.splitlines()[flow_line - 1].index("flow.png") + 1,
         "'flow.png' names no file (looked for cards/team/flow.png)"),
        ("LINK001", flow_line, text.splitlines()[flow_line - 1].index("../../notes.md") + 1,
         "'../../notes.md#top' names no file (looked for notes.md)"),
        ("LINK002", line_of(text, "secret.txt"), text.splitlines()[line_of(text, "secret.txt") - 1].index("../") + 1,
         "'../../../secret.txt' is outside the repository; it is not published"),
        ("LINK002", line_of(text, "escape.txt"), text.splitlines()[line_of(text, "escape.txt") - 1].index("escape") + 1,
         "'escape.txt' is outside the repository; it is not published"),
    ]  # fmt: skip
    assert all(f.severity.value == "warning" for f in findings if f.code.startswith("LINK"))
    assert portfolio.local_links is not None and portfolio.local_links.files == {}


def test_validate_reports_a_missing_image_at_its_line(tmp_path: Path):
    card = _card(summary="Does a thing.\n\n![diagram](img/diagram.png)\n")
    path = write(tmp_path / "cards", card)
    result = mltrl("validate", "--format", "json", "cards", cwd=tmp_path)
    assert result.returncode == 0
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "LINK001"]
    assert finding["line"] == line_of(path.read_text(), "img/diagram.png")
    assert mltrl("validate", "--strict", "cards", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize("directory_urls", [True, False])
def test_files_beside_the_card_are_published_and_links_rewritten(tmp_path: Path, directory_urls: bool):
    card = _card(
        model='![flow](diagrams/flow.png?raw=true "Flow")\n\nDetails in [the notes](../notes.md).\n',
        links={"docs": "../notes.md", "project": "../wiki/page"},
        ethics={"external": {"status": "complete", "link": "../ethics.md"}},
    )
    config = make_site(tmp_path, [card], theme="mkdocs", directory_urls=directory_urls)
    (tmp_path / "cards" / "diagrams").mkdir()
    (tmp_path / "cards" / "diagrams" / "flow.png").write_bytes(PNG)
    (tmp_path / "notes.md").write_text("# Notes\n\nSome **notes** <script>alert(1)</script>.\n")
    (tmp_path / "ethics.md").write_text("# Ethics\n\nAll done.\n")
    result = build(config, "--strict")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    url = "cards/L1/" if directory_urls else "cards/L1/index.html"
    soup = page(site, url)
    base = (site / url).parent if not directory_urls else site / url
    img = soup.select_one("h2#model ~ div.mltrl-prose img")
    assert img is not None and not img["src"].startswith(("/", "http")) and "?" not in img["src"]
    assert (base / img["src"]).resolve().read_bytes() == PNG
    hrefs = {a.get_text(): a["href"] for a in soup.select("div.mltrl-card a[href]")}
    notes = (base / hrefs["the notes"]).resolve()
    assert notes == (site / "cards" / "assets" / "files" / "notes.md.html")
    html = notes.read_text()
    assert "<strong>notes</strong>" in html and "<script>" not in html  # rendered and sanitised
    assert '<link rel="icon" href="data:,">' in html  # else a browser asks the host for /favicon.ico
    assert (base / hrefs["docs"]).resolve() == notes  # a URL field naming a file is published too
    assert hrefs["project"] == "../wiki/page"  # one naming no file is kept as written
    assert (base / hrefs["open the document"]).resolve() == site / "cards" / "assets" / "files" / "ethics.md.html"


def test_nothing_outside_the_repository_is_published(tmp_path: Path):
    repo = tmp_path / "repo"
    (tmp_path / "private.png").write_bytes(b"\x89PNG PRIVATE-c0ffee")
    os.makedirs(repo / "cards")
    (repo / "cards" / "alias.png").symlink_to(tmp_path / "private.png")
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text("PRIVATE-c0ffee token")
    (repo / ".env").write_text("PRIVATE-c0ffee")
    card = _card(model="![a](alias.png) ![b](../../private.png) [c](../.git/config) [d](../.env)")
    config = make_site(repo, [card], theme="mkdocs")
    result = build(config)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("LINK002") == 4, result.stderr
    assert "hidden file or in a hidden folder" in result.stderr
    published = [p for p in (repo / "site").rglob("*") if p.is_file() and b"PRIVATE-c0ffee" in p.read_bytes()]
    assert published == []
