"""A card as a CycloneDX 1.6 BOM (JSON) with one ``machine-learning-model`` component.

The document is built here as plain data, so that the site can publish it with every card without
the ``interop`` extra. cyclonedx-python-lib (11.x) has no model card to build it with (its
``Component.model_card`` is still to come), and checks documents instead: ``mltrl export`` runs
its strict 1.6 validator (:func:`check_bom`) before it writes anything, and the tests run it over
every card the project ships.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import uuid
from collections.abc import Mapping
from typing import Any

from .. import __version__
from ..core.card import Card
from .common import TRADE_OFF
from .extra import require
from .readiness import Readiness
from .values import iri, is_absolute_url

SPEC_VERSION = "1.6"
#: The namespace of the component's properties (CycloneDX leaves namespaces to their owners).
PREFIX = "mltrl"
_LINK_TYPES = {"code": "vcs", "docs": "documentation", "project": "website"}


def bom(
    card: Card, readiness: Readiness, page_url: str | None = None, timestamp: _dt.datetime | None = None
) -> dict[str, Any]:
    """The BOM of ``card``. ``page_url``, when known (the site's ``site_url`` is set), is listed
    among the component's external references. The timestamp is ``SOURCE_DATE_EPOCH`` when set,
    else now; the serial number is made from the content and the timestamp, so the same card
    built at the same time gives the same BOM."""
    component: dict[str, Any] = {
        "type": "machine-learning-model",
        "bom-ref": f"{PREFIX}:{card.id}",
        "name": card.name,
    }
    if card.versions.get("model"):
        component["version"] = card.versions["model"]
    component["description"] = card.summary.strip()
    component["authors"] = [_contact(p.name, p.email) for p in card.owners]
    if card.license:
        component["licenses"] = [{"expression": card.license}]
    if card.tags:
        component["tags"] = sorted(set(card.tags))
    references = _references(card, page_url)
    if references:
        component["externalReferences"] = references
    component["properties"] = [{"name": f"{PREFIX}:{k}", "value": v} for k, v in _properties(card, readiness)]
    component["modelCard"] = model_card(card)
    stamp = timestamp or _now()
    document: dict[str, Any] = {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "version": 1,
        "metadata": {
            "timestamp": stamp.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tools": {"components": [{"type": "application", "name": "mkdocs-mltrl", "version": __version__}]},
        },
        "components": [component],
    }
    content = json.dumps(document, sort_keys=True, ensure_ascii=False).encode()
    serial = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mkdocs-mltrl:bom:" + hashlib.sha256(content).hexdigest())
    return {**{k: document[k] for k in ("$schema", "bomFormat", "specVersion")}, "serialNumber": serial.urn, **document}


def bom_text(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def model_card(card: Card) -> dict[str, Any]:
    """The component's ``modelCard``: datasets as model parameters, metrics as performance
    metrics, and intended use, caveats, risks and ethics as considerations (values are text)."""
    datasets = []
    for item in card.datasets:
        said = [f"Role: {item.role}." if item.role else "",
                f"Source: {item.source}." if item.source else "",
                f"Version {item.version}." if item.version else "",
                f"Datasheet: {item.datacard}" if item.datacard else "",
                (item.notes or "").strip()]  # fmt: skip
        entry: dict[str, Any] = {"type": "dataset", "name": item.name}
        if any(said):
            entry["description"] = " ".join(s for s in said if s)
        if item.link and is_absolute_url(item.link):
            entry["contents"] = {"url": iri(item.link)}
        datasets.append(entry)
    parameters: dict[str, Any] = {}
    task = (card.extras.get("x-hf") or {}).get("pipeline_tag") if isinstance(card.extras.get("x-hf"), dict) else None
    if isinstance(task, str) and task.strip():
        parameters["task"] = task.strip()
    if datasets:
        parameters["datasets"] = datasets

    metrics = []
    properties = []
    for metric in card.metrics:
        if metric.achieved is not None:
            entry = {"type": metric.name, "value": _text(metric.achieved)}
            if metric.dataset:
                entry["slice"] = metric.dataset
            metrics.append(entry)
        if metric.target is not None:
            properties.append({"name": f"{PREFIX}:metric-target:{metric.name}", "value": _text(metric.target)})
    intended = card.section_extras.get("intended_use", {})
    users = intended.get("x-users")
    considerations: dict[str, Any] = {
        "users": [str(u) for u in users] if isinstance(users, list) else [],
        "useCases": [card.intended_use.strip()] if card.intended_use else [],
        "technicalLimitations": [c for c in card.caveats if not c.startswith(TRADE_OFF)],
        "performanceTradeoffs": [c[len(TRADE_OFF) :] for c in card.caveats if c.startswith(TRADE_OFF)],
        "ethicalConsiderations": _ethical(card),
    }
    if card.unacceptable_use:  # CycloneDX 1.6 has no out-of-scope use
        properties.append({"name": f"{PREFIX}:unacceptable-use", "value": card.unacceptable_use.strip()})
    out: dict[str, Any] = {
        "bom-ref": f"{PREFIX}:{card.id}:model-card",
        "modelParameters": parameters,
        "quantitativeAnalysis": {"performanceMetrics": metrics} if metrics else {},
        "considerations": {k: v for k, v in considerations.items() if v},
        "properties": properties,
    }
    return {k: v for k, v in out.items() if v}


def check_bom(document: Mapping[str, Any]) -> list[str]:
    """What cyclonedx-python-lib's strict CycloneDX 1.6 validator finds wrong with ``document``
    (JSON pointer: message), [] when it is valid. Needs the ``interop`` extra."""
    require("jsonschema", "Checking a CycloneDX BOM")
    schema = require("cyclonedx.schema", "Checking a CycloneDX BOM")
    validation = require("cyclonedx.validation.json", "Checking a CycloneDX BOM")
    validator = validation.JsonStrictValidator(schema.SchemaVersion.V1_6)
    errors = validator.validate_str(json.dumps(document), all_errors=True) or []
    return [f"/{'/'.join(map(str, e.data.absolute_path))}: {e.data.message}" for e in errors]


def _properties(card: Card, readiness: Readiness) -> list[tuple[str, str]]:
    out = [("card-id", card.id), ("level", str(readiness.level)), ("level-name", readiness.level_name),
           ("stage", readiness.stage), ("status", readiness.status), ("system-level", str(readiness.system_level))]  # fmt: skip
    out += [("system-level-unknown", name) for name in readiness.system_unknown]
    out.append(("gates-met", "true" if readiness.gates_met else "false"))
    out += [("gate-missing", code) for code in readiness.gates_missing]
    if card.target is not None:
        out += [("target-level", str(card.target.level)), ("target-date", card.target.date)]
    if card.last_review_date:
        out.append(("last-review", card.last_review_date))
    return out


def _references(card: Card, page_url: str | None) -> list[dict[str, str]]:
    out = []
    if page_url and is_absolute_url(page_url):
        out.append({"type": "documentation", "url": iri(page_url), "comment": "TRL Card"})
    for key, url in card.links.items():
        if not is_absolute_url(url):
            continue  # a relative path means nothing outside the site
        entry = {"type": _LINK_TYPES.get(key, "other"), "url": iri(url)}
        if key not in _LINK_TYPES:
            entry["comment"] = key
        out.append(entry)
    return out


def _ethical(card: Card) -> list[dict[str, str]]:
    """The card's risks (title and mitigation), then the toolkit's considerations an import kept."""
    out = []
    for risk in card.risks:
        entry = {"name": risk.title}
        if risk.mitigation:
            entry["mitigationStrategy"] = risk.mitigation.strip()
        out.append(entry)
    kept = card.section_extras.get("ethics", {}).get("x-ethical-considerations")
    for item in kept if isinstance(kept, list) else []:
        if isinstance(item, dict) and item.get("name"):
            entry = {"name": str(item["name"])}
            if item.get("mitigation_strategy"):
                entry["mitigationStrategy"] = str(item["mitigation_strategy"])
            out.append(entry)
    return out


def _contact(name: str, email: str | None) -> dict[str, str]:
    return {"name": name, "email": email} if email else {"name": name}


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _now() -> _dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
    return _dt.datetime.now(tz=_dt.timezone.utc)
