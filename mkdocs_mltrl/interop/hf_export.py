"""A card as a Hugging Face model card: the text of a README.md with YAML front matter.

The text is built here, so that the site can publish it with every card without the ``interop``
extra; ``mltrl export`` reads it back with huggingface_hub (:func:`check_readme`) before it writes
anything, and the tests check that huggingface_hub reads every card's metrics from it. The
front matter follows the Hub's model card metadata: ``license``, ``tags``, ``datasets``,
``metrics`` and a ``model-index`` holding each metric that has a value and names a dataset.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..core.card import Card
from .card_yaml import dump_yaml
from .common import DATASETS_HEADING, METRICS_COLUMNS, READINESS_HEADING, READINESS_START
from .extra import require
from .hf_import import SPLIT_ROLES
from .licences import to_hub
from .readiness import Readiness
from .values import iri, is_absolute_url, slug

#: A card dataset's role -> the model-index ``split`` (and back, on import).
ROLE_SPLITS = {role: split for split, role in SPLIT_ROLES.items() if split in ("test", "validation", "train")}
#: Front-matter keys an export computes; an imported card's other ``x-hf`` keys are written back.
_COMPUTED = {"license", "license_name", "tags", "datasets", "metrics", "model-index", "model_name", "eval_results"}


def readme(card: Card, readiness: Readiness, page_url: str | None = None) -> str:
    """The README.md text of ``card``."""
    kept = card.extras.get("x-hf")
    x_hf: Mapping[str, Any] = kept if isinstance(kept, Mapping) else {}
    front: dict[str, Any] = dict(to_hub(card.license))
    if not front and isinstance(x_hf.get("license"), str):
        front["license"] = x_hf["license"]  # a Hub licence id an import kept
    front.update({k: v for k, v in x_hf.items() if k not in _COMPUTED})
    if card.tags:
        front["tags"] = list(card.tags)
    results = _model_index(card, x_hf)
    evaluated = {r["dataset"]["name"] for r in results}
    trained = [d.name for d in card.datasets if d.name not in evaluated]
    if trained:  # the Hub's `datasets` lists training data; other roles come back as training
        front["datasets"] = trained
    metric_ids = list(dict.fromkeys(slug(m.name) for m in card.metrics))
    if metric_ids:
        front["metrics"] = metric_ids
    if results:
        front["model-index"] = [{"name": card.name, "results": results}]
    # No front matter at all rather than an empty one, which huggingface_hub would read as text.
    parts = [f"---\n{dump_yaml(front)}---" if front else "", f"# {' '.join(card.name.split())}", card.summary.strip()]
    parts += _body(card)
    parts += _readiness(card, readiness, page_url)
    return "\n\n".join(p for p in parts if p) + "\n"


def _model_index(card: Card, x_hf: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The model-index results: one per dataset, holding each metric with a value measured on it.
    Ids an import kept (the task, a dataset's or metric's Hub id) are written back."""
    task, dataset_ids, metric_ids = _kept_ids(x_hf.get("model-index"))
    pipeline = x_hf.get("pipeline_tag")
    task_type = pipeline if isinstance(pipeline, str) and pipeline else task or "other"
    roles = {d.name: d.role for d in card.datasets}
    results: dict[str, dict[str, Any]] = {}
    for metric in card.metrics:
        if metric.achieved is None or not metric.dataset:
            continue
        result = results.get(metric.dataset)
        if result is None:
            dataset: dict[str, Any] = {
                "name": metric.dataset,
                "type": dataset_ids.get(metric.dataset, slug(metric.dataset)),
            }
            split = ROLE_SPLITS.get(roles.get(metric.dataset) or "")
            if split:
                dataset["split"] = split
            result = results[metric.dataset] = {"task": {"type": task_type}, "dataset": dataset, "metrics": []}
        result["metrics"].append(
            {"type": metric_ids.get(metric.name, slug(metric.name)), "value": metric.achieved, "name": metric.name}
        )
    return list(results.values())


def _kept_ids(model_index: Any) -> tuple[str | None, dict[str, str], dict[str, str]]:
    """From a model-index an import kept: the first task type, dataset ids by name, metric ids by name."""
    task: str | None = None
    datasets: dict[str, str] = {}
    metrics: dict[str, str] = {}
    for model in _items(model_index):
        for result in _items(model.get("results")):
            found = _mapping(result.get("task")).get("type")
            task = task or (found if isinstance(found, str) else None)
            dataset = _mapping(result.get("dataset"))
            if isinstance(dataset.get("name"), str) and isinstance(dataset.get("type"), str):
                datasets.setdefault(dataset["name"], dataset["type"])
            for metric in _items(result.get("metrics")):
                if isinstance(metric.get("type"), str):
                    metrics.setdefault(str(metric.get("name") or metric["type"]), metric["type"])
    return task, datasets, metrics


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[dict[str, Any]]:
    """The mappings in a list (front matter as written may hold anything)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _body(card: Card) -> list[str]:
    out = []
    if card.model:
        out += ["## Model description", card.model.strip()]
    if card.intended_use or card.unacceptable_use:
        out += ["## Intended uses & limitations", (card.intended_use or "").strip()]
        if card.unacceptable_use:
            out += ["### Out-of-scope use", card.unacceptable_use.strip()]
    if card.data_summary or card.datasets:
        out += ["## Training data", (card.data_summary or "").strip()]
        if card.datasets:
            out += [f"### {DATASETS_HEADING}", "\n".join(_item(_dataset(d)) for d in card.datasets)]
    if card.metrics:
        rows = [f"| {' | '.join(METRICS_COLUMNS)} |", "|" + "---|" * len(METRICS_COLUMNS)]
        rows += [
            f"| {_cell(m.name)} | {_cell(m.dataset)} | {_cell(m.target)} | {_cell(m.achieved)} |" for m in card.metrics
        ]
        out += ["## Evaluation results", "\n".join(rows)]
    items = [_item(c) for c in card.caveats]
    items += [
        _item(f"**{r.title}** (risk {r.id})" + (f": {r.mitigation.strip()}" if r.mitigation else ""))
        for r in card.risks
    ]
    if items:
        out += ["## Bias, Risks, and Limitations", "\n".join(items)]
    for key, value in card.extras.items():
        if key.startswith("x-hf-") and isinstance(value, str) and value.strip():
            out += [f"## {key[len('x-hf-') :].replace('-', ' ').capitalize()}", value.strip()]
    return out


def _readiness(card: Card, readiness: Readiness, page_url: str | None) -> list[str]:
    system = f"at most {readiness.system_level}" if readiness.system_unknown else str(readiness.system_level)
    gates = "met" if readiness.gates_met else "not met (" + ", ".join(readiness.gates_missing) + ")"
    lines = [
        f"{READINESS_START}{readiness.level} ({readiness.level_name}, stage {readiness.stage}); status"
        f" {readiness.status}; system level {system}; readiness gates {gates}.",
        "Owners: " + ", ".join(str(p) for p in card.owners) + ".",
    ]
    if card.license:
        lines.append(f"Licence (SPDX): `{card.license}`.")
    where = f" ({page_url})" if page_url and is_absolute_url(page_url) else ""
    lines.append(f"Written by mkdocs-mltrl from the TRL Card `{card.id}`{where}.")
    return [f"## {READINESS_HEADING}", "\n".join(lines)]


def _dataset(item: Any) -> str:
    """``name (role, source, version)``, the name linked when the card links the dataset."""
    said = ", ".join(str(v) for v in (item.role, item.source, item.version) if v)
    name = f"[{item.name}](<{iri(item.link)}>)" if item.link and is_absolute_url(item.link) else item.name
    return f"{name} ({said})" if said else name


def _item(text: str) -> str:
    """A list item holding Markdown: its lines after the first indented under the marker."""
    lines = text.strip().split("\n")
    return "\n".join([f"- {lines[0]}", *(f"  {line}" if line else "" for line in lines[1:])])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).replace("|", "\\|").strip()


def check_readme(text: str) -> None:
    """Read ``text`` back with huggingface_hub as the Hub reads it; raise ``ValueError`` when it
    cannot (the ``interop`` extra is needed)."""
    hub = require("huggingface_hub", "Checking a Hugging Face model card")
    hub.ModelCard(text)
