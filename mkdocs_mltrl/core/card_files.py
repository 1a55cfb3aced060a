"""Finding the card files under the cards folder, each classified by the path policy
(:mod:`.file_policy`) as it is found: what is not a regular file in the folder is a positioned
finding at once, never read."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .file_policy import Folder, check_file, nested_repository
from .yaml_errors import LoadError

CARD_SUFFIXES = (".yaml", ".yml")


class CardPathError(Exception):
    """A path given to look for cards does not exist (a usage problem, not a card problem)."""


@dataclass(frozen=True, slots=True)
class CardFile:
    """A card to load: a file on disk, or ``content`` read elsewhere (e.g. from a git revision).

    ``folder`` is the folder a file found by walking must stay in (see :func:`.file_policy.read_file`);
    ``problem`` is why the entry is not read, when the policy refused it as it was found.
    """

    path: Path
    display: str
    content: bytes | None = None
    folder: Folder | None = None
    problem: LoadError | None = None


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as people expect to read it: as given, or relative to ``base`` when inside it."""
    if not path.is_absolute():
        return path.as_posix()
    base = (base or Path.cwd()).absolute()
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else path.as_posix()


def _is_card(name: str) -> bool:
    return name.endswith(CARD_SUFFIXES)


def _walk(root: Path, base: Path | None, found: dict[Path, CardFile]) -> None:
    """Every entry under ``root`` that is or claims to be a card, hidden entries left out.

    Folders are entered without following links; a folder holding ``.git`` (a submodule or
    another repository) is a finding, not entered. A regular file named like a card is a card; a
    symbolic link named like one is checked against the policy; anything else named like one (a
    pipe, a socket, a device) is a finding. A link to a folder is not entered.
    """
    folder = Folder(root)
    pending = [root]
    while pending:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            if current == root:
                raise CardPathError(f"cannot read the folder {root}: {exc.strerror or exc}") from None
            entries = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if os.path.lexists(path / ".git"):
                    nested = CardFile(path, display_path(path, base), problem=nested_repository())
                    found.setdefault(path.absolute(), nested)
                else:
                    pending.append(path)
                continue
            if not _is_card(entry.name):
                continue
            problem: LoadError | None = None
            if not entry.is_file(follow_symlinks=False):  # a link, a pipe, a socket, a device
                try:
                    check_file(path, folder)
                except LoadError as exc:
                    problem = exc
            card = CardFile(path, display_path(path, base), folder=folder, problem=problem)
            found.setdefault(path.absolute(), card)


def discover(paths: Sequence[Path], base: Path | None = None) -> list[CardFile]:
    """Card files under the given files and folders, sorted, without repeats.

    Hidden files and folders are skipped. A file given by name is read as named (the policy still
    refuses a loop, a pipe or a device); one found in a folder must really lie in it.
    """
    found: dict[Path, CardFile] = {}
    for root in paths:
        if root.is_dir():
            _walk(root, base, found)
        elif os.path.lexists(root):
            found.setdefault(root.absolute(), CardFile(root, display_path(root, base)))
        else:
            raise CardPathError(f"no such file or folder: {root}")
    return sorted(found.values(), key=lambda f: f.display)
