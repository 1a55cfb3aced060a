"""The card format's field paths, for checking that a gate's condition names real fields."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..resources import load_schema
from ..suggest import close_match

_ANY: dict[str, Any] = {"x-any": True}


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node and node["$ref"].startswith("#/$defs/"):
        node = {**defs[node["$ref"].removeprefix("#/$defs/")], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _child(node: dict[str, Any], part: str, defs: dict[str, Any]) -> dict[str, Any] | None:
    node = _resolve(node, defs)
    if node is _ANY:
        return _ANY
    branches = [node] + [_resolve(b, defs) for k in ("anyOf", "oneOf", "allOf") for b in node.get(k, ())]
    for branch in branches:
        if part in branch.get("properties", {}):
            return _resolve(branch["properties"][part], defs)
    for branch in branches:
        if part.startswith("x-") and branch.get("patternProperties"):
            return _ANY
        extra = branch.get("additionalProperties")
        if isinstance(extra, dict):
            return _resolve(extra, defs)
    return None


@cache
def _card_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    schema = load_schema("card.schema.json")
    return schema, schema.get("$defs", {})


def _field_node(path: str, base: dict[str, Any] | None = None) -> dict[str, Any] | None:
    schema, defs = _card_schema()
    node: dict[str, Any] | None = base or schema
    for part in path.split("."):
        if node is None:
            return None
        node = _child(node, part, defs)
    return node


def _field_names(node: dict[str, Any] | None) -> list[str]:
    if node is None or node is _ANY:
        return []
    _, defs = _card_schema()
    node = _resolve(node, defs)
    return sorted(node.get("properties", {}))


def unknown_field(path: str, within: str | None) -> str | None:
    """Why ``path`` names no card field (``None`` when it does)."""
    base = None
    if within is not None:
        listing = _field_node(within)
        if listing is None or listing is _ANY:
            return None  # the list itself is reported, or unknown in structure
        _, defs = _card_schema()
        items = _resolve(listing, defs).get("items")
        if not isinstance(items, dict):
            return f"'{within}' is not a list in the card format"
        base = _resolve(items, defs)
    if _field_node(path, base) is not None:
        return None
    head, _, last = path.rpartition(".")
    parent = _field_node(head, base) if head else (base or _card_schema()[0])
    hint = close_match(last, _field_names(parent))
    place = f" in the items of '{within}'" if within else ""
    message = f"'{path}' is not a field of the card format{place}"
    return message + (f": did you mean '{'.'.join([*([head] if head else []), hint])}'?" if hint else "")
