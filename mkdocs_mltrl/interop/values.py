"""Values a card accepts, made from what another format holds: clean text, numbers, ids, people.

The patterns are the card schema's own (``$defs`` of ``card.schema.json``), so that an imported
value is checked by exactly the rule ``mltrl validate`` applies.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from ..core.card_ids import RESERVED_IDS
from ..core.resources import load_schema

#: What the card schema calls a control character (tab and line breaks are allowed).
_CONTROL = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]")
#: Raw line separators YAML 1.1 and 1.2 readers disagree on (cards refuse them raw: YAML013).
_SEPARATORS = str.maketrans({"\u0085": "\n", "\u2028": "\n", "\u2029": "\n\n"})
_EMAIL = re.compile(r"^[^<>@\s]+@[^<>@\s]+$")
#: The longest name, tag or short metric text a card takes.
NAME_MAX, TAG_MAX = 200, 100


class ConversionError(Exception):
    """A source that cannot be converted: a stable code, where in the source (1-based line and
    column, 1:1 when the problem is the whole file) and a message saying what is wrong."""

    def __init__(self, message: str, code: str = "IMPORT004", line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code, self.line, self.column = code, line, column


#: The codes of :class:`ConversionError` (docs/interop.md lists them).
UNREADABLE, NOT_PARSED, NOT_VALID, NOT_CONVERTIBLE = "IMPORT001", "IMPORT002", "IMPORT003", "IMPORT004"


@cache
def _pattern(name: str) -> re.Pattern[str]:
    pattern: str = load_schema("card.schema.json")["$defs"][name]["pattern"]
    return re.compile(pattern)


def clean_text(value: str) -> str:
    """Text a card field accepts: no control characters, no raw line separators, no BOM."""
    return _CONTROL.sub("", value.translate(_SEPARATORS)).replace("\ufeff", "")


def short_text(value: object, limit: int = NAME_MAX) -> str:
    """One line of clean text, at most ``limit`` characters (an ellipsis marks a cut)."""
    text = " ".join(clean_text(str(value)).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def block_text(value: object) -> str:
    """Markdown as a card holds it: clean, without trailing spaces on its lines, trimmed."""
    lines = clean_text(str(value)).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()


def org_value(value: Any) -> Any:
    """``value`` as an ``x-`` field holds it: text, finite numbers, booleans, null, and lists and
    mappings of these. Non-finite numbers and other objects become text; dates (which YAML 1.1
    readers make of an unquoted ``2021-05-10``) become ``YYYY-MM-DD`` text."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {clean_text(str(k)): org_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [org_value(v) for v in value]
    return clean_text(str(value))


def metric_value(value: Any, numeric_text: bool = False) -> float | int | str | None:
    """A metric's ``target`` or ``achieved``: a finite number, or short text. With
    ``numeric_text``, text that is a number becomes that number (a Model Card Toolkit value is
    always text, e.g. "0.978"); otherwise text stays text, as the source wrote it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else str(value)
    text = short_text(value)
    if not numeric_text or not text:
        return text or None
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    return int(number) if re.fullmatch(r"[+-]?[0-9]+", text) else number


def is_semver(value: str) -> bool:
    return bool(_pattern("semver").match(value))


def is_absolute_url(value: str) -> bool:
    """An http(s) or mailto URL that a card's URL fields accept. Imports keep only these as links:
    a relative path was relative to the source file and means nothing beside the card."""
    return value.startswith(("http:", "https:", "mailto:")) and bool(_pattern("url").match(value))


def iri(url: str) -> str:
    """A card URL as an IRI reference (what CycloneDX's ``url`` takes, and a safe Markdown link):
    the characters RFC 3987 refuses (``<>"{}|\\^`` and the backtick) and a stray ``%`` encoded."""
    url = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", url)
    return re.sub(r'[<>"{}|\\^`]', lambda m: f"%{ord(m.group()):02X}", url)


def is_card_id(value: str) -> bool:
    return bool(_pattern("cardId").match(value)) and value.lower() not in RESERVED_IDS


def card_id_from(*candidates: str | None) -> str:
    """A card id made from the first usable candidate: ASCII letters and digits, other characters
    as '-', at most 64 characters."""
    for candidate in candidates:
        if not candidate:
            continue
        ascii_text = unicodedata.normalize("NFKD", candidate).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:64].rstrip("-")
        if slug and is_card_id(slug):
            return slug
    raise ConversionError("no card id can be made from the model's name: pass --id")


def person(name: object, contact: object = None) -> str:
    """A card person: "Name <email>" when the contact is an e-mail address, else the name alone
    ("" when there is no name)."""
    text = short_text(str(name or "").replace("<", "").replace(">", ""), 250)
    email = str(contact or "").strip()
    if text and _EMAIL.match(email):
        return f"{text} <{email}>"
    return text


def code(text: str) -> str:
    """``text`` in a Markdown code span (backticks inside are handled), so that a path or a name
    is shown as written and never read as a link or markup."""
    text = short_text(text, 500)
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def drop_empty(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without keys whose value is None or an empty text, list or mapping (recursively
    through mappings)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            value = drop_empty(value)
        if value is None or value == "" or value == [] or value == {}:
            continue
        out[key] = value
    return out


def join_blocks(blocks: Iterable[str], sep: str = "\n\n") -> str:
    return sep.join(b.strip() for b in blocks if b and b.strip())


def slug(text: object) -> str:
    """An identifier in lower case: letters and digits, other characters as '_' ("unnamed" when empty)."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_") or "unnamed"
