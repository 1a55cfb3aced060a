"""Cards out as CycloneDX 1.6 BOMs (valid under cyclonedx-python-lib's strict validator) and as
Hugging Face model cards (read by huggingface_hub), and back: a round trip keeps the name, the
summary, the datasets and every metric value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from huggingface_hub import ModelCard

from mkdocs_mltrl.core import Card, Portfolio
from mkdocs_mltrl.interop.hf_import import card_from_hf
from mkdocs_mltrl.interop.publish import check_export, export_text

from .cards import complete_card, history
from .interop_helpers import HF_CARDS, MCT_CARDS, import_hf, import_mct, kept, options, portfolio_of, shipped_portfolios
from .test_hostile import hostile_card


@pytest.fixture(scope="module")
def every_card(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Portfolio, Card]]:
    """The project's cards, the example site's, hostile and complete cards at every level, and
    every fixture imported."""
    tmp_path = tmp_path_factory.mktemp("every")
    made = [hostile_card("H1"), *(complete_card(f"L{n}", level=n, license="MIT OR Apache-2.0") for n in range(10))]
    made.append(complete_card("T1", level=3, target={"level": 5, "date": "2030-01-01"}, components=["L1", {"name": "Ext"}],
                              history=history(("2021-01-01", "start", 3))))  # fmt: skip
    imported = [import_hf(p) for p in HF_CARDS] + [import_mct(p) for p in MCT_CARDS]
    portfolios = [*shipped_portfolios(), portfolio_of(tmp_path / "made", made), portfolio_of(tmp_path / "in", imported)]
    return [(p, c) for p in portfolios for c in p.cards]


def test_every_card_is_a_valid_cyclonedx_1_6_bom(every_card: list[tuple[Portfolio, Card]]):
    checked = 0
    for portfolio, card in every_card:
        text = export_text(portfolio, card, "cyclonedx", f"https://wiki.example.org/cards/{card.id}/")
        assert check_export(text, "cyclonedx") == [], card.id
        bom = json.loads(text)
        (component,) = bom["components"]
        assert (component["type"], component["name"], bom["specVersion"]) == (
            "machine-learning-model",
            card.name,
            "1.6",
        )
        properties = {(p["name"], p["value"]) for p in component["properties"]}
        assert {("mltrl:card-id", card.id), ("mltrl:level", str(card.level)), ("mltrl:stage", card.stage)} <= properties
        gates = portfolio.gates[card.id]
        assert ("mltrl:gates-met", str(gates.passed).lower()) in properties
        assert {v for n, v in properties if n == "mltrl:gate-missing"} == {g.code for g in gates.missing}
        performance = component["modelCard"].get("quantitativeAnalysis", {}).get("performanceMetrics", [])
        expected = [
            (m.name, m.achieved if isinstance(m.achieved, str) else json.dumps(m.achieved))
            for m in card.metrics
            if m.achieved is not None
        ]
        assert [(p["type"], p["value"]) for p in performance] == expected
        datasets = component["modelCard"].get("modelParameters", {}).get("datasets", [])
        assert [d["name"] for d in datasets] == [d.name for d in card.datasets]
        assert component.get("licenses") == ([{"expression": card.license}] if card.license else None)
        checked += 1
    assert checked >= 30


def test_a_bom_names_owners_versions_and_considerations(tmp_path: Path):
    card = complete_card(
        "C1", level=4, history=history(("2021-01-01", "start", 4)), caveats=["Slow.", "Trade-off: speed over recall."]
    )
    card["intended_use"]["x-users"] = ["Radiologists"]
    portfolio = portfolio_of(tmp_path / "c", [card])
    bom = json.loads(export_text(portfolio, portfolio.cards[0], "cyclonedx"))
    component = bom["components"][0]
    assert component["version"] == "0.3.1" and component["authors"] == [
        {"name": "Ada Example", "email": "ada@example.org"}
    ]
    considerations = component["modelCard"]["considerations"]
    assert considerations["users"] == ["Radiologists"] and considerations["useCases"] == ["Triage support."]
    assert considerations["technicalLimitations"] == ["Slow."]
    assert considerations["performanceTradeoffs"] == ["speed over recall."]
    assert considerations["ethicalConsiderations"] == [{"name": "Drift"}]
    assert {"name": "mltrl:unacceptable-use", "value": "Autonomous decisions."} in component["modelCard"]["properties"]
    assert {"type": "vcs", "url": "https://git.example.org/c1"} in component["externalReferences"]
    assert bom["serialNumber"] == json.loads(export_text(portfolio, portfolio.cards[0], "cyclonedx"))["serialNumber"]


def test_the_strict_validator_refuses_what_the_schema_refuses(tmp_path: Path):
    portfolio = portfolio_of(tmp_path / "c", [complete_card("C1", level=1)])
    bom = json.loads(export_text(portfolio, portfolio.cards[0], "cyclonedx"))
    bom["components"][0]["modelCard"]["unknown"] = 1
    assert check_export(json.dumps(bom), "cyclonedx")  # strict: no property the schema does not name


def test_every_card_is_a_hugging_face_card_with_its_metric_values(every_card: list[tuple[Portfolio, Card]]):
    for portfolio, card in every_card:
        text = export_text(portfolio, card, "huggingface")
        assert check_export(text, "huggingface") == [], card.id
        hub = ModelCard(text)
        results = [(r.metric_name, r.dataset_name, r.metric_value) for r in hub.data.eval_results or []]
        expected = [(m.name, m.dataset, m.achieved) for m in card.metrics if m.achieved is not None and m.dataset]
        assert sorted(results, key=str) == sorted(expected, key=str), card.id
        assert hub.data.license == (
            {"MIT OR Apache-2.0": "other"}.get(card.license, card.license and card.license.lower())
            if card.license
            else hub.data.license
        )
        assert hub.text.lstrip().startswith(f"# {' '.join(card.name.split())}\n")


def test_a_round_trip_through_hugging_face_keeps_name_summary_datasets_and_metric_values(
    every_card: list[tuple[Portfolio, Card]], tmp_path: Path
):
    compared = 0
    for portfolio, card in every_card:
        back = card_from_hf(export_text(portfolio, card, "huggingface"), options("README.md")).card
        assert kept(back) == kept(card), card.id
        again = portfolio_of(tmp_path / "again", [back])
        twice = card_from_hf(export_text(again, again.cards[0], "huggingface"), options("README.md")).card
        assert twice == back, card.id  # a second trip changes nothing
        compared += 1
    assert compared >= 30


@pytest.mark.parametrize(
    "licence",
    ["Apache-2.0", "GPL-3.0-only", "GPL-3.0-or-later", "0BSD", "LicenseRef-yi-license", "LicenseRef-openrail"],
)
def test_a_licence_the_hub_names_survives_a_round_trip(tmp_path: Path, licence: str):
    portfolio = portfolio_of(tmp_path / "c", [complete_card("C1", level=1, license=licence)])
    back = card_from_hf(export_text(portfolio, portfolio.cards[0], "huggingface"), options("README.md")).card
    assert back["license"] == licence


def test_a_server_keeps_the_exports_of_unchanged_cards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from mkdocs_mltrl.hosts import site as site_module
    from mkdocs_mltrl.hosts.site import CardSite
    from mkdocs_mltrl.render.urls import SiteLayout

    made: list[tuple[str, str]] = []
    real = site_module.export_text

    def counted(portfolio: Portfolio, card: Card, name: str, *more: object) -> str:
        made.append((card.id, name))
        return real(portfolio, card, name, *more)  # type: ignore[arg-type]

    monkeypatch.setattr(site_module, "export_text", counted)
    cache: dict[tuple[object, ...], object] = {}
    cards = [complete_card("C1", level=2), complete_card("C2", level=3)]
    first = CardSite(portfolio_of(tmp_path / "a", cards), SiteLayout(), page_cache=cache)
    first.files()
    assert made == []  # listed, not made
    first.write_exports(tmp_path / "site1", processes=2)
    assert sorted(made) == [("C1", "cyclonedx"), ("C1", "huggingface"), ("C2", "cyclonedx"), ("C2", "huggingface")]
    made.clear()
    cards[1]["summary"] = "Changed."
    site = CardSite(portfolio_of(tmp_path / "a", cards), SiteLayout(), page_cache=cache)
    site.files()
    site.write_exports(tmp_path / "site2", processes=2)
    assert sorted(made) == [("C2", "cyclonedx"), ("C2", "huggingface")]  # C1 is unchanged: kept
    for name in ("cards/C1/C1.cdx.json", "cards/C1/README.hf.txt"):
        assert (tmp_path / "site2" / name).read_bytes() == (tmp_path / "site1" / name).read_bytes()
    changed = "cards/C2/README.hf.txt"
    assert (tmp_path / "site2" / changed).read_text() != (tmp_path / "site1" / changed).read_text()
    site.forget_unused()
    assert len([k for k in cache if k[0] == "export"]) == 4


def test_an_expression_of_several_licences_comes_back_as_a_licence_ref(tmp_path: Path):
    portfolio = portfolio_of(tmp_path / "c", [complete_card("C1", level=1, license="MIT OR Apache-2.0")])
    text = export_text(portfolio, portfolio.cards[0], "huggingface")
    assert "Licence (SPDX): `MIT OR Apache-2.0`." in text  # stated in the README's Readiness section
    assert card_from_hf(text, options("README.md")).card["license"] == "LicenseRef-mit-or-apache-2.0"
