"""The JSON Schemas: valid 2020-12, documented on every property, in step with the docs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mkdocs_mltrl.core import load_schema

ROOT = Path(__file__).resolve().parent.parent


def properties(schema: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, sub in schema.get("properties", {}).items():
        yield f"{where}.{name}", sub
        yield from properties(sub, f"{where}.{name}")
        if isinstance(sub.get("items"), dict):
            yield from properties(sub["items"], f"{where}.{name}[]")
    for name, sub in schema.get("$defs", {}).items():
        yield from properties(sub, f"$defs.{name}")
    for key in ("then", "else"):
        if isinstance(schema.get(key), dict):
            yield from properties(schema[key], f"{where}({key})")


@pytest.mark.parametrize(
    "name", ["card.schema.json", "checklist.schema.json", "gates.schema.json", "cards-export.schema.json"]
)
def test_schema_is_valid_2020_12_with_stable_id(name: str):
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:mkdocs-mltrl:schema:v1:{name}"


@pytest.mark.parametrize("name", ["card.schema.json", "checklist.schema.json"])
def test_every_property_has_title_and_description(name: str):
    schema = load_schema(name)
    missing = []
    for where, sub in properties(schema):
        if "$ref" in sub and ("title" not in sub or "description" not in sub):
            ref = schema["$defs"][sub["$ref"].rsplit("/", 1)[-1]]
            sub = {**ref, **sub}
        if not sub.get("title") or not sub.get("description"):
            missing.append(where)
    assert missing == []


def test_docs_field_reference_lists_every_top_level_field():
    schema = load_schema("card.schema.json")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", (ROOT / "docs" / "card-format.md").read_text(), re.M))
    assert set(schema["properties"]) <= documented
    assert set(schema["required"]) == {"mltrl", "id", "name", "level", "summary", "owners"}


def test_installed_schema_is_the_top_level_file():
    assert load_schema("card.schema.json") == __import__("json").loads(
        (ROOT / "schemas" / "card.schema.json").read_text()
    )


def test_docs_list_every_rule_and_gate_code():
    from mkdocs_mltrl.core import RULES, default_gates

    rules_doc = (ROOT / "docs" / "rules.md").read_text()
    gates_doc = (ROOT / "docs" / "gates.md").read_text()
    for rule in RULES:
        assert f"| {rule.code} | {rule.severity.value} |" in rules_doc
    for gate in default_gates().gates:
        assert f"| {gate.code} | {gate.level} |" in gates_doc
