"""JSON Schema validation whose errors read well and point at the offending line and column."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

import fastjsonschema

from .findings import Finding, Severity
from .resources import load_schema
from .schema_messages import CONTROL_FREE, CONTROL_FREE_MESSAGE, with_messages
from .suggest import close_match
from .yaml_loader import LoadedDocument, Path_, Position

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_CODE = "schema"
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a mapping",
    "boolean": "true or false",
    "null": "nothing",
}


def inline_refs(node: Any, defs: dict[str, Any], depth: int = 0, inside: tuple[str, ...] = ()) -> Any:
    """The schema with every local ``#/$defs/...`` reference replaced by its target.

    This spares jsonschema a reference lookup at every ``$ref`` of every card (a third of
    validation time). A reference back into a definition being inlined (the recursive value of an
    organisation field) stays a reference; :func:`flatten` keeps the definitions such references
    need.
    """
    if depth > 64:
        raise ValueError("$ref nesting too deep in schema")
    if isinstance(node, list):
        return [inline_refs(item, defs, depth + 1, inside) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: inline_refs(value, defs, depth + 1, inside) for key, value in node.items() if key not in ("$ref", "$defs")
    }
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.removeprefix("#/$defs/")
        if name in inside:
            return {**out, "$ref": ref}
        target = inline_refs(defs[name], defs, depth + 1, (*inside, name))
        clashes = [
            k for k in out if k in target and out[k] != target[k] and k not in ("title", "description", "examples")
        ]
        out = {**target, **out} if not clashes else {**out, "allOf": [target]}
    elif ref is not None:
        out["$ref"] = ref
    return out


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            yield ref.removeprefix("#/$defs/")
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def flatten(schema: dict[str, Any]) -> dict[str, Any]:
    """:func:`inline_refs` over a whole schema, keeping the definitions recursive references need."""
    defs = schema.get("$defs", {})
    flat: dict[str, Any] = inline_refs(schema, defs)
    kept = set(_refs(flat))
    if kept:
        flat["$defs"] = {name: inline_refs(defs[name], defs, 0, (name,)) for name in sorted(kept)}
    return flat


def _is_date(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


@cache
def fast_validator_for(schema_name: str) -> Callable[[Any], Any]:
    """A compiled validator used only to say "valid" quickly; jsonschema explains every error.

    Its verdict is trusted only when it accepts a document; a test checks, over mutated cards, that
    it never accepts what jsonschema rejects.
    """
    flat = flatten(load_schema(schema_name))
    flat["$schema"] = "http://json-schema.org/draft-07/schema#"  # the same keywords, flattened
    formats: dict[str, Any] = {"date": _is_date}
    try:
        return _compile_lean(flat, formats)
    except Exception:  # pragma: no cover - another fastjsonschema: its own compile does the same
        compiled: Callable[[Any], Any] = fastjsonschema.compile(flat, formats=formats)
        return compiled


_RAISE = re.compile(r"^(\s*)raise JsonSchemaValueException\(.*\)$", re.M)


def _compile_lean(schema: dict[str, Any], formats: dict[str, Any]) -> Callable[[Any], Any]:
    """fastjsonschema's validator, raising a bare exception instead of building a message.

    Branches of ``if``/``oneOf`` fail by raising (a history event tries each event kind), and
    each raise formats a message and rebuilds the schema part it failed as a dict literal. The
    verdict is all this validator gives, so every raise is made cheap; nothing else changes.
    """
    resolver, generator = fastjsonschema._factory(schema, {}, formats, True, True, True, True)
    state = dict(generator.global_state)
    # The code is fastjsonschema's, generated from the project's own schema.
    # A new exception each time: raising one instance again would chain every traceback to it.
    exec(_RAISE.sub(r'\1raise JsonSchemaValueException("invalid")', generator.func_code), state)
    function = state[resolver.get_scope_name()]

    def validate(data: Any) -> Any:
        return function(data, custom_formats=formats)

    return validate


def is_valid_fast(data: Any, schema_name: str = "card.schema.json") -> bool:
    try:
        fast_validator_for(schema_name)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def validator_for(schema_name: str) -> Draft202012Validator:
    """The full validator, for the messages of a document the quick check refused. jsonschema is
    imported here, not with the module: a valid portfolio never needs it, and with its format
    packages installed (the ``interop`` extra brings them) importing it takes a second."""
    from jsonschema import Draft202012Validator

    schema = load_schema(schema_name)
    Draft202012Validator.check_schema(schema)
    flat = flatten(with_messages(schema, schema_name))
    return Draft202012Validator(flat, format_checker=Draft202012Validator.FORMAT_CHECKER)


def show(value: Any, limit: int = 60) -> str:
    """A short, single-line, inert rendering of a value for a message."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit] + "..."
        text = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
        return f"'{text}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return show(str(value), limit)


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {show(value)}"
    if isinstance(value, (int, float)):
        return f"the number {show(value)}"
    if isinstance(value, str):
        return f"the text {show(value)}"
    if value is None:
        return "nothing"
    return show(value)


def _expected(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(_TYPE_WORDS.get(n, n) for n in names)


def _known_properties(schema: dict[str, Any]) -> list[str]:
    return sorted(schema.get("properties", {}))


def _leaf_errors(error: ValidationError) -> Iterator[ValidationError]:
    if error.context:
        for sub in error.context:
            yield from _leaf_errors(sub)
    else:
        yield error


def _messages(error: ValidationError, document: LoadedDocument) -> Iterator[tuple[Path_, Position, str]]:
    """(path, position, message) for one jsonschema error."""
    path: Path_ = tuple(error.absolute_path)
    positions = document.positions
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("errorMessage")
    kind = error.validator
    instance: Any = error.instance
    value: Any = error.validator_value

    if kind == "additionalProperties" and isinstance(instance, dict) and value is False:
        known = _known_properties(schema)
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        for key in instance:
            if key in known or any(p.search(key) for p in patterns):
                continue
            hint = close_match(key, known)
            message = f"unknown field {show(key)}"
            if hint:
                message += f": did you mean '{hint}'?"
            else:
                message += f"; allowed here: {', '.join(known)}"
                if patterns:
                    message += " (and organisation fields starting with x-)"
            yield (*path, key), positions.of_key((*path, key)), message
        return
    if kind == "required" and isinstance(instance, dict):
        for name in value:
            if name not in instance:
                yield path, positions.of_value(path), custom or f"missing required field '{name}'"
        return
    if kind == "propertyNames":
        key = instance
        for leaf in _leaf_errors(error):
            leaf_schema = leaf.schema if isinstance(leaf.schema, dict) else {}
            text = leaf_schema.get("patternErrorMessage") or leaf.message
            yield (*path, key), positions.of_key((*path, key)), f"{show(key)}: {text}"
        return

    where = positions.of_value(path)
    if custom:
        message = custom
    elif kind == "type":
        expected = _expected(value)
        raw = positions.raw.get(path)
        if schema.get("typeErrorMessage"):
            message = f"{schema['typeErrorMessage']}, not {_describe(instance)}"
        elif "string" in value and raw is not None:
            message = f'expected text, got {_describe(instance)}: quote it, as "{raw}"'
        elif instance is None:
            message = f"is empty: expected {expected}"
        else:
            message = f"expected {expected}, got {_describe(instance)}"
    elif kind == "enum":
        allowed = ", ".join(str(v) for v in value)
        message = f"{show(instance)} is not one of: {allowed}"
    elif kind == "const":
        message = f"must be {show(value)}, not {show(instance)}"
    elif kind == "pattern" and schema.get("format") == "date" and _DATE_SHAPE.fullmatch(str(instance)):
        message = f"{show(instance)} is not a calendar date"  # the pattern checks the calendar too
    elif kind == "pattern":
        explained = schema.get("patternErrorMessage") or (CONTROL_FREE_MESSAGE if value == CONTROL_FREE else None)
        message = f"{show(instance)}: {explained or 'does not match ' + value}"
    elif kind == "format" and value == "date":
        message = f"{show(instance)} is not a calendar date"
    elif kind == "format":
        message = f"{show(instance)} is not a valid {value}"
    elif kind == "minItems":
        count = value
        message = f"needs at least {count} item{'s' if count != 1 else ''}"
    elif kind == "maxItems":
        message = f"has more than {value} items"
    elif kind == "minLength":
        message = "must not be empty" if value == 1 else f"is shorter than {value} characters"
    elif kind == "maxLength":
        message = f"is longer than {value} characters"
    elif kind == "uniqueItems":
        message = "holds the same item twice"
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        message = error.message
    else:
        message = error.message if len(error.message) < 200 else f"{show(instance)} is not valid here"
    yield path, where, message


def check(
    document: LoadedDocument, display: str, schema_name: str = "card.schema.json", fast: bool = True
) -> list[Finding]:
    """Every schema violation of a loaded document, as positioned findings.

    ``fast=False`` skips the quick validity check: for callers that already made it, and for a
    single document, which jsonschema checks in less time than the quick validator compiles.
    """
    if fast and is_valid_fast(document.data, schema_name):
        return []
    errors = list(validator_for(schema_name).iter_errors(document.data))
    # A value that fails its pattern (e.g. a date's YYYY-MM-DD) needs no second "not a valid date".
    patterned = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    findings: list[Finding] = []
    for error in errors:
        if error.validator == "format" and tuple(error.absolute_path) in patterned:
            continue
        for path, position, message in _messages(error, document):
            where = format_path(path)
            text = f"{where}: {message}" if where else message
            findings.append(Finding(display, position.line, position.column, Severity.ERROR, SCHEMA_CODE, text))
    return findings
