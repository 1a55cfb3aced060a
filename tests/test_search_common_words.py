"""Above the paging threshold, words most cards share are left out of the card text search indexes:
a real build of 501 cards, searched as Material searches, and the rule on real loaded cards."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mkdocs_mltrl.core import Card, load_portfolio
from mkdocs_mltrl.render.search_text import COMMON_ABOVE, card_search_html, common_words

from .cards import complete_card, write
from .site import build, make_site
from .test_search_index import _terms, found

#: A template sentence every card repeats, and a word only some cards use.
TEMPLATE = "This model supports the underwriting team."
CARDS = COMMON_ABOVE + 1


def cards() -> list[dict[str, Any]]:
    out = []
    for i in range(CARDS):
        extra = " Detects hailstorm damage." if i % 3 == 0 else ""  # in a third of the cards
        out.append(
            complete_card(
                f"GEN-{i}",
                level=i % 10,
                summary=f"{TEMPLATE} Specialised for portfolio segment s{i}.{extra}",
                history=[{"date": "2021-01-01", "event": "start", "level": i % 10}],
            )
        )
    out[7].update(
        name="Underwriting assistant",  # a name holding a word every card's summary has
        summary=f"{TEMPLATE} Grades roof photographs after storms.",
        owners=["Noor Haddad <noor@example.org>"],
        tags=["underwriting", "triage"],
        risks=[{"id": "K1", "title": "Camera vendors change colour calibration", "p_failure": 0.4, "value": 7}],
    )
    return out


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> list[Card]:
    root = tmp_path_factory.mktemp("common-cards")
    for card in cards():
        write(root, card)
    loaded, _ = load_portfolio([root])
    assert len(loaded.cards) == CARDS
    return loaded.cards


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("common-site")
    result = build(make_site(root, cards(), plugin={"gates": "warn"}))
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads((root / "site" / "search" / "search_index.json").read_text())
    return data


def test_only_a_portfolio_above_the_threshold_leaves_words_out(portfolio: list[Card]):
    assert common_words(portfolio[:COMMON_ABOVE]) == frozenset()
    common = common_words(portfolio)
    # the template's words and the requirement text every card shares, trimmed of punctuation
    assert {"supports", "underwriting", "team", "segment", "shall", "images"} <= common
    # not a word a third of the cards hold, nor one card's
    assert not {"hailstorm", "s8", "roof", "team."} & common


def test_a_card_text_keeps_its_own_words_and_its_head(portfolio: list[Card]):
    card = next(c for c in portfolio if c.id == "GEN-7")
    words = _terms(card_search_html(card, True, common_words(portfolio)))
    assert {"roof", "calibration", "noor", "haddad", "noor@example.org", "triage", "underwriting"} <= set(words)
    assert not {"supports", "team.", "segment", "shall"} & set(words)
    # the name (in the title) keeps every word, shared or not
    assert words[:5] == ["underwriting", "assistant", "gen", "7", "noor"]


@pytest.mark.parametrize(
    "query",
    [
        "GEN-7",  # id
        "Underwriting assistant",  # name, a word of which every card's summary holds
        "Noor Haddad",  # owner
        "noor@example.org",  # the owner's e-mail address
        "triage",  # tag
        "roof photographs storms",  # summary words
        "Camera vendors change colour calibration",  # risk title
    ],
)
def test_the_card_is_still_found_by(index: dict[str, Any], query: str):
    assert "cards/GEN-7/" in found(index, query)


def test_the_shared_words_are_in_no_card_entry(index: dict[str, Any]):
    entries = [doc for doc in index["docs"] if doc["location"].startswith("cards/GEN-")]
    assert len(entries) == CARDS
    assert not any("supports" in _terms(doc["text"]) for doc in entries)
    # a word a third of the cards hold is still found in each of them
    assert len(found(index, "hailstorm")) == len(range(0, CARDS, 3))
