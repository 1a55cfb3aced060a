"""The MLTRL rules beyond the schema (MLTRL001-021), declared as one table of predicates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .card import Card
from .card_ids import id_problem
from .findings import Finding, Severity
from .suggest import Suggester, close_match
from .yaml_loader import Path_

#: A rule reports (path of the offending value, message) pairs.
Report = Iterator[tuple[Path_, str]]


def is_embedded_path(before: int, after: int) -> bool:
    """The paper's predefined (embedded) switchbacks: 4 to 2, and from 9 to level 7 or earlier."""
    return (before, after) == (4, 2) or (before == 9 and after <= 7)


#: From this level up, a graduation that names no reviewers is a warning (MLTRL019).
DEFAULT_REVIEWERS_FROM = 4

#: Codes no longer reported; kept here so that they are never given another meaning.
RETIRED_CODES = {"MLTRL003": "components form a cycle (coupled components may name each other)"}


@dataclass(frozen=True, slots=True)
class SystemLevel:
    """The lowest level over a card and every card reachable through its components (cycles
    included), and what limits it.

    ``unknown`` names the components whose level is not known (an external component without a
    level, an id with no card, a card whose file did not load): the system level is then at most
    ``level``.
    """

    level: int
    limited_by: str | None = None  # a card id or an external component's name; None: the card itself
    limiting_level: int | None = None
    unknown: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return not self.unknown

    def describe(self, card_level: int) -> str:
        """``3, limited by R02.1 (level 3)``, ``at most 4; R04.1 unknown``."""
        limited = self.limited_by is not None and self.level < card_level
        text = f"{self.level}" if self.known else f"at most {self.level}"
        if limited:
            text += f", limited by {self.limited_by} (level {self.limiting_level})"
        if self.unknown:
            text += f"; {', '.join(self.unknown)} unknown"
        return text


@dataclass
class RuleContext:
    """What rules need to know about the rest of the portfolio."""

    #: Lower-cased id or alias -> every (card, path) that claims it.
    claims: dict[str, list[tuple[Card, Path_]]] = field(default_factory=dict)
    #: Lower-cased id or alias -> the card it names (first claimant).
    resolve: dict[str, Card] = field(default_factory=dict)
    checklist_ids: frozenset[str] = frozenset()
    system: dict[str, SystemLevel] = field(default_factory=dict)
    #: Lower-cased id of a card whose file did not load -> that file (it still counts as present).
    broken: dict[str, str] = field(default_factory=dict)
    #: A graduation to this level or higher must name its reviewers (MLTRL019); 10 turns it off.
    reviewers_from: int = DEFAULT_REVIEWERS_FROM
    _ids: Suggester | None = field(default=None, repr=False)

    def id_suggester(self) -> Suggester:
        """Suggestions among every claimed id and alias (lower-cased), indexed once a portfolio."""
        if self._ids is None:
            self._ids = Suggester(self.claims)
        return self._ids


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    description: str
    check: Callable[[Card, RuleContext], Report]
    #: Point at the mapping key of the reported path rather than at its value.
    at_key: bool = False


def _duplicate_ids(card: Card, ctx: RuleContext) -> Report:
    keys: list[tuple[str, Path_]] = [(card.id, ("id",))]
    keys += [(alias, ("aliases", i)) for i, alias in enumerate(card.aliases)]
    for key, path in keys:
        others = [c for c, p in ctx.claims.get(key.lower(), []) if c is not card or p != path]
        for other in others:
            if other is card:
                yield path, f"'{key}' is claimed twice by this card (ids and aliases are compared ignoring case)"
            else:
                yield (
                    path,
                    f"'{key}' is also claimed by {other.file} (card '{other.id}'; ids and aliases are compared ignoring case)",
                )


def _id_keys(card: Card) -> list[tuple[str, Path_]]:
    return [(card.id, ("id",))] + [(alias, ("aliases", i)) for i, alias in enumerate(card.aliases)]


def _reserved_ids(card: Card, ctx: RuleContext) -> Report:
    for key, path in _id_keys(card):
        problem = id_problem(key)
        if problem is not None and problem[0] == "ID001":
            yield path, problem[1]


def _device_names(card: Card, ctx: RuleContext) -> Report:
    for key, path in _id_keys(card):
        problem = id_problem(key)
        if problem is not None and problem[0] == "ID002":
            yield path, problem[1]


def did_you_mean(name: str, candidates: dict[str, str]) -> str:
    """`` (did you mean 'R04.2'?)`` when a candidate (lower-cased key -> shown name) is close."""
    close = close_match(name.lower(), candidates)
    return f" (did you mean '{candidates[close]}'?)" if close is not None else ""


def _unknown_components(card: Card, ctx: RuleContext) -> Report:
    own: set[str] | None = None
    for ref in card.components:
        name = ref.card_id
        if name is None or name.lower() in ctx.resolve or name.lower() in ctx.broken:
            continue
        if own is None:
            own = {card.id.lower(), *(a.lower() for a in card.aliases)}
        close = ctx.id_suggester().close(name.lower(), exclude=own)
        hint = f" (did you mean '{_claimed_name(close, ctx)}'?)" if close is not None else ""
        yield ("components", ref.index), f"component '{name}' has no card in this portfolio; its level is unknown{hint}"


def _claimed_name(key: str, ctx: RuleContext) -> str:
    """The id or alias as its card spells it."""
    card, path = ctx.claims[key][0]
    return card.id if path == ("id",) else card.aliases[int(path[1])]


def _duplicate_requirements(card: Card, ctx: RuleContext) -> Report:
    seen: set[str] = set()
    for req in card.requirements:
        if req.id in seen:
            yield ("requirements", req.index, "id"), f"requirement id '{req.id}' is used twice in this card"
        seen.add(req.id)


def _unknown_risk_requirements(card: Card, ctx: RuleContext) -> Report:
    ids = {r.id for r in card.requirements}
    for risk in card.risks:
        for j, req_id in enumerate(risk.requirements):
            if req_id not in ids:
                yield (
                    ("risks", risk.index, "requirements", j),
                    (f"risk '{risk.id}' names requirement '{req_id}', which this card does not have"),
                )


def _unknown_ethics_items(card: Card, ctx: RuleContext) -> Report:
    for item_id in card.ethics:
        if item_id not in ctx.checklist_ids:
            yield ("ethics", "answers", item_id), f"'{item_id}' is not an item of the active ethics checklist"


def _unknown_metric_datasets(card: Card, ctx: RuleContext) -> Report:
    names = {d.name: d.name for d in card.datasets}
    for metric in card.metrics:
        if metric.dataset is not None and metric.dataset not in names:
            hint = did_you_mean(metric.dataset, {n.lower(): n for n in names})
            yield (
                ("metrics", metric.index, "dataset"),
                f"metric '{metric.name}' names dataset '{metric.dataset}', which data.datasets does not list{hint}",
            )


def _dates_backwards(card: Card, ctx: RuleContext) -> Report:
    for prev, event in zip(card.history, card.history[1:], strict=False):
        if event.date < prev.date:
            yield ("history", event.index, "date"), f"{event.date} is earlier than the event before it ({prev.date})"


def _start_first(card: Card, ctx: RuleContext) -> Report:
    for event in card.history:
        if event.index == 0 and event.event != "start":
            yield ("history", 0, "event"), f"the first history event must be 'start', not '{event.event}'"
        elif event.index > 0 and event.event == "start":
            yield ("history", event.index, "event"), "'start' may only be the first history event"


def _pairs(card: Card, kind: str, held: bool = False) -> Iterator[tuple[int, int, int]]:
    """(index, level before, level after) of each history event of one kind after the first.

    Reviews that failed or were deferred are left out, or given alone with ``held=True``.
    """
    for prev, event in zip(card.history, card.history[1:], strict=False):
        if event.event == kind and event.held_level == held:
            yield event.index, prev.level, event.level


def _graduate_by_one(card: Card, ctx: RuleContext) -> Report:
    for index, before, after in _pairs(card, "graduate"):
        if after == before + 1:
            continue
        if after > before + 1:
            skipped = ", ".join(str(n) for n in range(before + 1, after))
            plural = "s" if after - before > 2 else ""
            yield ("history", index, "level"), f"graduate from level {before} to {after} skips level{plural} {skipped}"
        else:
            yield (
                ("history", index, "level"),
                f"graduate from level {before} to {after} does not raise the level by one",
            )


def _switchback_lowers(card: Card, ctx: RuleContext) -> Report:
    for index, before, after in _pairs(card, "switchback"):
        if after >= before:
            yield ("history", index, "level"), f"a switchback must lower the level, but goes from {before} to {after}"


def _held_reviews(card: Card, ctx: RuleContext) -> Report:
    for kind in ("graduate", "switchback"):
        for index, before, after in _pairs(card, kind, held=True):
            if after != before:
                outcome = card.history[index].outcome
                yield (
                    ("history", index, "level"),
                    f"a {outcome} review keeps the level at {before}, but this '{kind}' event goes to {after}",
                )


def _graduation_reviewers(card: Card, ctx: RuleContext) -> Report:
    for prev, event in zip(card.history, card.history[1:], strict=False):
        target = prev.level + 1 if event.held_level else event.level
        # The card's own reviewers ("who review the technology at its gates") stand in for a panel
        # the event does not name.
        if event.event == "graduate" and not event.reviewers and not card.reviewers and target >= ctx.reviewers_from:
            yield (
                ("history", event.index, "event"),
                f"graduation to level {target} names no reviewers (a gated review from level {ctx.reviewers_from} up)",
            )


def _embedded_paths(card: Card, ctx: RuleContext) -> Report:
    for prev, event in zip(card.history, card.history[1:], strict=False):
        embedded = event.event == "switchback" and event.switchback == "embedded" and not event.held_level
        if embedded and not is_embedded_path(prev.level, event.level):
            yield (
                ("history", event.index, "switchback"),
                (
                    f"embedded switchback from {prev.level} to {event.level} is not a predefined path "
                    "(4 to 2, or 9 to level 7 or earlier)"
                ),
            )


def _level_kept(card: Card, ctx: RuleContext) -> Report:
    for kind in ("pause", "resume", "retire"):
        for index, before, after in _pairs(card, kind):
            if after != before:
                yield ("history", index, "level"), f"'{kind}' must keep the level, but goes from {before} to {after}"


def _level_matches_history(card: Card, ctx: RuleContext) -> Report:
    if card.history and card.history[-1].level != card.level:
        last = card.history[-1]
        yield ("level",), f"level is {card.level} but the last history event ({last.date}) leaves it at {last.level}"


_STATUS_EVENT = {"paused": "pause", "retired": "retire"}


def _status_matches_history(card: Card, ctx: RuleContext) -> Report:
    if not card.history:
        return
    last = card.history[-1].event
    path: Path_ = ("status",) if card.status_given else ("history", len(card.history) - 1, "event")
    expected = _STATUS_EVENT.get(card.status)
    if expected and last != expected:
        yield path, f"status is '{card.status}' but the last history event is '{last}', not '{expected}'"
    elif card.status == "active" and last in ("pause", "retire"):
        yield path, f"status is 'active' but the last history event is '{last}'"


def _system_level(card: Card, ctx: RuleContext) -> Report:
    system = ctx.system.get(card.id)
    if system and system.level < card.level:
        bound = "at most " if system.unknown else ""
        unknown = f"; {', '.join(system.unknown)} unknown" if system.unknown else ""
        yield (
            ("components",),
            (
                f"system level is {bound}{system.level}: component '{system.limited_by}' is at level "
                f"{system.limiting_level}, below this card's level {card.level}{unknown}"
            ),
        )


def _licence_parentheses(card: Card, ctx: RuleContext) -> Report:
    """The schema checks an SPDX expression's words; whether its parentheses pair up is checked here."""
    depth = 0
    for char in card.license or "":
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth:
        yield ("license",), f"the parentheses of licence expression '{card.license}' do not pair up"


RULES: tuple[Rule, ...] = (
    Rule("MLTRL001", Severity.ERROR, "two cards share an `id` or alias (case-insensitive)", _duplicate_ids),
    Rule("ID001", Severity.ERROR, "an id or alias is a name the site reserves for its own pages", _reserved_ids),
    Rule("ID002", Severity.ERROR, "an id or alias is a Windows device name (`CON`, `nul.x`, `com1`)", _device_names),
    Rule("MLTRL002", Severity.WARNING, "a component names a card id that has no card here", _unknown_components),
    Rule("MLTRL004", Severity.ERROR, "two requirements of a card share an `id`", _duplicate_requirements),
    Rule(
        "MLTRL005",
        Severity.ERROR,
        "a risk names a requirement id that the card does not have",
        _unknown_risk_requirements,
    ),
    Rule(
        "MLTRL006",
        Severity.ERROR,
        "an ethics answer names an item that the active checklist does not have",
        _unknown_ethics_items,
        at_key=True,
    ),
    Rule(
        "MLTRL007",
        Severity.WARNING,
        "a metric names a dataset that `data.datasets` does not list",
        _unknown_metric_datasets,
    ),
    Rule("MLTRL010", Severity.ERROR, "history dates go backwards", _dates_backwards),
    Rule("MLTRL011", Severity.ERROR, "the first history event is not `start`, or `start` appears later", _start_first),
    Rule("MLTRL012", Severity.ERROR, "a `graduate` event does not raise the level by exactly one", _graduate_by_one),
    Rule("MLTRL013", Severity.ERROR, "a `switchback` event does not lower the level", _switchback_lowers),
    Rule(
        "MLTRL014",
        Severity.WARNING,
        "an `embedded` switchback is not one of the predefined paths (4 to 2, 9 to 7 or lower)",
        _embedded_paths,
    ),
    Rule("MLTRL015", Severity.ERROR, "`pause`, `resume` or `retire` changes the level", _level_kept),
    Rule(
        "MLTRL016", Severity.ERROR, "`level` differs from the level of the last history event", _level_matches_history
    ),
    Rule("MLTRL017", Severity.WARNING, "`status` disagrees with the last history event", _status_matches_history),
    Rule(
        "MLTRL018",
        Severity.ERROR,
        "a review with outcome `failed` or `deferred` changes the level",
        _held_reviews,
    ),
    Rule(
        "MLTRL019",
        Severity.WARNING,
        "a graduation to level 4 or higher (configurable) names no reviewers",
        _graduation_reviewers,
    ),
    Rule(
        "MLTRL020",
        Severity.INFO,
        "the card's level is above its system level (the lowest level of its parts)",
        _system_level,
    ),
    Rule(
        "MLTRL021", Severity.ERROR, "the parentheses of the `license` expression do not pair up", _licence_parentheses
    ),
)


def run_rules(card: Card, ctx: RuleContext) -> list[Finding]:
    findings = []
    for rule in RULES:
        for path, message in rule.check(card, ctx):
            where = card.positions.of_key(path) if rule.at_key else card.positions.of_value(path)
            findings.append(Finding(card.file, where.line, where.column, rule.severity, rule.code, message))
    return findings
