"""A Hugging Face model card (README.md with YAML front matter) as a TRL Card.

huggingface_hub reads the front matter (``ModelCard``, ``ModelCardData``; the ``model-index`` as
``EvalResult`` objects through ``model_index_to_eval_results``); the body is split into sections by
:mod:`.markdown_sections`. What has no place in the card is kept under ``x-hf`` keys.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

from ..core.clock import build_date
from . import markdown_sections as md
from .common import (
    DATASETS_HEADING,
    METRICS_COLUMNS,
    READINESS_HEADING,
    READINESS_START,
    ImportOptions,
    ImportResult,
    import_event,
)
from .extra import require
from .licences import from_hub
from .values import (
    NOT_CONVERTIBLE,
    NOT_PARSED,
    NOT_VALID,
    TAG_MAX,
    ConversionError,
    card_id_from,
    code,
    drop_empty,
    is_absolute_url,
    is_card_id,
    is_semver,
    join_blocks,
    metric_value,
    org_value,
    short_text,
)


def _targets(field: str, *titles: str) -> dict[str, str]:
    return dict.fromkeys(titles, field)


#: Body headings (normalised, see :func:`.markdown_sections.normalise`) -> the card field they fill.
SECTION_TARGETS: dict[str, str] = {
    **_targets("model", "model description", "model details", "description", "model architecture and objective",
               "model architecture"),
    **_targets("intended", "intended uses and limitations", "intended uses", "intended use", "uses", "direct use",
               "downstream use"),
    **_targets("unacceptable", "out of scope use", "out of scope uses", "misuse and out of scope use",
               "misuse malicious use and out of scope use"),
    **_targets("caveats", "bias risks and limitations", "limitations and bias", "limitations and biases",
               "risks and limitations", "limitations", "bias", "recommendations"),
    **_targets("data", "training data", "training and evaluation data", "training dataset", "datasets", "data"),
}  # fmt: skip
#: Front-matter keys read into card fields; every other key is kept under ``x-hf``.
_MAPPED_KEYS = {"license", "tags", "datasets", "model_name", "model-index"}
_FRONT_MATTER = re.compile(r"\A\s*---\s*\n(.*?)\n---\s*$", re.S | re.M)
#: The readiness section of a README mkdocs-mltrl wrote.
_EXPORTED = re.compile(rf"^## {READINESS_HEADING}[ \t]*\n\s*{READINESS_START}[0-9]", re.M)
_DATASET_ITEM = re.compile(
    r"(?:\[(?P<linked>[^\]\n]+)\]\(<(?P<link>[^<>\n]+)>\)|(?P<name>[^\n]+?))(?: \((?P<said>[^()\n]+)\))?"
)
_ROLES = {"training", "validation", "test", "golden", "benchmark", "synthetic", "production", "other"}
_SOURCES = {"internal", "external", "synthetic"}
#: A model-index dataset split -> the card's dataset role.
SPLIT_ROLES = {"test": "test", "validation": "validation", "valid": "validation", "dev": "validation",
               "eval": "validation", "train": "training"}  # fmt: skip


def _read_card(hub: Any, text: str, ignore_metadata_errors: bool) -> Any:
    try:
        return hub.ModelCard(text, ignore_metadata_errors=ignore_metadata_errors)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ConversionError(f"huggingface_hub cannot read the front matter: {exc}", NOT_VALID) from None


def _front_matter_error(text: str, exc: Exception) -> ConversionError:
    """Why the front matter cannot be read: a template's Jinja tags, or a YAML error placed in the
    file (the front matter starts on line 2, under the opening ``---``)."""
    if _is_template(text):
        return ConversionError(
            "this is a model card template (its front matter holds Jinja tags), not a card", NOT_VALID
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 2, mark.column + 1) if mark else (1, 1)
        return ConversionError(f"the front matter is not YAML: {exc.problem or exc}", NOT_PARSED, line, column)
    return ConversionError(f"the front matter is not a YAML mapping: {exc}", NOT_PARSED)


def _is_template(text: str) -> bool:
    """Whether the front matter holds Jinja tags (``{{ card_data }}``): a template, not a card."""
    front = _FRONT_MATTER.match(text)
    return bool(front and re.search(r"\{\{|\{%", front.group(1)))


@contextmanager
def _quiet(hub: Any) -> Iterator[None]:
    """huggingface_hub logs what it could not read; the import says so in its own notes."""
    hub.ModelCard, hub.RepoCard  # noqa: B018 - loads the modules, which set up their logger
    logger = logging.getLogger(hub.__name__)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def card_from_hf(text: str, options: ImportOptions, fallback_name: str | None = None) -> ImportResult:
    """A card from a model card's text. ``fallback_name`` names the model when neither the
    model-index nor the body's title does (the folder of a README.md)."""
    hub = require("huggingface_hub", "Importing a Hugging Face model card")
    owners = list(options.owners or options.default_owners)
    if not owners:
        raise ConversionError("a Hugging Face model card names no owners: pass --owner", NOT_CONVERTIBLE)
    notes: list[str] = []
    with _quiet(hub):
        try:
            raw = hub.RepoCard(text, ignore_metadata_errors=True).data.to_dict()  # the front matter as written
        except (yaml.YAMLError, ValueError) as exc:
            raise _front_matter_error(text, exc) from None
        try:
            hf = hub.ModelCard(text)
        except ValueError as exc:
            reason = str(exc).split(". Pass", 1)[0]
            notes.append(f"the model-index was not read ({reason}); it is kept as written under x-hf.model-index")
            hf = _read_card(hub, text, ignore_metadata_errors=True)
        except (TypeError, KeyError, AttributeError) as exc:  # a key huggingface_hub expects as a list is not one
            raise ConversionError(f"huggingface_hub cannot read the front matter: {exc}", NOT_VALID) from None
    data = hf.data
    body = md.split(hf.text, as_written=_EXPORTED.search(hf.text) is not None)

    model_name = data.model_name if isinstance(data.model_name, str) else None
    name = short_text(options.name or model_name or body.title or fallback_name or "")
    name = re.sub(r"^model card for\s+", "", name, flags=re.I) or short_text(fallback_name or "")
    if not name:
        raise ConversionError("the model card has no model-index name and no title: pass --name", NOT_CONVERTIBLE)
    card_id = options.card_id or card_id_from(name, fallback_name)
    if not is_card_id(card_id):
        raise ConversionError(f"'{card_id}' is not a card id: letters, digits, '.', '_' and '-', at most 64")

    fields, extra_sections, table, listed = _sections(body, notes)
    model_blocks = fields.get("model", [])
    summary = body.lead
    if not summary and model_blocks:  # no lead text: the model description is the summary
        summary, model_blocks = model_blocks[0], model_blocks[1:]
    if not summary:
        summary = f"Imported from the Hugging Face model card {code(options.source)}, which has no summary."
        notes.append("the model card has no summary: a placeholder was written")

    datasets, metrics = _datasets_and_metrics(data, table)
    if listed and not _describe_datasets(datasets, md.list_items(listed)):
        fields.setdefault("data", []).append(listed)  # not the list an export writes: text, as written
    tags = list(dict.fromkeys(short_text(t, TAG_MAX) for t in _listed(data.tags) if str(t).strip()))
    x_hf: dict[str, Any] = {k: v for k, v in raw.items() if k not in _MAPPED_KEYS}
    if "model-index" in raw:
        x_hf["model-index"] = raw["model-index"]  # tasks, splits, configs, verification: all as written
    licence = from_hub(raw.get("license"), raw.get("license_name"))
    if raw.get("license") and licence is None:
        x_hf["license"] = raw["license"]
        notes.append(f"licence {raw['license']!r} names no licence: kept as x-hf.license")
    elif licence and licence.startswith("LicenseRef-"):
        notes.append(f"licence {raw.get('license')!r} is not on the SPDX list: written as {licence}")

    card: dict[str, Any] = {
        "mltrl": 1,
        "id": card_id,
        "name": name,
        "level": options.level,
        "summary": summary,
        "owners": owners,
        "license": licence,
        "tags": tags,
        "model": join_blocks(model_blocks),
        "metrics": metrics,
        "intended_use": {
            "intended": join_blocks(fields.get("intended", [])),
            "unacceptable": join_blocks(fields.get("unacceptable", [])),
        },
        "data": {"summary": join_blocks(fields.get("data", [])), "datasets": datasets},
        "caveats": fields.get("caveats", []),
        "history": [
            import_event(
                options,
                options.today or build_date(),
                f"Imported from the Hugging Face model card {code(options.source)}.",
            )
        ],
        "x-hf": org_value(x_hf),
    }
    for title, blocks in extra_sections.items():
        key = f"x-hf-{md.key_of(title)}"
        while key in card:  # two headings with the same key
            key += "-2"
        card[key] = join_blocks(blocks)
    if extra_sections:
        notes.append("sections kept as x-hf-*: " + ", ".join(repr(t) for t in extra_sections))
    return ImportResult(drop_empty(card), notes)


def _sections(
    body: md.Body, notes: list[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]], list[list[str]], str]:
    """The text of each card field the body's sections fill, the other sections (by their
    outermost heading), the rows of the metrics table an export wrote and the text of a
    "Datasets" section under "Training data" (which may be the list of datasets an export wrote)."""
    fields: dict[str, list[str]] = {}
    extra: dict[str, list[str]] = {}
    table: list[list[str]] = []
    listed = ""
    for section in body.sections:
        key = md.normalise(section.title)
        under_data = [md.normalise(t) for t in section.path[-1:]] == ["training data"]
        if key == DATASETS_HEADING.lower() and under_data and not listed and md.list_items(section.text):
            listed = section.text
            continue
        if key == READINESS_HEADING.lower() and section.text.startswith(READINESS_START):
            notes.append(f"the '{READINESS_HEADING}' section an export wrote was left out: the level is --level")
            continue
        if key == "evaluation results" and not table:
            rows = md.table(section.text)
            if rows and tuple(rows[0][: len(METRICS_COLUMNS)]) == METRICS_COLUMNS:
                table = rows[1:]
                continue
        target = SECTION_TARGETS.get(key)
        if target == "caveats" and section.text:
            fields.setdefault(target, []).extend(md.list_items(section.text) or [section.text])
        elif target is not None:
            if section.text:
                fields.setdefault(target, []).append(section.text)
        elif section.text:
            outer = next((t for t in section.path if md.normalise(t) not in SECTION_TARGETS), section.title)
            label = "" if outer == section.title else f"**{section.title}**\n\n"
            extra.setdefault(outer, []).append(label + section.text)
    return fields, extra, table, listed


def _results(data: Any) -> list[Any]:
    """The evaluation results huggingface_hub read from the model-index (a front-matter key
    ``eval_results`` written by hand is not one: it stays under ``x-hf``)."""
    hub = require("huggingface_hub", "Importing a Hugging Face model card")
    found = data.eval_results if isinstance(data.eval_results, list) else []
    return [r for r in found if isinstance(r, hub.EvalResult)]


def _listed(value: Any) -> list[Any]:
    """A front-matter list as a list: a lone value (``tags: nlp``) is a list of one."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _describe_datasets(datasets: list[dict[str, Any]], items: list[str]) -> bool:
    """Fill in the datasets' role, source, version and link from the list an export wrote
    (``[name](<link>) (role, source, version)``); False, changing nothing, when ``items`` is not
    that list (an item that does not read so, or names a dataset the front matter does not)."""
    by_name = {d["name"]: d for d in datasets}
    found: list[tuple[dict[str, Any], dict[str, str]]] = []
    for item in items:
        match = _DATASET_ITEM.fullmatch(item)
        if match is None:
            return False
        name, described = match["linked"] or match["name"], {}
        if match["link"] and is_absolute_url(match["link"]):
            described["link"] = match["link"]
        for word in (match["said"] or "").split(", ") if match["said"] else []:
            kind = (
                "role" if word in _ROLES else "source" if word in _SOURCES else "version" if is_semver(word) else None
            )
            if kind is None or kind in described:
                return False
            described[kind] = word
        if name not in by_name:
            return False
        found.append((by_name[name], described))
    for dataset, described in found:
        dataset.update(described)
    return True


def _datasets_and_metrics(data: Any, table: list[list[str]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The card's datasets (``datasets`` as training data, then the model-index's datasets) and
    metrics (one per model-index metric, then the rows of an export's metrics table that the
    model-index does not hold, then the ``metrics`` ids that have no result)."""
    datasets: dict[str, dict[str, Any]] = {}
    listed = _listed(data.datasets)
    for ident in listed:
        name = short_text(ident)
        if name:
            datasets.setdefault(name, {"name": name, "role": "training"})
    metrics: list[dict[str, Any]] = []
    for result in _results(data):
        dataset = short_text(result.dataset_name or result.dataset_type)
        entry = datasets.setdefault(dataset, {"name": dataset})
        split = str(result.dataset_split or "").lower()
        if "role" not in entry and split in SPLIT_ROLES:
            entry["role"] = SPLIT_ROLES[split]
        name = short_text(result.metric_name or result.metric_type)
        metrics.append(drop_empty({"name": name, "achieved": metric_value(result.metric_value), "dataset": dataset}))
    for row in table:
        name, dataset, target, achieved = (short_text(cell) for cell in [*row, "", "", "", ""][:4])
        if not name:
            continue
        same = [m for m in metrics if m["name"] == name and m.get("dataset", "") == dataset and "target" not in m]
        if same and dataset:  # the model-index holds its value; the table adds the target
            if target:
                same[0]["target"] = metric_value(target, numeric_text=True)
            continue
        if dataset:
            datasets.setdefault(dataset, {"name": dataset})
        metrics.append(drop_empty({
            "name": name,
            "target": metric_value(target, numeric_text=True),
            "achieved": metric_value(achieved, numeric_text=True),
            "dataset": dataset,
        }))  # fmt: skip
    named = {m["name"].lower() for m in metrics} | {str(r.metric_type).lower() for r in _results(data)}
    for metric_id in _listed(data.metrics):
        if str(metric_id).lower() not in named:
            metrics.append({"name": short_text(metric_id)})
    return [drop_empty(d) for d in datasets.values()], metrics
