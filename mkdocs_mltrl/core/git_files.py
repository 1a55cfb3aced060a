"""The card files of a git revision, and of the working tree, under the same path policy.

git's output is read NUL-separated (``-z``) and blobs by their object ids, so every name git can
hold (a newline, bytes that are not UTF-8, quotes) is a name like any other. In a revision, a
symbolic link is followed inside the tree only while it stays in the cards folder, a loop or a
link to nothing is a finding, and a submodule (a gitlink entry) is a finding; the working tree's
side is found and read exactly as ``mltrl validate`` finds and reads it (see :mod:`.file_policy`).
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from pathlib import Path

from .card_files import CARD_SUFFIXES, CardFile, discover
from .file_policy import broken_link, link_loop, nested_repository, not_a_file, outside
from .yaml_errors import MAX_FILE_BYTES, YAML_TOO_LARGE, LoadError

#: Modes of the entries of a git tree.
REGULAR_MODES = ("100644", "100755")
LINK_MODE = "120000"
GITLINK_MODE = "160000"
#: Links followed one after another before the chain counts as a loop (as Linux counts).
MAX_LINKS = 40


class GitError(Exception):
    """git could not answer (not a repository, unknown revision, git missing)."""


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


def _name(raw: bytes) -> str:
    """A name from git as a path string: bytes that are not UTF-8 kept as surrogate escapes."""
    return raw.decode("utf-8", "surrogateescape")


def repo_root(start: Path) -> Path:
    try:
        return Path(os.fsdecode(_git(start, "rev-parse", "--show-toplevel").rstrip(b"\n")))
    except GitError as exc:
        if str(exc).startswith("cannot run git"):
            raise
        raise GitError(f"{start} is not inside a git repository: run mltrl diff in a clone") from None


def check_revision(repo: Path, revision: str) -> None:
    """Raise a clear :class:`GitError` unless ``revision`` names a commit."""
    if not revision or revision.startswith("-") or any(c.isspace() or ord(c) < 32 for c in revision):
        raise GitError(f"{revision!r} is not a revision: give a branch, tag or commit, e.g. origin/main")
    try:
        _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        return
    except GitError:
        pass
    try:
        kind = _git(repo, "cat-file", "-t", revision).decode("ascii", "replace").strip()
    except GitError:
        kind = ""
    if kind:
        raise GitError(f"{revision!r} names a {kind}, not a commit: give a branch, tag or commit")
    raise GitError(
        f"no revision {revision!r} in this repository: give a branch, tag or commit, e.g. origin/main"
        " (a branch of a remote needs `git fetch` first)"
    )


#: name -> (mode, object id, size in bytes; -1 for a gitlink)
_Tree = dict[str, tuple[str, str, int]]


def _tree(repo: Path, revision: str, folder: str) -> _Tree:
    listing = _git(repo, "--literal-pathspecs", "ls-tree", "-r", "-l", "-z", revision, "--", folder or ".")
    entries: _Tree = {}
    for record in listing.split(b"\0"):
        if not record:
            continue
        head, _, raw_name = record.partition(b"\t")
        mode, _kind, oid, size = head.decode("ascii").split()
        entries[_name(raw_name)] = (mode, oid, -1 if size == "-" else int(size))
    return entries


def _blobs(repo: Path, oids: list[str]) -> dict[str, bytes]:
    """The content of each blob, asked for by object id (never by a name)."""
    if not oids:
        return {}
    batch = _git(repo, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid in oids).encode())
    out, offset = {}, 0
    while offset < len(batch):
        header_end = batch.index(b"\n", offset)
        oid, _kind, size = batch[offset:header_end].decode("ascii").split()
        start = header_end + 1
        out[oid] = batch[start : start + int(size)]
        offset = start + int(size) + 1
    return out


def _inside(name: str, folder: str) -> bool:
    if not folder:
        return name != ".." and not name.startswith("../") and not name.startswith("/")
    return name.startswith(folder + "/")


def _follow(name: str, tree: _Tree, targets: dict[str, bytes], folder: str) -> str:
    """The entry a link in the tree leads to, by the same policy as a link on disk; raises
    :class:`LoadError` for a link out of the cards folder, a loop or a link to nothing."""
    current, seen = name, set()
    for _ in range(MAX_LINKS):
        mode, oid, _size = tree[current]
        if mode != LINK_MODE:
            return current
        if current in seen:
            break
        seen.add(current)
        target = _name(targets[oid])
        if target.startswith("/"):
            raise outside("the cards folder")
        current = posixpath.normpath(posixpath.join(posixpath.dirname(current), target))
        if not _inside(current, folder):
            raise outside("the cards folder")
        if current not in tree:
            if any(other.startswith(current + "/") for other in tree):
                raise not_a_file("a symbolic link to a folder")
            raise broken_link()
    raise link_loop()


def _hidden(name: str, folder: str) -> bool:
    below = name[len(folder) + 1 :] if folder else name
    return any(part.startswith(".") for part in below.split("/"))


def files_at(repo: Path, revision: str, folder: str) -> list[CardFile]:
    """The card files under ``folder`` (relative to the repository root) at a revision."""
    check_revision(repo, revision)
    tree = _tree(repo, revision, folder)
    links = _blobs(repo, sorted({oid for mode, oid, _ in tree.values() if mode == LINK_MODE}))
    found: list[tuple[str, str | LoadError]] = []  # (name, the blob to read or why it is not read)
    for name, (mode, _oid, _size) in sorted(tree.items()):
        if _hidden(name, folder):
            continue
        if mode == GITLINK_MODE:
            found.append((name, nested_repository()))
        elif name.endswith(CARD_SUFFIXES):
            try:
                entry = tree[_follow(name, tree, links, folder)]
            except LoadError as exc:
                found.append((name, exc))
                continue
            if entry[0] == GITLINK_MODE:
                found.append((name, not_a_file("a symbolic link to a submodule")))
            elif entry[2] > MAX_FILE_BYTES:
                message = f"the file is {entry[2]:,} bytes; a card may be at most 1 MiB"
                found.append((name, LoadError(YAML_TOO_LARGE, message)))
            else:
                found.append((name, entry[1]))
    contents = _blobs(repo, sorted({oid for _, oid in found if isinstance(oid, str)}))
    return [
        CardFile(repo / name, name, problem=what)
        if isinstance(what, LoadError)
        else CardFile(repo / name, name, contents[what])
        for name, what in found
    ]


def working_files(repo: Path, folder: str) -> list[CardFile]:
    """The card files of the working tree, found and checked as ``mltrl validate`` finds them."""
    path = repo / folder
    if not path.is_dir():
        return []
    return discover([path], repo)
