"""Card text at its edges: Markdown shapes the renderer handles badly, links that change host,
and characters a reader cannot see. Each ends in a positioned finding or a correct page."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from mkdocs_mltrl.core import card_text
from mkdocs_mltrl.core.markdown_limits import MAX_MARKUP, bracket_scan, markup_count, scan_allowed, text_limit

from .browser import CHROMIUM, chromium, serve
from .cards import complete_card, history, write
from .site import build, make_site
from .test_cli import mltrl


def card(card_id: str, **overrides: Any) -> dict[str, Any]:
    return complete_card(card_id, level=0, history=history(("2021-01-01", "start", 0)), **overrides)


def findings(root: Path) -> list[dict[str, Any]]:
    result = mltrl("validate", "--format", "json", cwd=root)
    assert "Traceback" not in result.stderr, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return found


def at(root: Path, finding: dict[str, Any]) -> str:
    """The source text from a finding's line and column on."""
    lines = (root / finding["file"]).read_text(encoding="utf-8").splitlines()
    return lines[finding["line"] - 1][finding["column"] - 1 :]


# name: (Markdown text, the codes it must get, what the source holds at the first one's position)
SHAPES: dict[str, tuple[str, set[str], str]] = {
    "open-brackets": ("Intro.\n\n" + "[" * 20_000 + "\n", {"MD002"}, "[[[["),
    "nested-lists": ("Intro.\n\n" + "- " * 500 + "x\n", {"MD001"}, "- - - -"),
    "nested-quotes": ("> " * 40 + "x\n", {"MD001"}, "> > >"),
    "indented-lists-in-a-quote": ("".join("> " + "    " * i + "- x\n" for i in range(40)), {"MD001"}, ">"),
    "images": ("text\n\n" + "![" * 20_000 + "\n", {"MD002", "MD003"}, ""),
    "open-links": ("see " + "[a](" * 20_000 + "\n", {"MD002", "MD003"}, ""),
    "fewer-images": ("![" * 5_000 + "\n", {"MD002"}, "[![!["),
    "fewer-open-links": ("[a](" * 5_000 + "\n", {"MD002"}, "([a]("),
    "nested-brackets": ("[" * 1_000 + "a" + "]" * 1_000 + "\n", {"MD002"}, "[[[["),
    "much-markup": ("| a | b |\n|---|---|\n" + "| x | y |\n" * 12_000, {"MD003"}, ""),
}


def test_markdown_shapes_the_renderer_handles_badly_are_positioned_errors(tmp_path: Path):
    for n, (name, (text, _codes, _at)) in enumerate(SHAPES.items()):
        write(tmp_path / "cards", card(f"S{n}", model=text), name=f"{name}.yaml")
    write(tmp_path / "cards", card("OK", model="A [link](https://example.org) and *emphasis*.\n\n- a\n  - b\n"))
    found = findings(tmp_path)
    by_file: dict[str, list[dict[str, Any]]] = {}
    for f in found:
        by_file.setdefault(Path(f["file"]).stem, []).append(f)
    assert "OK" not in by_file, by_file.get("OK")
    for name, (_text, codes, start) in SHAPES.items():
        errors = [f for f in by_file[name] if f["severity"] == "error"]
        assert {f["code"] for f in errors} == codes, (name, errors)
        first = errors[0]
        assert first["line"] >= 1 and first["column"] >= 1
        assert at(tmp_path, first).startswith(start), (name, first, at(tmp_path, first)[:20])
        if first["code"] == "MD002":
            assert "'\\['" in first["message"]


def test_the_position_is_that_of_the_offending_line(tmp_path: Path):
    text = "First paragraph.\n\n- fine\n  - nested\n" + "\n" * 12 + "> " * 17 + "deep\n\nLast.\n"
    for style in ("quoted", "block"):
        path = write(tmp_path / style / "cards", card("P1", summary=text))
        if style == "block":  # the same text as a literal block scalar, one source line a line
            source = path.read_text()
            quoted = source[source.index('summary: "') : source.index("\n", source.index('summary: "'))]
            block = "summary: |\n" + "".join(f"  {line}\n" if line else "\n" for line in text.splitlines())
            path.write_text(source.replace(quoted + "\n", block))
        [finding] = [f for f in findings(tmp_path / style) if f["code"] == "MD001"]
        assert finding["message"].startswith("lists and quotes nest 17 levels deep")
        assert at(tmp_path / style, finding).startswith("> > > > > > > > > > > > > > > > > deep"), style


def test_a_build_with_such_text_stops_before_writing(tmp_path: Path):
    cards = [card(f"S{n}", model=text) for n, (text, _c, _a) in enumerate(SHAPES.values())]
    config = make_site(tmp_path, cards, theme="mkdocs")
    result = build(config)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    for code in ("MD001", "MD002", "MD003"):
        assert f"error {code} " in result.stderr
    assert not (tmp_path / "site").exists()


HOSTILE_TEXTS = [
    "[" * 20_000,
    "- " * 500 + "x",
    "1. " * 600 + "x",
    "> " * 2_000 + "x",
    "".join("> " + "    " * i + "- x\n" for i in range(600)),
    "![" * 20_000,
    "[a](" * 20_000,
    "[" * 3_000 + "a" + "](b)" * 3_000,
    "[`a`" * 2_000 + "](b)" * 2_000,
    ("- " * 16 + "x\n") * 3_000,
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=range(len(HOSTILE_TEXTS)))
def test_rendering_any_text_is_bounded(text: str):
    """Beyond a limit the text is shown as written, never parsed: no RecursionError, even with a
    lower recursion limit than a build has, and the page holds the whole text, escaped."""
    assert text_limit(text) is not None
    card_text._render.cache_clear()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        html = str(card_text.render_markdown(text))
    finally:
        sys.setrecursionlimit(limit)
    assert html.startswith("<pre>") and html.endswith("</pre>")
    assert BeautifulSoup(html, "html.parser").get_text() == text


def test_the_limits_leave_ordinary_text_alone():
    ordinary = (
        "A model that **classifies** tickets ([design](docs/design.md), [paper][p]).\n\n"
        "| metric | value |\n|---|---|\n| F1 | 0.91 |\n\n"
        "1. first\n   - a\n     - b\n       > quoted `code` [x] and [y](z)\n\n"
        "[p]: https://example.org/paper\n"
    ) * 200
    assert text_limit(ordinary) is None
    assert markup_count(ordinary) < MAX_MARKUP
    total, _ = bracket_scan(ordinary)
    assert total <= len(ordinary) < scan_allowed(len(ordinary))
    assert "<table>" in str(card_text.render_markdown(ordinary))


def test_a_document_beside_the_cards_beyond_a_limit_is_shown_as_written(tmp_path: Path):
    config = make_site(tmp_path, [card("D1", model="See [the notes](notes.md).")], theme="mkdocs")
    (tmp_path / "cards" / "notes.md").write_text("- " * 600 + "deep\n\n" + "[" * 20_000 + "\n")
    result = build(config)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    document = tmp_path / "site" / "cards" / "assets" / "files" / "cards" / "notes.md.html"
    soup = BeautifulSoup(document.read_text(), "html.parser")
    assert "- - - deep" in soup.get_text() and soup.find("pre") is not None


# --- links that change host ------------------------------------------------------------------

OTHER_HOST = ["//evil.example/x", "\\\\evil.example\\x", "/\\evil.example", "\\/evil.example/x", "/\\/evil.example"]


def test_link_fields_that_lead_to_another_host_are_schema_errors(tmp_path: Path):
    for n, url in enumerate(OTHER_HOST):
        write(tmp_path / "cards", card(f"U{n}", links={"docs": url}), name=f"u{n}.yaml")
    write(tmp_path / "cards", card("OK", links={"docs": "/wiki/page", "code": "\\wiki\\page", "project": "a//b"}))
    found = [f for f in findings(tmp_path) if f["severity"] == "error"]
    assert {Path(f["file"]).stem for f in found} == {f"u{n}" for n in range(len(OTHER_HOST))}
    for f in found:
        assert f["code"] == "schema" and "two slashes or backslashes" in f["message"]
        assert at(tmp_path, f).lstrip("'\"").startswith(("/", "\\"))


def test_markdown_links_that_lead_to_another_host_are_left_out_and_reported(tmp_path: Path):
    markdown = "\n\n".join(
        [
            f"Link [l{n}]({url.replace(chr(92), chr(92) * 2)}) and image ![i{n}]({url})."
            for n, url in enumerate(OTHER_HOST)
        ]
        + ["Reference [r][ref].\n\n[ref]: //evil.example/ref", "Fine [here](/wiki/x) and [there](https://example.org)."]
    )
    path = write(tmp_path / "cards", card("M1", model=markdown))
    warnings = [f for f in findings(tmp_path) if f["code"] == "LINK006"]
    assert warnings and all(f["severity"] == "warning" for f in warnings)
    source = path.read_text()
    for f in warnings:
        assert source.splitlines()[f["line"] - 1][f["column"] - 1 :].lstrip("\\/").startswith("evil.example")
    assert any("//evil.example/ref" in f["message"] for f in warnings)

    config = make_site(tmp_path, [], theme="mkdocs")
    result = build(config)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "cards" / "M1" / "index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    urls = [
        tag.get("href") or tag.get("src") for tag in soup.find_all(["a", "img"]) if tag.get("href") or tag.get("src")
    ]
    assert not [u for u in urls if re.match(r"[/\\]{2}", u) or "evil" in u.split("/")[2:3]], urls
    assert "/wiki/x" in urls and "https://example.org" in urls
    if CHROMIUM is None:
        pytest.skip("no Chromium found: the parsed page was checked")
    with chromium() as browser, serve(tmp_path / "site") as base:
        visit = browser.new_page()
        visit.goto(base + "cards/M1/")
        resolved = visit.evaluate("[...document.querySelectorAll('a[href], img[src]')].map(e => e.href || e.src)")
        hosts = {u.split("/")[2] for u in resolved if u.startswith("http")}
        assert "evil.example" not in hosts, resolved


# --- characters a reader cannot see ---------------------------------------------------------

HIDDEN = {
    "zero-width-space": ({"name": "Alpha\u200b"}, "TEXT001", "\u200b"),
    "right-to-left-override": ({"name": "\u202eahplA"}, "TEXT001", "\u202e"),
    "isolate": ({"tags": ["ok", "t\u2066ag\u2069"]}, "TEXT001", "\u2066"),
    "word-joiner": ({"owners": ["Ann\u2060 Example"]}, "TEXT001", "\u2060"),
    "byte-order-mark": ({"reviewers": [{"name": "Lin", "role": "\ufeffexpert"}]}, "TEXT001", "\ufeff"),
    "soft-hyphen": (
        {"risks": [{"id": "K1", "title": "Dr\u00adift", "p_failure": 0.5, "value": 6}]},
        "TEXT001",
        "\u00ad",
    ),
    "joiner-after-ascii": ({"name": "Alpha\u200d"}, "TEXT001", "\u200d"),
    "hangul-filler": ({"name": "Alpha\u3164"}, "TEXT001", "\u3164"),
    "tag-character": ({"name": "Alpha\U000e0041"}, "TEXT001", "\U000e0041"),
    "in-a-key": ({"x-\u200bnote": "text"}, "TEXT001", "\u200b"),
    "in-a-url": ({"links": {"docs": "https://example.org/\u202egpj.exe"}}, "TEXT001", "\u202e"),
    "direction-mark": ({"name": "Alpha\u200e"}, "TEXT002", "\u200e"),
}


def test_invisible_and_reordering_characters_in_one_line_values_are_findings(tmp_path: Path):
    for n, (name, (changes, _code, _char)) in enumerate(HIDDEN.items()):
        write(tmp_path / "cards", card(f"H{n}", **changes), name=f"{name}.yaml")
    found = findings(tmp_path)
    for name, (_changes, code, char) in HIDDEN.items():
        mine = [f for f in found if Path(f["file"]).stem == name and f["code"].startswith("TEXT")]
        assert {f["code"] for f in mine} == {code}, (name, mine)
        source = (tmp_path / mine[0]["file"]).read_text(encoding="utf-8")
        if char in source:  # written as it is: the column is the character's
            assert at(tmp_path, mine[0]).startswith(char), (name, mine[0])
        else:  # written as an escape ("\uFEFF"): the value's
            assert at(tmp_path, mine[0]).startswith('"'), (name, mine[0])
        assert f"U+{ord(char):04X}" in mine[0]["message"]
        assert mine[0]["severity"] == ("error" if code == "TEXT001" else "warning")


def test_what_scripts_and_emoji_need_and_markdown_stay_allowed(tmp_path: Path):
    fine = card(
        "F1",
        name="\U0001f469\u200d\U0001f52c Lab \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 1\ufe0f\u20e3 \u2764\ufe0f",
        tags=["\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "caf\u00e9"],
        summary="Markdown is read as text: \u202eevil\u202c and zero\u200bwidth stay.",
    )
    write(tmp_path / "cards", fine)
    assert [f for f in findings(tmp_path) if f["code"].startswith("TEXT")] == []


def test_look_alike_names_do_not_both_pass_silently(tmp_path: Path):
    write(tmp_path / "cards", card("A1", name="Alpha"))
    write(tmp_path / "cards", card("A2", name="Alpha\u200b"))
    write(tmp_path / "cards", card("A3", name="\u202eahplA"))
    result = mltrl("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert "A2.yaml:3:12: error TEXT001" in result.stdout and "A3.yaml:3:7: error TEXT001" in result.stdout
    assert "\\u200b" in result.stdout or "U+200B" in result.stdout


def test_a_card_beyond_its_markup_limit_is_refused_without_parsing_any_of_its_text(tmp_path: Path):
    """Each text within its own limits, together far beyond the card's: loading (as validate and
    every build do, with links beside the cards resolved) reports MD003 and parses none of it."""
    from mkdocs_mltrl.core import load_portfolio

    links = "[a](b) " * 7_000  # 28,000 markup characters: within the limit on its own
    path = write(tmp_path / "cards", card("BIG", caveats=[links + str(n) for n in range(20)]))
    assert path.stat().st_size < 1024 * 1024
    card_text._render.cache_clear()
    portfolio, found = load_portfolio([tmp_path / "cards"], root=tmp_path, base=tmp_path)
    assert portfolio is not None
    assert [f.code for f in found if f.severity.value == "error"] == ["MD003"]
    assert card_text._render.cache_info().currsize == 0  # no text was parsed
