"""Card builders for tests: complete cards as dicts, written as real YAML files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from mkdocs_mltrl.core import NotFinite, load_checklist, resolve_plain

DEFAULT_ITEMS = load_checklist()[0].item_ids  # type: ignore[union-attr]


def complete_card(card_id: str = "C1", level: int = 9, **overrides: Any) -> dict[str, Any]:
    """A card that meets every gate up to ``level`` with a consistent history."""
    card: dict[str, Any] = {
        "mltrl": 1,
        "id": card_id,
        "name": f"Technology {card_id}",
        "level": level,
        "summary": "A technology that does one thing well.",
        "owners": ["Ada Example <ada@example.org>"],
        "reviewers": [{"name": "Lin Reviewer", "role": "domain expert"}],
        "tags": ["vision"],
        "links": {"code": "https://git.example.org/c1", "project": "../wiki/c1"},
        "versions": {"code": "1.2.0", "model": "0.3.1", "data": "2.0.0-rc.1"},
        "model": "A gradient-boosted tree ensemble.",
        "requirements": [
            {
                "id": "1",
                "text": "Shall classify images.",
                "kind": "research",
                "verification": "Unit tests.",
                "validation": "Expert review.",
                "status": "verified",
                "risk": {"p_failure": 0.1, "value": 8},
            },
            {
                "id": "2",
                "text": "Shall answer in 100 ms.",
                "kind": "product",
                "verification": "Benchmark.",
                "validation": "User study.",
                "status": "validated",
                "risk": {"p_failure": 0.3, "value": 5},
            },
        ],
        "risks": [{"id": "K1", "title": "Drift", "p_failure": 0.5, "value": 6, "requirements": ["1"]}],
        "intended_use": {"intended": "Triage support.", "unacceptable": "Autonomous decisions."},
        "metrics": [{"name": "Accuracy", "target": 0.9, "achieved": 0.93, "dataset": "Gold"}],
        "service_levels": [{"name": "p99 latency", "kind": "slo", "target": "100 ms"}],
        "deployment": {"setting": "Hospital cloud.", "human_in_the_loop": "A radiologist.", "uncertainty": "Scores."},
        "compliance": [{"regime": "GDPR", "status": "compliant"}],
        "testing": {
            "suites": [
                {"name": "Unit", "kind": "unit", "status": "passing"},
                {"name": "Scenarios", "kind": "critical-scenario", "status": "passing"},
                {"name": "Shadow", "kind": "shadow", "status": "passing"},
            ]
        },
        "data": {
            "summary": "Balanced classes.",
            "datasets": [{"name": "Gold", "version": "1.0.0", "role": "golden", "source": "internal"}],
        },
        "ethics": {"answers": {item: {"status": "done"} for item in DEFAULT_ITEMS}},
        "monitoring": {
            "signals": ["data-drift", "concept-drift", "data-quality", "latency"],
            "dashboard": "https://dash.example.org",
        },
        "history": [{"date": "2021-01-01", "event": "start", "level": level}],
    }
    card.update(overrides)
    return card


def history(*events: tuple[str, str, int] | tuple[str, str, int, str]) -> list[dict[str, Any]]:
    """History entries from (date, event, level[, switchback]) tuples."""
    out = []
    for event in events:
        entry: dict[str, Any] = {"date": event[0], "event": event[1], "level": event[2]}
        if len(event) == 4:
            entry["switchback"] = event[3]
        out.append(entry)
    return out


def climbed(level: int, start: int = 0) -> list[dict[str, Any]]:
    """A history that starts at ``start`` and graduates one level a month up to ``level``."""
    events: list[tuple[str, str, int]] = [("2020-01-01", "start", start)]
    events += [(f"2020-{n - start + 1:02d}-01", "graduate", n) for n in range(start + 1, level + 1)]
    return history(*events)


class _NoAliases(yaml.SafeDumper):
    """Writes shared values out in full: cards may not hold anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_for_yaml_12(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    """PyYAML writes YAML 1.1, where `08` is text; cards are read as YAML 1.2, where it is a
    number. Quote every string that YAML 1.2 would read as something else."""
    if any(c in value for c in "\x85\u2028\u2029"):  # YAML 1.1 line breaks: written as escapes
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    try:
        style = '"' if not isinstance(resolve_plain(value), str) else None
    except NotFinite:  # ".nan", "1e999": numbers a card may not hold, so text here
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_NoAliases.add_representer(str, _str_for_yaml_12)


def dump(card: dict[str, Any]) -> str:
    return yaml.dump(card, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=1000)


def write(folder: Path, card: dict[str, Any], name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{card['id']}.yaml")
    path.write_text(dump(card), encoding="utf-8")
    return path


def without(card: dict[str, Any], *path: str | int) -> dict[str, Any]:
    """A deep copy of ``card`` with the value at ``path`` removed."""
    card = copy.deepcopy(card)
    node: Any = card
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return card


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")
