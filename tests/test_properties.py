"""Property-based: cards generated from the schema's shapes always load, validate, render and
build, and no generated string reaches the HTML unescaped."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_mltrl.core import GateMode, Severity, build_portfolio, discover, id_problem, load_checklist
from mkdocs_mltrl.render import Renderer, SiteLayout

from .cards import dump
from .site import build, make_site, page

CHECKLIST = load_checklist()[0]
assert CHECKLIST is not None

MARKER = "<x-m>"  # every generated string carries markup; it must never appear raw in the output

# Any printable text (no control characters, which the loader refuses by design), often hostile.
plain = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\x85\u2028\u2029"),
    min_size=0,
    max_size=40,
)
hostile_bits = st.sampled_from(
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "{% raw %}", "](javascript:x)",
     "<!--", "]]>", "&amp;", "\u202e", "`code`", "*em*", "\n\n# h\n", "[a]: javascript:b", "</svg>"]
)  # fmt: skip
text = st.builds(lambda a, b, c: f"{a}{MARKER}{b}{c}", plain, hostile_bits, plain)
one_line = text.map(lambda s: " ".join(s.split()) or MARKER)
card_id = st.from_regex(r"\A[A-Za-z0-9](?:[A-Za-z0-9._-]{0,11}[A-Za-z0-9_-])?\Z").filter(
    lambda s: id_problem(s) is None  # not a name the site reserves or a Windows device name
)
level = st.integers(0, 9)
url = st.sampled_from(["https://example.org/a?b=<c>&d", "mailto:x@example.org", "../relative/path", "#anchor"])
person = st.one_of(
    st.builds(lambda n: n.replace("<", "(").replace(">", ")").strip() or "Anon", one_line),
    st.builds(lambda n, r: {"name": n[:200], "role": r}, one_line, one_line),
)
req_id = st.lists(st.integers(0, 30), min_size=1, max_size=3).map(lambda parts: ".".join(map(str, parts)))
risk = st.fixed_dictionaries({"p_failure": st.floats(0, 1), "value": st.integers(1, 10)})
requirement = st.fixed_dictionaries(
    {"id": req_id, "text": text},
    optional={
        "kind": st.sampled_from(["research", "product"]),
        "verification": text,
        "validation": text,
        "status": st.sampled_from(["proposed", "in-progress", "verified", "validated", "failed", "waived"]),
        "risk": risk,
    },
)
card_risk = st.fixed_dictionaries(
    {
        "id": one_line.map(lambda s: s[:64]),
        "title": one_line.map(lambda s: s[:300]),
        "p_failure": st.floats(0, 1),
        "value": st.integers(1, 10),
    },
    optional={
        "mitigation": text,
        "owner": person,
        "status": st.sampled_from(["open", "mitigating", "accepted", "closed"]),
    },
)


@st.composite
def cards(draw: st.DrawFn) -> dict[str, Any]:
    card: dict[str, Any] = {
        "mltrl": 1,
        "id": draw(card_id),
        "name": draw(one_line).strip()[:200] or MARKER,
        "level": draw(level),
        "summary": draw(text),
        "owners": draw(st.lists(person, min_size=1, max_size=3)),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "status": st.sampled_from(["active", "paused", "retired"]),
        "reviewers": st.lists(person, max_size=3),
        "tags": st.lists(one_line.map(lambda s: s[:100]), max_size=3),
        "links": st.dictionaries(st.sampled_from(["project", "code", "docs", "other"]), url, max_size=3),
        "components": st.lists(st.builds(lambda n, lv: {"name": n[:200], "level": lv}, one_line, level), max_size=2),
        "versions": st.fixed_dictionaries({}, optional={"code": st.just("1.0.0"), "model": st.just("0.1.0-rc.1+b5")}),
        "requirements": st.lists(requirement, max_size=4),
        "risks": st.lists(card_risk, max_size=3),
        "model": text,
        "intended_use": st.fixed_dictionaries({}, optional={"intended": text, "unacceptable": text}),
        "caveats": st.lists(text, max_size=3),
        "debrief": st.lists(st.fixed_dictionaries({"question": text, "answer": text}), max_size=2),
        "ethics": st.fixed_dictionaries(
            {
                "answers": st.dictionaries(
                    st.sampled_from(CHECKLIST.item_ids),
                    st.fixed_dictionaries(
                        {"status": st.sampled_from(["done", "open", "n/a"])}, optional={"notes": text}
                    ),
                    max_size=4,
                )
            }
        ),
        "history": st.lists(
            st.fixed_dictionaries(
                {
                    "date": st.dates().map(lambda d: d.isoformat().zfill(10)),
                    "event": st.sampled_from(["start", "graduate", "pause"]),
                    "level": level,
                },
                optional={"notes": text},
            ),
            max_size=4,
        ),
        "x-extra": st.one_of(text, st.dictionaries(one_line, text, max_size=2)),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            card[key] = draw(strategy)
    for risk_entry in card.get("risks", []):
        risk_entry["requirements"] = [r["id"] for r in card.get("requirements", [])][:1]
    return card


def _portfolio(folder: Path, card: dict[str, Any]):  # type: ignore[no-untyped-def]
    (folder / "c.yaml").write_text(dump(card), encoding="utf-8")
    return build_portfolio(discover([folder]), CHECKLIST, GateMode.WARN)


def _assert_no_raw_marker(output: str) -> None:
    assert MARKER not in output, output[max(0, output.find(MARKER) - 200) : output.find(MARKER) + 200]
    # the marker does reach the page, escaped (as text the reader sees)
    assert html.escape(MARKER, quote=False) in output


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cards())
def test_generated_cards_load_validate_and_render_inert(card: dict[str, Any]):
    with tempfile.TemporaryDirectory() as tmp:
        portfolio = _portfolio(Path(tmp), card)
    schema_errors = [f for f in portfolio.findings if f.code == "schema" or f.code.startswith("YAML")]
    assert schema_errors == [], [f.format() for f in schema_errors]
    assert len(portfolio.cards) == 1
    assert all(f.severity in Severity for f in portfolio.findings)
    renderer = Renderer(portfolio, SiteLayout())
    _assert_no_raw_marker(renderer.card_page(portfolio.cards[0]).html)
    _assert_no_raw_marker(renderer.index_page().html)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(cards())
def test_generated_cards_build_a_site(card: dict[str, Any]):
    card["history"] = [{"date": "2021-01-01", "event": "start", "level": card["level"]}]
    card["status"] = "active"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = make_site(root, [card], theme="mkdocs", plugin={"gates": "off"})
        with tempfile.TemporaryDirectory() as other:
            errors = _portfolio(Path(other), card).errors
        result = build(config)
        if errors:  # an invisible character in a one-line value, a requirement id twice: refused, positioned
            assert result.returncode == 1 and "Traceback" not in result.stderr
            for f in errors:
                assert f"{f.line}:{f.column}: error {f.code} {f.message}" in result.stderr, result.stderr
            return
        assert result.returncode == 0, result.stderr
        raw = (root / "site" / "cards" / card["id"] / "index.html").read_text()
        _assert_no_raw_marker(raw)
        assert page(root / "site", f"cards/{card['id']}/").select_one("div.mltrl-card") is not None


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="abcXYZ019 ,.;:?%/=+()-\n*_#>`[]<&'\"!\\|~", max_size=30))
def test_plain_text_fast_path_matches_markdown(text: str):
    from mkdocs_mltrl.core import card_text as markup

    if markup.text_limit(text) is not None:  # beyond a limit of the renderer: shown as written
        assert str(markup.render_markdown(text)).startswith("<pre>")
        return
    slow = markup.nh3.clean(markup._MARKDOWN.reset().convert(text), tags=markup._TAGS, attributes=markup._ATTRIBUTES,
                            attribute_filter=markup._keep_safe, url_schemes=set(markup.ALLOWED_SCHEMES),
                            link_rel="noopener noreferrer nofollow")  # fmt: skip
    assert str(markup.render_markdown(text)) == slow


LEAVES = [True, False, None, 0, 1, 1.0, 2.5, -1, 11, "", "x", "A\n", "2022-13-45", "2021-02-29", "javascript:x",
          "1.0", "1.0.0", "a b", [], {}, ["x"], {"name": "n"}, "Ann <a@b.c>", "x-y"]  # fmt: skip


@st.composite
def mutated_cards(draw: st.DrawFn) -> dict[str, Any]:
    """A complete card with a few values swapped for confusable ones, keys dropped or added."""
    from .cards import complete_card

    card: Any = complete_card(level=draw(st.integers(0, 9)))
    for _ in range(draw(st.integers(1, 4))):
        node, path = card, []
        while isinstance(node, (dict, list)) and node and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else list(range(len(node)))))
            path.append((node, key))
            node = node[key]
        if not path:
            continue
        parent, key = path[-1]
        action = draw(st.sampled_from(["swap", "drop", "add"]))
        if action == "swap":
            parent[key] = draw(st.sampled_from(LEAVES))
        elif action == "drop" and isinstance(parent, dict):
            del parent[key]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "x-extra", "switchback", "kind", "status"]))] = draw(
                st.sampled_from(LEAVES)
            )
    return card


@settings(max_examples=600, deadline=None)
@given(mutated_cards())
def test_fast_validator_never_accepts_what_jsonschema_rejects(card: dict[str, Any]):
    from mkdocs_mltrl.core import is_valid_fast, validator_for

    if is_valid_fast(card):
        assert list(validator_for("card.schema.json").iter_errors(card)) == []
