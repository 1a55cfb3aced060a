"""A Model Card Toolkit JSON (schema 0.0.1 or 0.0.2) as a TRL Card.

The JSON is checked against the toolkit's own JSON Schema for its ``schema_version`` (shipped in
``mct_schemas/``), as the toolkit checks it: Draft 7 without format checks (the toolkit's own test
cards hold dates such as "08/28/2020" and links such as "path/to/train", which ``format`` would
refuse). A 0.0.1 card is first brought to the 0.0.2 shape by the toolkit's own rules
(``json_utils._update_from_v1_to_v2``): ``license`` is a licence, ``data.train`` and ``data.eval``
are datasets named "Training Set" and "Validation Set" when unnamed, and plain strings in
``considerations`` are descriptions.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from typing import Any

from ..core.clock import build_date
from .common import TRADE_OFF, ImportOptions, ImportResult, import_event
from .licences import spdx_expression
from .values import (
    NOT_CONVERTIBLE,
    NOT_VALID,
    ConversionError,
    block_text,
    card_id_from,
    code,
    drop_empty,
    is_absolute_url,
    is_card_id,
    is_semver,
    join_blocks,
    metric_value,
    org_value,
    person,
    short_text,
)

VERSIONS = ("0.0.1", "0.0.2")


@cache
def toolkit_schema(version: str) -> dict[str, Any]:
    """The toolkit's JSON Schema of one version. Each is checked on its own: both files carry the
    same ``$id``, so they must never share a registry."""
    folder = files("mkdocs_mltrl.interop") / "mct_schemas" / f"v{version}"
    text = (folder / "model_card.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_version_of(data: Any) -> str:
    """The schema version ``data`` is valid against. Without ``schema_version`` the toolkit takes
    its latest, 0.0.2, then falls back to 0.0.1 (``json_utils.update``); so does this."""
    if not isinstance(data, dict):
        raise ConversionError("a Model Card Toolkit JSON is an object", NOT_VALID)
    stated = data.get("schema_version")
    if stated is not None and stated not in VERSIONS:
        raise ConversionError(f"schema_version {stated!r} is not one of {', '.join(VERSIONS)}", NOT_VALID)
    from jsonschema import Draft7Validator  # here: a second to import with the extra's format packages

    problems: list[str] = []
    for version in [stated] if stated else ["0.0.2", "0.0.1"]:
        found = sorted(Draft7Validator(toolkit_schema(version)).iter_errors(data), key=lambda e: list(e.absolute_path))
        if not found:
            return str(version)
        problems += [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found[:5]]
    raise ConversionError("not a valid Model Card Toolkit JSON: " + "; ".join(problems), NOT_VALID)


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A 0.0.1 card in the 0.0.2 shape, by the toolkit's own rules (a copy: ``data`` is kept)."""
    out = copy.deepcopy(data)
    details = out.setdefault("model_details", {})
    if details.get("license"):
        details["licenses"] = [{"custom_text": details.pop("license")}]
    if details.get("references"):
        details["references"] = [{"reference": r} for r in details["references"]]
    if details.get("citation"):
        details["citations"] = [{"citation": details.pop("citation")}]
    params = out.get("model_parameters") or {}
    if isinstance(params.get("data"), dict):
        sets = []
        for key, default, role in (("train", "Training Set", "training"), ("eval", "Validation Set", "validation")):
            if key in params["data"]:
                item = params["data"][key]
                item.setdefault("name", default)
                item["x-role"] = role
                sets.append(item)
        params["data"] = sets
    considerations = out.get("considerations") or {}
    for key in ("users", "use_cases", "limitations", "tradeoffs"):
        if key in considerations:
            considerations[key] = [{"description": d} for d in considerations[key]]
    out["schema_version"] = "0.0.2"
    return out


def card_from_mct(data: Any, options: ImportOptions, fallback_name: str | None = None) -> ImportResult:
    """A card from a toolkit JSON (already parsed)."""
    version = schema_version_of(data)
    mct = upgrade(data) if version == "0.0.1" else copy.deepcopy(data)
    notes: list[str] = []
    details = mct.get("model_details") or {}
    params = mct.get("model_parameters") or {}
    considerations = mct.get("considerations") or {}
    x_mct: dict[str, Any] = {"schema_version": version}

    name = short_text(options.name or details.get("name") or fallback_name or "")
    if not name:
        raise ConversionError("the model card has no model_details.name: pass --name", NOT_CONVERTIBLE)
    card_id = options.card_id or card_id_from(name, fallback_name)
    if not is_card_id(card_id):
        raise ConversionError(f"'{card_id}' is not a card id: letters, digits, '.', '_' and '-', at most 64")

    owners = [o for o in details.get("owners") or [] if isinstance(o, dict)]
    people: list[str] = []
    for owner in owners:
        named = person(owner.get("name"), owner.get("contact"))
        people += [named] if named else []
        if owner.get("contact") and "<" not in named:
            x_mct["owners"] = owners  # a contact that is not an e-mail address: all kept as written
    people = list(options.owners) or people or list(options.default_owners)
    if not people:
        raise ConversionError("the model card names no owners: pass --owner", NOT_CONVERTIBLE)

    summary = block_text(details.get("overview") or "")
    if not summary:
        summary = f"Imported from the Model Card Toolkit JSON {code(options.source)}, which has no overview."
        notes.append("the model card has no overview: a placeholder was written")
    versions = _version(details.get("version") or {}, x_mct, notes)
    licence, others = _licence(details.get("licenses") or [])
    if others:
        x_mct["licenses"] = others
        notes.append("licences that are not SPDX expressions (or after the first) kept in x-mct.licenses")
    links: dict[str, str] = {}
    for index, ref in enumerate(details.get("references") or [], start=1):
        url = str(ref.get("reference") or "").strip()
        if url and is_absolute_url(url):
            links["reference" if index == 1 else f"reference-{index}"] = url
        elif url:
            x_mct.setdefault("references", []).append(url)
    for key in ("citations", "citation", "path"):
        if details.get(key):
            x_mct[key] = details[key]
    model = join_blocks([
        block_text(details.get("documentation") or ""),
        f"**Architecture:** {block_text(params['model_architecture'])}" if params.get("model_architecture") else "",
        f"**Input format:** {block_text(params['input_format'])}" if params.get("input_format") else "",
        f"**Output format:** {block_text(params['output_format'])}" if params.get("output_format") else "",
    ])  # fmt: skip
    for key in ("input_format_map", "output_format_map"):
        if params.get(key):
            x_mct[key] = params[key]

    datasets, graphics = _datasets(params.get("data") or [], x_mct)
    analysis = mct.get("quantitative_analysis") or {}
    metrics = _metrics(analysis.get("performance_metrics") or [], x_mct)
    if _graphic_names(analysis.get("graphics")):
        x_mct["quantitative_analysis_graphics"] = _graphic_names(analysis.get("graphics"))
    graphics += len(_graphic_names(analysis.get("graphics")))
    if graphics:
        notes.append(f"{graphics} base64 graphics not imported (their names are kept under x-mct)")

    described = {k: [block_text(i.get("description") or "") for i in considerations.get(k) or []]
                 for k in ("users", "use_cases", "limitations", "tradeoffs")}  # fmt: skip
    intended_use: dict[str, Any] = {"intended": _bullets(described["use_cases"])}
    if any(described["users"]):
        intended_use["x-users"] = [u for u in described["users"] if u]
    caveats = [c for c in described["limitations"] if c] + [TRADE_OFF + t for t in described["tradeoffs"] if t]
    ethics: dict[str, Any] = {}
    if considerations.get("ethical_considerations"):
        ethics["x-ethical-considerations"] = [
            drop_empty({"name": r.get("name"), "mitigation_strategy": r.get("mitigation_strategy")})
            for r in considerations["ethical_considerations"]
        ]
    event = f"Imported from the Model Card Toolkit JSON {code(options.source)} (schema {version})."
    card: dict[str, Any] = {
        "mltrl": 1,
        "id": card_id,
        "name": name,
        "level": options.level,
        "summary": summary,
        "owners": people,
        "license": licence,
        "links": links,
        "versions": versions,
        "model": model,
        "metrics": metrics,
        "intended_use": intended_use,
        "data": {"datasets": datasets},
        "caveats": caveats,
        "ethics": org_value(ethics),
        "history": [import_event(options, options.today or build_date(), event)],
        "x-mct": org_value(x_mct),
    }
    return ImportResult(drop_empty(card), notes)


def _version(info: dict[str, Any], x_mct: dict[str, Any], notes: list[str]) -> dict[str, str]:
    name = str(info.get("name") or "")
    versions = {"model": name} if is_semver(name) else {}
    if name and not versions:
        notes.append(f"model version {name!r} is not a semantic version: kept in x-mct.version")
    if info and (not versions or set(info) - {"name"}):
        x_mct["version"] = info
    return versions


def _licence(licences: list[dict[str, Any]]) -> tuple[str | None, list[dict[str, Any]]]:
    """The first licence that is an SPDX expression (an ``identifier``, or a 0.0.1 ``license``
    text the upgrade moved to ``custom_text``), and the others as they are."""
    found: str | None = None
    others: list[dict[str, Any]] = []
    for item in licences:
        text = str(item.get("identifier") or item.get("custom_text") or "")
        expression = spdx_expression(text) if found is None and 0 < len(text) < 500 else None
        if expression:
            found = expression
        else:
            others.append(item)
    return found, others


def _datasets(items: list[dict[str, Any]], x_mct: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The card's datasets, and how many graphics they held. A link that is not an absolute URL,
    the graphics' names and a 0.0.1 ``sensitive`` flag are kept in ``x-mct.datasets``."""
    datasets: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    graphics = 0
    for index, item in enumerate(items, start=1):
        name = short_text(item.get("name") or f"Dataset {index}")
        sensitive = item.get("sensitive")
        listed = sensitive.get("sensitive_data") if isinstance(sensitive, dict) else None
        notes = join_blocks([
            block_text(item.get("description") or ""),
            f"Sensitive data: {', '.join(map(str, listed))}." if listed else "",
        ])  # fmt: skip
        entry: dict[str, Any] = {"name": name, "role": item.get("x-role"), "notes": notes}
        extra: dict[str, Any] = {}
        link = str(item.get("link") or "").strip()
        if link and is_absolute_url(link):
            entry["link"] = link
        elif link:
            extra["link"] = link
        names = _graphic_names(item.get("graphics"))
        graphics += len(names)
        if names:
            extra["graphics"] = names
        if isinstance(sensitive, bool):  # 0.0.1: "does it hold sensitive data?"
            extra["sensitive"] = sensitive
        if extra:
            kept.append({"dataset": name, **extra})
        datasets.append(drop_empty(entry))
    if kept:
        x_mct["datasets"] = kept
    return datasets, graphics


def _metrics(items: list[dict[str, Any]], x_mct: dict[str, Any]) -> list[dict[str, Any]]:
    """One card metric per performance metric. Its slice, threshold and confidence interval are
    said in its notes, and kept as data in ``x-mct.performance_metrics`` (by the metric's index)."""
    metrics: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        interval = item.get("confidence_interval") or {}
        said = []
        if item.get("slice"):
            said.append(f"slice {code(str(item['slice']))}")
        if item.get("threshold") is not None:
            said.append(f"threshold {short_text(item['threshold'])}")
        if interval:
            said.append(
                f"confidence interval {short_text(interval.get('lower_bound'))} to {short_text(interval.get('upper_bound'))}"
            )
        text = ", ".join(said)
        metrics.append(drop_empty({
            "name": short_text(item.get("type") or f"Metric {index + 1}"),
            "achieved": metric_value(item.get("value"), numeric_text=True),
            "notes": text[:1].upper() + text[1:] + "." if text else None,
        }))  # fmt: skip
        extra = {k: v for k, v in item.items() if k not in {"type", "value"} and v not in (None, "", [], {})}
        if extra:
            kept.append({"metric": index, **extra})
    if kept:
        x_mct["performance_metrics"] = kept
    return metrics


def _graphic_names(graphics: Any) -> list[str]:
    if not isinstance(graphics, dict):
        return []
    return [str(g.get("name") or "graphic") for g in graphics.get("collection") or [] if isinstance(g, dict)]


def _bullets(items: list[str]) -> str:
    items = [i for i in items if i]
    return items[0] if len(items) == 1 else "\n".join(f"- {i}" for i in items)
