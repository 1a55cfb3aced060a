"""Property-based: sites of generated cards, from the schema's shapes and past its edges (ids,
names, file names, URLs, Markdown shapes, numbers at their limits, Unicode with bidirectional and
zero-width characters). `mltrl validate` ends in positioned errors or none; every site it accepts
builds with a real `mkdocs build`, renders inert HTML (checked with an HTML parser) and does no
pathological work; every site it refuses stops the build cleanly, before anything is written."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mkdocs_mltrl.core.card_text import _ATTRIBUTES, _TAGS
from mkdocs_mltrl.core.invisible import hidden_characters
from mkdocs_mltrl.core.markdown_limits import MAX_MARKUP, bracket_scan, markup_count, nesting_limit, scan_allowed
from mkdocs_mltrl.core.rules import id_problem

from .cards import complete_card, dump
from .site import build, make_site

ROOT = Path(__file__).resolve().parent.parent
THEME = "mkdocs"
EDIT = {"repo_url": "https://example.org/org/wiki", "edit_uri": "edit/main/docs/"}

# --- what cards are made of -------------------------------------------------------------------

HIDDEN = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad\u2060"
HIDDEN += "\u061c\u3164\U000e0041\ufe0f\u20e3\u034f"
HOSTILE_CHARS = "<>&\"'`{}[]()*_#|!\\/:%;=?\t"


def _visible(text: str) -> str:
    """``text`` without what :mod:`.invisible` would flag (removing one may expose another)."""
    for _ in range(4):
        found = {h.offset for h in hidden_characters(text)}
        if not found:
            break
        text = "".join(c for i, c in enumerate(text) if i not in found)
    return text


def _words(hostile: bool) -> st.SearchStrategy[str]:
    unicode = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029")
    alphabet = st.one_of(unicode, st.sampled_from(list(HOSTILE_CHARS + (HIDDEN + "\x1b" if hostile else ""))))
    text = st.text(alphabet, max_size=24)
    return text if hostile else text.map(_visible)


def _one_line(hostile: bool) -> st.SearchStrategy[str]:
    line = _words(hostile).map(lambda s: " ".join(s.split()))
    edges = st.sampled_from(["N" * 200, "<b>" * 66 + "xy", "\u05e9\u05dc\u05d5\u05dd \U0001f680 caf\u00e9"])
    if hostile:
        edges = st.one_of(edges, st.sampled_from(["N" * 201, "", " ", "Alpha\u200b", "\u202eahplA", "a\nb"]))
    return st.one_of(line.map(lambda s: s or "x"), edges)


GOOD_URLS = ["https://example.org/a?b=<c>&d=\"e\"", "mailto:team@example.org", "../wiki/page", "#anchor", "/site/path",
             "\\wiki\\page", "a//b", "https://example.org/%E2%80%AE"]  # fmt: skip
BAD_URLS = ["//evil.example/x", "\\\\evil.example\\x", "/\\evil.example", "javascript:alert(1)", "JaVaScRiPt:x",
            "data:text/html,<script>alert(1)</script>", "vbscript:x", " https://example.org", "https://x/\u202e",
            "https://exa mple.org", "HTTPS://example.org", "", "file:///etc/passwd"]  # fmt: skip


def _ids(hostile: bool) -> st.SearchStrategy[str]:
    plain = st.from_regex(r"\A[A-Za-z0-9](?:[A-Za-z0-9._-]{0,20}[A-Za-z0-9_-])?\Z").filter(
        lambda s: id_problem(s) is None
    )
    if not hostile:
        return plain
    edges = ["index.html", "INDEX.md", "cards.json", "Assets", "portfolio", "schemas", "404.html", "search",
             "sitemap.xml", "CON", "nul", "nul.txt", "com1", "LPT9.x", "A1.", "A1..", "A" * 64, "A" * 65, "-a",
             ".a", "a/b", "..", "a b", "\u00e9", "R1\u202e", "x\n"]  # fmt: skip
    return st.one_of(plain, st.sampled_from(edges))


def _markdown(hostile: bool) -> st.SearchStrategy[str]:
    urls = st.sampled_from(GOOD_URLS + BAD_URLS)
    big = 3_000 if hostile else 40
    deep = 40 if hostile else 15
    fragment = st.one_of(
        _words(hostile),
        st.sampled_from(
            [
                "<script>alert(1)</script>",
                '<img src=x onerror="alert(2)">',
                "{{ 7*7 }} {% raw %}",
                "<!-- c --><svg onload=alert(3)>",
                "</table></td>",
                "&lt;b&gt; &#x3c;",
                "`code` **b** _i_",
                "\u202eevil\u202c zero\u200bwidth",
                "[ref]\n\n[ref]: javascript:alert(4)",
            ]
        ),
        st.builds(lambda t, u: f"[{t}]({u})", _words(False), urls),
        st.builds(lambda t, u: f"![{t}]({u})", _words(False), urls),
        st.builds(lambda u: f"[r][r]\n\n[r]: {u}", urls),
        st.integers(1, deep).map(lambda k: "- " * k + "x"),
        st.integers(1, deep).map(lambda k: "> " * k + "x"),
        st.integers(1, deep).map(lambda k: "".join("    " * i + "1. x\n" for i in range(k))),
        st.integers(1, big).map(lambda k: "[" * k),
        st.integers(1, big).map(lambda k: "![" * k),
        st.integers(1, big).map(lambda k: "[a](" * k),
        st.integers(0, 40).map(lambda k: "| a | b |\n|---|---|\n" + "| x | y |\n" * k),
    )
    return st.lists(fragment, max_size=5).flatmap(
        lambda parts: st.sampled_from([" ", "\n", "\n\n"]).map(lambda sep: sep.join(parts) or "x")
    )


def _person(hostile: bool) -> st.SearchStrategy[Any]:
    name = _one_line(hostile).map(lambda s: s if hostile else s.replace("<", "(").replace(">", ")").strip() or "P")
    return st.one_of(name, st.builds(lambda n, r: {"name": n or "P", "role": r}, name, _one_line(hostile)))


def _number(low: float, high: float, hostile: bool) -> st.SearchStrategy[float]:
    edges = [low, high, 5e-324 if low == 0 else low, (low + high) / 2]
    if hostile:
        edges += [high + 1e-9, low - 1, float("nan"), float("inf"), 1e308]
    return st.one_of(st.floats(low, high), st.sampled_from(edges))


@st.composite
def cards(draw: st.DrawFn, hostile: bool, card_id: str) -> dict[str, Any]:
    level = draw(st.integers(0, 9) if not hostile else st.sampled_from([0, 9, 4, -1, 10]))
    card = complete_card(card_id, level=max(0, min(level, 9)), history=[])
    card["level"] = level
    card["history"] = [{"date": "2021-01-01", "event": "start", "level": level}]
    card["name"] = draw(_one_line(hostile))
    card["summary"] = draw(_markdown(hostile))
    card["model"] = draw(_markdown(hostile))
    card["owners"] = draw(st.lists(_person(hostile), min_size=1, max_size=2))
    card["tags"] = draw(st.lists(_one_line(hostile).map(lambda s: s[:100]), max_size=3))
    card["links"] = {"docs": draw(st.sampled_from(GOOD_URLS + (BAD_URLS if hostile else [])))}
    card["caveats"] = draw(st.lists(_markdown(hostile), max_size=2))
    card["risks"][0].update(
        title=draw(_one_line(hostile)),
        p_failure=draw(_number(0, 1, hostile)),
        value=draw(st.integers(1, 10) if not hostile else st.integers(0, 11)),
        mitigation=draw(_markdown(hostile)),
    )
    card["requirements"][0]["text"] = draw(_markdown(hostile))
    card["metrics"][0]["achieved"] = draw(_number(-1e308, 1e308, hostile))
    card["data"]["datasets"][0]["link"] = draw(st.sampled_from(GOOD_URLS))
    card["components"] = [{"name": draw(_one_line(hostile)), "level": 3, "link": draw(st.sampled_from(GOOD_URLS))}]
    card["x-notes"] = draw(_markdown(hostile))
    card["x-list"] = draw(st.lists(_one_line(hostile), max_size=2))
    if draw(st.booleans()):
        card["aliases"] = [draw(_ids(hostile)) if hostile else f"{card_id}-old"]
    if draw(st.booleans()):
        card["waivers"] = [{"gate": "MLTRL151", "reason": draw(_markdown(hostile)), "approved_by": "Ann",
                            "expires": "2099-01-01"}]  # fmt: skip
    return card


@st.composite
def sites(draw: st.DrawFn) -> tuple[bool, dict[str, dict[str, Any]]]:
    """(whether anything goes, {file name: card}): three cards in files of any name; when not
    hostile, with unique ids and one-line values a reader can see (a site that should build)."""
    hostile = draw(st.integers(0, 2)) == 0
    ids = draw(
        st.lists(_ids(hostile), min_size=3, max_size=3, unique_by=(lambda s: s.lower()) if not hostile else None)
    )
    names = st.text(
        st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from(list("\"'<> &;#%?=\n" + HIDDEN))),
        min_size=1,
        max_size=30,
    ).filter(lambda s: "/" not in s and not s.startswith("."))
    files = {}
    for n, card_id in enumerate(ids):
        name = draw(names) + f"-{n}.yaml"
        files[name] = draw(cards(hostile, card_id))
    return hostile, files


# --- what a page may hold ---------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _allowed() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The elements and attributes of the site's own pages (the theme's, the templates') and the
    sanitiser's; and the theme's inline scripts. Read from a site of complete cards."""
    tags = set(_TAGS) | {t for t in re.findall(r"<([a-zA-Z][a-zA-Z0-9-]*)", _templates())}
    attributes = {a for names in _ATTRIBUTES.values() for a in names}
    attributes |= set(re.findall(r"\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)=", _templates()))
    scripts: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rich = [complete_card("B1", aliases=["old-b1"], components=["B2"]), complete_card("B2", level=3)]
        config = make_site(root, rich, theme=THEME, extra=EDIT)
        result = build(config)
        assert result.returncode == 0, result.stderr
        for page in (root / "site").rglob("*.html"):
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            for tag in soup.find_all(True):
                tags.add(tag.name)
                attributes.update(tag.attrs)
            scripts.update(_inline(s) for s in soup.find_all("script") if not s.get("src"))
    return frozenset(tags), frozenset(attributes), frozenset(scripts)


@functools.lru_cache(maxsize=1)
def _templates() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "site_templates").glob("*.html"))


def _inline(script: Any) -> str:
    """An inline script with the page's depth taken out (the theme's `base_url`)."""
    return re.sub(r'base_url = "[./]*"', 'base_url = ""', script.string or "")


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "background")


def assert_inert(page: Path, site: Path) -> None:
    tags, attributes, scripts = _allowed()
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for tag in soup.find_all(True):
        assert tag.name in tags, (page, tag.name)
        for attr, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert attr in attributes and not attr.lower().startswith("on"), (page, tag.name, attr)
            if attr in URL_ATTRIBUTES:
                url = re.sub(r"[\x00-\x20]", "", text).lower()
                assert not url.startswith(("javascript:", "vbscript:")), (page, tag.name, text)
                assert not url.startswith("data:") or url == "data:,", (page, tag.name, text)  # the empty icon
                assert not re.match(r"[/\\]{2}", url), (page, tag.name, text)
        if tag.name == "script":
            if tag.get("src"):
                source = tag["src"]
                path = site / source.lstrip("/") if source.startswith("/") else page.parent / source
                assert not (tag.string or "").strip() and path.resolve().is_relative_to(site), (page, tag)
            else:
                assert _inline(tag) in scripts, (page, tag)
        if tag.name == "meta" and tag.get("http-equiv", "").lower() == "refresh":
            target = tag.get("content", "").split("url=", 1)[-1]
            path = site / target.lstrip("/") if target.startswith("/") else page.parent / target
            assert not re.match(r"[/\\]{2}|[a-z][a-z0-9+.-]*:", target, re.I) and path.resolve().is_relative_to(site)


def assert_bounded_work(cards: dict[str, dict[str, Any]]) -> int:
    """What the renderer does for each Markdown text of an accepted card is bounded by its length
    (no pathological shape got through); the number of characters of Markdown."""
    total = 0
    for card in cards.values():
        texts = [card["summary"], card["model"], card["x-notes"], card["risks"][0]["mitigation"],
                 card["requirements"][0]["text"], *card["caveats"]]  # fmt: skip
        texts += [w["reason"] for w in card.get("waivers", [])]
        markup = sum(markup_count(t) for t in texts)
        assert markup <= MAX_MARKUP
        for text in texts:
            assert nesting_limit(text) is None
            assert bracket_scan(text)[0] <= scan_allowed(len(text))
        total += sum(len(t) for t in texts)
    return total


def _outside(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.relative_to(root).parts[:1] != ("site",)}


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)
@given(sites())
def test_validate_is_positioned_or_clean_and_every_accepted_site_builds_inert(site: tuple[bool, dict[str, Any]]):
    hostile, files = site
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = make_site(root, [], theme=THEME, extra=EDIT)  # file names reach the edit links
        for name, card in files.items():
            (root / "cards" / name).write_text(dump(card), encoding="utf-8")

        result = subprocess.run(
            [sys.executable, "-m", "mkdocs_mltrl", "validate", "--format", "json"],
            cwd=root, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
        report = json.loads(result.stdout)
        lines = {name: len((root / "cards" / name).read_text(encoding="utf-8").splitlines()) for name in files}
        for finding in report["findings"]:
            assert finding["code"] and finding["severity"] in ("error", "warning", "info"), finding
            assert finding["line"] >= 1 and finding["column"] >= 1, finding
            shown = Path(finding["file"]).name
            if shown in lines:
                assert finding["line"] <= lines[shown] + 1, finding
        errors = [f for f in report["findings"] if f["severity"] == "error"]

        before = _outside(root)
        started = time.monotonic()
        built = build(config)
        elapsed = time.monotonic() - started
        assert "Traceback" not in built.stderr and "RecursionError" not in built.stderr, built.stderr
        assert _outside(root) == before  # nothing written outside the site
        if errors:
            event("refused at validate")
            assert built.returncode == 1, built.stderr
            assert not (root / "site").exists()
            for f in errors:
                assert f"{f['line']}:{f['column']}: error {f['code']}" in built.stderr
            return
        event(f"built ({'hostile' if hostile else 'clean'} cards)")
        assert built.returncode == 0, built.stderr
        size = assert_bounded_work(files)
        assert elapsed < 60 + size / 2_000, elapsed  # generous: what a stall would break
        site_dir = (root / "site").resolve()
        pages = list(site_dir.rglob("*.html"))
        assert len(pages) >= 2 + len(files)
        for page in pages:
            assert_inert(page, site_dir)
