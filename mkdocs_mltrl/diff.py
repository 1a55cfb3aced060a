"""`mltrl diff`: what a change to the cards does, between two git revisions, for a PR comment."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checklist import Checklist
from .gates import GateMode
from .model import Card, requirement_sort_key
from .portfolio import CARD_SUFFIXES, CardFile, Portfolio, build_portfolio, discover

WORKING_TREE = "working tree"

#: How a status the card leaves out is written (never as a default value).
NOT_STATED = "not stated"


class GitError(Exception):
    """git could not answer (not a repository, unknown revision, git missing)."""


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


def repo_root(start: Path) -> Path:
    return Path(_git(start, "rev-parse", "--show-toplevel").decode().strip())


def files_at(repo: Path, revision: str, folder: str) -> list[CardFile]:
    """The card files under ``folder`` (relative to the repository root) at a revision."""
    _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    listing = _git(repo, "ls-tree", "-r", "-z", "--name-only", revision, "--", folder or ".")
    names = sorted(n for n in listing.decode("utf-8", "surrogateescape").split("\0") if n.endswith(CARD_SUFFIXES))
    names = [n for n in names if not any(part.startswith(".") for part in n.split("/"))]
    if not names:
        return []
    batch = _git(repo, "cat-file", "--batch", stdin="".join(f"{revision}:{n}\n" for n in names).encode())
    out, offset = [], 0
    for name in names:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        start = header_end + 1
        out.append(CardFile(repo / name, name, batch[start : start + size]))
        offset = start + size + 1
    return out


def working_files(repo: Path, folder: str) -> list[CardFile]:
    path = repo / folder
    if not path.is_dir():
        return []
    return [CardFile(f.path, Path(os.path.relpath(f.path.absolute(), repo)).as_posix()) for f in discover([path])]


@dataclass
class CardChange:
    card: Card
    before: Card
    renamed_from: str | None = None
    lines: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


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


def _compare(before: Card, after: Card, base: Portfolio, head: Portfolio, renamed_from: str | None) -> CardChange:
    change = CardChange(after, before, renamed_from)
    lines, data = change.lines, change.data
    if before.level != after.level:
        known = {(e.date, e.event, e.level) for e in before.history}
        new_events = [e for e in after.history if (e.date, e.event, e.level) not in known]
        kind = "graduated" if after.level > before.level else "switched back"
        switchbacks = [e.switchback for e in new_events if e.event == "switchback" and e.switchback]
        detail = f" ({', '.join(switchbacks)} switchback)" if switchbacks and after.level < before.level else ""
        lines.append(f"Level {before.level} → {after.level}: {kind}{detail}, now *{md(after.level_info.name)}*")
        data["level"] = {"before": before.level, "after": after.level, "change": kind, "switchbacks": switchbacks}
    if before.status != after.status:
        lines.append(f"Status {before.status} → {after.status}")
        data["status"] = {"before": before.status, "after": after.status}
    old_reqs = {r.id: r for r in before.requirements}
    req_changes = []
    for req in sorted(after.requirements, key=lambda r: requirement_sort_key(r.id)):
        old = old_reqs.get(req.id)
        if old is None:
            req_changes.append({"id": req.id, "before": None, "after": req.status})
            lines.append(f"Requirement {md(req.id)} added ({req.status or NOT_STATED})")
        elif old.status != req.status:
            req_changes.append({"id": req.id, "before": old.status, "after": req.status})
            lines.append(f"Requirement {md(req.id)}: {old.status or NOT_STATED} → {req.status or NOT_STATED}")
    for req_id in sorted(set(old_reqs) - {r.id for r in after.requirements}, key=requirement_sort_key):
        req_changes.append({"id": req_id, "before": old_reqs[req_id].status, "after": None})
        lines.append(f"Requirement {md(req_id)} removed")
    if req_changes:
        data["requirements"] = req_changes
    risk_changes = []
    old_risks = {r.id: r for r in before.risks}
    for risk in after.risks:
        old_risk = old_risks.get(risk.id)
        if old_risk is None:
            risk_changes.append(
                {"id": risk.id, "title": risk.title, "before": None, "after": risk.score, "status": risk.status}
            )
            lines.append(
                f"New risk {md(risk.id)} “{md(risk.title)}”: score {risk.score:.2f} ({risk.status or NOT_STATED})"
            )
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
            lines.append(
                f"Risk {md(risk.id)}: score {old_risk.score:.2f} → {risk.score:.2f}"
                + (
                    f", {old_risk.status or NOT_STATED} → {risk.status or NOT_STATED}"
                    if old_risk.status != risk.status
                    else ""
                )
            )
    for req in after.requirements:
        old_req = old_reqs.get(req.id)
        if req.risk and old_req and old_req.risk and old_req.risk.score != req.risk.score:
            risk_changes.append(
                {"id": f"R{req.id}", "title": req.text, "before": old_req.risk.score, "after": req.risk.score}
            )
            lines.append(f"Requirement {md(req.id)} risk: score {old_req.risk.score:.2f} → {req.risk.score:.2f}")
    if risk_changes:
        data["risks"] = risk_changes
    ethics = []
    for item in sorted(set(before.ethics) | set(after.ethics)):
        was = before.ethics[item].status if item in before.ethics else None
        now = after.ethics[item].status if item in after.ethics else None
        if was != now:
            ethics.append({"item": item, "before": was, "after": now})
            lines.append(f"Ethics `{item}`: {was or 'unanswered'} → {now or 'unanswered'}")
    if ethics:
        data["ethics"] = ethics
    gates_before, gates_after = _gate_text(base, before), _gate_text(head, after)
    if gates_before != gates_after:
        lines.append(f"Gates: {gates_before} → {gates_after}")
    data["gates"] = {
        "before": [g.code for g in base.gates[before.id].missing],
        "after": [g.code for g in head.gates[after.id].missing],
    }
    return change


def compare(base: Portfolio, head: Portfolio, base_name: str, head_name: str) -> PortfolioDiff:
    head_by_id = {c.id.lower(): c for c in head.cards}
    head_by_alias = {a.lower(): c for c in head.cards for a in c.aliases}
    matched: set[str] = set()
    changed, removed = [], []
    for old in base.cards:
        new = head_by_id.get(old.id.lower())
        renamed_from = None
        if new is None and old.id.lower() in head_by_alias:
            new, renamed_from = head_by_alias[old.id.lower()], old.id
        if new is None:
            removed.append(old)
            continue
        matched.add(new.id.lower())
        change = _compare(old, new, base, head, renamed_from)
        if change.lines or renamed_from or old.source_text != new.source_text:
            changed.append(change)
    added = [c for c in head.cards if c.id.lower() not in matched]
    return PortfolioDiff(base_name, head_name, added, removed, changed, len(base.errors), len(head.errors), head, base)


def diff_revisions(start: Path, cards_dir: Path, base: str, head: str | None, checklist: Checklist) -> PortfolioDiff:
    repo = repo_root(start)
    folder = Path(os.path.relpath(cards_dir.resolve(), repo.resolve())).as_posix()
    if folder == ".":
        folder = ""
    base_files = files_at(repo, base, folder)
    head_files = files_at(repo, head, folder) if head else working_files(repo, folder)
    base_portfolio = build_portfolio(base_files, checklist, GateMode.WARN)
    head_portfolio = build_portfolio(head_files, checklist, GateMode.WARN)
    return compare(base_portfolio, head_portfolio, base, head or WORKING_TREE)


def _card_line(card: Card, portfolio: Portfolio) -> str:
    return (
        f"**{md(card.id)}** {md(card.name)}: level {card.level} ({md(card.level_info.name)}), "
        f"gates {_gate_text(portfolio, card)}"
    )


def as_markdown(result: PortfolioDiff) -> str:
    out = ["## TRL Card changes", ""]
    modified = [c for c in result.changed if not c.renamed_from]
    out.append(
        f"{len(modified)} changed, {len(result.added)} added, {len(result.removed)} removed, "
        f"{len(result.renamed)} renamed (`{md(result.base)}` → `{md(result.head)}`)"
    )
    if not (result.changed or result.added or result.removed):
        out += ["", "No card changed."]
    if result.head_errors:
        out += ["", f"⚠️ {result.head_errors} error(s) in the cards at `{md(result.head)}`: run `mltrl validate`."]
    if result.added:
        out += ["", "### Added", ""] + [f"- {_card_line(c, result.head_portfolio)}" for c in result.added]
    if result.removed:
        out += ["", "### Removed", ""] + [f"- {_card_line(c, result.base_portfolio)}" for c in result.removed]
    if result.renamed:
        out += ["", "### Renamed", ""] + [
            f"- `{md(c.renamed_from or '')}` → **{md(c.card.id)}** {md(c.card.name)}" for c in result.renamed
        ]
    for change in result.changed:
        if not change.lines:
            continue
        out += ["", f"### {md(change.card.id)}: {md(change.card.name)}", ""]
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
        "added": [brief(c, result.head_portfolio) for c in result.added],
        "removed": [brief(c, result.base_portfolio) for c in result.removed],
        "renamed": [{"from": c.renamed_from, "to": c.card.id} for c in result.renamed],
        "changed": [{"id": c.card.id, "name": c.card.name, **c.data} for c in result.changed],
        "errors": {"base": result.base_errors, "head": result.head_errors},
    }
