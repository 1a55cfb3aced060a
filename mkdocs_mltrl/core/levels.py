"""The ten MLTRL levels, their names and default stage bands."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

LEVEL_NAMES: tuple[str, ...] = (
    "First Principles",
    "Goal-Oriented Research",
    "Proof of Principle (PoP) Development",
    "System Development",
    "Proof of Concept (PoC) Development",
    'Machine Learning "Capability"',
    "Application Development",
    "Integrations",
    "Flight-ready",
    "Deployment",
)


STAGES: tuple[str, ...] = ("research", "prototyping", "productization", "deployment")


DEFAULT_STAGE_OF_LEVEL: tuple[str, ...] = (
    "research",
    "research",
    "research",
    "prototyping",
    "prototyping",
    "productization",
    "productization",
    "productization",
    "productization",
    "deployment",
)


@dataclass(frozen=True, slots=True)
class LevelInfo:
    level: int
    name: str
    stage: str


class LevelTable:
    """Level names and stage bands; the bands can be configured per organisation."""

    def __init__(self, stages: Mapping[int, str] | None = None) -> None:
        bands = list(DEFAULT_STAGE_OF_LEVEL)
        for level, stage in (stages or {}).items():
            bands[level] = stage
        self._levels = tuple(LevelInfo(n, LEVEL_NAMES[n], bands[n]) for n in range(10))

    def __getitem__(self, level: int) -> LevelInfo:
        return self._levels[level]

    def __iter__(self) -> Iterator[LevelInfo]:
        return iter(self._levels)

    def stage(self, level: int) -> str:
        return self._levels[level].stage

    @property
    def stages(self) -> tuple[str, ...]:
        """The stage bands in level order, each once."""
        return tuple(dict.fromkeys(info.stage for info in self._levels))


STAGE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,30}")


def parse_stages(value: object) -> dict[int, str]:
    """The ``stages`` option: a mapping of level (0-9) to a stage name, overriding the defaults."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("stages must map levels (0-9) to stage names, e.g. {3: research}")
    out = {}
    for level, stage in value.items():
        if not (isinstance(level, int) and not isinstance(level, bool) and 0 <= level <= 9):
            raise ValueError(f"stages: {level!r} is not a level 0-9")
        if not (isinstance(stage, str) and STAGE_NAME.fullmatch(stage)):
            raise ValueError(f"stages: {stage!r} is not a stage name (lowercase letters, digits and '-')")
        out[level] = stage
    return out


DEFAULT_LEVELS = LevelTable()
