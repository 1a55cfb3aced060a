"""A gate's condition: evaluating it over a card as written, and describing it in words."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..card import Card
from ..checklist import Checklist
from ..markdown_text import md_code, md_text
from ..yaml_loader import Path_

Condition = dict[str, Any]


def _get(data: Any, path: str) -> Any:
    node = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _non_empty(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _matches(item: Any, match: dict[str, Any]) -> bool:
    """Every field of ``match`` has one of its values; ``None`` among them allows it unstated."""
    for path, allowed in match.items():
        options = allowed if isinstance(allowed, list) else [allowed]
        value = _get(item, path)
        if value is None:
            if None not in options:
                return False
        elif _as_text(value) not in options:
            return False
    return True


def _counted(spec: dict[str, Any], data: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """(items that match ``where``, those of them that also have ``has`` and ``matches``)."""
    items = _get(data, spec["items"])
    selected = [i for i in items if _matches(i, spec.get("where", {}))] if isinstance(items, list) else []
    good = [
        i
        for i in selected
        if all(_non_empty(_get(i, p)) for p in spec.get("has", ())) and _matches(i, spec.get("matches", {}))
    ]
    return selected, good


def _checklist_complete(card: Card, checklist: Checklist, section: str | None) -> bool:
    answers = card.ethics
    ids = [
        item.id for s in checklist.sections if section is None or s.title == section for item in s.items
    ]  # fmt: skip
    return bool(ids) and all(i in answers and answers[i].status != "open" for i in ids)


def holds(condition: Condition, card: Card, checklist: Checklist) -> bool:
    """Whether ``card`` meets ``condition`` (a schema-valid condition of a gates file)."""
    ((kind, spec),) = condition.items()
    data = card.as_written()
    if kind == "present":
        return _non_empty(_get(data, spec))
    if kind == "link":
        return _non_empty(_get(data, f"links.{spec}"))
    if kind == "value":
        value = _get(data, spec["path"])
        values = value if isinstance(value, list) else [value]
        return any(v is not None and _as_text(v) in spec["in"] for v in values)
    if kind == "count":
        return len(_counted(spec, data)[1]) >= int(spec.get("at_least", 1))
    if kind == "every":
        selected, good = _counted(spec, data)
        return len(good) == len(selected)
    if kind == "checklist":
        return _checklist_complete(card, checklist, spec.get("section"))
    if kind == "any_of":
        return any(holds(c, card, checklist) for c in spec)
    if kind == "all_of":
        return all(holds(c, card, checklist) for c in spec)
    raise ValueError(f"unknown condition {kind!r}")  # the schema admits no other


def _code(text: str) -> str:
    return md_code(text)  # a value from a gates file: a code span that holds any backticks


def _alternatives(values: Sequence[Any], joiner: str = "or") -> str:
    words = [_code(v) if v is not None else "not stated" for v in values]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def _match_text(match: dict[str, Any]) -> str:
    parts = []
    for path, allowed in match.items():
        options = allowed if isinstance(allowed, list) else [allowed]
        parts.append(f"{_code(path)} {_alternatives(options)}")
    return " and ".join(parts)


def _items_text(spec: dict[str, Any]) -> str:
    text = f"items of {_code(spec['items'])}"
    if spec.get("where"):
        text += f" with {_match_text(spec['where'])}"
    return text


def _needs_text(spec: dict[str, Any]) -> str:
    needs = []
    if spec.get("has"):
        needs.append(f"{_alternatives(spec['has'], 'and')} not empty")
    if spec.get("matches"):
        needs.append(_match_text(spec["matches"]))
    return " and ".join(needs)


def describe(condition: Condition, nested: bool = False) -> str:
    """The exact predicate of a condition, in words: Markdown in which every value of the gates
    file reads back as written (see :mod:`..markdown_text`)."""
    ((kind, spec),) = condition.items()
    if kind == "present":
        return f"{_code(spec)} is present and not empty"
    if kind == "link":
        return f"{_code('links.' + spec)} is set"
    if kind == "value":
        return f"{_code(spec['path'])} is (or, for a list, holds) {_alternatives(spec['in'])}"
    if kind == "count":
        n = spec.get("at_least", 1)
        needs = _needs_text(spec)
        text = f"at least {n} {_items_text(spec)}"
        return text + (f" having {needs}" if needs else "")
    if kind == "every":
        return f"every one of the {_items_text(spec)} has {_needs_text(spec)} (true when there is none)"
    if kind == "checklist":
        where = f' of section "{md_text(spec["section"])}"' if spec.get("section") else ""
        return f"every item{where} of the active ethics checklist is answered and none is `open`"
    joiner = " or " if kind == "any_of" else " and "
    text = joiner.join(describe(c, nested=True) for c in spec)
    return f"({text})" if nested else text


def field_paths_of(condition: Condition, at: Path_) -> Iterator[tuple[Path_, str, str | None]]:
    """(position path, card field path, list it is relative to) of every field a condition names."""
    ((kind, spec),) = condition.items()
    here: Path_ = (*at, kind)
    if kind == "present":
        yield here, spec, None
    elif kind == "value":
        yield (*here, "path"), spec["path"], None
    elif kind in ("count", "every"):
        yield (*here, "items"), spec["items"], None
        for key in ("where", "matches"):
            for path in spec.get(key, {}):
                yield (*here, key, path), path, spec["items"]
        for i, path in enumerate(spec.get("has", ())):
            yield (*here, "has", i), path, spec["items"]
    elif kind in ("any_of", "all_of"):
        for i, sub in enumerate(spec):
            yield from field_paths_of(sub, (*here, i))
