"""Shared by the model-card tests: the real fixtures, and cards read, exported and imported."""

from __future__ import annotations

import datetime as _dt
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from mkdocs_mltrl.core import Card, GateMode, Portfolio, load_portfolio
from mkdocs_mltrl.interop import ImportOptions
from mkdocs_mltrl.interop.card_yaml import dump_card
from mkdocs_mltrl.interop.hf_import import card_from_hf
from mkdocs_mltrl.interop.mct_import import card_from_mct

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "interop"
HF_CARDS = sorted(p for p in (FIXTURES / "hf").glob("*.md") if p.name != "hfhub_sample_template.md")
MCT_CARDS = sorted((FIXTURES / "mct").glob("*.json"))
TODAY = _dt.date(2026, 1, 15)
OWNER = "Ada Example <ada@example.org>"
#: Every card the project ships: its own site's and the example site's.
SHIPPED = [ROOT / "cards", ROOT / "examples" / "site" / "cards"]


def options(source: str, **more: Any) -> ImportOptions:
    return ImportOptions(source=source, default_owners=(OWNER,), today=TODAY, **more)


def import_hf(path: Path, **more: Any) -> dict[str, Any]:
    card_id = more.pop("card_id", "hf-" + path.stem[:40])
    text = path.read_text(encoding="utf-8-sig")
    return card_from_hf(text, options(path.name, card_id=card_id, **more), path.stem).card


def import_mct(path: Path, **more: Any) -> dict[str, Any]:
    card_id = more.pop("card_id", "mct-" + path.stem)
    return card_from_mct(json.loads(path.read_text(encoding="utf-8")), options(path.name, card_id=card_id, **more)).card


def portfolio_of(folder: Path, cards: list[dict[str, Any]]) -> Portfolio:
    """The cards written as card files into ``folder`` and loaded as ``mltrl validate`` loads them."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for card in cards:
        (folder / f"{card['id']}.yaml").write_text(dump_card(card), encoding="utf-8")
    portfolio, findings = load_portfolio([folder], gates=GateMode.WARN)
    assert portfolio is not None
    assert [f.format() for f in findings if f.severity.value == "error"] == []
    return portfolio


def shipped_portfolios() -> list[Portfolio]:
    out = []
    for folder in SHIPPED:
        portfolio, _ = load_portfolio([folder])
        assert portfolio is not None and not portfolio.errors
        out.append(portfolio)
    return out


def kept(card: Card | dict[str, Any]) -> dict[str, Any]:
    """What a round trip through a Hugging Face model card keeps: the name, the summary, the
    dataset names and every metric value (with its metric's name and dataset)."""
    if isinstance(card, Card):  # a dataset a metric names comes back listed, if the card did not list it
        datasets = list(
            dict.fromkeys([*(d.name for d in card.datasets), *(m.dataset for m in card.metrics if m.dataset)])
        )
        metrics = [(m.name, m.dataset, m.achieved) for m in card.metrics if m.achieved is not None]
        name, summary = card.name, card.summary
    else:
        datasets = [d["name"] for d in card.get("data", {}).get("datasets", [])]
        metrics = [(m["name"], m.get("dataset"), m["achieved"]) for m in card.get("metrics", []) if "achieved" in m]
        name, summary = card["name"], card["summary"]
    return {
        "name": name,
        "summary": summary.strip(),
        "datasets": sorted(datasets),
        "metrics": Counter((n, d, json.dumps(v)) for n, d, v in metrics),
    }
