"""An imported card as the YAML text of a card file, checked as ``mltrl validate`` checks it."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..core.findings import Finding, Severity
from ..core.gates.gate_set import GateMode
from ..core.portfolio import load_portfolio
from ..core.yaml_scalars import NotFinite, resolve_plain

#: libyaml's emitter where PyYAML has it (the same text, about three times as fast), else PyYAML's.
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _CardDumper(_SafeDumper):  # type: ignore[misc,valid-type]
    """PyYAML's safe dumper without anchors and aliases, which card files refuse."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _read_back_as_written(value: str) -> bool:
    """Whether a YAML 1.2 reader (mltrl's) reads ``value`` unquoted as that same text. PyYAML
    writes for YAML 1.1 and would leave e.g. ``0o17`` unquoted, which YAML 1.2 reads as 15."""
    try:
        return resolve_plain(value) == value if value else False
    except NotFinite:
        return False


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(c in value for c in "\x85\u2028\u2029"):  # line breaks to YAML 1.1 only: written as escapes
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    style = None if _read_back_as_written(value.strip()) else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CardDumper.add_representer(str, _text)


def dump_yaml(data: Any) -> str:
    """YAML text that YAML 1.1 and 1.2 readers read alike, without anchors or aliases."""
    return yaml.dump(data, Dumper=_CardDumper, sort_keys=False, allow_unicode=True, width=100)


def dump_card(card: Mapping[str, Any], schema_hint: str | None = None) -> str:
    """The YAML text of a card file: keys in the given order, multi-line text as literal blocks, no
    aliases, and an editor hint naming ``schema_hint`` on the first line."""
    text = dump_yaml(dict(card))
    head = f"# yaml-language-server: $schema={schema_hint}\n" if schema_hint else ""
    return head + text


def check_card_text(text: str, shown_as: str, card_id: str) -> list[Finding]:
    """The findings ``mltrl validate`` reports for ``text`` as a card file on its own (shown as
    ``shown_as``): the schema, the rules and the gates of its level."""
    with tempfile.TemporaryDirectory(prefix="mltrl-import-") as folder:
        path = Path(folder) / f"{card_id}.yaml"
        path.write_text(text, encoding="utf-8")
        portfolio, findings = load_portfolio([path], gates=GateMode.WARN, base=Path(folder))
    if portfolio is None:  # pragma: no cover - the shipped checklist and gates always load
        raise RuntimeError("the shipped checklist or gates did not load")
    return [dataclasses.replace(f, file=shown_as) for f in findings]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]
