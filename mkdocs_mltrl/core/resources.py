"""Files shipped with the package: JSON Schemas, page templates and the default checklist.

In a wheel, ``schemas/`` and ``site_templates/`` are mapped into the package directory. In an
editable install of a source checkout they stay at the top level of the checkout, where people
find them; both layouts are looked up here and nowhere else.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

_PACKAGE = Path(str(files("mkdocs_mltrl")))


def shipped_dir(name: str) -> Path:
    """The directory of a shipped resource folder (``schemas`` or ``site_templates``)."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"mkdocs-mltrl is installed without its {name}/ folder")


def schema_path(name: str) -> Path:
    return shipped_dir("schemas") / name


@cache
def load_schema(name: str) -> dict[str, Any]:
    with schema_path(name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def templates_dir() -> Path:
    return shipped_dir("site_templates")


def default_checklist_path() -> Path:
    return _PACKAGE / "checklists" / "default.yaml"


def default_gates_path() -> Path:
    return _PACKAGE / "gatefiles" / "default.yaml"
