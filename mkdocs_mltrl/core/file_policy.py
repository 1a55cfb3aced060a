"""The one path policy for every file the tool reads: cards, the gates file, the checklist, files
beside cards, and the working tree's side of ``mltrl diff``.

A file is read only when it is a regular file that really lies in the folder it was found in (or
named in): a symbolic link is followed only while it stays inside that folder, and a link loop, a
link to nothing, a named pipe, a socket, a device or a folder where a file is expected is refused
with a positioned finding at once, before anything is opened. The file is then opened without
following a link and without blocking (``O_NOFOLLOW | O_NONBLOCK``) and checked again on the open
handle, so an entry swapped after the check is refused too, never waited on.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .yaml_errors import MAX_FILE_BYTES, YAML_TOO_LARGE, YAML_UNREADABLE, LoadError

#: Stable codes of file-system entries that are not read.
IO_OUTSIDE = "IO001"  # a symbolic link that leads out of its folder
IO_LOOP = "IO002"  # a symbolic link loop
IO_BROKEN = "IO003"  # a symbolic link to nothing
IO_NOT_FILE = "IO004"  # not a regular file: a named pipe, socket, device or folder
IO_REPOSITORY = "IO005"  # a git submodule or another repository inside the cards folder

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | _NO_FOLLOW


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder whose files must really lie in it.

    ``name`` is how a message calls it ("the cards folder", "the project"). With ``whole_path``
    every folder on the way is checked too (a path named in a configuration, which may pass
    through a linked folder); without, only the file's own entry (a file found by walking the
    folder, which never enters a linked folder).
    """

    path: Path
    name: str = "the cards folder"
    whole_path: bool = False


def project_folder(root: Path) -> Folder:
    """The project (the folder of mkdocs.yml): where a gates file or checklist named inside it
    must really lie, every folder on the way included."""
    return Folder(root, "the project", whole_path=True)


def kind_of(mode: int) -> str:
    """What an entry that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"  # pragma: no cover - no other kind on POSIX


def not_a_file(what: str) -> LoadError:
    return LoadError(IO_NOT_FILE, f"{what}, not a regular file; it is not read")


def outside(folder_name: str) -> LoadError:
    """A link out of its folder: the message never names where it leads."""
    return LoadError(IO_OUTSIDE, f"a symbolic link to a file outside {folder_name}; it is not read")


def link_loop() -> LoadError:
    return LoadError(IO_LOOP, "a symbolic link loop: the link leads back to itself; it is not read")


def broken_link() -> LoadError:
    return LoadError(IO_BROKEN, "a symbolic link to nothing: its target does not exist; it is not read")


def nested_repository() -> LoadError:
    return LoadError(
        IO_REPOSITORY, "a git submodule or another repository: cards must be files of this repository; not read"
    )


def _unreadable(exc: OSError) -> LoadError:
    return LoadError(YAML_UNREADABLE, f"cannot read the file: {exc.strerror or exc}")


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def lexically_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is named inside ``folder`` (``..`` taken as written, links not followed)."""
    return _within(os.path.normpath(os.path.abspath(path)), os.path.normpath(os.path.abspath(folder)))


def real_path(path: Path) -> Path:
    """The path with every symbolic link followed; never raises, also for a link loop."""
    return Path(os.path.realpath(path))


def is_regular_file(path: Path) -> bool:
    """Whether ``path`` (links followed) is a regular file; False for a loop, a pipe, a folder."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def check_file(path: Path, folder: Folder | None = None) -> Path:
    """The path to open for ``path``: itself, or for a symbolic link the file it leads to.

    Raises a :class:`LoadError` with an ``IO`` code when the entry is not a regular file that
    lies in ``folder`` (a link out of it, a loop, a link to nothing, a pipe, a device, a folder).
    """
    try:
        status = os.lstat(path)
    except OSError as exc:
        raise _unreadable(exc) from None
    linked = stat.S_ISLNK(status.st_mode)
    if linked:
        try:
            status = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise link_loop() from None
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                raise broken_link() from None
            raise _unreadable(exc) from None
    target = path
    if folder is not None and (linked or folder.whole_path) and lexically_inside(path, folder.path):
        target = real_path(path)
        if not _within(str(target), str(real_path(folder.path))):
            raise outside(folder.name)
    if not stat.S_ISREG(status.st_mode):
        raise not_a_file(f"{'a symbolic link to ' if linked else ''}{kind_of(status.st_mode)}")
    return target


def _open(path: Path, folder: Folder | None) -> tuple[int, os.stat_result]:
    """An open handle on the regular file ``path`` leads to (see :func:`check_file`), and its status."""
    target = check_file(path, folder)
    try:
        descriptor = os.open(target, _READ_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a link since the check
            raise not_a_file("a symbolic link that changed while it was read") from None
        raise _unreadable(exc) from None
    try:
        status = os.fstat(descriptor)
    except OSError as exc:
        os.close(descriptor)
        raise _unreadable(exc) from None
    if not stat.S_ISREG(status.st_mode):  # swapped since the check: never waited on
        os.close(descriptor)
        raise not_a_file(kind_of(status.st_mode))
    return descriptor, status


def read_start(path: Path, size: int, folder: Folder | None = None) -> bytes:
    """The first ``size`` bytes (or fewer) of a regular file, read under the path policy."""
    descriptor, _ = _open(path, folder)
    try:
        return os.read(descriptor, size)
    except OSError as exc:
        raise _unreadable(exc) from None
    finally:
        os.close(descriptor)


def read_file(path: Path, folder: Folder | None = None, limit: int | None = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file (see :func:`check_file`), refusing files over ``limit`` bytes
    before reading them."""
    descriptor, status = _open(path, folder)
    try:
        if limit is not None and status.st_size > limit:
            raise LoadError(YAML_TOO_LARGE, f"the file is {status.st_size:,} bytes; a card may be at most 1 MiB")
        chunks, size = [], 0
        while limit is None or size <= limit:
            chunk = os.read(descriptor, 1 << 20 if limit is None else limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _unreadable(exc) from None
    finally:
        os.close(descriptor)
    raw = b"".join(chunks)
    if limit is not None and len(raw) > limit:
        raise LoadError(YAML_TOO_LARGE, f"the file is {len(raw):,} bytes or more; a card may be at most 1 MiB")
    return raw
