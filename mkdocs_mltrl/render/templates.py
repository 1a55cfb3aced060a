"""The Jinja templates of ``site_templates/``: compiled once per process, and their signature."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import escape

from ..core.resources import templates_dir
from .filters import FILTERS, escape_output


class _Template(jinja2.Template):
    """Templates whose output expressions skip building a Markup object for every value."""

    @classmethod
    def _from_namespace(cls, environment: jinja2.Environment, namespace: Any, globals: Any) -> Any:
        if namespace.get("escape") is escape:  # only the one name the compiled code writes output with
            namespace["escape"] = escape_output
        return super()._from_namespace(environment, namespace, globals)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, by file and source checksum (Jinja
    checks it, so an edited template is compiled again): `mkdocs serve` makes new Jinja
    environments, ours and the theme's, at every rebuild."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def environment(override_dir: Path | None = None) -> jinja2.Environment:
    """An autoescaping environment over the shipped templates (``override_dir``'s first), with
    the page filters."""
    search = [str(override_dir)] if override_dir else []
    search.append(str(templates_dir()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=COMPILED_TEMPLATES,
    )
    env.template_class = _Template
    env.filters.update(FILTERS)
    return env


def templates_signature(override: Path | None) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the templates in use: an edit invalidates pages."""
    folders = [templates_dir()] + ([override] if override else [])
    return tuple(
        (str(path), stat.st_mtime_ns, stat.st_size)
        for folder in folders
        for path in sorted(folder.iterdir())
        for stat in (path.stat(),)
    )
