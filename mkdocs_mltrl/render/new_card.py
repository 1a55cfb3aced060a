"""`mltrl new`: a card without errors, whose only warnings are what its entry level asks for."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from ..core.card_files import CardFile
from ..core.card_ids import id_problem
from ..core.checklist import load_checklist
from ..core.gates.gate_set import GateMode, default_gates
from ..core.portfolio import build_portfolio
from ..core.printable import one_line, valid_text
from ..core.resources import schema_path, templates_dir

ID_PATTERN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9_-])?")


def _yaml_quoted(value: object) -> str:
    """A YAML 1.2 double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


#: For each readiness gate, commented YAML that meets it once filled in. Keys are gate codes;
#: a gate without an entry gets its description and a pointer to the gate table.
PLACEHOLDERS: dict[str, str] = {
    "MLTRL101": "summary: What the technology does and why it matters.",
    "MLTRL102": 'owners: ["Name <email>"]',
    "MLTRL111": "model: What the model or algorithm is and how it works.",
    "MLTRL112": "versions: {code: 0.1.0}                # semantic version of the code",
    "MLTRL121": """requirements:
  - id: "1"
    text: The model shall ...
    kind: research
    verification: How we check we built it right.
    validation: How we check we built the right thing.""",
    "MLTRL122": "(give each research requirement above its verification and validation)",
    "MLTRL123": """data:
  summary: Class balance, label quality, gaps, acquisition assumptions.""",
    "MLTRL131": """testing:
  suites:
    - {name: Unit tests, kind: unit, status: planned}  # passing once it runs green""",
    "MLTRL132": "links: {code: https://git.example.org/...}",
    "MLTRL133": """service_levels:
  - {name: p99 latency, kind: slo, target: 200 ms}""",
    "MLTRL141": """intended_use:
  intended: Who uses it, for what.""",
    "MLTRL142": 'reviewers: ["Name <name@example.org>"]  # the gate-review panel',
    "MLTRL143": """ethics:
  answers:
    data-rights: {status: open, notes: Who licensed the data and for which use.}""",
    "MLTRL144": "risks:\n  - {id: K1, title: What could go wrong, p_failure: 0.3, value: 6, mitigation: How it is reduced.}",
    "MLTRL145": """metrics:
  - {name: Recall, target: 0.9, achieved: 0.85, dataset: Validation set}
data:
  datasets:
    - {name: Validation set, version: 1.0.0, role: validation, source: internal}""",
    "MLTRL151": "(set each research requirement's status to verified, validated or waived)",
    "MLTRL152": """requirements:
  - id: "1"
    text: The product shall ...
    kind: product
    verification: How we check we built it right.
    validation: How we check we built the right thing.""",
    "MLTRL153": "versions: {model: 0.1.0, data: 0.1.0}  # add code: when the code is versioned",
    "MLTRL161": "(give each product requirement its verification and validation)",
    "MLTRL162": """intended_use:
  unacceptable: Uses that are out of bounds.""",
    "MLTRL163": "(give each requirement a risk: {p_failure: 0.2, value: 7})",
    "MLTRL164": """deployment:
  setting: Where and by whom it runs.
  human_in_the_loop: Who checks its output, and when.
  uncertainty: How uncertainty is shown to users.""",
    "MLTRL165": """compliance:
  - {regime: GDPR, status: not-assessed}""",
    "MLTRL171": """data:
  datasets:
    - {name: Golden set, version: 1.0.0, role: golden, source: internal}""",
    "MLTRL172": """testing:
  suites:
    - {name: Critical scenarios, kind: critical-scenario, status: planned}  # passing once green""",
    "MLTRL181": "(answer every item of the ethics checklist under ethics.answers, none left open)",
    "MLTRL182": """testing:
  suites:
    - {name: Shadow deployment, kind: shadow, status: planned}  # passing once green""",
    "MLTRL183": "(set each product requirement's status to verified, validated or waived)",
    "MLTRL191": "monitoring: {signals: [data-drift, concept-drift, data-quality], dashboard: https://...}",
    "MLTRL192": "(the concept-drift signal above, or monitoring.concept_drift)",
    "MLTRL193": "(the data-quality signal above, or monitoring.data_quality)",
}

_OTHER_FIELDS = """# status: active                     # active, paused or retired
# tags: [vision, research]
# license: Apache-2.0                  # an SPDX licence expression, e.g. "MIT OR Apache-2.0"
# links: {project: https://wiki.example.org/..., requirements: https://wiki.example.org/...}
# components: [R01.2]                  # ids of other cards, or {name, level, link} for external parts
# caveats: [Known edge cases and recommendations.]"""


def _commented(text: str) -> str:
    if text.startswith("("):
        return f"#   {text}"
    return "\n".join(f"# {line}" for line in text.splitlines())


def _gates() -> list[Any]:
    """The built-in readiness gates (each with ``code``, ``level`` and ``description``)."""
    return list(default_gates().gates)


def level_guidance(level: int) -> str:
    """The commented part of a new card: what its entry level asks for, then what comes later."""
    table = _gates()

    written = ("summary", "owners")  # required fields the card already holds
    entry = [g for g in table if g.level == level and not PLACEHOLDERS.get(g.code, "").startswith(written)]
    later = [g for g in table if g.level > level]
    out = [
        f"# What level {level} asks for. `mltrl validate` warns about each until it is written:",
        "# uncomment the lines under each one and write your own.",
    ]
    for gate in entry:
        out.append(f"# {gate.code}: {gate.description}")
        out.append(_commented(PLACEHOLDERS.get(gate.code, "(see the readiness gates in the documentation)")))
    if not entry:
        out.append("#   (nothing beyond the fields above)")
    used = {line.split(":")[0] for g in entry for line in PLACEHOLDERS.get(g.code, "").splitlines()}
    other = [line for line in _OTHER_FIELDS.splitlines() if line.removeprefix("# ").split(":")[0] not in used]
    out += ["", "# Other fields, any time:", *other]
    if later:
        out += ["", "# Later levels ask for (see the readiness gates):"]
        out += [f"#   level {g.level}: {g.description}" for g in later]
    return "\n".join(out)


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
        guidance=level_guidance(level),
    )


SCHEMA_NAME = "card.schema.json"


def published_schema(site_url: str | None, url_prefix: str) -> str | None:
    """The URL of the card schema the site publishes, when ``site_url`` says where the site is."""
    if not site_url:
        return None
    prefix = f"{url_prefix.strip('/')}/" if url_prefix.strip("/") else ""
    return f"{site_url.rstrip('/')}/{prefix}schemas/{SCHEMA_NAME}"


def schema_hint(card_dir: Path, project: Path, published: str | None) -> tuple[str, Path | None]:
    """Where a new card's editor hint points, so that it works in every clone of the repository:
    the schema in the repository (a path relative to the card) when there is one, else the copy
    the site publishes (``published``), else a copy to write into the project's ``schemas/``
    folder. Returns the hint and, in the last case, the file to write (see :func:`write_schema`)."""
    folder, project = card_dir.resolve(), project.resolve()
    for parent in (folder, *folder.parents):
        candidate = parent / "schemas" / SCHEMA_NAME
        if candidate.is_file():
            return Path(os.path.relpath(candidate, folder)).as_posix(), None
        if parent == project:
            break
    if published:
        return published, None
    target = project / "schemas" / SCHEMA_NAME
    try:
        return Path(os.path.relpath(target, folder)).as_posix(), target
    except ValueError:  # the cards on another drive than the project
        return target.as_uri(), target


def write_schema(target: Path) -> None:
    """Write the card schema to ``target`` for editors' hints (never over an existing file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:
        handle.write(schema_path(SCHEMA_NAME).read_text(encoding="utf-8"))


class ScaffoldError(Exception):
    """A card that may not be created; ``usage`` marks a bad argument rather than a conflict."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def check_values(values: dict[str, str]) -> None:
    """Refuse a value no card can hold as written: bytes that are not UTF-8, or a control
    character (a newline, an escape) in what must be one line of text."""
    for option, value in values.items():
        if valid_text(value) != value:
            raise ScaffoldError(f"{option} is not UTF-8 text: '{one_line(value)}'", usage=True)
        bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)
        if bad is not None:
            raise ScaffoldError(
                f"{option} holds a control character (U+{ord(bad):04X}) in '{one_line(value)}': "
                "a card's value here is one line of text",
                usage=True,
            )


def check_card_text(text: str, display: str) -> None:
    """Load the card about to be written as ``mltrl validate`` would: refuse it unless it loads
    without an error (a value the schema refuses, a YAML problem), so nothing invalid is written."""
    checklist, _ = load_checklist()
    assert checklist is not None  # the shipped checklist
    card_file = CardFile(Path(display), display, text.encode("utf-8"))
    errors = build_portfolio([card_file], checklist, GateMode.OFF).errors
    if errors:
        found = "; ".join(f"line {f.line}: {f.code} {one_line(f.message)}" for f in errors)
        raise ScaffoldError(f"the card cannot be written with these values ({found})", usage=True)


def create_card(folder: Path, card_id: str, text: str, taken: set[str]) -> Path:
    """Write ``<folder>/<id>.yaml``, refusing bad ids, ids already in use, existing files and a
    card that would not load without an error."""
    if not ID_PATTERN.fullmatch(card_id):
        raise ScaffoldError(
            f"invalid id '{card_id}': start with a letter or digit, then letters, digits, '.', '_' or '-',"
            " not ending with '.' (at most 64 characters)",
            usage=True,
        )
    problem = id_problem(card_id)
    if problem is not None:
        raise ScaffoldError(problem[1], usage=True)
    path = folder / f"{card_id}.yaml"
    check_card_text(text, path.as_posix())
    if card_id.lower() in taken:
        raise ScaffoldError(f"a card with id '{card_id}' (or that alias) already exists in {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # never overwrite
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; not overwriting it") from None
    return path
