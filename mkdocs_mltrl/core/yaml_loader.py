"""Load a YAML file as YAML 1.2 data with a 1-based position for every key and value.

PyYAML's own constructors follow YAML 1.1 (``yes`` is a boolean, ``2021-05-10`` a date), allow
aliases and duplicate keys. Cards are untrusted and written by people who expect YAML 1.2, so this
module reads the parser's event stream (libyaml's C parser where available) and builds plain
Python data itself, refusing everything the card format forbids with a positioned finding."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .file_policy import Folder
from .findings import Finding
from .yaml_errors import (
    MAX_DEPTH,
    YAML_ALIAS,
    YAML_CONTROL_CHARACTER,
    YAML_DUPLICATE_KEY,
    YAML_EMPTY,
    YAML_KEY,
    YAML_MULTIPLE_DOCUMENTS,
    YAML_NOT_MAPPING,
    YAML_SYNTAX,
    YAML_TAG,
    YAML_TOO_DEEP,
    LoadError,
)
from .yaml_files import decode, line_column, read_limited
from .yaml_scalars import CORE_TAGS, NotFinite, resolve_plain, resolve_tagged, shared_text

# Control characters other than tab, line feed and carriage return, also when written as escapes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


Path_ = tuple[str | int, ...]


_Parser: type = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class Position(NamedTuple):
    """1-based line and column."""

    line: int
    column: int


def pack_text(text: str) -> bytes:
    """A card's source text compressed: thousands of cards kept for a build hold it as a quarter."""
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def unpack_text(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8", "surrogatepass") if packed else ""


class Positions:
    """Where each value (and each mapping key) of a loaded document stands in its file.

    A valid card needs positions only when a rule reports on it, so cards keep the positions of
    their top-level fields (where gate findings point) and their text, and compute the rest on
    first use (:meth:`lazy`) instead of holding them for every value.
    """

    __slots__ = ("_keys", "_raw", "_text", "_values")

    def __init__(self) -> None:
        self._values: dict[Path_, Position] = {}
        self._keys: dict[Path_, Position] = {}
        #: The source text of plain scalars that were read as numbers or booleans.
        self._raw: dict[Path_, str] = {}
        #: The text to compute the other positions from: as read, or compressed (see :func:`pack_text`).
        self._text: str | bytes | None = None

    @classmethod
    def lazy(cls, text: str | bytes, top: Positions | None = None) -> Positions:
        """Positions to compute from ``text`` (as read, or :func:`pack_text` of it) on first use."""
        positions = top or cls()
        positions._text = text
        return positions

    def pack(self, packed: bytes) -> None:
        """Hold the text still to compute positions from as ``packed`` (:func:`pack_text` of it)."""
        if self._text is not None:
            self._text = packed

    def _load(self) -> None:
        if self._text is not None:
            text, self._text = self._text, None
            found = parse_text(unpack_text(text) if isinstance(text, bytes) else text).positions
            self._values, self._keys, self._raw = found._values, found._keys, found._raw

    @property
    def values(self) -> dict[Path_, Position]:
        self._load()
        return self._values

    @property
    def keys(self) -> dict[Path_, Position]:
        self._load()
        return self._keys

    @property
    def raw(self) -> dict[Path_, str]:
        self._load()
        return self._raw

    def of_value(self, path: Path_) -> Position:
        """The position of the value at ``path``, or of its nearest ancestor that has one."""
        if len(path) == 1 and path in self._values:
            return self._values[path]
        values = self.values
        for end in range(len(path), -1, -1):
            found = values.get(tuple(path[:end]))
            if found is not None:
                return found
        return Position(1, 1)

    def of_key(self, path: Path_) -> Position:
        """The position of the key that holds ``path`` (for mapping entries), else of the value."""
        if len(path) == 1 and path in self._keys:
            return self._keys[path]
        return self.keys.get(tuple(path)) or self.of_value(path)


@dataclass
class LoadedDocument:
    data: Any
    positions: Positions
    text: str


class _Retry(Exception):
    """A problem whose message needs positions: parse again, recording them."""


class _Composer:
    """Builds data and positions from parser events, refusing what cards may not hold.

    This loop runs once per key and value of every card, so it avoids per-node overhead:
    positions are tuples and events are dispatched by type, not by a chain of checks.
    """

    def __init__(self, parser: Any, record: bool = True, clean: bool = False) -> None:
        self.parser = parser
        self.record = record
        #: The text holds no control character and no escape: no value can hold one.
        self.clean = clean
        self.positions = Positions()

    @staticmethod
    def _refuse(event: Any) -> None:
        """Raise for an alias, an anchor or a tag that cards may not use."""
        mark = event.start_mark
        where = (mark.line + 1, mark.column + 1)
        if type(event) is yaml.AliasEvent:
            raise LoadError(
                YAML_ALIAS, f"aliases (*{event.anchor}) are not allowed in cards: write the value out", *where
            )
        if event.anchor is not None:
            raise LoadError(
                YAML_ALIAS, f"anchors (&{event.anchor}) are not allowed in cards: write the value out", *where
            )
        shown = str(event.tag).replace("tag:yaml.org,2002:", "!!")
        raise LoadError(YAML_TAG, f"custom tags ({shown}) are not allowed in cards", *where)

    def _scalar(self, event: Any, path: Path_) -> Any:
        value = event.value
        bad = None if self.clean else _CONTROL.search(value)
        if bad:
            mark = event.start_mark
            raise LoadError(
                YAML_CONTROL_CHARACTER,
                f"control character U+{ord(bad.group()):04X} is not allowed in a value",
                mark.line + 1,
                mark.column + 1,
            )
        tag = event.tag
        if tag is not None and tag != "!" and not event.implicit[0]:
            return resolve_tagged(tag, value, event.start_mark)
        if event.style in (None, ""):
            try:
                resolved = resolve_plain(value)
            except NotFinite as exc:
                raise exc.at(event.start_mark) from None
            if self.record and resolved.__class__ is not str:  # only schema messages use these
                self.positions._raw[path] = value
            return shared_text(resolved) if resolved.__class__ is str else resolved
        return shared_text(value)

    def node(self, path: Path_, depth: int) -> Any:
        get_event = self.parser.get_event
        event = get_event()
        kind = type(event)
        if (
            event.anchor is not None
            or kind is yaml.AliasEvent
            or (event.tag is not None and event.tag not in CORE_TAGS)
        ):
            self._refuse(event)
        mark = event.start_mark
        record = self.record
        if record or depth <= 1:  # top-level fields always: gate findings point at them
            self.positions._values[path] = Position(mark.line + 1, mark.column + 1)
        if depth > MAX_DEPTH:
            raise LoadError(YAML_TOO_DEEP, f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1)
        if kind is yaml.ScalarEvent:
            return self._scalar(event, path)
        if kind is yaml.SequenceStartEvent:
            if event.tag not in (None, "!", "tag:yaml.org,2002:seq"):
                raise LoadError(YAML_TAG, f"{event.tag} does not tag a sequence", mark.line + 1, mark.column + 1)
            items: list[Any] = []
            end = yaml.SequenceEndEvent
            while not self.parser.check_event(end):
                items.append(self.node((*path, len(items)) if record else path, depth + 1))
            get_event()
            return items
        if kind is yaml.MappingStartEvent:
            if event.tag not in (None, "!", "tag:yaml.org,2002:map"):
                raise LoadError(YAML_TAG, f"{event.tag} does not tag a mapping", mark.line + 1, mark.column + 1)
            mapping: dict[str, Any] = {}
            keys = self.positions._keys
            map_end = yaml.MappingEndEvent
            while not self.parser.check_event(map_end):
                key_event = get_event()
                key_kind = type(key_event)
                if (
                    key_kind is not yaml.ScalarEvent
                    or key_event.anchor is not None
                    or (key_event.tag is not None and key_event.tag not in CORE_TAGS)
                ):
                    if key_kind in (yaml.ScalarEvent, yaml.AliasEvent):
                        self._refuse(key_event)
                    key_mark = key_event.start_mark
                    raise LoadError(
                        YAML_KEY, "a mapping key must be plain text", key_mark.line + 1, key_mark.column + 1
                    )
                key = key_event.value
                key_mark = key_event.start_mark
                child = (*path, key) if record or depth == 0 else path
                if key in mapping:
                    if not record:
                        raise _Retry
                    raise LoadError(
                        YAML_DUPLICATE_KEY,
                        f"duplicate key '{key}' (first defined at line {keys[child].line})",
                        key_mark.line + 1,
                        key_mark.column + 1,
                    )
                if record or depth == 0:
                    keys[child] = Position(key_mark.line + 1, key_mark.column + 1)
                mapping[key] = self.node(child, depth + 1)
            get_event()
            return mapping
        raise LoadError(YAML_SYNTAX, f"unexpected {kind.__name__}", mark.line + 1, mark.column + 1)

    def document(self) -> Any:
        self.parser.get_event()  # StreamStart
        if self.parser.check_event(yaml.StreamEndEvent):
            raise LoadError(YAML_EMPTY, "the file is empty")
        self.parser.get_event()  # DocumentStart
        data = self.node((), 0)
        self.parser.get_event()  # DocumentEnd
        if not self.parser.check_event(yaml.StreamEndEvent):
            mark = self.parser.peek_event().start_mark
            raise LoadError(
                YAML_MULTIPLE_DOCUMENTS,
                "a card file holds one YAML document; found a second one",
                mark.line + 1,
                mark.column + 1,
            )
        return data


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if line < len(lines) and column < len(lines[line]):
        return lines[line][column]
    return ""


#: Line breaks in YAML 1.1 (PyYAML's parser, and ruamel's) but ordinary characters in YAML 1.2:
#: written raw, they give one card two readings, so only their escapes are allowed.
_AMBIGUOUS_BREAKS = {"\x85": "next line", "\u2028": "line separator", "\u2029": "paragraph separator"}


def _refuse_ambiguous_breaks(text: str) -> None:
    for char, name in _AMBIGUOUS_BREAKS.items():
        offset = text.find(char)
        if offset >= 0:
            line = text.count("\n", 0, offset) + 1
            column = offset - text.rfind("\n", 0, offset)
            escape = "\\N" if char == "\x85" else f"\\u{ord(char):04x}"
            raise LoadError(
                YAML_CONTROL_CHARACTER,
                f'U+{ord(char):04X} ({name}) is read differently by YAML 1.1 and 1.2: write it as "{escape}"',
                line,
                column,
            )


def parse_text(text: str, positions: bool = True) -> LoadedDocument:
    """Parse YAML text into data and positions, raising :class:`LoadError` on any problem.

    With ``positions=False`` the document's positions are computed only when first asked for,
    which spares a valid card hundreds of small objects it rarely needs.
    """
    _refuse_ambiguous_breaks(text)
    parser = _Parser(text)
    composer = _Composer(parser, record=positions, clean="\\" not in text and not _CONTROL.search(text))
    try:
        data = composer.document()
    except _Retry:
        return parse_text(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            problem = "tabs are not allowed for indentation: use spaces"
        elif "maximum nesting depth" in problem:  # newer libyaml stops at its own limit before ours is reached
            raise LoadError(YAML_TOO_DEEP, f"nesting deeper than {MAX_DEPTH} levels", line, column) from None
        elif exc.context and exc.problem:
            problem = f"{exc.context}: {problem}"
        raise LoadError(YAML_SYNTAX, f"invalid YAML: {problem}", line, column) from None
    except yaml.reader.ReaderError as exc:
        line, column = line_column(text.encode("utf-8"), exc.position)
        raise LoadError(
            YAML_SYNTAX, f"character U+{exc.character:04X} is not allowed in YAML: {exc.reason}", line, column
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(YAML_SYNTAX, f"invalid YAML: {exc}") from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    return LoadedDocument(data, composer.positions if positions else Positions.lazy(text, composer.positions), text)


def load_file(path: Path, folder: Folder | None = None) -> LoadedDocument:
    """A YAML file read by the path policy: one named inside ``folder`` must really lie in it."""
    return parse_text(decode(read_limited(path, folder)))


def as_mapping(document: LoadedDocument) -> None:
    """Raise unless the document's top level is a mapping."""
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        raise LoadError(YAML_NOT_MAPPING, f"the top level must be a mapping of fields, not {kind}")


def load_mapping(path: Path, display: str, folder: Folder | None = None) -> tuple[LoadedDocument | None, list[Finding]]:
    """Load a file whose top level must be a mapping; problems come back as findings."""
    try:
        document = load_file(path, folder)
        as_mapping(document)
    except LoadError as exc:
        return None, [exc.finding(display)]
    return document, []
