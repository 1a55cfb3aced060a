"""Findings as text, JSON or GitHub Actions annotations, and writing any of them out.

Every output is valid Unicode whatever a file's name holds (see :mod:`..core.printable`), and
JSON is pure ASCII when standard output cannot take UTF-8, so it always parses."""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Sequence
from typing import Any

from ..core.analytics import PortfolioReport
from ..core.findings import Finding, Severity, count
from ..core.portfolio import Portfolio
from ..core.printable import valid_data, valid_text
from ..core.programme import AsOf


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


def _utf8_out() -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def json_text(data: Any) -> str:
    """A JSON document for standard output: every string valid Unicode, and only ASCII when
    standard output is not UTF-8."""
    return json.dumps(valid_data(data), indent=2, ensure_ascii=not _utf8_out()) + "\n"


def json_failure(message: object) -> str:
    """What a ``--format json`` command prints when it cannot run: still a JSON document."""
    return json_text({"ok": False, "error": str(message)})


def as_json(cards: int, findings: Sequence[Finding], ok: bool) -> str:
    document = {
        "ok": ok,
        "cards": cards,
        "errors": count(findings, Severity.ERROR),
        "warnings": count(findings, Severity.WARNING),
        "infos": count(findings, Severity.INFO),
        "findings": [f.as_dict() for f in findings],
    }
    return json_text(document)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def as_github(cards: int, findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: each finding annotates its file and line in a pull request."""
    lines = [
        f"::{_GITHUB_LEVEL[f.severity]} file={_escape_property(valid_text(f.file))},line={f.line},col={f.column},"
        f"title={_escape_property(f.code)}::{_escape_data(f.code + ' ' + valid_text(f.message))}"
        for f in findings
    ]
    lines.append(summary_line(cards, findings))
    return "\n".join(lines) + "\n"


def _or_none(lines: list[str]) -> list[str]:
    return lines or ["  none"]


def portfolio_text(report: PortfolioReport) -> str:
    """The portfolio figures for people: the same as the portfolio page, as plain text."""
    lines = [f"{_plural(report.cards, 'card')} as of {report.today.isoformat()}", "", "Cards per level:"]
    lines += [f"  {level}: {n}" for level, n in enumerate(report.per_level)]
    lines += ["", "Cards per stage:", *(f"  {stage}: {n}" for stage, n in report.per_stage.items())]
    lines += ["", "Days in each level (spans, median, range):"]
    for t in report.time_in_level:
        spread = f"{_plural(t.spans, 'span')}, median {t.median:g}, {t.minimum}-{t.maximum}" if t.spans else "no spans"
        lines.append(f"  {t.level}: {spread}")
    lines += ["", "Switchbacks by type:", *(f"  {kind}: {n}" for kind, n in report.switchbacks_by_type.items())]
    lines += ["Switchbacks by levels:"]
    lines += _or_none([f"  {a} -> {b}: {n}" for (a, b), n in sorted(report.switchbacks_by_pair.items())])
    lines += ["", f"Stale (no review in {report.stale_after_days} days):"]
    lines += _or_none(
        [
            f"  {s.card.id}: {s.last_review or 'no history'}" + (f" ({s.days} days)" if s.days is not None else "")
            for s in report.stale
        ]
    )
    lines += ["", "Gates not met:"]
    lines += _or_none([f"  {c.id} (level {c.level}): {', '.join(codes)}" for c, codes in report.gates_unmet])
    lines += ["", "System levels below the card's level, or not known:"]
    lines += _or_none(
        [
            f"  {c.id} (level {c.level}): {'at most ' if unknown else ''}{lvl}"
            + (f", limited by {by}" if by else "")
            + (f"; {', '.join(unknown)} unknown" if unknown else "")
            for c, lvl, by, unknown in report.system_limited
        ]
    )
    lines += ["", "Paused: " + (", ".join(c.id for c in report.paused) or "none")]
    lines += ["Retired: " + (", ".join(c.id for c in report.retired) or "none")]
    for title, active in (("Active waivers:", True), ("Expired waivers:", False)):
        lines += ["", title]
        lines += _or_none(
            [
                f"  {c.id} {w.waiver.gate}: until {w.waiver.expires}, approved by {w.waiver.approved_by}"
                + ("" if w.needed else " (the gate is met or not asked)")
                for c, w in report.waivers
                if w.gate is not None and w.active is active
            ]
        )
    lines += ["", "Overdue targets:"]
    lines += _or_none([f"  {c.id}: level {t.level} by {t.date}, {t.label}" for c, t in report.overdue])
    lines += ["Other targets:"]
    lines += _or_none(
        [f"  {c.id}: level {t.level} by {t.date}, {t.label}" for c, t in report.targets if t.state != "overdue"]
    )
    lines += ["", "Days from entering a level to graduating from it (graduations, median, range):"]
    for d in report.durations:
        spread = (
            f"{_plural(d.graduations, 'graduation')}, median {d.median:g}, {d.minimum}-{d.maximum}"
            if d.graduations
            else "no graduations"
        )
        lines.append(f"  {d.level}: {spread}")
    lines += ["", "What lifts each system (limiting components, lowest first; the first one's missing gates):"]
    lines += _or_none(
        [
            f"  {card_id}: {', '.join(f'{c.name} ({c.level})' for c in lift.limiting)}; "
            + (
                f"{lift.first.name} to level {lift.first.level + 1}: {', '.join(g.code for g in lift.next_gates) or 'nothing missing'}"
                if lift.first.card is not None
                else f"{lift.first.name} is external"
            )
            for card_id, lift in report.lifts.items()
        ]
    )
    return "\n".join(lines) + "\n"


def as_of_text(snapshot: AsOf, portfolio: Portfolio) -> str:
    """The portfolio as it stood on a date, as plain text."""
    lines = [f"{_plural(len(snapshot.standing), 'card')} as of {snapshot.day.isoformat()}", "", "Cards per level:"]
    lines += [f"  {level}: {n}" for level, n in enumerate(snapshot.per_level)]
    lines += ["", "Cards per stage:", *(f"  {st}: {n}" for st, n in snapshot.per_stage(portfolio).items())]
    lines += ["", "Levels:"]
    lines += _or_none(
        [
            f"  {c.id}: {level}" + ("" if status == "active" else f" ({status})")
            for c, level, status in snapshot.standing
        ]
    )
    lines += ["", "Not started yet: " + (", ".join(c.id for c in snapshot.not_started) or "none")]
    lines += ["Without history: " + (", ".join(c.id for c in snapshot.no_history) or "none")]
    return "\n".join(lines) + "\n"
