""" "Did you mean" among many names: the same answer as difflib where every name is compared, a
bounded comparison above that, and the portfolio rule that uses it."""

from __future__ import annotations

import difflib
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_mltrl.core import GateMode, Suggester, close_match, load_portfolio
from mkdocs_mltrl.core.suggest import EXACT_UP_TO, NEIGHBOURS, PER_VARIANT

from .cards import complete_card, write


def ids(n: int, seed: int = 1) -> list[str]:
    """Card ids as the benchmark makes them: R or P, five digits, a dot and a digit."""
    rng = random.Random(seed)
    return [f"{rng.choice('RP')}{i:05d}.{rng.randint(1, 9)}".lower() for i in range(n)]


def one_edit(word: str, rng: random.Random) -> str:
    at = rng.randrange(len(word))
    kind = rng.choice(["add", "drop", "change", "swap"])
    if kind == "add":
        return word[:at] + rng.choice("xq7.") + word[at:]
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    if kind == "change":
        return word[:at] + rng.choice("xq7.") + word[at + 1 :]
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(st.text("abcdefg.-1", min_size=1, max_size=8), min_size=1, max_size=60),
    word=st.text("abcdefg.-1", min_size=1, max_size=8),
)
def test_small_sets_give_difflibs_answer(names: list[str], word: str):
    expected = difflib.get_close_matches(word, list(dict.fromkeys(names)), n=1, cutoff=0.6)
    assert close_match(word, names) == (expected[0] if expected else None)


def test_large_sets_compare_a_bounded_shortlist():
    names = ids(10_000)
    suggester = Suggester(names)
    rng = random.Random(2)
    for word in [one_edit(rng.choice(names), rng) for _ in range(200)] + ["vendor-solver-17", "x", "p"]:
        shortlist = suggester.shortlist(word)
        assert len(shortlist) <= (len(word) + 1) * PER_VARIANT + 4 * NEIGHBOURS
        assert len(shortlist) < len(names) / 20


def test_a_one_edit_typo_gets_as_close_a_suggestion_as_a_full_comparison():
    names = ids(10_000)
    suggester = Suggester(names)
    rng = random.Random(3)
    for _ in range(300):
        real = rng.choice(names)
        word = one_edit(real, rng)
        if word in names:
            continue
        best = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
        found = suggester.close(word)
        assert best and found is not None
        assert ratio(word, found) == ratio(word, best[0]), (word, found, best[0])


def test_a_name_unlike_any_gets_no_suggestion_and_exclusions_are_left_out():
    names = ids(EXACT_UP_TO * 4)
    suggester = Suggester(names)
    assert suggester.close("vendor-solver-17") is None
    typo = names[10][:-1] + "x"
    first = suggester.close(typo)
    assert first is not None
    second = suggester.close(typo, exclude={first})
    assert second != first


def test_unknown_components_among_many_cards_get_suggestions(tmp_path: Path):
    """Above the exact limit the rule uses the shared index, and never suggests the card itself."""
    for n in range(EXACT_UP_TO + 44):
        write(tmp_path, {**complete_card(f"R{n:04d}.1", level=0), "history": [], "summary": "s"})
    write(tmp_path, {**complete_card("P9999.1", level=0), "history": [], "components": ["R0123.l", "P9999.2"]})
    portfolio, findings = load_portfolio([tmp_path], gates=GateMode.OFF)
    assert portfolio is not None
    messages = sorted(f.message for f in findings if f.code == "MLTRL002")
    assert messages == [
        "component 'P9999.2' has no card in this portfolio; its level is unknown",
        "component 'R0123.l' has no card in this portfolio; its level is unknown (did you mean 'R0123.1'?)",
    ]
