"""The search index of a real build: lean, yet a card is found by what people search it by."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from mkdocs_mltrl.core import default_gates, load_checklist

from .browser import Visit, chromium, needs_browser, serve
from .cards import complete_card
from .site import build, make_site

CARDS = [
    complete_card(
        "VIS-1",
        name="Retina screening assistant",
        summary="Grades fundus photographs for diabetic retinopathy in rural clinics.",
        owners=["Noor Haddad <noor@example.org>"],
        tags=["ophthalmology", "triage"],
        requirements=[
            {
                "id": "1",
                "text": "Shall flag referable retinopathy with sensitivity above 0.9.",
                "kind": "research",
                "verification": "Holdout evaluation.",
                "validation": "Grader panel.",
                "status": "verified",
            },
            {
                "id": "2",
                "text": "Shall return a grade within two seconds on clinic laptops.",
                "kind": "product",
                "verification": "Load test.",
                "validation": "Clinic pilot.",
                "status": "validated",
            },
        ],
        risks=[{"id": "K1", "title": "Camera vendors change colour calibration", "p_failure": 0.4, "value": 7}],
    ),
    complete_card(
        "NLP-2",
        level=4,
        name="Claims summariser",
        summary="Summarises insurance claims for adjusters.",
        owners=["Tomasz Wrona"],
        tags=["language"],
        history=[{"date": "2021-01-01", "event": "start", "level": 4}],
    ),
    *[
        complete_card(f"GEN-{i}", level=i % 10, history=[{"date": "2021-01-01", "event": "start", "level": i % 10}])
        for i in range(7)
    ],
    # tagged with a word of VIS-1's name: a search for that name must still put VIS-1 first
    complete_card("GEN-7", level=7, tags=["screening"], history=[{"date": "2021-01-01", "event": "start", "level": 7}]),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    result = build(make_site(root, CARDS))
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def index(site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "search" / "search_index.json").read_text())
    return data


def _terms(text: str) -> list[str]:
    """Lower-cased words as Material's search splits them: at spaces and hyphens (its default
    separator), with no punctuation trimmed."""
    return [w for w in re.split(r"[\s\-]+", re.sub(r"<[^>]*>", " ", text).lower()) if w]


def found(index: dict[str, Any], query: str) -> set[str]:
    """The card pages with an entry holding every word of the query, each matched as Material
    matches it: as the start of a word (in the entry's title or text)."""
    words = _terms(query)
    pages = set()
    for doc in index["docs"]:
        terms = _terms(" ".join([doc["title"], doc["text"], *doc.get("tags", [])]))
        if all(any(term.startswith(word) for term in terms) for word in words):
            pages.add(doc["location"].split("#")[0])
    return pages


@pytest.mark.parametrize(
    "query",
    [
        "VIS-1",  # id
        "Retina screening assistant",  # name
        "Noor Haddad",  # owner
        "noor@example.org",  # the owner's e-mail address
        "ophthalmology",  # tag
        "fundus photographs diabetic rural",  # summary words
        "referable retinopathy sensitivity",  # requirement text
        "Shall return a grade within two seconds on clinic laptops",  # a whole requirement
        "Camera vendors change colour calibration",  # risk title
    ],
)
def test_a_card_is_found_by(index: dict[str, Any], query: str):
    assert "cards/VIS-1/" in found(index, query)


def test_the_title_holds_the_id_as_words(index: dict[str, Any]):
    """Search ranks titles first: the id's words stand in the card's title (not "(vis")."""
    titles = {doc["location"]: _terms(doc["title"]) for doc in index["docs"]}
    assert titles["cards/VIS-1/"] == ["retina", "screening", "assistant", "vis", "1"]
    assert titles["cards/GEN-1/"] == ["technology", "gen", "1"]  # a name that holds the id is kept as it is


@needs_browser
def test_material_search_in_a_browser_finds_the_card(site: Path):
    """What a reader types into Material's search box, in Chromium: the card is the first result.

    Material splits "VIS-1" into "vis" and "1" and matches every word as a prefix, so an id finds
    many cards; the card whose title holds both words ranks first.
    """
    META = ".md-search-result__meta"
    queries = ["VIS-1", "Retina screening assistant", "Noor Haddad", "noor@example.org", "ophthalmology",
               "referable retinopathy sensitivity"]  # fmt: skip
    with serve(site) as base, chromium() as browser:
        visit = Visit(browser, base)
        box = visit.page.locator("input.md-search__input")
        results = visit.page.locator("li.md-search-result__item > a")
        for query in queries:
            box.click()
            box.fill("")
            box.press("End")
            visit.page.wait_for_function(f"!document.querySelector({META!r}).textContent.includes('matching')")
            box.fill(query)
            box.press("End")  # Material searches on a key press: one search, for the whole query
            visit.page.wait_for_function(f"document.querySelector({META!r}).textContent.includes('matching')")
            hrefs = results.evaluate_all("as => as.map(a => new URL(a.href).pathname)")
            assert hrefs and hrefs[0] == "/cards/VIS-1/", (query, hrefs)
            if query not in ("VIS-1", "Retina screening assistant"):  # these match other cards too
                assert {h.split("#")[0] for h in hrefs} == {"/cards/VIS-1/"}, (query, hrefs)
        visit.check_clean()


def test_a_card_is_one_entry(index: dict[str, Any]):
    """Fewer entries, each richer: the search index a browser builds grows with entries and words."""
    for card in CARDS:
        locations = [doc["location"] for doc in index["docs"] if doc["location"].startswith(f"cards/{card['id']}/")]
        assert locations == [f"cards/{card['id']}/"]


def test_tags_are_words_of_the_entry(index: dict[str, Any]):
    """Without Material's tags plugin a card page carries no tags for Material's search, which
    would rank a card tagged "screening" above the card named "Retina screening assistant"."""
    entry = next(doc for doc in index["docs"] if doc["location"] == "cards/VIS-1/")
    assert "tags" not in entry
    assert {"ophthalmology", "triage"} <= set(_terms(entry["text"]))


def test_with_the_tags_plugin_tags_are_indexed_once_in_their_field(tmp_path: Path):
    result = build(make_site(tmp_path, CARDS[:1], extra={"plugins": ["search", "tags", {"mltrl": {}}]}))
    assert result.returncode == 0, result.stderr
    docs = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text())["docs"]
    entry = next(doc for doc in docs if doc["location"] == "cards/VIS-1/")
    assert entry["tags"] == ["ophthalmology", "triage"]
    assert not {"ophthalmology", "triage"} & set(_terms(entry["title"] + " " + entry["text"]))


def test_what_thousands_of_cards_share_is_not_indexed(index: dict[str, Any]):
    """Level names, stages and statuses: the index filters by them; as words they match thousands."""
    entry = next(doc for doc in index["docs"] if doc["location"] == "cards/VIS-1/")
    words = _terms(entry["title"] + " " + entry["text"])
    assert CARDS[0]["level"] == 9
    for word in ("deployment", "active"):  # level 9's name and stage, and the card's status
        assert word not in words
    assert "lin" not in words  # the reviewer, Lin Reviewer, as on many cards


def test_boilerplate_every_card_repeats_is_not_indexed(index: dict[str, Any]):
    text = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"])
    checklist, _ = load_checklist()
    assert checklist is not None
    for section in checklist.sections:
        for item in section.items:
            assert item.question[:40] not in text
    for gate in default_gates().gates:
        assert gate.description not in text
    for header in ("Verification Validation", "p(failure)", "Deliverable Met Code", "Question Status Notes"):
        assert header not in text
    # the index and portfolio list every card: their tables are left out too (the cards are indexed)
    listing = [doc for doc in index["docs"] if doc["location"].startswith(("cards/#", "cards/portfolio/"))]
    assert listing and not any("GEN-3" in doc["text"] for doc in listing)


def test_the_index_is_lean(index: dict[str, Any]):
    cards = [doc for doc in index["docs"] if re.match(r"cards/(?!portfolio/)[^/]+/", doc["location"])]
    size = len(json.dumps(cards, separators=(",", ":"), ensure_ascii=False).encode())
    assert size / len(CARDS) < 2048
    for doc in cards:  # an entry holds each word once, the title's included
        text = doc["title"] + " " + doc["text"]
        words = [w.strip(".,;:!?()").lower() for w in re.sub(r"<[^>]*>", " ", text).split()]
        assert len(words) == len(set(words)), doc


def test_the_page_still_shows_everything(tmp_path: Path):
    result = build(make_site(tmp_path, CARDS[:1]))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "cards" / "VIS-1" / "index.html").read_text()
    checklist, _ = load_checklist()
    assert checklist is not None
    assert "Holdout evaluation." in html and "<th>Verification</th>" in html
    assert all(str(item.id) in html for section in checklist.sections for item in section.items)
