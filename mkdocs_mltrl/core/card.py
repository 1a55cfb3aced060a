"""Typed TRL Card objects, built from data that already passed the JSON Schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .card_parts import (
    ComplianceItem,
    ComponentRef,
    Dataset,
    DebriefEntry,
    Deployment,
    EthicsAnswer,
    ExternalComponent,
    ExternalEvidence,
    Metric,
    Monitoring,
    Person,
    Requirement,
    ReviewEvent,
    Risk,
    RiskEstimate,
    ServiceLevel,
    Target,
    TestSuite,
    Waiver,
    extras_of,
    requirement_sort_key,
)
from .levels import DEFAULT_LEVELS, LevelInfo, LevelTable
from .schema_check import is_valid_fast
from .yaml_loader import Path_, Positions, pack_text, parse_text, unpack_text


@dataclass(eq=False)
class Card:
    """One TRL Card. ``file`` is the path shown in findings; ``positions`` locate its values."""

    file: str
    id: str
    name: str
    level: int
    summary: str
    owners: tuple[Person, ...]
    status: str = "active"
    status_given: bool = False  # whether the card states its status (else it defaults to active)
    aliases: tuple[str, ...] = ()
    reviewers: tuple[Person, ...] = ()
    tags: tuple[str, ...] = ()
    links: dict[str, str] = field(default_factory=dict)
    components: tuple[ComponentRef, ...] = ()
    versions: dict[str, str] = field(default_factory=dict)
    license: str | None = None  # an SPDX licence expression
    requirements: tuple[Requirement, ...] = ()
    risks: tuple[Risk, ...] = ()
    model: str | None = None
    intended_use: str | None = None
    unacceptable_use: str | None = None
    testing_summary: str | None = None
    suites: tuple[TestSuite, ...] = ()
    data_summary: str | None = None
    datasets: tuple[Dataset, ...] = ()
    caveats: tuple[str, ...] = ()
    debrief: tuple[DebriefEntry, ...] = ()
    ethics: dict[str, EthicsAnswer] = field(default_factory=dict)
    monitoring: Monitoring | None = None
    history: tuple[ReviewEvent, ...] = ()
    metrics: tuple[Metric, ...] = ()
    service_levels: tuple[ServiceLevel, ...] = ()
    deployment: Deployment | None = None
    compliance: tuple[ComplianceItem, ...] = ()
    ethics_external: ExternalEvidence | None = None
    vv_external: ExternalEvidence | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    #: ``x-`` keys inside sections: section key (``testing``, ``monitoring`` ...) -> {key: value}.
    section_extras: dict[str, dict[str, Any]] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = ()
    target: Target | None = None
    #: The card's data as written (schema-valid): what declarative gates read, by field path.
    #: Emptied by :meth:`release` once a build has evaluated the gates (see :meth:`as_written`).
    data: dict[str, Any] = field(default_factory=dict, repr=False)
    positions: Positions = field(default_factory=Positions, repr=False)
    #: The source text, compressed (:func:`.yaml_loader.pack_text`): see :attr:`source_text`.
    packed_source: bytes = field(default=b"", repr=False)
    levels: LevelTable = field(default=DEFAULT_LEVELS, repr=False)

    @property
    def source_text(self) -> str:
        """The card's file as it was read."""
        return unpack_text(self.packed_source)

    def as_written(self) -> dict[str, Any]:
        """The card's data as written, parsed again from its source once :meth:`release` dropped it."""
        if self.data or not self.packed_source:
            return self.data
        data: dict[str, Any] = parse_text(self.source_text, positions=False).data
        is_valid_fast(data)  # as at loading: the quick check fills in the schema's defaults
        return data

    def release(self) -> None:
        """Drop the parsed data: what reads it after loading (gates) gets it from the source again."""
        self.data = {}

    def release_positions(self) -> None:
        """Drop the positions kept since loading (those of the top-level fields): any asked for
        later are computed from the source again."""
        self.positions = Positions.lazy(self.packed_source)

    @property
    def level_info(self) -> LevelInfo:
        return self.levels[self.level]

    @property
    def stage(self) -> str:
        return self.level_info.stage

    @property
    def sorted_requirements(self) -> list[Requirement]:
        return sorted(self.requirements, key=lambda r: requirement_sort_key(r.id))

    @property
    def last_review_date(self) -> str | None:
        return self.history[-1].date if self.history else None

    @property
    def external_components(self) -> list[ExternalComponent]:
        return [c.external for c in self.components if c.external is not None]

    @property
    def component_ids(self) -> list[str]:
        return [c.card_id for c in self.components if c.card_id is not None]

    def item_extras(self) -> Iterator[tuple[Path_, str, Any]]:
        """Every ``x-`` key inside the card's lists and nested mappings (sections' own ones are
        :attr:`section_extras`), with the path of the mapping that holds it."""
        parts: list[tuple[Path_, Any]] = [(("owners", i), p) for i, p in enumerate(self.owners)]
        parts += [(("reviewers", i), p) for i, p in enumerate(self.reviewers)]
        parts += [(("components", c.index), c.external) for c in self.components if c.external is not None]
        for r in self.requirements:
            parts += [(("requirements", r.index), r), (("requirements", r.index, "risk"), r.risk)]
        for k in self.risks:
            parts += [(("risks", k.index), k), (("risks", k.index, "owner"), k.owner)]
        parts += [(("testing", "suites", i), s) for i, s in enumerate(self.suites)]
        parts += [(("data", "datasets", i), d) for i, d in enumerate(self.datasets)]
        parts += [(("debrief", i), d) for i, d in enumerate(self.debrief)]
        parts += [(("ethics", "answers", key), a) for key, a in self.ethics.items()]
        parts += [(("ethics", "external"), self.ethics_external), (("vv", "external"), self.vv_external)]
        parts += [(("metrics", m.index), m) for m in self.metrics]
        parts += [(("service_levels", s.index), s) for s in self.service_levels]
        parts += [(("compliance", c.index), c) for c in self.compliance]
        for e in self.history:
            parts.append((("history", e.index), e))
            parts += [(("history", e.index, "reviewers", j), p) for j, p in enumerate(e.reviewers)]
        for w in self.waivers:
            parts += [(("waivers", w.index), w), (("waivers", w.index, "approved_by"), w.approved_by)]
        parts.append((("target",), self.target))
        for path, part in parts:
            for key, value in part.extras if part is not None else ():
                yield path, key, value


def _people(values: list[Any] | None) -> tuple[Person, ...]:
    return tuple(Person.parse(v) for v in values or ())


def _estimate(data: dict[str, Any] | None) -> RiskEstimate | None:
    if not data:
        return None
    return RiskEstimate(float(data["p_failure"]), int(data["value"]), extras_of(data))


def _evidence(data: dict[str, Any] | None) -> ExternalEvidence | None:
    if not data:
        return None
    return ExternalEvidence(data["status"], data["link"], data.get("reviewed"), data.get("notes"), extras_of(data))


#: Sections (mappings) of a card that may hold ``x-`` keys of their own. Mappings that are parts
#: (items of lists, people, the target ...) keep theirs in their ``extras``.
EXTRA_SECTIONS = ("intended_use", "testing", "data", "ethics", "monitoring", "deployment", "vv", "versions")


def _section_extras(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for section in EXTRA_SECTIONS:
        value = data.get(section)
        if isinstance(value, dict):
            extras = {k: v for k, v in value.items() if k.startswith("x-")}
            if extras:
                out[section] = extras
    return out


def _target(data: dict[str, Any] | None) -> Target | None:
    return Target(int(data["level"]), data["date"], extras_of(data)) if data else None


def card_from_data(
    data: dict[str, Any], file: str, positions: Positions, text: str = "", levels: LevelTable = DEFAULT_LEVELS
) -> Card:
    """Build a :class:`Card` from schema-valid data."""
    packed = pack_text(text) if text else b""
    if packed:
        positions.pack(packed)  # positions still to compute read the compressed text, not a second copy
    intended = data.get("intended_use") or {}
    testing = data.get("testing") or {}
    data_section = data.get("data") or {}
    monitoring = data.get("monitoring")
    deployment = data.get("deployment")
    components = []
    for index, item in enumerate(data.get("components") or ()):
        if isinstance(item, str):
            components.append(ComponentRef(index, card_id=item))
        else:
            components.append(
                ComponentRef(
                    index,
                    external=ExternalComponent(
                        item["name"], int(item["level"]) if "level" in item else None, item.get("link"), extras_of(item)
                    ),
                )
            )
    return Card(
        file=file,
        id=data["id"],
        name=data["name"],
        level=int(data["level"]),  # JSON Schema counts 4.0 as an integer
        summary=data["summary"],
        owners=_people(data["owners"]),
        status=data.get("status", "active"),
        status_given="status" in data,
        aliases=tuple(data.get("aliases") or ()),
        reviewers=_people(data.get("reviewers")),
        tags=tuple(data.get("tags") or ()),
        links=dict(data.get("links") or {}),
        components=tuple(components),
        versions={k: v for k, v in (data.get("versions") or {}).items() if not k.startswith("x-")},
        license=data.get("license"),
        requirements=tuple(
            Requirement(
                id=r["id"],
                text=r["text"],
                kind=r.get("kind", "research"),
                verification=r.get("verification"),
                validation=r.get("validation"),
                status=r.get("status"),
                risk=_estimate(r.get("risk")),
                index=i,
                extras=extras_of(r),
            )
            for i, r in enumerate(data.get("requirements") or ())
        ),
        risks=tuple(
            Risk(
                id=r["id"],
                title=r["title"],
                estimate=RiskEstimate(float(r["p_failure"]), int(r["value"])),
                mitigation=r.get("mitigation"),
                owner=Person.parse(r["owner"]) if r.get("owner") else None,
                status=r.get("status"),
                requirements=tuple(r.get("requirements") or ()),
                index=i,
                extras=extras_of(r),
            )
            for i, r in enumerate(data.get("risks") or ())
        ),
        model=data.get("model"),
        intended_use=intended.get("intended"),
        unacceptable_use=intended.get("unacceptable"),
        testing_summary=testing.get("summary"),
        suites=tuple(
            TestSuite(s["name"], s["kind"], s.get("status"), s.get("link"), extras_of(s))
            for s in testing.get("suites") or ()
        ),
        data_summary=data_section.get("summary"),
        datasets=tuple(
            Dataset(
                d["name"],
                d.get("version"),
                d.get("role"),
                d.get("source"),
                d.get("link"),
                d.get("datacard"),
                d.get("notes"),
                extras_of(d),
            )
            for d in data_section.get("datasets") or ()
        ),
        caveats=tuple(data.get("caveats") or ()),
        debrief=tuple(DebriefEntry(d["question"], d["answer"], extras_of(d)) for d in data.get("debrief") or ()),
        ethics={
            key: EthicsAnswer(value["status"], value.get("notes"), extras_of(value))
            for key, value in ((data.get("ethics") or {}).get("answers") or {}).items()
        },
        monitoring=Monitoring(
            monitoring.get("summary"),
            tuple(monitoring.get("signals") or ()),
            monitoring.get("dashboard"),
            monitoring.get("data_quality"),
            monitoring.get("data_drift"),
            monitoring.get("concept_drift"),
        )
        if monitoring is not None
        else None,
        history=tuple(
            ReviewEvent(
                date=e["date"],
                event=e["event"],
                level=int(e["level"]),
                switchback=e.get("switchback"),
                reviewers=_people(e.get("reviewers")),
                notes=e.get("notes"),
                card=e.get("card"),
                index=i,
                outcome=e.get("outcome"),
                extras=extras_of(e),
            )
            for i, e in enumerate(data.get("history") or ())
        ),
        metrics=tuple(
            Metric(m["name"], m.get("target"), m.get("achieved"), m.get("dataset"), m.get("notes"), i, extras_of(m))
            for i, m in enumerate(data.get("metrics") or ())
        ),
        service_levels=tuple(
            ServiceLevel(s["name"], s.get("kind"), s.get("target"), s.get("achieved"), s.get("notes"), i, extras_of(s))
            for i, s in enumerate(data.get("service_levels") or ())
        ),
        deployment=Deployment(
            deployment.get("setting"), deployment.get("human_in_the_loop"), deployment.get("uncertainty")
        )
        if deployment is not None
        else None,
        compliance=tuple(
            ComplianceItem(c["regime"], c.get("status"), c.get("link"), c.get("notes"), i, extras_of(c))
            for i, c in enumerate(data.get("compliance") or ())
        ),
        ethics_external=_evidence((data.get("ethics") or {}).get("external")),
        vv_external=_evidence((data.get("vv") or {}).get("external")),
        extras={k: v for k, v in data.items() if k.startswith("x-")},
        section_extras=_section_extras(data),
        waivers=tuple(
            Waiver(w["gate"], w["reason"], Person.parse(w["approved_by"]), w["expires"], i, extras_of(w))
            for i, w in enumerate(data.get("waivers") or ())
        ),
        target=_target(data.get("target")),
        data=data,
        positions=positions,
        packed_source=packed,
        levels=levels,
    )
