"""Reading a card file's bytes within the size limit, and decoding them as UTF-8 with a position on error."""

from __future__ import annotations

from pathlib import Path

from .file_policy import Folder, read_file
from .yaml_errors import MAX_FILE_BYTES, YAML_ENCODING, YAML_TOO_LARGE, LoadError


def line_column(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
    return line, column


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = line_column(raw, exc.start)
        raise LoadError(
            YAML_ENCODING, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})", line, column
        ) from None
    return text.removeprefix("\ufeff")


def read_limited(path: Path, folder: Folder | None = None) -> bytes:
    """The bytes of a file by the path policy (see :mod:`.file_policy`), refusing files over 1 MiB
    before reading them."""
    return read_file(path, folder)


def check_size(raw: bytes) -> bytes:
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(YAML_TOO_LARGE, f"the file is {len(raw):,} bytes or more; a card may be at most 1 MiB")
    return raw
