"""`mltrl new`: a card that validates at once, with guidance for every section."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import jinja2

from .resources import load_schema, templates_dir

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _yaml_quoted(value: object) -> str:
    """A YAML 1.2 double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def render_new_card(card_id: str, name: str, level: int, owner: str, schema: str, today: date | None = None) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=False,  # YAML, not HTML: every value goes through the q filter
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["q"] = _yaml_quoted
    return env.get_template("new-card.yaml").render(
        id=card_id,
        name=name,
        level=level,
        owner=owner,
        schema=schema,
        summary="Describe what the technology does and why it matters, in two or three sentences.",
        today=(today or date.today()).isoformat(),
    )


def schema_hint(card_dir: Path, site_url: str | None, url_prefix: str) -> str:
    """Where the card's editor hint points: the published schema, or a copy in the repository."""
    if site_url:
        return f"{site_url.rstrip('/')}/{url_prefix.strip('/')}/schemas/card.schema.json".replace(
            "//schemas", "/schemas"
        )
    folder = card_dir.resolve()
    for parent in (folder, *folder.parents):
        candidate = parent / "schemas" / "card.schema.json"
        if candidate.is_file():
            return Path(os.path.relpath(candidate, folder)).as_posix()
    return str(load_schema("card.schema.json")["$id"])


class ScaffoldError(Exception):
    """A card that may not be created; ``usage`` marks a bad argument rather than a conflict."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def create_card(folder: Path, card_id: str, text: str, taken: set[str]) -> Path:
    """Write ``<folder>/<id>.yaml``, refusing bad ids, ids already in use and existing files."""
    from .rules import RESERVED_IDS

    if not ID_PATTERN.fullmatch(card_id):
        raise ScaffoldError(
            f"invalid id '{card_id}': start with a letter or digit, then letters, digits, '.', '_' or '-'"
            " (at most 64 characters)",
            usage=True,
        )
    if card_id.lower() in RESERVED_IDS:
        raise ScaffoldError(f"'{card_id}' is reserved for the site's own pages", usage=True)
    if card_id.lower() in taken:
        raise ScaffoldError(f"a card with id '{card_id}' (or that alias) already exists in {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{card_id}.yaml"
    try:
        with path.open("x", encoding="utf-8") as handle:  # never overwrite
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; not overwriting it") from None
    return path
