"""`mltrl diff`: what a change to the cards does, between two git revisions, for a PR comment."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .card import Card
from .card_files import CardFile
from .card_parts import requirement_sort_key
from .changes import FieldChange, change_markdown, code, diff_data
from .checklist import Checklist
from .findings import Finding, Severity
from .gates.gate_set import GateMode, GateSet
from .git_files import files_at, repo_root, working_files
from .portfolio import Portfolio, build_portfolio, read_card
from .printable import one_line
from .yaml_errors import LoadError
from .yaml_files import decode
from .yaml_loader import parse_text

WORKING_TREE = "working tree"

#: How a status the card leaves out is written (never as a default value).
NOT_STATED = "not stated"

#: Field lines shown per card in the Markdown; the JSON holds every one.
MAX_FIELD_LINES = 60
#: Fields reported in the card's headline instead of as field changes.
_HEADLINE_FIELDS = ("level", "status")


@dataclass
class CardChange:
    card: Card
    before: Card
    renamed_from: str | None = None
    lines: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    fields: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Unloaded:
    """A card file that does not load: its errors, and the card it held at BASE if any."""

    file: str
    was: Card | None
    findings: list[Finding]


def unloaded_files(portfolio: Portfolio) -> dict[str, list[Finding]]:
    """The files of a portfolio that did not load, with their errors."""
    loaded = {card.file for card in portfolio.cards}
    out: dict[str, list[Finding]] = {}
    for finding in portfolio.findings:
        if finding.severity is Severity.ERROR and finding.file not in loaded:
            out.setdefault(finding.file, []).append(finding)
    return out


def _broken_file(card: Card, portfolio: Portfolio, broken: dict[str, list[Finding]]) -> str | None:
    """The file of ``portfolio`` that did not load and held ``card``: its own file, or one that
    claims its id."""
    for file in (card.file, portfolio.broken.get(card.id.lower())):
        if file is not None and file in broken:
            return file
    return None


@dataclass
class PortfolioDiff:
    base: str
    head: str
    added: list[Card]
    removed: list[Card]
    changed: list[CardChange]
    base_errors: int
    head_errors: int
    head_portfolio: Portfolio
    base_portfolio: Portfolio
    #: Files at HEAD that do not load (a card there was not removed: it is broken).
    unloadable: list[Unloaded] = field(default_factory=list)
    #: Ids of the added cards whose file did not load at BASE.
    loads_again: set[str] = field(default_factory=set)

    @property
    def renamed(self) -> list[CardChange]:
        return [c for c in self.changed if c.renamed_from]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~@])")


def md(text: str) -> str:
    """Inert Markdown text for a pull-request comment: one line, special characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _gate_text(portfolio: Portfolio, card: Card) -> str:
    report = portfolio.gates[card.id]
    return "met" if report.passed else f"{len(report.missing)} missing ({', '.join(g.code for g in report.missing)})"


def card_data(card_file: CardFile) -> tuple[str, Any] | None:
    """The display name and loaded data of a card file, or None when it does not load."""
    try:
        return card_file.display, parse_text(decode(read_card(card_file)), positions=False).data
    except LoadError:
        return None


def _data_of(card: Card, known: dict[str, Any]) -> Any:
    if card.file in known:
        return known[card.file]
    try:
        return parse_text(card.source_text, positions=False).data if card.source_text else {}
    except LoadError:
        return {}


def _system_change(before: Card, after: Card, base: Portfolio, head: Portfolio) -> dict[str, Any] | None:
    old, new = base.system.get(before.id), head.system.get(after.id)
    if old is None or new is None or old.level == new.level:
        return None
    return {"before": old.level, "after": new.level, "limited_by": new.limited_by}


def _compare(
    before: Card,
    after: Card,
    base: Portfolio,
    head: Portfolio,
    renamed_from: str | None,
    old_data: Any = None,
    new_data: Any = None,
) -> CardChange:
    change = CardChange(after, before, renamed_from)
    lines, data = change.lines, change.data
    if before.level != after.level:
        known = {(e.date, e.event, e.level) for e in before.history}
        new_events = [e for e in after.history if (e.date, e.event, e.level) not in known]
        kind = "graduated" if after.level > before.level else "switched back"
        switchbacks = [e.switchback for e in new_events if e.event == "switchback" and e.switchback]
        detail = f" ({', '.join(switchbacks)} switchback)" if switchbacks and after.level < before.level else ""
        lines.append(f"**Level {before.level} → {after.level}**: {kind}{detail}, now *{md(after.level_info.name)}*")
        data["level"] = {"before": before.level, "after": after.level, "change": kind, "switchbacks": switchbacks}
    system = _system_change(before, after, base, head)
    if system:
        data["system_level"] = system
        if (system["before"], system["after"]) != (before.level, after.level) or system["limited_by"]:
            limited = f", limited by {code(system['limited_by'])}" if system["limited_by"] else ""
            lines.append(f"**System level {system['before']} → {system['after']}**{limited}")
    if before.status != after.status:
        lines.append(f"Status {code(before.status or NOT_STATED)} → {code(after.status or NOT_STATED)}")
        data["status"] = {"before": before.status, "after": after.status}
    gates_before, gates_after = _gate_text(base, before), _gate_text(head, after)
    if gates_before != gates_after:
        lines.append(f"Gates: {gates_before} → {gates_after}")
    data["gates"] = {
        "before": [g.code for g in base.gates[before.id].missing],
        "after": [g.code for g in head.gates[after.id].missing],
    }
    _requirement_and_risk_summary(before, after, change)
    if old_data is not None and new_data is not None:
        change.fields = [
            c for c in diff_data(old_data, new_data) if not (len(c.path) == 1 and c.path[0] in _HEADLINE_FIELDS)
        ]
    data["fields"] = [c.as_dict() for c in change.fields]
    shown = [change_markdown(c) for c in change.fields[:MAX_FIELD_LINES]]
    if len(change.fields) > MAX_FIELD_LINES:
        shown.append(f"… and {len(change.fields) - MAX_FIELD_LINES} more fields (`mltrl diff --format json`)")
    lines.extend(shown)
    return change


def _requirement_and_risk_summary(before: Card, after: Card, change: CardChange) -> None:
    """Requirement statuses, risk scores and ethics answers, as data for scripts; risk scores also
    as lines, since a score is computed rather than written in the card."""
    data, lines = change.data, change.lines
    old_reqs = {r.id: r for r in before.requirements}
    req_changes: list[dict[str, Any]] = []
    for req in sorted(after.requirements, key=lambda r: requirement_sort_key(r.id)):
        old = old_reqs.get(req.id)
        if old is None or old.status != req.status:
            req_changes.append({"id": req.id, "before": old.status if old else None, "after": req.status})
    for req_id in sorted(set(old_reqs) - {r.id for r in after.requirements}, key=requirement_sort_key):
        req_changes.append({"id": req_id, "before": old_reqs[req_id].status, "after": None})
    if req_changes:
        data["requirements"] = req_changes
    risk_changes: list[dict[str, Any]] = []
    old_risks = {r.id: r for r in before.risks}
    for risk in after.risks:
        old_risk = old_risks.get(risk.id)
        if old_risk is None:
            risk_changes.append(
                {"id": risk.id, "title": risk.title, "before": None, "after": risk.score, "status": risk.status}
            )
            lines.append(f"Risk {code(risk.id)}: new, score {risk.score:.2f}")
        elif (old_risk.score, old_risk.status) != (risk.score, risk.status):
            risk_changes.append(
                {
                    "id": risk.id,
                    "title": risk.title,
                    "before": old_risk.score,
                    "after": risk.score,
                    "status": risk.status,
                }
            )
            if old_risk.score != risk.score:
                lines.append(f"Risk {code(risk.id)}: score {old_risk.score:.2f} → {risk.score:.2f}")
    for req in after.requirements:
        old_req = old_reqs.get(req.id)
        if req.risk and old_req and old_req.risk and old_req.risk.score != req.risk.score:
            risk_changes.append(
                {"id": f"R{req.id}", "title": req.text, "before": old_req.risk.score, "after": req.risk.score}
            )
            lines.append(f"Requirement {code(req.id)} risk: score {old_req.risk.score:.2f} → {req.risk.score:.2f}")
    if risk_changes:
        data["risks"] = risk_changes
    ethics = []
    for item in sorted(set(before.ethics) | set(after.ethics)):
        was = before.ethics[item].status if item in before.ethics else None
        now = after.ethics[item].status if item in after.ethics else None
        if was != now:
            ethics.append({"item": item, "before": was, "after": now})
    if ethics:
        data["ethics"] = ethics


def compare(
    base: Portfolio,
    head: Portfolio,
    base_name: str,
    head_name: str,
    base_data: dict[str, Any] | None = None,
    head_data: dict[str, Any] | None = None,
) -> PortfolioDiff:
    """The differences between two portfolios; ``*_data`` map card files to their loaded data."""
    head_by_id = {c.id.lower(): c for c in head.cards}
    head_by_alias = {a.lower(): c for c in head.cards for a in c.aliases}
    matched: set[str] = set()
    changed, removed = [], []
    broken_head, was = unloaded_files(head), dict[str, Card]()
    for old in base.cards:
        new = head_by_id.get(old.id.lower())
        renamed_from = None
        if new is None and old.id.lower() in head_by_alias:
            new, renamed_from = head_by_alias[old.id.lower()], old.id
        if new is None:
            broken = _broken_file(old, head, broken_head)
            if broken is None:
                removed.append(old)
            else:  # still there, but it does not load
                was.setdefault(broken, old)
            continue
        matched.add(new.id.lower())
        if old.source_text == new.source_text and not renamed_from and old.source_text:
            continue
        change = _compare(
            old, new, base, head, renamed_from, _data_of(old, base_data or {}), _data_of(new, head_data or {})
        )
        if change.lines or renamed_from or old.source_text != new.source_text:
            if not change.lines and not renamed_from:
                change.lines.append("Only comments or layout changed: the card's data is the same.")
            changed.append(change)
    added = [c for c in head.cards if c.id.lower() not in matched]
    broken_base = unloaded_files(base)
    again = {c.id for c in added if _broken_file(c, base, broken_base) is not None}
    unloadable = [Unloaded(file, was.get(file), found) for file, found in sorted(broken_head.items())]
    errors = (len(base.errors), len(head.errors))
    return PortfolioDiff(base_name, head_name, added, removed, changed, *errors, head, base, unloadable, again)


def diff_revisions(
    start: Path, cards_dir: Path, base: str, head: str | None, checklist: Checklist, gateset: GateSet | None = None
) -> PortfolioDiff:
    repo = repo_root(start)
    folder = Path(os.path.relpath(cards_dir.resolve(), repo.resolve())).as_posix()
    if folder == ".":
        folder = ""
    base_files = files_at(repo, base, folder)
    head_files = files_at(repo, head, folder) if head else working_files(repo, folder)
    base_portfolio = build_portfolio(base_files, checklist, GateMode.WARN, gateset=gateset)
    head_portfolio = build_portfolio(head_files, checklist, GateMode.WARN, gateset=gateset)
    base_data = dict(found for f in base_files if (found := card_data(f)) is not None)
    head_data = dict(found for f in head_files if (found := card_data(f)) is not None)
    return compare(base_portfolio, head_portfolio, base, head or WORKING_TREE, base_data, head_data)


def _card_line(card: Card, portfolio: Portfolio) -> str:
    return (
        f"**{code(card.id)}** {code(card.name)}: level {card.level} ({md(card.level_info.name)}), "
        f"gates {_gate_text(portfolio, card)}"
    )


def _unloaded_line(unloaded: Unloaded, result: PortfolioDiff) -> str:
    first = unloaded.findings[0]
    was = f" (was **{code(unloaded.was.id)}** at {code(result.base)})" if unloaded.was else ""
    more = len(unloaded.findings) - 1
    rest = f"; and {more} more (`mltrl validate`)" if more else ""
    where = f"line {first.line}, column {first.column}"
    name = code(one_line(unloaded.file))  # a newline in a name shown as one, not as a space
    return f"{name}{was}: {code(first.code)} at {where}: {code(first.message)}{rest}"


def as_markdown(result: PortfolioDiff) -> str:
    """The comment: card text only ever inside code spans, so it cannot add markup, HTML, images,
    mentions or references, nor break the layout."""
    out = ["## TRL Card changes", ""]
    modified = [c for c in result.changed if not c.renamed_from]
    out.append(
        f"{len(modified)} changed, {len(result.added)} added, {len(result.removed)} removed, "
        f"{len(result.renamed)} renamed"
        + (f", {len(result.unloadable)} not loading" if result.unloadable else "")
        + f" ({code(result.base)} → {code(result.head)})"
    )
    if not (result.changed or result.added or result.removed or result.unloadable):
        out += ["", "No card changed."]
    if result.head_errors:
        out += ["", f"⚠️ {result.head_errors} error(s) in the cards at {code(result.head)}: run `mltrl validate`."]
    if result.unloadable:
        out += ["", "### Does not load", ""] + [f"- {_unloaded_line(u, result)}" for u in result.unloadable]
    if result.added:
        out += ["", "### Added", ""] + [
            f"- {_card_line(c, result.head_portfolio)}"
            + (f"; did not load at {code(result.base)}" if c.id in result.loads_again else "")
            for c in result.added
        ]
    if result.removed:
        out += ["", "### Removed", ""] + [f"- {_card_line(c, result.base_portfolio)}" for c in result.removed]
    if result.renamed:
        out += ["", "### Renamed", ""] + [
            f"- {code(c.renamed_from or '')} → **{code(c.card.id)}** {code(c.card.name)}" for c in result.renamed
        ]
    for change in result.changed:
        if not change.lines:
            continue
        out += ["", f"### {code(change.card.id)} {code(change.card.name)}", ""]
        out += [f"- {line}" for line in change.lines]
    return "\n".join(out) + "\n"


def as_data(result: PortfolioDiff) -> dict[str, Any]:
    def brief(card: Card, portfolio: Portfolio) -> dict[str, Any]:
        report = portfolio.gates[card.id]
        return {
            "id": card.id,
            "name": card.name,
            "level": card.level,
            "gates_missing": [g.code for g in report.missing],
        }

    return {
        "base": result.base,
        "head": result.head,
        "added": [
            {**brief(c, result.head_portfolio), **({"loaded_at_base": False} if c.id in result.loads_again else {})}
            for c in result.added
        ],
        "does_not_load": [
            {"file": u.file, "was": u.was.id if u.was else None, "findings": [f.as_dict() for f in u.findings]}
            for u in result.unloadable
        ],
        "removed": [brief(c, result.base_portfolio) for c in result.removed],
        "renamed": [{"from": c.renamed_from, "to": c.card.id} for c in result.renamed],
        "changed": [{"id": c.card.id, "name": c.card.name, **c.data} for c in result.changed],
        "errors": {"base": result.base_errors, "head": result.head_errors},
    }
