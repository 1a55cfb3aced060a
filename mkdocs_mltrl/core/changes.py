"""Field-by-field changes between two versions of a card's data, and inert Markdown for them.

The walk is generic over the card's data, so fields added to the card format are covered without
code here: mappings are compared key by key, lists of mappings by each item's identity (``id``,
``name``, ``regime``, ``gate``, ``question``, a history event's date and event), other lists item
by item, and text with a word diff.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .printable import valid_text

#: Keys that identify an item of a list of mappings, in order of preference.
IDENTITY_KEYS = ("id", "name", "regime", "gate", "question")

#: Text with more words than this is shown as a word diff.
WORDY = 6
#: Unchanged words kept around each change in an abridged word diff.
CONTEXT = 3
#: Longest shown value, in characters, before it is cut.
SHOWN = 120
#: Beyond this many words, only the common start and end are found (linear time).
DIFF_WORDS = 2000

Part = str | int | dict[str, str]


@dataclass
class FieldChange:
    """One changed field: ``added``, ``removed`` or ``changed``, with the values before and after."""

    path: tuple[Part, ...]
    kind: str
    before: Any = None
    after: Any = None
    words: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return field_name(self.path)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.name, "path": list(self.path), "change": self.kind}
        out["before"], out["after"] = self.before, self.after
        if self.words:
            out["words"] = [{"op": op, "text": text} for op, text in self.words]
        return out


def field_name(path: tuple[Part, ...]) -> str:
    """``requirements[1].status``, ``history[2022-01-01 graduate]``, ``ethics.answers.misuse``."""
    out = ""
    for part in path:
        if isinstance(part, dict):
            out += "[" + " ".join(str(v) for v in part.values()) + "]"
        elif isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out


def _identity(item: Any) -> dict[str, str] | None:
    if isinstance(item, dict):
        if "date" in item and "event" in item:  # a history event
            return {"date": str(item["date"]), "event": str(item["event"])}
        for key in IDENTITY_KEYS:
            if isinstance(item.get(key), (str, int)) and not isinstance(item.get(key), bool):
                return {key: str(item[key])}
    return None


def _keyed(items: list[Any]) -> dict[str, tuple[dict[str, str], Any]] | None:
    """Items by identity, or None when some item has none or two share one."""
    out: dict[str, tuple[dict[str, str], Any]] = {}
    seen: dict[str, int] = {}
    for item in items:
        ident = _identity(item)
        if ident is None:
            return None
        key = json.dumps(ident, sort_keys=True)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:  # the same date and event twice: number them
            ident = {**ident, "n": str(seen[key])}
            key = json.dumps(ident, sort_keys=True)
        out[key] = (ident, item)
    return out


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(op, text) runs, op ``=`` kept, ``-`` removed, ``+`` added; long kept runs abridged to ``…``."""
    a, b = before.split(), after.split()
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    runs: list[tuple[str, list[str]]] = [("=", a[:start])]
    if len(middle_a) <= DIFF_WORDS and len(middle_b) <= DIFF_WORDS:
        matcher = difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                runs.append(("=", middle_a[i1:i2]))
                continue
            if i2 > i1:
                runs.append(("-", middle_a[i1:i2]))
            if j2 > j1:
                runs.append(("+", middle_b[j1:j2]))
    else:
        runs += [("-", middle_a), ("+", middle_b)]
    runs.append(("=", a[len(a) - end :] if end else []))
    out: list[tuple[str, str]] = []
    last = len(runs) - 1
    for index, (kind, words) in enumerate(runs):
        if not words:
            continue
        if kind == "=":
            keep_start = 0 if index == 0 else CONTEXT
            keep_end = 0 if index == last else CONTEXT
            if len(words) > keep_start + keep_end + 1:
                head, tail = words[:keep_start], words[len(words) - keep_end :] if keep_end else []
                if head:
                    out.append(("=", " ".join(head)))
                out.append(("…", ""))
                if tail:
                    out.append(("=", " ".join(tail)))
                continue
        out.append((kind, " ".join(words)))
    return out


def diff_data(before: Any, after: Any, path: tuple[Part, ...] = ()) -> Iterator[FieldChange]:
    """Every changed field between two versions of (part of) a card's data, in the card's order."""
    if before == after and type(before) is type(after):
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            if key not in after:
                yield FieldChange((*path, key), "removed", before[key], None)
            elif key not in before:
                yield FieldChange((*path, key), "added", None, after[key])
            else:
                yield from diff_data(before[key], after[key], (*path, key))
        return
    if isinstance(before, list) and isinstance(after, list):
        yield from _diff_list(before, after, path)
        return
    words: list[tuple[str, str]] = []
    if _is_text(before) and _is_text(after) and max(len(before.split()), len(after.split())) > WORDY:
        words = word_diff(before, after)
    yield FieldChange(path, "changed", before, after, words)


def _diff_list(before: list[Any], after: list[Any], path: tuple[Part, ...]) -> Iterator[FieldChange]:
    old, new = _keyed(before), _keyed(after)
    if old is not None and new is not None and (old or new):
        for key, (ident, item) in old.items():
            if key not in new:
                yield FieldChange((*path, ident), "removed", item, None)
            else:
                yield from diff_data(item, new[key][1], (*path, ident))
        for key, (ident, item) in new.items():
            if key not in old:
                yield FieldChange((*path, ident), "added", None, item)
        return
    # Plain items (owners, tags, caveats): what was removed, added or rewritten, by position.
    shown_a = [json.dumps(x, sort_keys=True) for x in before]
    shown_b = [json.dumps(x, sort_keys=True) for x in after]
    matcher = difflib.SequenceMatcher(None, shown_a, shown_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            yield from diff_data(before[i1 + k], after[j1 + k], (*path, j1 + k))
        for k in range(i1 + pairs, i2):
            yield FieldChange((*path, k), "removed", before[k], None)
        for k in range(j1 + pairs, j2):
            yield FieldChange((*path, k), "added", None, after[k])


# --- inert Markdown ------------------------------------------------------------------------------

_BACKTICKS = re.compile(r"`+")


def _visible(text: str) -> str:
    """One line, with invisible and direction-changing characters written as escapes."""
    out = []
    for char in " ".join(text.split()):
        category = unicodedata.category(char)
        if category == "Cs":  # a byte of a file name that is not UTF-8
            out.append(valid_text(char))
        elif category in ("Cc", "Cf", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def code(text: object, limit: int = SHOWN) -> str:
    """Card text as a Markdown code span: no markup, HTML, images, mentions or references apply.

    GitHub renders code spans verbatim and does not look for ``@user`` or ``#1`` in them; the span's
    fence is longer than any run of backticks inside, and ``|`` is escaped so a table cell holds.
    """
    shown = _visible(str(text))
    if len(shown) > limit:
        shown = shown[:limit] + "…"
    if not shown:
        return "*(empty)*"
    runs = [len(r) for r in _BACKTICKS.findall(shown)]
    fence = "`" * (max(runs, default=0) + 1)
    if shown.startswith(("`", " ")) or shown.endswith(("`", " ")):
        shown = f" {shown} "
    shown = shown.replace("|", "\\|")
    return f"{fence}{shown}{fence}"


def value_text(value: Any) -> str:
    """A short, one-line rendering of any card value, for a code span."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {value_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return json.dumps(value)


def change_markdown(change: FieldChange) -> str:
    name = code(change.name, 80)
    if change.kind == "added":
        return f"{name} added: {code(value_text(change.after))}"
    if change.kind == "removed":
        return f"{name} removed (was {code(value_text(change.before))})"
    if change.words:
        parts = []
        for op, text in change.words:
            if op == "…":
                parts.append("…")
            elif op == "-":
                parts.append(f"~~{code(text, 60)}~~")
            elif op == "+":
                parts.append(f"**{code(text, 60)}**")
            else:
                parts.append(code(text, 60))
        return f"{name}: " + " ".join(parts)
    return f"{name}: {code(value_text(change.before))} → {code(value_text(change.after))}"
