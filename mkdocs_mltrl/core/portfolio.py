"""All cards together: discovery, cached loading, cross-card rules, system levels and gates."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .card import Card, card_from_data
from .card_files import CardFile, discover, display_path
from .checklist import Checklist, load_checklist
from .clock import build_date
from .file_policy import read_file
from .findings import Finding, Severity, sort_findings
from .gates.evaluation import GateReport, evaluate_gates, gate_findings
from .gates.gate_set import GateMode, GateSet, check_sections, default_gates, load_gates
from .levels import DEFAULT_LEVELS, LevelTable
from .local_links import LocalLinks, Scan, find_local_links
from .rules import DEFAULT_REVIEWERS_FROM, RuleContext, SystemLevel, run_rules
from .schema_check import check, is_valid_fast
from .text_checks import markdown_beyond_limits, text_findings
from .workers import collector_paused, spread
from .yaml_errors import LoadError
from .yaml_files import check_size, decode
from .yaml_loader import as_mapping, parse_text


@dataclass
class _Parsed:
    card: Card | None
    findings: list[Finding]
    #: The id a file that did not load appears to claim: other cards naming it still find it.
    claimed_id: str | None = None


_ID_LINE = re.compile(r"^id:[ \t]*(['\"]?)([A-Za-z0-9][A-Za-z0-9._-]{0,63})\1[ \t]*(?:#.*)?$", re.M)


def _claimed_id(data: object, text: str) -> str | None:
    """The card id of a file that did not load: from its data if it parsed, else from its text."""
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return str(data["id"])
    match = _ID_LINE.search(text)
    return match.group(2) if match else None


class CardCache:
    """Parsed and schema-checked cards by content hash, kept across rebuilds, with their gate
    reports while the gates, the checklist and the date stay the same."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Parsed] = {}
        self._reports: dict[tuple[str, str], GateReport] = {}
        self._programme: object = None
        #: What each card links to beside it, by file and source (see :func:`.local_links.find_local_links`).
        self.link_scans: dict[tuple[str, bytes], Scan] = {}

    def reports_for(self, programme: object) -> dict[tuple[str, str], GateReport]:
        """The kept gate reports, by card content key; emptied when ``programme`` changed."""
        if programme != self._programme:
            self._programme, self._reports = programme, {}
        return self._reports

    def get(self, key: tuple[str, str]) -> _Parsed | None:
        return self._entries.get(key)

    def put(self, key: tuple[str, str], value: _Parsed) -> None:
        self._entries[key] = value

    def retain(self, keys: set[tuple[str, str]]) -> None:
        """Forget entries of files that no longer exist or changed."""
        self._entries = {k: v for k, v in self._entries.items() if k in keys}
        self._reports = {k: v for k, v in self._reports.items() if k in keys}


def _parse_card(display: str, raw: bytes, levels: LevelTable) -> _Parsed:
    try:
        text = decode(raw)
        document = parse_text(text, positions=False)  # positions come lazily, when a finding needs them
        as_mapping(document)
    except LoadError as exc:
        return _Parsed(None, [exc.finding(display)], _claimed_id(None, raw.decode("utf-8", "replace")))
    if not is_valid_fast(document.data):
        document = parse_text(text)  # invalid: every message needs its position
        findings = check(document, display, fast=False)
        if findings:
            return _Parsed(None, findings, _claimed_id(document.data, text))
    card = card_from_data(document.data, display, document.positions, document.text, levels)
    return _Parsed(card, text_findings(card))


@dataclass
class Portfolio:
    cards: list[Card]
    findings: list[Finding]
    checklist: Checklist
    files: int
    gates: dict[str, GateReport] = field(default_factory=dict)
    system: dict[str, SystemLevel] = field(default_factory=dict)
    levels: LevelTable = DEFAULT_LEVELS
    gateset: GateSet = field(default_factory=default_gates)
    today: date | None = None  # the date waivers and targets are measured from (None: the build date)
    _index: dict[str, Card] | None = field(default=None, repr=False)
    #: Files beside the cards that their Markdown links to (when loaded with a repository root).
    local_links: LocalLinks | None = None
    #: Files that did not load, by the card id they appear to claim (lower case).
    broken: dict[str, str] = field(default_factory=dict)

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


def _context(
    cards: list[Card],
    checklist: Checklist,
    broken: dict[str, str] | None = None,
    reviewers_from: int = DEFAULT_REVIEWERS_FROM,
) -> RuleContext:
    ctx = RuleContext(checklist_ids=frozenset(checklist.item_ids), reviewers_from=reviewers_from)
    for card in cards:
        claims = [(card.id, ("id",))] + [(a, ("aliases", i)) for i, a in enumerate(card.aliases)]
        for key, path in claims:
            ctx.claims.setdefault(key.lower(), []).append((card, path))
            ctx.resolve.setdefault(key.lower(), card)
    ctx.broken = {k: v for k, v in (broken or {}).items() if k not in ctx.resolve}
    ctx.system = _system_levels(cards, ctx.resolve)
    return ctx


def _system_levels(cards: list[Card], resolve: dict[str, Card]) -> dict[str, SystemLevel]:
    """Each card's system level: the lowest known level over it and every card reachable through
    components (cycles included: each card is visited once), with the components whose level is
    not known (an external component without a level, an id with no card or a card that did not
    load)."""
    result: dict[str, SystemLevel] = {}
    for card in cards:
        level, limited_by, unknown = card.level, None, []
        seen = {card.id}
        queue = [card]
        while queue:
            node = queue.pop(0)  # breadth first: the nearest limiting component is named
            for ref in node.components:
                if ref.external is not None:
                    ext = ref.external
                    if ext.level is None:
                        unknown.append(ext.name)
                    elif ext.level < level:
                        level, limited_by = ext.level, ext.name
                    continue
                assert ref.card_id is not None
                target = resolve.get(ref.card_id.lower())
                if target is None:
                    unknown.append(ref.card_id)
                elif target.id not in seen:
                    seen.add(target.id)
                    if target.level < level:
                        level, limited_by = target.level, target.id
                    queue.append(target)
        names = tuple(dict.fromkeys(unknown))
        result[card.id] = SystemLevel(level, limited_by, level if limited_by else None, names)
    return result


def read_card(card_file: CardFile) -> bytes:
    """A card's bytes, by the path policy (see :mod:`.file_policy`); raises :class:`LoadError`."""
    if card_file.problem is not None:
        raise card_file.problem
    if card_file.content is not None:
        return check_size(card_file.content)
    return read_file(card_file.path, card_file.folder)


def _cached_load(
    card_file: CardFile, levels: LevelTable, cache: CardCache | None
) -> tuple[tuple[str, str] | None, _Parsed]:
    """Parse a card file, or take it from the cache when its content has not changed; with the
    cache key of its content."""
    try:
        raw = read_card(card_file)
    except LoadError as exc:
        return None, _Parsed(None, [exc.finding(card_file.display)])
    key = (card_file.display, hashlib.sha256(raw).hexdigest())
    parsed = cache.get(key) if cache is not None else None
    if parsed is None:
        parsed = _parse_card(card_file.display, raw, levels)
        if cache is not None:
            cache.put(key, parsed)
    return key, parsed


def build_portfolio(
    files: Sequence[CardFile],
    checklist: Checklist,
    gates: GateMode = GateMode.WARN,
    cache: CardCache | None = None,
    levels: LevelTable = DEFAULT_LEVELS,
    reviewers_from: int = DEFAULT_REVIEWERS_FROM,
    gateset: GateSet | None = None,
    today: date | None = None,
    processes: int = 1,
) -> Portfolio:
    """Load every card file and run the schema, the rules and the gates over them.

    Without a cache (a single build) each card's gates are evaluated as it loads, and its parsed
    data dropped then: the data of every card is never held at once. The files are then shared
    out between ``processes`` processes (see :mod:`.workers`).
    """
    gateset = gateset or default_gates()
    today = today or build_date()

    kept = cache.reports_for((gateset.signature(), checklist, today)) if cache is not None else None

    def load(card_file: CardFile) -> tuple[tuple[str, str] | None, _Parsed, GateReport | None]:
        key, parsed = _cached_load(card_file, levels, cache)
        card = parsed.card
        if card is None or key is None:
            return key, parsed, None
        if kept is None:  # a single build: the gates are the last to read the parsed data
            report = evaluate_gates(card, checklist, gateset, today)
            card.release()
            return key, parsed, report
        found = kept.get(key)  # a cached card keeps its data for later rebuilds
        if found is None:
            found = kept[key] = evaluate_gates(card, checklist, gateset, today)
        return key, parsed, found

    shared = (levels, DEFAULT_LEVELS, checklist, *gateset.gates, *gateset.plain_results.values())
    loaded = spread(load, files, processes if cache is None else 1, shared)
    findings: list[Finding] = []
    cards: list[Card] = []
    broken: dict[str, str] = {}
    keys: set[tuple[str, str]] = set()
    early: list[GateReport] = []  # the gates evaluated at loading, card by card
    for card_file, (key, parsed, report) in zip(files, loaded, strict=True):
        if key is not None:
            keys.add(key)
        findings.extend(parsed.findings)
        if parsed.card is not None:
            assert report is not None  # every loaded card's gates are evaluated as it loads
            cards.append(parsed.card)
            early.append(report)
        elif parsed.claimed_id is not None:
            broken.setdefault(parsed.claimed_id.lower(), card_file.display)
    if cache is not None:
        cache.retain(keys)
    ctx = _context(cards, checklist, broken, reviewers_from)
    reports: dict[str, GateReport] = {}
    for card, report in zip(cards, early, strict=True):
        findings.extend(run_rules(card, ctx))
        reports[card.id] = report
        findings.extend(gate_findings(card, report, gates, gateset))
    portfolio = Portfolio(
        cards, sort_findings(findings), checklist, len(files), reports, ctx.system, levels, gateset, today
    )
    portfolio.broken = broken
    return portfolio


def load_portfolio(
    paths: Sequence[Path],
    checklist_path: Path | None = None,
    gates: GateMode = GateMode.WARN,
    cache: CardCache | None = None,
    base: Path | None = None,
    levels: LevelTable = DEFAULT_LEVELS,
    reviewers_from: int = DEFAULT_REVIEWERS_FROM,
    gates_file: Path | None = None,
    today: date | None = None,
    root: Path | None = None,
    processes: int = 1,
    keep: bool = False,
    site_dirs: Sequence[Path] = (),
) -> tuple[Portfolio | None, list[Finding]]:
    """Discover, load and check the cards under ``paths`` against a checklist (default: shipped)
    and the built-in gates with an organisation's gates file applied.

    Returns the portfolio and all findings, or ``None`` and the checklist's or gates file's
    findings when either is broken. Raises :class:`CardPathError` for a path that does not exist.

    With ``root`` (the repository: the folder of mkdocs.yml), relative links and images in the
    cards' Markdown are resolved against each card's file and checked (see :mod:`.local_links`).
    ``processes`` share out the loading (see :func:`build_portfolio`). ``keep`` says that the
    process keeps the cards to its end (a build): see :func:`.workers.collector_paused`.
    ``site_dirs``: the site's output folders, from which no linked file is published.
    """
    with collector_paused(freeze=keep):
        portfolio, findings = _load_portfolio(
            paths,
            checklist_path,
            gates,
            cache,
            base,
            levels,
            reviewers_from,
            gates_file,
            today,
            root,
            processes,
            site_dirs,
        )
        if keep and cache is None and portfolio is not None:  # every finding is made: positions are done with
            for card in portfolio.cards:
                card.release_positions()
    return portfolio, findings


def _load_portfolio(
    paths: Sequence[Path],
    checklist_path: Path | None,
    gates: GateMode,
    cache: CardCache | None,
    base: Path | None,
    levels: LevelTable,
    reviewers_from: int,
    gates_file: Path | None,
    today: date | None,
    root: Path | None,
    processes: int,
    site_dirs: Sequence[Path] = (),
) -> tuple[Portfolio | None, list[Finding]]:
    project = root or base or Path.cwd()  # where a gates file or checklist named in it must lie
    display = display_path(checklist_path, base) if checklist_path else None
    checklist, problems = load_checklist(checklist_path, display, project)
    if checklist is None:
        return None, problems
    gates_display = display_path(gates_file, base) if gates_file else None
    gateset, gate_problems = load_gates(gates_file, gates_display, project)
    if gateset is None:
        return None, gate_problems
    files = discover(paths, base)
    portfolio = build_portfolio(files, checklist, gates, cache, levels, reviewers_from, gateset, today, processes)
    gate_problems += check_sections(gateset, checklist)
    portfolio.findings = sort_findings([*portfolio.findings, *gate_problems])
    if root is not None:
        scans = cache.link_scans if cache is not None else None
        # a card whose Markdown is beyond the renderer's limits is refused: its text is not parsed
        beyond = markdown_beyond_limits(portfolio.findings)
        linking = [card for card in portfolio.cards if card.file not in beyond]
        portfolio.local_links = find_local_links(linking, root, base or Path.cwd(), scans, site_dirs)
        portfolio.findings = sort_findings(portfolio.findings + portfolio.local_links.findings)
    return portfolio, portfolio.findings
