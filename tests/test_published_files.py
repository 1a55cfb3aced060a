"""Files beside a card that its text links to are served from the wiki's own origin: none that a
browser would run is published as it is. HTML in any extension and case becomes a sanitised page,
SVG, XML, web archives and server scripts are refused at their link, two files that would be
published at one path are a warning, and a link into the site's output folder is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from mkdocs_mltrl.core.published_files import ACTIVE, HTML_EXTENSIONS, Kind, extensions, kind_of, looks_like_markup

from .browser import CHROMIUM, chromium, serve
from .cards import complete_card, history, line_of, write
from .site import build, make_site, page
from .test_cli import mltrl
from .test_hostile import assert_inert, files_outside_site

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert('y')><a href='javascript:alert(1)'>j</a>"
HTML_DOC = f"<!doctype html><html><head><title>T</title></head><body onload=alert(0)><h1>Quarterly report</h1>{SCRIPT}</body></html>"
XHTML_DOC = f'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Quarterly report</h1>{SCRIPT}</body></html>'
SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'

#: name -> content: pages (sanitised, published as ``.html``)
PAGES: dict[str, str] = {
    "report.htm": HTML_DOC,
    "upper.HTML": HTML_DOC,
    "page.xhtml": XHTML_DOC,
    "frag.xht": XHTML_DOC,
    "incl.shtml": "<!--#exec cmd='id'-->" + HTML_DOC,
    "Mixed.HtMl": HTML_DOC,
    "plain.html": HTML_DOC,
    "notes.md": "# Notes\n\nSome **notes** <script>alert(1)</script>.\n",
    "other.mkd": "Notes\n\n<script>alert(1)</script>\n",  # a host renders it as a page, raw HTML and all
    "CAPS.MDOWN": "Notes\n\n<script>alert(1)</script>\n",
}
#: name -> content: refused, each with a word of its reason
REFUSED: dict[str, tuple[bytes | str, str]] = {
    "diagram.svg": (SVG, "SVG"),
    "Diagram2.SVG": (SVG, "SVG"),
    "packed.svgz": (b"\x1f\x8b\x08\x00", "SVG"),
    "data.xml": (XHTML_DOC, "XML"),
    "style.xsl": ('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>', "XML"),
    "feed.rss": ("<rss/>", "XML"),
    "archive.mht": ("MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n" + SCRIPT, "MHTML"),
    "app.hta": (HTML_DOC, "HTML application"),
    "server.php": ("<?php system('id'); ?>", "server scripts"),
    "report.html.gz": (b"\x1f\x8b\x08\x00", "'.html' before its last extension"),
    "web.config": ("<configuration/>", "configuration"),
    "README": (HTML_DOC, "starts like HTML"),
    "data.txt": ("\n\t " + HTML_DOC, "starts like HTML"),
    "bom.dat": ("\ufeff" + HTML_DOC, "starts like HTML"),
}
#: name -> content: published as they are
AS_IS: dict[str, bytes] = {
    "plot.png": PNG,
    "paper.pdf": b"%PDF-1.4\n%<script>alert(1)</script>",
    "table.csv": b"a,b\n1,<script>alert(1)</script>\n",
}


NAMES = [*PAGES, *REFUSED, *AS_IS]


def _files_card(folder: Path) -> dict[str, Any]:
    links = "\n\n".join(f"[file {i}]({name})" for i, name in enumerate(NAMES))
    for name, content in {**PAGES, **{n: c for n, (c, _) in REFUSED.items()}, **AS_IS}.items():
        data = content.encode() if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return complete_card("F1", level=1, history=history(("2021-01-01", "start", 1)), model=links)


def _published(site: Path) -> list[Path]:
    return sorted(p for p in (site / "cards" / "assets" / "files").rglob("*") if p.is_file())


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_files_a_browser_would_run_are_sanitised_or_refused(tmp_path: Path, theme: str):
    config = make_site(tmp_path, [], theme=theme)
    card = _files_card(tmp_path / "cards")
    path = write(tmp_path / "cards", card)
    text = path.read_text()
    before = files_outside_site(tmp_path)
    result = build(config)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert files_outside_site(tmp_path) == before
    site = tmp_path / "site"

    # each refused file: a warning at its link, naming it and why; nothing published for it
    for name, (_, why) in REFUSED.items():
        line = line_of(text, f"]({name})")
        column = text.splitlines()[line - 1].index(f"({name})") + 2
        expected = f"cards/{path.name}:{line}:{column}: warning LINK003 '{name}' is not published: "
        [message] = [m for m in result.stderr.splitlines() if expected in m]
        assert why in message, message
    published = _published(site)
    names = {p.relative_to(site / "cards" / "assets" / "files" / "cards").as_posix() for p in published}
    assert names == {f"{n}.html" if not n.endswith(".html") else n for n in PAGES} | set(AS_IS)

    # nothing published runs: pages are inert HTML, every other file is not markup
    for file in published:
        if file.name.endswith(".html"):
            soup = BeautifulSoup(file.read_text(), "html.parser")
            assert_inert(str(soup.find("main")), carries_evil=False)  # the head names an empty icon (data:,)
            assert not soup.find_all(["script", "iframe", "object", "embed", "base"])
            assert not [a for tag in soup.find_all(True) for a in tag.attrs if a.lower().startswith("on")]
        else:
            assert not set(extensions(file.name)) & (set(ACTIVE) | HTML_EXTENSIONS)
            assert not looks_like_markup(file.read_bytes()[:1445])
    report = page(site / "cards" / "assets" / "files" / "cards", "report.htm.html")
    assert report.select_one("main h1").get_text() == "Quarterly report"  # kept, sanitised
    assert (site / "cards" / "assets" / "files" / "cards" / "plot.png").read_bytes() == PNG

    # the card page links each page and file to its published copy; refused ones stay as written
    card_page = page(site, "cards/F1/")
    shown = {a.get_text(): a["href"] for a in card_page.select("h2#model ~ div.mltrl-prose a[href]")}
    hrefs = {name: shown[f"file {i}"] for i, name in enumerate(NAMES)}
    assert hrefs["upper.HTML"].endswith("assets/files/cards/upper.HTML.html")
    assert hrefs["plot.png"].endswith("assets/files/cards/plot.png")
    assert hrefs["diagram.svg"] == "diagram.svg" and not (site / "cards" / "F1" / "diagram.svg").exists()

    if CHROMIUM is None:
        pytest.skip("no Chromium found: the parsed pages were checked")
    dialogs: list[str] = []
    with chromium() as browser, serve(site) as base:
        visit = browser.new_page()
        visit.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        visit.goto(base + "cards/F1/")
        links = visit.locator("h2#model ~ div.mltrl-prose a[href]")
        targets = [link.evaluate("a => a.href") for link in links.all()]
        assert len(targets) == len(PAGES) + len(REFUSED) + len(AS_IS)
        for target in targets:  # every link followed, as a reader would
            try:
                visit.goto(target)
            except Exception as exc:  # a PDF or CSV is downloaded, not shown
                assert "Download is starting" in str(exc), exc
                continue
            visit.wait_for_load_state("load")
            scripts = visit.evaluate("() => document.querySelectorAll('script').length")
            assert scripts == 0 or not target.startswith(base + "cards/assets/files/"), target
        assert dialogs == []


def test_two_files_at_one_path_are_a_warning_not_an_overwrite(tmp_path: Path):
    config = make_site(tmp_path, [], theme="mkdocs")
    folder = tmp_path / "cards"
    (folder / "doc.md").write_text("# From the Markdown\n")
    (folder / "doc.md.html").write_text("<h1>From the HTML</h1>")
    (folder / "Plot.png").write_bytes(PNG + b"upper")
    (folder / "plot.png").write_bytes(PNG + b"lower")
    card = complete_card(
        "D1",
        level=1,
        history=history(("2021-01-01", "start", 1)),
        model="[a](doc.md) [b](doc.md.html) ![c](Plot.png) ![d](plot.png)",
    )
    path = write(folder, card)
    text = path.read_text()
    result = build(config)
    assert result.returncode == 0, result.stderr
    line = line_of(text, "[b](doc.md.html)")
    found = sorted(m.split(" warning ")[1] for m in result.stderr.splitlines() if "LINK004" in m)
    assert found == [
        "LINK004 'doc.md.html' is not published: cards/doc.md.html would be published at the same path as"
        " cards/doc.md (files/cards/doc.md.html, or one that differs only in case)",
        "LINK004 'plot.png' is not published: cards/plot.png would be published at the same path as"
        " cards/Plot.png (files/cards/plot.png, or one that differs only in case)",
    ]
    assert (
        f"{path.name}:{line}:{text.splitlines()[line - 1].index('doc.md.html') + 1}: warning LINK004" in result.stderr
    )
    files = tmp_path / "site" / "cards" / "assets" / "files" / "cards"
    assert "From the Markdown" in (files / "doc.md.html").read_text()
    assert sorted(p.name for p in files.iterdir()) == ["Plot.png", "doc.md.html"]
    assert (files / "Plot.png").read_bytes() == PNG + b"upper"


@pytest.mark.parametrize("site_dir", [None, "public"])
def test_a_link_into_the_sites_output_folder_is_refused_and_builds_again(tmp_path: Path, site_dir: str | None):
    extra = {"site_dir": site_dir} if site_dir else {}
    config = make_site(tmp_path, [], theme="mkdocs", extra=extra)
    out = site_dir or "site"
    card = complete_card(
        "S1",
        level=1,
        history=history(("2021-01-01", "start", 1)),
        model=f"[index](../{out}/search/search_index.json) ![logo](../{out}/cards/S1/badge.svg)",
    )
    path = write(tmp_path / "cards", card)
    text = path.read_text()
    for attempt in range(2):  # the second build finds the files the first one wrote
        result = build(config)
        assert result.returncode == 0, (attempt, result.stderr)
        assert "Traceback" not in result.stderr
        warnings = [m for m in result.stderr.splitlines() if "LINK005" in m]
        assert len(warnings) == 2, result.stderr
        line = line_of(text, "search_index.json")
        column = text.splitlines()[line - 1].index(f"../{out}/search") + 1
        assert (
            f"cards/{path.name}:{line}:{column}: warning LINK005 '../{out}/search/search_index.json' is in the"
            f" site's output folder ({out}/), which a build replaces; it is not published"
        ) in warnings[0]
        assert (tmp_path / out / "cards" / "S1" / "index.html").is_file()
        assert not (tmp_path / out / "cards" / "assets" / "files").exists()
    validated = mltrl("validate", "--format", "json", cwd=tmp_path)
    codes = [f["code"] for f in json.loads(validated.stdout)["findings"]]
    assert codes.count("LINK005") == 2


def test_validate_reports_a_file_a_browser_would_run_at_its_link(tmp_path: Path):
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "flow.svg").write_text(SVG)
    card = complete_card("V1", level=1, history=history(("2021-01-01", "start", 1)), summary="See ![flow](flow.svg).")
    path = write(tmp_path / "cards", card)
    result = mltrl("validate", "--format", "json", cwd=tmp_path)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "LINK003"]
    line = line_of(path.read_text(), "flow.svg")
    assert (finding["line"], finding["severity"]) == (line, "warning")
    assert finding["message"] == (
        "'flow.svg' is not published: an SVG image runs its scripts when it is opened on its own"
    )
    assert mltrl("validate", "--strict", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize(
    ("name", "kind", "refused"),
    [
        ("a.html", Kind.HTML, False),
        ("a.HTM", Kind.HTML, False),
        ("a.XHTML", Kind.HTML, False),
        ("a.html.", Kind.HTML, False),  # a trailing dot is dropped, as Windows does
        ("a.html .", Kind.HTML, False),
        ("a.md", Kind.MARKDOWN, False),
        ("a.html.md", Kind.MARKDOWN, False),
        ("a.svg", Kind.FILE, True),
        ("a.SvG.", Kind.FILE, True),
        ("a.svg.bak", Kind.FILE, True),
        ("a.xml", Kind.FILE, True),
        ("a.MHTML", Kind.FILE, True),
        ("a.php", Kind.FILE, True),
        ("WEB.CONFIG", Kind.FILE, True),
        ("a.png", Kind.FILE, False),
        ("a.tar.gz", Kind.FILE, False),
        ("README", Kind.FILE, False),
    ],
)
def test_what_a_file_is_published_as_by_its_name(name: str, kind: Kind, refused: bool):
    assert kind_of(name)[0] is kind
    assert (kind_of(name)[1] is not None) is refused


@pytest.mark.parametrize(
    ("start", "markup"),
    [
        (b"<html>", True),
        (b" \n\t<x", True),
        (b"\xef\xbb\xbf<svg", True),
        ("\ufeff<p>".encode("utf-16-le"), True),
        (b"\xfe\xff" + "<p>".encode("utf-16-be"), True),
        (PNG, False),
        (b"%PDF-1.7", False),
        (b"text <script>", False),
        (b"", False),
    ],
)
def test_what_starts_like_markup(start: bytes, markup: bool):
    assert looks_like_markup(start) is markup


def test_under_serve_the_configured_output_folder_is_refused_too(tmp_path: Path):
    """`mkdocs serve` writes to a temporary folder: the folder a build writes to is still refused."""
    from .test_serve import Server

    card = complete_card(
        "S1", level=1, history=history(("2021-01-01", "start", 1)), model="[index](../site/search/search_index.json)"
    )
    config = make_site(tmp_path, [card], theme="mkdocs")
    assert build(config).returncode == 0
    assert (tmp_path / "site" / "search" / "search_index.json").is_file()  # there to link to now
    running = Server(tmp_path, ("mkdocs", "serve", "--no-livereload"))
    try:
        running.wait_for(lambda: "Technology S1" in running.get("cards/S1/"), "the first build")
        page_html = running.get("cards/S1/")
        log = "".join(running.log)
        assert "LINK005 '../site/search/search_index.json' is in the site's output folder (site/)" in log, log
        assert "assets/files" not in page_html and "Traceback" not in log
    finally:
        running.process.terminate()
        try:
            running.process.wait(timeout=10)
        except Exception:
            running.process.kill()
