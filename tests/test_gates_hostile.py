"""A gates file and a checklist are untrusted like cards: every value of theirs reaches the gates
reference (`mltrl gates --format markdown`, which the docs send into docs/gates.md), the text and
JSON of `mltrl gates` and the card pages as text, code spans or a link under the URL policy."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_mltrl.core.markdown_text import flat, md_code, md_code_spans, md_link, md_text

from .browser import CHROMIUM, chromium, serve
from .cards import complete_card, history, line_of, write
from .site import build, make_site
from .test_cli import mltrl
from .test_hostile import assert_inert, files_outside_site

#: Markdown extensions a docs site commonly turns on, each of which reads some markup of its own.
EXTENSIONS = [
    "tables",
    "attr_list",
    "md_in_html",
    "def_list",
    "abbr",
    "footnotes",
    "toc",
    "pymdownx.betterem",
    "pymdownx.superfences",
    "pymdownx.snippets",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.arithmatex",
]
PIECES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[l](javascript:alert(3))",
    "{: onclick=alert(4)}",
    "<javascript:alert(5)>",
    "&lt;b&gt;",
    "&#60;",
    "\n--8<-- 'secret.txt'\n",
    "\n*[HTML]: <b>x</b>\n",
    "\n[r]: javascript:alert(6)\n",
    "`",
    "``",
    "|",
    "\\",
    "$x$",
    "==m==",
    "~~d~~",
    "^s^",
    "**b**",
    "_i_",
    "\u202e",
    "\x1b[31m",
]
hostile_text = st.lists(st.sampled_from(PIECES) | st.text(min_size=1, max_size=4), min_size=1, max_size=8).map("".join)


def _html(source: str) -> BeautifulSoup:
    out = markdown.markdown(
        source, extensions=EXTENSIONS, extension_configs={"pymdownx.snippets": {"check_paths": True}}
    )
    return BeautifulSoup(out, "html.parser")


def _tags(soup: BeautifulSoup) -> set[str]:
    return {tag.name for tag in soup.find_all(True)}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_text_reads_back_as_written_in_a_paragraph_and_a_cell(text: str):
    soup = _html(f"x {md_text(text)} y")
    assert _tags(soup) <= {"p"}, soup
    assert _same(soup.get_text(), f"x {flat(text)} y")
    table = _html(f"| a | b |\n|---|---|\n| {md_text(text, cell=True)} | z |")
    cells = [td.get_text() for td in table.find_all("td")]
    assert _tags(table) <= {"table", "thead", "tbody", "tr", "th", "td"}, table
    assert len(cells) == 2 and _same(cells[0], flat(text)) and cells[1] == "z"


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_a_code_span_holds_any_value(text: str):
    soup = _html(f"x {md_code(text)} y")
    assert _tags(soup) <= {"p", "code"}, soup
    value = flat(text)
    if value.strip():
        [code] = soup.find_all("code")
        assert _same(code.get_text(), value)


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_a_description_keeps_its_code_spans_and_nothing_else(text: str):
    for source in (f"x {md_code_spans(text)} y", f"| a | b |\n|---|---|\n| {md_code_spans(text, cell=True)} | z |"):
        soup = _html(source)
        assert _tags(soup) <= {"p", "code", "table", "thead", "tbody", "tr", "th", "td"}, soup
        shown = soup.find("td").get_text() if soup.find("td") else soup.get_text()[2:-2]
        expected = re.sub(r"`([^`\n]+)`", r"\1", flat(text))  # as a card page shows it
        assert "".join(shown.split()) == "".join(expected.split())


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/a)<img/src=x/onerror=alert(1)>", True),
        ("../card-format.md#fields", True),
        ("javascript:alert(1)", False),
        ("//evil.example/x", False),
        ("data:text/html,<script>alert(1)</script>", False),
    ],
)
def test_a_doc_link_follows_the_url_policy(url: str, linked: bool):
    soup = _html(f"Documentation: {md_link(url, url)}.")
    links = soup.find_all("a")
    assert _tags(soup) <= {"p", "a"}
    assert len(links) == int(linked)
    if linked:
        assert not links[0]["href"].lower().startswith(("javascript:", "data:", "//"))
        assert links[0].get_text() == url
    assert url in soup.get_text()


HOSTILE_SECTION = "<svg onload=alert('section')> `x"
HOSTILE_IN = ["x`<svg onload=alert('in')>`y", "```", "a\n\n<script>alert('in2')</script>"]
HOSTILE_DESCRIPTION = (
    "<img src=x onerror=alert('d1')> `code` b ` <script>alert('d2')</script> {: onclick=alert('d3')}"
    " [x](javascript:alert('d4')) <javascript:alert('d5')>\n--8<-- \"secret.txt\"\n\n*[b]: <b>x</b>"
)


def _gates_file() -> dict[str, Any]:
    return {
        "mltrl-gates": 1,
        "gates": [
            {
                "code": "ORG001",
                "level": 1,
                "description": HOSTILE_DESCRIPTION,
                "doc": "https://example.org/a)<img/src=x/onerror=alert(`doc`)>",
                "paper": {"level": 1, "quote": "<script>alert('paper')</script> | `q"},
                "when": {"value": {"path": "status", "in": HOSTILE_IN}},
            },
            {
                "code": "ORG002",
                "level": 1,
                "description": "the <svg onload=alert('s')> section",
                "when": {"checklist": {"section": HOSTILE_SECTION}},
            },
            {
                "code": "ORG003",
                "level": 1,
                "description": "counted",
                "when": {"count": {"items": "requirements", "where": {"kind": "<img src=x onerror=alert('w')>`"}}},
            },
        ],
    }


CHECKLIST = {
    "title": "<img src=x onerror=alert('title')>",
    "sections": [
        {
            "title": HOSTILE_SECTION,
            "items": [{"id": "own-item", "question": "Is it <script>alert('q')</script> fine?"}],
        }
    ],
}


def _project(root: Path, theme: str) -> Path:
    card = complete_card("G1", level=2, history=history(("2021-01-01", "start", 2)))
    card["ethics"] = {"answers": {"own-item": {"status": "open"}}}
    extensions: list[Any] = [*EXTENSIONS, "pymdownx.inlinehilite"]
    extensions[EXTENSIONS.index("pymdownx.snippets")] = {"pymdownx.snippets": {"base_path": ["."]}}
    plugin = {"gates_file": "org.yaml", "checklist": "checklist.yaml"}
    config = make_site(root, [card], theme=theme, plugin=plugin, extra={"markdown_extensions": extensions})
    (root / "org.yaml").write_text(yaml.safe_dump(_gates_file(), allow_unicode=True))
    (root / "checklist.yaml").write_text(yaml.safe_dump(CHECKLIST, allow_unicode=True))
    (root / "secret.txt").write_text("SECRET-c0ffee\n")
    result = mltrl("gates", "--format", "markdown", "--gates-file", "org.yaml", cwd=root)
    assert result.returncode == 0, result.stderr
    (root / "docs" / "gates.md").write_text(result.stdout)
    return config


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_a_hostile_gates_file_and_checklist_reach_the_site_as_text(tmp_path: Path, theme: str):
    config = _project(tmp_path, theme)
    before = files_outside_site(tmp_path)
    result = build(config)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert files_outside_site(tmp_path) == before
    site = tmp_path / "site"
    assert not [p for p in site.rglob("*") if p.is_file() and b"SECRET-c0ffee" in p.read_bytes()]
    gates_page = (site / "gates" / "index.html").read_text()
    card_page = (site / "cards" / "G1" / "index.html").read_text()
    for html in (gates_page, card_page, (site / "cards" / "index.html").read_text()):
        assert_inert(html, carries_evil=False)
    soup = BeautifulSoup(gates_page, "html.parser")
    codes = {code.get_text() for code in soup.find_all("code")}
    assert {"x`<svg onload=alert('in')>`y", "```", "a  <script>alert('in2')</script>", "code"} <= codes, codes
    text = soup.get_text()
    shown = " ".join(flat(HOSTILE_DESCRIPTION).replace("`code`", "code").split())
    assert shown in " ".join(text.split())
    assert "of section \"<svg onload=alert('section')> `x\"" in text
    [doc] = [a for a in soup.find_all("a") if "example.org" in a.get("href", "")]
    assert doc["href"].startswith("https://example.org/a%29%3Cimg")
    card = BeautifulSoup(card_page, "html.parser")
    assert HOSTILE_SECTION in [h3.get_text() for h3 in card.find_all("h3")]
    if CHROMIUM is None:
        pytest.skip("no Chromium found: the parsed pages were checked")
    dialogs: list[str] = []
    with chromium() as browser, serve(site) as base:
        for url in ("gates/", "cards/G1/"):
            visit = browser.new_page()
            visit.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            visit.goto(base + url)
            visit.wait_for_load_state("networkidle")
            active = visit.evaluate(
                "() => [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a =>"
                " a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value))).length"
            )
            assert (active, dialogs) == (0, []), url
            for link in visit.locator("main a[href], .md-content a[href], div[role=main] a[href]").all()[:40]:
                href = link.get_attribute("href") or ""
                assert not href.strip().lower().startswith("javascript:"), href
            assert dialogs == []


def test_every_output_of_mltrl_gates_carries_the_values_safely(tmp_path: Path):
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(_gates_file(), allow_unicode=True))
    text = mltrl("gates", "--gates-file", "org.yaml", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    org = [i for i, line in enumerate(lines) if line.startswith("ORG001 ")]
    assert len(org) == 1 and lines[org[0] + 1].startswith("    met when ")  # one line each, no break
    assert "\x1b" not in text.stdout
    data = json.loads(mltrl("gates", "--format", "json", "--gates-file", "org.yaml", cwd=tmp_path).stdout)
    gate = next(g for g in data["gates"] if g["code"] == "ORG001")
    assert gate["description"] == HOSTILE_DESCRIPTION  # the data as written; JSON escapes it
    assert gate["when"]["value"]["in"] == HOSTILE_IN
    rendered = _html(f"Met when {gate['predicate']}.")
    assert _tags(rendered) <= {"p", "code"}
    assert [c.get_text() for c in rendered.find_all("code")] == ["status", *(flat(v) for v in HOSTILE_IN)]


@pytest.mark.parametrize("doc", ["javascript:alert(1)", "//evil.example/x", "\\\\evil.example\\x", "data:text/html,x"])
def test_a_gate_doc_outside_the_url_policy_is_refused_at_its_line(tmp_path: Path, doc: str):
    gates = _gates_file()
    gates["gates"][1]["doc"] = doc
    text = yaml.safe_dump(gates, allow_unicode=True)
    (tmp_path / "org.yaml").write_text(text)
    write(tmp_path / "cards", complete_card("G1", level=0, history=history(("2021-01-01", "start", 0))))
    result = mltrl("validate", "--format", "json", "--gates-file", "org.yaml", "cards", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [finding] = json.loads(result.stdout)["findings"]
    line = line_of(text, f"doc: {yaml.safe_dump(doc).splitlines()[0]}")
    assert (finding["file"], finding["line"], finding["severity"]) == ("org.yaml", line, "error")
    assert "a gate's doc must be an http:, https: or mailto: URL" in finding["message"]
    listing = mltrl("gates", "--format", "markdown", "--gates-file", "org.yaml", cwd=tmp_path)
    assert listing.returncode == 1 and listing.stdout == ""
