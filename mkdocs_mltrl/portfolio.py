"""All cards together: discovery, cached loading, cross-card rules, system levels and gates."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .checklist import Checklist, load_checklist
from .findings import Finding, Severity, sort_findings
from .gates import GateMode, GateReport, evaluate_gates, gate_findings
from .levels import DEFAULT_LEVELS, LevelTable
from .model import Card, card_from_data
from .rules import RuleContext, SystemLevel, run_rules
from .schema_check import check, is_valid_fast
from .yaml_loader import LoadError, as_mapping, check_size, decode, parse_text, read_limited

CARD_SUFFIXES = (".yaml", ".yml")
IO_CODE = "IO001"  # a card file that may not be read (a link out of the cards folder)


class CardPathError(Exception):
    """A path given to look for cards does not exist (a usage problem, not a card problem)."""


@dataclass(frozen=True, slots=True)
class CardFile:
    """A card to load: a file on disk, or ``content`` read elsewhere (e.g. from a git revision)."""

    path: Path
    display: str
    content: bytes | None = None


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as people expect to read it: as given, or relative to ``base`` when inside it."""
    if not path.is_absolute():
        return path.as_posix()
    base = (base or Path.cwd()).absolute()
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else path.as_posix()


def discover(paths: Sequence[Path], base: Path | None = None) -> list[CardFile]:
    """Card files under the given files and folders, sorted, without repeats.

    Hidden files and folders are skipped. Symbolic links are listed like other files; the loader
    refuses those that point outside the folder being searched.
    """
    found: dict[Path, CardFile] = {}
    for root in paths:
        if root.is_file():
            found.setdefault(root.absolute(), CardFile(root, display_path(root, base)))
            continue
        if not root.is_dir():
            raise CardPathError(f"no such file or folder: {root}")
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.endswith(CARD_SUFFIXES):
                    continue
                path = Path(folder) / name
                found.setdefault(path.absolute(), CardFile(path, display_path(path, base)))
    return sorted(found.values(), key=lambda f: f.display)


@dataclass
class _Parsed:
    card: Card | None
    findings: list[Finding]


class CardCache:
    """Parsed and schema-checked cards by content hash, kept across rebuilds."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Parsed] = {}

    def get(self, key: tuple[str, str]) -> _Parsed | None:
        return self._entries.get(key)

    def put(self, key: tuple[str, str], value: _Parsed) -> None:
        self._entries[key] = value

    def retain(self, keys: set[tuple[str, str]]) -> None:
        """Forget entries of files that no longer exist or changed."""
        self._entries = {k: v for k, v in self._entries.items() if k in keys}


def _outside(path: Path, roots: Iterable[Path]) -> bool:
    real = path.resolve()
    return not any(real.is_relative_to(root.resolve()) for root in roots)


def _parse_card(display: str, raw: bytes, levels: LevelTable) -> _Parsed:
    try:
        text = decode(raw)
        document = parse_text(text, positions=False)  # positions come lazily, when a finding needs them
        as_mapping(document)
    except LoadError as exc:
        return _Parsed(None, [exc.finding(display)])
    if not is_valid_fast(document.data):
        document = parse_text(text)  # invalid: every message needs its position
        findings = check(document, display, fast=False)
        if findings:
            return _Parsed(None, findings)
    return _Parsed(card_from_data(document.data, display, document.positions, document.text, levels), [])


@dataclass
class Portfolio:
    cards: list[Card]
    findings: list[Finding]
    checklist: Checklist
    files: int
    gates: dict[str, GateReport] = field(default_factory=dict)
    system: dict[str, SystemLevel] = field(default_factory=dict)
    levels: LevelTable = DEFAULT_LEVELS
    _index: dict[str, Card] | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def by_id(self, card_id: str) -> Card | None:
        """The card with this id or alias, ignoring case."""
        if self._index is None:
            self._index = {}
            for card in self.cards:
                for key in (card.id, *card.aliases):
                    self._index.setdefault(key.lower(), card)
        return self._index.get(card_id.lower())

    def sorted_by_level(self) -> list[Card]:
        """Highest level first, then by name."""
        return sorted(self.cards, key=lambda c: (-c.level, c.name.lower(), c.id.lower()))


def _context(cards: list[Card], checklist: Checklist) -> RuleContext:
    ctx = RuleContext(checklist_ids=frozenset(checklist.item_ids))
    for card in cards:
        claims = [(card.id, ("id",))] + [(a, ("aliases", i)) for i, a in enumerate(card.aliases)]
        for key, path in claims:
            ctx.claims.setdefault(key.lower(), []).append((card, path))
            ctx.resolve.setdefault(key.lower(), card)
    ctx.cycle_edges = _cycle_edges(cards, ctx.resolve)
    ctx.system = _system_levels(cards, ctx.resolve)
    return ctx


def _cycle_edges(cards: list[Card], resolve: dict[str, Card]) -> dict[tuple[str, int], list[str]]:
    """Every component edge that lies on a cycle, with one cycle through it (as ids)."""
    edges: dict[str, list[tuple[int, Card]]] = {}
    for card in cards:
        edges[card.id] = [
            (ref.index, resolve[ref.card_id.lower()])
            for ref in card.components
            if ref.card_id is not None and ref.card_id.lower() in resolve
        ]
    result: dict[tuple[str, int], list[str]] = {}
    for card in cards:
        for index, target in edges[card.id]:
            path = _path_between(target, card, edges)
            if path is not None:
                result[(card.id, index)] = [card.id, *path]
    return result


def _path_between(start: Card, goal: Card, edges: dict[str, list[tuple[int, Card]]]) -> list[str] | None:
    """Ids on a shortest component path from ``start`` to ``goal`` (both included), if any."""
    previous: dict[str, str | None] = {start.id: None}
    queue = [start]
    while queue:
        nxt: list[Card] = []
        for node in queue:
            if node is goal:
                path = [node.id]
                back = previous[node.id]
                while back is not None:
                    path.append(back)
                    back = previous[back]
                return list(reversed(path))
            for _, target in edges.get(node.id, ()):
                if target.id not in previous:
                    previous[target.id] = node.id
                    nxt.append(target)
        queue = nxt
    return None


def _system_levels(cards: list[Card], resolve: dict[str, Card]) -> dict[str, SystemLevel]:
    """Each card's system level: the lowest level over it and all its components, transitively."""
    result: dict[str, SystemLevel] = {}
    for card in cards:
        best = SystemLevel(card.level)
        seen = {card.id}
        stack = [card]
        while stack:
            node = stack.pop()
            for ext in node.external_components:
                if ext.level is not None and ext.level < best.level:
                    best = SystemLevel(ext.level, ext.name, ext.level)
            for ref_id in node.component_ids:
                target = resolve.get(ref_id.lower())
                if target is None or target.id in seen:
                    continue
                seen.add(target.id)
                if target.level < best.level:
                    best = SystemLevel(target.level, target.id, target.level)
                stack.append(target)
        result[card.id] = best
    return result


def _cached_load(
    card_file: CardFile, levels: LevelTable, cache: CardCache | None, keys: set[tuple[str, str]]
) -> _Parsed:
    """Parse a card file, or take it from the cache when its content has not changed."""
    try:
        raw = read_limited(card_file.path) if card_file.content is None else check_size(card_file.content)
    except LoadError as exc:
        return _Parsed(None, [exc.finding(card_file.display)])
    key = (card_file.display, hashlib.sha256(raw).hexdigest())
    keys.add(key)
    parsed = cache.get(key) if cache is not None else None
    if parsed is None:
        parsed = _parse_card(card_file.display, raw, levels)
        if cache is not None:
            cache.put(key, parsed)
    return parsed


def build_portfolio(
    files: Sequence[CardFile],
    checklist: Checklist,
    gates: GateMode = GateMode.WARN,
    cache: CardCache | None = None,
    levels: LevelTable = DEFAULT_LEVELS,
    roots: Sequence[Path] = (),
) -> Portfolio:
    """Load every card file and run the schema, the rules and the gates over them."""
    findings: list[Finding] = []
    cards: list[Card] = []
    keys: set[tuple[str, str]] = set()
    for card_file in files:
        if roots and card_file.content is None and card_file.path.is_symlink() and _outside(card_file.path, roots):
            findings.append(
                Finding(
                    card_file.display, 1, 1, Severity.ERROR, IO_CODE, "symbolic link to a file outside the cards folder"
                )
            )
            continue
        parsed = _cached_load(card_file, levels, cache, keys)
        findings.extend(parsed.findings)
        if parsed.card is not None:
            cards.append(parsed.card)
    if cache is not None:
        cache.retain(keys)
    ctx = _context(cards, checklist)
    reports: dict[str, GateReport] = {}
    for card in cards:
        findings.extend(run_rules(card, ctx))
        report = evaluate_gates(card, checklist)
        reports[card.id] = report
        findings.extend(gate_findings(card, report, gates))
    return Portfolio(cards, sort_findings(findings), checklist, len(files), reports, ctx.system, levels)


def load_portfolio(
    paths: Sequence[Path],
    checklist_path: Path | None = None,
    gates: GateMode = GateMode.WARN,
    cache: CardCache | None = None,
    base: Path | None = None,
    levels: LevelTable = DEFAULT_LEVELS,
) -> tuple[Portfolio | None, list[Finding]]:
    """Discover, load and check the cards under ``paths`` against a checklist (default: shipped).

    Returns the portfolio and all findings, or ``None`` and the checklist's findings when the
    checklist itself is broken. Raises :class:`CardPathError` for a path that does not exist.
    """
    display = display_path(checklist_path, base) if checklist_path else None
    checklist, problems = load_checklist(checklist_path, display)
    if checklist is None:
        return None, problems
    files = discover(paths, base)
    roots = [p for p in paths if p.is_dir()]
    portfolio = build_portfolio(files, checklist, gates, cache, levels, roots)
    return portfolio, portfolio.findings
