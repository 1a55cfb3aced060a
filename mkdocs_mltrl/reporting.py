"""Findings as text, JSON or GitHub Actions annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .findings import Finding, Severity, count


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(cards: int, findings: Sequence[Finding]) -> str:
    """``12 cards, 0 errors, 3 warnings`` (and infos when there are any)."""
    parts = [
        _plural(cards, "card"),
        _plural(count(findings, Severity.ERROR), "error"),
        _plural(count(findings, Severity.WARNING), "warning"),
    ]
    infos = count(findings, Severity.INFO)
    if infos:
        parts.append(f"{infos} info")
    return ", ".join(parts)


def as_text(cards: int, findings: Sequence[Finding]) -> str:
    lines = [f.format() for f in findings]
    lines.append(summary_line(cards, findings))
    return "\n".join(lines) + "\n"


def as_json(cards: int, findings: Sequence[Finding], ok: bool) -> str:
    document = {
        "ok": ok,
        "cards": cards,
        "errors": count(findings, Severity.ERROR),
        "warnings": count(findings, Severity.WARNING),
        "infos": count(findings, Severity.INFO),
        "findings": [f.as_dict() for f in findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def as_github(cards: int, findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: each finding annotates its file and line in a pull request."""
    lines = [
        f"::{_GITHUB_LEVEL[f.severity]} file={_escape_property(f.file)},line={f.line},col={f.column},"
        f"title={_escape_property(f.code)}::{_escape_data(f.code + ' ' + f.message)}"
        for f in findings
    ]
    lines.append(summary_line(cards, findings))
    return "\n".join(lines) + "\n"
