"""The parts a TRL Card is made of (people, requirements, risks, datasets, events...), as typed values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_NAME_EMAIL = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>\s]+)>\s*$")


DONE_REQUIREMENT_STATUSES = frozenset({"verified", "validated", "waived"})

#: An item's ``x-`` keys (an organisation's own fields) with their values, in the card's order.
Extras = tuple[tuple[str, Any], ...]


def extras_of(data: dict[str, Any]) -> Extras:
    """The ``x-`` keys of one mapping of the card (an item of a list, a person, a target ...)."""
    return tuple((key, value) for key, value in data.items() if key.startswith("x-"))


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str | None = None
    role: str | None = None
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable

    @classmethod
    def parse(cls, value: str | dict[str, Any]) -> Person:
        """A person from ``"Name"``, ``"Name <email>"`` or ``{name, email, role}``."""
        if isinstance(value, dict):
            return cls(value["name"].strip(), value.get("email"), value.get("role"), extras_of(value))
        match = _NAME_EMAIL.match(value)
        if match:
            return cls(match["name"].strip(), match["email"])
        return cls(value.strip())

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass(frozen=True, slots=True)
class RiskEstimate:
    p_failure: float
    value: int
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable

    @property
    def score(self) -> float:
        """Risk = p(failure) x value, rounded to hide float noise (0.1 x 3 is 0.3)."""
        return round(self.p_failure * self.value, 6)


def requirement_sort_key(requirement_id: str) -> tuple[int, ...]:
    """Numeric order of ids: 1, 1.1, 1.2, 2, 10."""
    return tuple(int(part) for part in requirement_id.split("."))


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    text: str
    kind: str = "research"
    verification: str | None = None
    validation: str | None = None
    status: str | None = None  # None: the card does not say (shown as "not stated")
    risk: RiskEstimate | None = None
    index: int = 0
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable

    @property
    def done(self) -> bool:
        return self.status in DONE_REQUIREMENT_STATUSES

    @property
    def has_vv(self) -> bool:
        return bool(self.verification and self.verification.strip()) and bool(
            self.validation and self.validation.strip()
        )


@dataclass(frozen=True, slots=True)
class Risk:
    id: str
    title: str
    estimate: RiskEstimate
    mitigation: str | None = None
    owner: Person | None = None
    status: str | None = None  # None: the card does not say
    requirements: tuple[str, ...] = ()
    index: int = 0
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable

    @property
    def score(self) -> float:
        return self.estimate.score


@dataclass(frozen=True, slots=True)
class TestSuite:
    name: str
    kind: str
    status: str | None = None  # None: the card does not say
    link: str | None = None
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable

    @property
    def passing(self) -> bool:
        return self.status == "passing"


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    version: str | None = None
    role: str | None = None
    source: str | None = None
    link: str | None = None
    datacard: str | None = None
    notes: str | None = None
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable


@dataclass(frozen=True, slots=True)
class ExternalComponent:
    name: str
    level: int | None = None  # None: the card does not know the component's level
    link: str | None = None
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable


@dataclass(frozen=True, slots=True)
class ComponentRef:
    """One entry of ``components``: a card id, or an external component."""

    index: int
    card_id: str | None = None
    external: ExternalComponent | None = None


@dataclass(frozen=True, slots=True)
class EthicsAnswer:
    status: str
    notes: str | None = None
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable


#: A metric or service-level value as written: a number, or text such as ">= 0.9".
Measure = int | float | str


@dataclass(frozen=True, slots=True)
class ExternalEvidence:
    """Evidence kept in another document (``ethics.external``, ``vv.external``)."""

    status: str  # complete, in-progress or not-started
    link: str
    reviewed: str | None = None
    notes: str | None = None
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable

    @property
    def complete(self) -> bool:
        return self.status == "complete"


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    target: Measure | None = None
    achieved: Measure | None = None
    dataset: str | None = None  # the name of an entry of data.datasets
    notes: str | None = None
    index: int = 0
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    name: str
    kind: str | None = None  # sla or slo
    target: Measure | None = None
    achieved: Measure | None = None
    notes: str | None = None
    index: int = 0
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable


@dataclass(frozen=True, slots=True)
class Deployment:
    setting: str | None = None
    human_in_the_loop: str | None = None
    uncertainty: str | None = None


@dataclass(frozen=True, slots=True)
class ComplianceItem:
    regime: str
    status: str | None = None
    link: str | None = None
    notes: str | None = None
    index: int = 0
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable


@dataclass(frozen=True, slots=True)
class DebriefEntry:
    question: str
    answer: str
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable


@dataclass(frozen=True, slots=True)
class Monitoring:
    summary: str | None = None
    signals: tuple[str, ...] = ()
    dashboard: str | None = None
    data_quality: str | None = None
    data_drift: str | None = None
    concept_drift: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewEvent:
    date: str
    event: str
    level: int
    switchback: str | None = None
    reviewers: tuple[Person, ...] = ()
    notes: str | None = None
    card: str | None = None
    index: int = 0
    outcome: str | None = None  # passed, failed or deferred; None: not stated
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable

    @property
    def held_level(self) -> bool:
        """A failed or deferred review: recorded, and the level stays where it was."""
        return self.event in ("graduate", "switchback") and self.outcome in ("failed", "deferred")


@dataclass(frozen=True, slots=True)
class Waiver:
    """A gate the card is excused from until ``expires`` (inclusive), approved by a person."""

    gate: str
    reason: str
    approved_by: Person
    expires: str
    index: int = 0
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable


@dataclass(frozen=True, slots=True)
class Target:
    """The level a card means to reach, and by when."""

    level: int
    date: str
    extras: Extras = field(default=(), compare=False)  # not compared: parts stay hashable
