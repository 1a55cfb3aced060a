"""Load a YAML file as YAML 1.2 data with a 1-based position for every key and value.

PyYAML's own constructors follow YAML 1.1 (``yes`` is a boolean, ``2021-05-10`` a date), allow
aliases and duplicate keys. Cards are untrusted and written by people who expect YAML 1.2, so this
module reads the parser's event stream (libyaml's C parser where available) and builds plain
Python data itself, refusing everything the card format forbids with a positioned finding.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .findings import Finding, Severity

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64

#: Stable codes of loading problems.
YAML_SYNTAX = "YAML001"
YAML_DUPLICATE_KEY = "YAML002"
YAML_ALIAS = "YAML003"
YAML_TAG = "YAML004"
YAML_MULTIPLE_DOCUMENTS = "YAML005"
YAML_TOO_LARGE = "YAML006"
YAML_ENCODING = "YAML007"
YAML_EMPTY = "YAML008"
YAML_NOT_MAPPING = "YAML009"
YAML_KEY = "YAML010"
YAML_TOO_DEEP = "YAML011"
YAML_UNREADABLE = "YAML012"
YAML_CONTROL_CHARACTER = "YAML013"

# Control characters other than tab, line feed and carriage return, also when written as escapes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

Path_ = tuple[str | int, ...]

_Parser: type = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

# YAML 1.2 core schema, applied to plain (unquoted) scalars only.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_BOOL_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass
class Positions:
    """Where each value (and each mapping key) of a loaded document stands in its file."""

    values: dict[Path_, Position] = field(default_factory=dict)
    keys: dict[Path_, Position] = field(default_factory=dict)
    #: The source text of plain scalars that were read as numbers or booleans.
    raw: dict[Path_, str] = field(default_factory=dict)

    def of_value(self, path: Path_) -> Position:
        """The position of the value at ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.values.get(tuple(path[:end]))
            if found is not None:
                return found
        return Position(1, 1)

    def of_key(self, path: Path_) -> Position:
        """The position of the key that holds ``path`` (for mapping entries), else of the value."""
        return self.keys.get(tuple(path)) or self.of_value(path)


@dataclass
class LoadedDocument:
    data: Any
    positions: Positions
    text: str


class LoadError(Exception):
    """Loading stopped at a positioned problem."""

    def __init__(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column

    def finding(self, display: str) -> Finding:
        return Finding(display, self.line, self.column, Severity.ERROR, self.code, self.message)


def resolve_plain(text: str) -> Any:
    """The YAML 1.2 core-schema value of a plain scalar."""
    if _NULL.match(text):
        return None
    if _BOOL_TRUE.match(text):
        return True
    if _BOOL_FALSE.match(text):
        return False
    if _INT10.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _explicit(tag: str, text: str, mark: Any) -> Any:
    if tag in ("tag:yaml.org,2002:str", "!"):
        return text
    value = resolve_plain(text)
    expected = {
        "tag:yaml.org,2002:int": int,
        "tag:yaml.org,2002:float": float,
        "tag:yaml.org,2002:bool": bool,
        "tag:yaml.org,2002:null": type(None),
    }[tag]
    if expected is float and type(value) is int:
        return float(value)
    if type(value) is not expected:
        raise LoadError(YAML_TAG, f"{text!r} is not a valid {tag.rsplit(':', 1)[-1]}", mark.line + 1, mark.column + 1)
    return value


class _Composer:
    """Builds data and positions from parser events, refusing what cards may not hold."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.positions = Positions()

    def _check_node_event(self, event: Any) -> None:
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise LoadError(
                YAML_ALIAS,
                f"aliases (*{event.anchor}) are not allowed in cards: write the value out",
                mark.line + 1,
                mark.column + 1,
            )
        if event.anchor is not None:
            raise LoadError(
                YAML_ALIAS,
                f"anchors (&{event.anchor}) are not allowed in cards: write the value out",
                mark.line + 1,
                mark.column + 1,
            )
        tag = event.tag
        if tag is not None and tag not in _CORE_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise LoadError(YAML_TAG, f"custom tags ({shown}) are not allowed in cards", mark.line + 1, mark.column + 1)

    def node(self, path: Path_, depth: int) -> Any:
        event = self.parser.get_event()
        self._check_node_event(event)
        mark = event.start_mark
        self.positions.values[path] = Position(mark.line + 1, mark.column + 1)
        if depth > MAX_DEPTH:
            raise LoadError(YAML_TOO_DEEP, f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1)
        if isinstance(event, yaml.ScalarEvent):
            bad = _CONTROL.search(event.value)
            if bad:
                raise LoadError(
                    YAML_CONTROL_CHARACTER,
                    f"control character U+{ord(bad.group()):04X} is not allowed in a value",
                    mark.line + 1,
                    mark.column + 1,
                )
            if event.tag is not None and event.tag != "!" and not event.implicit[0]:
                return _explicit(event.tag, event.value, mark)
            if event.style in (None, ""):
                value = resolve_plain(event.value)
                if not isinstance(value, str):
                    self.positions.raw[path] = event.value
                return value
            return event.value
        if isinstance(event, yaml.SequenceStartEvent):
            if event.tag not in (None, "!", "tag:yaml.org,2002:seq"):
                raise LoadError(YAML_TAG, f"{event.tag} does not tag a sequence", mark.line + 1, mark.column + 1)
            items: list[Any] = []
            while not self.parser.check_event(yaml.SequenceEndEvent):
                items.append(self.node((*path, len(items)), depth + 1))
            self.parser.get_event()
            return items
        if isinstance(event, yaml.MappingStartEvent):
            if event.tag not in (None, "!", "tag:yaml.org,2002:map"):
                raise LoadError(YAML_TAG, f"{event.tag} does not tag a mapping", mark.line + 1, mark.column + 1)
            mapping: dict[str, Any] = {}
            while not self.parser.check_event(yaml.MappingEndEvent):
                key_event = self.parser.get_event()
                self._check_node_event(key_event)
                key_mark = key_event.start_mark
                if not isinstance(key_event, yaml.ScalarEvent):
                    raise LoadError(
                        YAML_KEY, "a mapping key must be plain text", key_mark.line + 1, key_mark.column + 1
                    )
                key = key_event.value
                child = (*path, key)
                if key in mapping:
                    first = self.positions.keys[child]
                    raise LoadError(
                        YAML_DUPLICATE_KEY,
                        f"duplicate key '{key}' (first defined at line {first.line})",
                        key_mark.line + 1,
                        key_mark.column + 1,
                    )
                self.positions.keys[child] = Position(key_mark.line + 1, key_mark.column + 1)
                mapping[key] = self.node(child, depth + 1)
            self.parser.get_event()
            return mapping
        raise LoadError(YAML_SYNTAX, f"unexpected {type(event).__name__}", mark.line + 1, mark.column + 1)

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


def _line_column(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
    return line, column


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(raw, exc.start)
        raise LoadError(
            YAML_ENCODING, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})", line, column
        ) from None
    return text.removeprefix("\ufeff")


def parse_text(text: str) -> LoadedDocument:
    """Parse YAML text into data and positions, raising :class:`LoadError` on any problem."""
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise LoadError(YAML_EMPTY, "the file is empty")
    parser = _Parser(text)
    composer = _Composer(parser)
    try:
        data = composer.document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            problem = "tabs are not allowed for indentation: use spaces"
        elif exc.context and exc.problem:
            problem = f"{exc.context}: {problem}"
        raise LoadError(YAML_SYNTAX, f"invalid YAML: {problem}", line, column) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text.encode("utf-8"), exc.position)
        raise LoadError(
            YAML_SYNTAX, f"character U+{exc.character:04X} is not allowed in YAML: {exc.reason}", line, column
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(YAML_SYNTAX, f"invalid YAML: {exc}") from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    return LoadedDocument(data, composer.positions, text)


def read_limited(path: Path) -> bytes:
    """The bytes of a file, refusing files over 1 MiB before reading them."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError(YAML_TOO_LARGE, f"the file is {size:,} bytes; a card may be at most 1 MiB")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LoadError(YAML_UNREADABLE, f"cannot read the file: {exc.strerror or exc}") from None
    return check_size(raw)


def check_size(raw: bytes) -> bytes:
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(YAML_TOO_LARGE, f"the file is {len(raw):,} bytes or more; a card may be at most 1 MiB")
    return raw


def load_file(path: Path) -> LoadedDocument:
    return parse_text(decode(read_limited(path)))


def as_mapping(document: LoadedDocument) -> None:
    """Raise unless the document's top level is a mapping."""
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        raise LoadError(YAML_NOT_MAPPING, f"the top level must be a mapping of fields, not {kind}")


def load_mapping(path: Path, display: str) -> tuple[LoadedDocument | None, list[Finding]]:
    """Load a file whose top level must be a mapping; problems come back as findings."""
    try:
        document = load_file(path)
        as_mapping(document)
    except LoadError as exc:
        return None, [exc.finding(display)]
    return document, []
