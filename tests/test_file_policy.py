"""One path policy for every file the tool reads: each file-system entry in the cards folder that
is not a regular file inside it, and a gates file or checklist that leads out of the project, is
a positioned finding at once, in `mltrl validate` and in `mkdocs build`; nothing is read through
it, nothing stalls and nothing crashes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .cards import complete_card, dump, history, write
from .site import build, make_site

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX file-system entries")

SECRET = "s3cr3t-outside-the-project"
#: A bound for a stall only: every case here ends in well under a second.
STALL = 60


def mltrl(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_mltrl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=STALL,
        env={**os.environ, **(env or {})},
    )


def card(card_id: str) -> dict[str, object]:
    return complete_card(card_id, level=0, history=history(("2021-01-01", "start", 0)))


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Path]:
    """A project whose cards folder holds one of every entry that is not a regular card file."""
    cards = tmp_path / "cards"
    write(cards, card("GOOD1"), "good.yaml")
    (cards / "team").mkdir()
    write(cards / "team", card("GOOD2"), "inner.yaml")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text(f"mltrl: 1\nid: {SECRET}\nname: {SECRET}\n")
    os.symlink(tmp_path / "outside" / "secret.yaml", cards / "link-out.yaml")
    os.symlink("../outside/secret.yaml", cards / "relative-out.yaml")
    os.symlink("loop.yaml", cards / "loop.yaml")  # a -> a
    os.symlink("ping.yaml", cards / "pong.yaml")  # a -> b -> a
    os.symlink("pong.yaml", cards / "ping.yaml")
    os.symlink("nothing-here.yaml", cards / "broken.yaml")
    os.symlink("team", cards / "folder-link.yaml")
    os.symlink(tmp_path / "outside", cards / "outside-folder")  # not entered, not a card: no finding
    os.symlink("good.yaml", cards / "same-card-link.yaml")  # a link inside the folder is read
    os.mkfifo(cards / "fifo.yaml")
    (cards / "submodule").mkdir()
    (cards / "submodule" / ".git").write_text("gitdir: ../../.git/modules/submodule\n")
    write(cards / "submodule", card("SUB1"), "hidden-by-submodule.yaml")
    (cards / "nested-repo" / ".git").mkdir(parents=True)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(cards / "socket.yaml"))
    try:
        yield tmp_path
    finally:
        sock.close()


EXPECTED = {
    "cards/link-out.yaml": "IO001",
    "cards/relative-out.yaml": "IO001",
    "cards/loop.yaml": "IO002",
    "cards/ping.yaml": "IO002",
    "cards/pong.yaml": "IO002",
    "cards/broken.yaml": "IO003",
    "cards/folder-link.yaml": "IO004",
    "cards/fifo.yaml": "IO004",
    "cards/socket.yaml": "IO004",
    "cards/submodule": "IO005",
    "cards/nested-repo": "IO005",
}


def test_every_entry_is_a_positioned_finding_at_once(hostile: Path):
    result = mltrl("validate", "--format", "json", cwd=hostile)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "RuntimeError" not in result.stderr
    report = json.loads(result.stdout)
    io_findings = {f["file"]: f for f in report["findings"] if f["code"].startswith("IO")}
    assert {file: f["code"] for file, f in io_findings.items()} == EXPECTED
    assert all((f["line"], f["column"], f["severity"]) == (1, 1, "error") for f in io_findings.values())
    # the regular cards and the link to one of them are read; a link into the folder is the card twice
    duplicates = {f["file"] for f in report["findings"] if f["code"] == "MLTRL001"}
    assert duplicates == {"cards/good.yaml", "cards/same-card-link.yaml"}
    assert not {f["file"] for f in report["findings"]} & {"cards/team/inner.yaml", "cards/outside-folder"}
    assert SECRET not in result.stdout + result.stderr
    assert "SUB1" not in result.stdout  # a submodule's cards are not read
    messages = {f["file"]: f["message"] for f in io_findings.values()}
    assert messages["cards/fifo.yaml"] == "a named pipe (FIFO), not a regular file; it is not read"
    assert messages["cards/socket.yaml"] == "a socket, not a regular file; it is not read"
    assert messages["cards/folder-link.yaml"] == "a symbolic link to a folder, not a regular file; it is not read"
    assert "outside" in messages["cards/link-out.yaml"] and str(hostile) not in messages["cards/link-out.yaml"]

    text = mltrl("validate", cwd=hostile)
    assert "cards/fifo.yaml:1:1: error IO004 a named pipe (FIFO)" in text.stdout
    assert "cards/loop.yaml:1:1: error IO002 a symbolic link loop" in text.stdout


def test_a_build_stops_at_the_same_findings(hostile: Path):
    config = make_site(hostile, [])
    result = build(config)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Symlink loop" not in result.stderr
    for file, code in EXPECTED.items():
        assert f"{file}:1:1: error {code}" in result.stderr, file
    assert SECRET not in result.stderr
    assert not (hostile / "site").exists()


def test_a_card_named_on_the_command_line_is_checked_too(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.yaml")
    os.symlink("self.yaml", tmp_path / "self.yaml")
    result = mltrl("validate", "pipe.yaml", "self.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "pipe.yaml:1:1: error IO004" in result.stdout
    assert "self.yaml:1:1: error IO002" in result.stdout


def test_a_card_folder_that_is_a_link_is_searched(tmp_path: Path):
    write(tmp_path / "real-cards", card("R1"))
    os.symlink("real-cards", tmp_path / "cards")
    os.symlink("R1.yaml", tmp_path / "real-cards" / "again.yaml")  # inside the folder the link names
    result = mltrl("validate", "--format", "json", cwd=tmp_path)
    assert {f["code"] for f in json.loads(result.stdout)["findings"]} == {"MLTRL001"}


def _programme(root: Path, kind: str) -> None:
    """A gates file or checklist that is a symbolic link out of the project, holding a secret."""
    (root.parent / "elsewhere").mkdir(exist_ok=True)
    target = root.parent / "elsewhere" / f"{kind}.yaml"
    target.write_text(f"{SECRET}: [\n")  # invalid YAML whose message would quote it
    os.symlink(target, root / f"{kind}.yaml")


@pytest.mark.parametrize("kind", ["gates", "checklist"])
def test_a_gates_file_or_checklist_linked_out_of_the_project_is_not_read(tmp_path: Path, kind: str):
    root = tmp_path / "project"
    root.mkdir()
    write(root / "cards", card("G1"))
    _programme(root, kind)
    option = "--gates-file" if kind == "gates" else "--checklist"
    commands = [["validate", option, f"{kind}.yaml"], ["diff", "HEAD", option, f"{kind}.yaml"]]
    if kind == "gates":
        commands.append(["gates", option, f"{kind}.yaml"])
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    for command in commands:
        result = mltrl(*command, cwd=root)
        said = result.stdout + result.stderr
        assert result.returncode == 1, (command, said)
        assert f"{kind}.yaml:1:1: error IO001 a symbolic link to a file outside the project" in said, command
        assert SECRET not in said and "elsewhere" not in said, command
        assert "Traceback" not in said

    config = make_site(root, [], plugin={"gates_file" if kind == "gates" else "checklist": f"{kind}.yaml"})
    built = build(config)
    assert built.returncode == 1 and f"{kind}.yaml:1:1: error IO001" in built.stderr
    assert SECRET not in built.stderr and "Traceback" not in built.stderr


def test_a_gates_file_through_a_linked_folder_is_not_read(tmp_path: Path):
    root = tmp_path / "project"
    root.mkdir()
    write(root / "cards", card("G1"))
    _programme(root, "gates")
    (root / "gates.yaml").unlink()
    os.symlink(tmp_path / "elsewhere", root / "config")  # config/gates.yaml: a plain name in a linked folder
    result = mltrl("validate", "--gates-file", "config/gates.yaml", cwd=root)
    assert result.returncode == 1
    assert "config/gates.yaml:1:1: error IO001" in result.stdout and SECRET not in result.stdout


def test_a_gates_file_named_outside_the_project_is_read_as_named(tmp_path: Path):
    """The configuration may name a shared file outside the project: only links are confined."""
    root = tmp_path / "project"
    write(root / "cards", card("G1"))
    (tmp_path / "org-gates.yaml").write_text("mltrl-gates: 1\ndrop: [MLTRL101]\n")
    result = mltrl("validate", "--gates-file", "../org-gates.yaml", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kind", ["gates", "checklist"])
def test_a_gates_file_or_checklist_that_is_a_pipe_does_not_stall(tmp_path: Path, kind: str):
    write(tmp_path / "cards", card("G1"))
    os.mkfifo(tmp_path / f"{kind}.yaml")
    option = "--gates-file" if kind == "gates" else "--checklist"
    result = mltrl("validate", option, f"{kind}.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert f"{kind}.yaml:1:1: error IO004 a named pipe (FIFO)" in result.stdout


def test_links_beside_a_card_into_loops_and_pipes_are_warnings(tmp_path: Path):
    linking = card("L1")
    linking["summary"] = "See [the loop](loop.md), [the pipe](pipe.md) and [nothing](broken.md)."
    config = make_site(tmp_path, [linking])
    os.symlink("loop.md", tmp_path / "cards" / "loop.md")
    os.symlink("missing.md", tmp_path / "cards" / "broken.md")
    os.mkfifo(tmp_path / "cards" / "pipe.md")
    result = mltrl("validate", "--format", "json", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    codes = {f["message"].split("'")[1]: f["code"] for f in json.loads(result.stdout)["findings"]}
    assert codes == {"loop.md": "LINK001", "pipe.md": "LINK001", "broken.md": "LINK001"}
    built = build(config)
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
    assert not list((tmp_path / "site").rglob("pipe.md*"))


def test_a_file_that_becomes_a_pipe_is_never_waited_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Opened without blocking and checked again on the open handle: an entry swapped for a pipe
    after the check (here: a check that lets everything through) is refused, not waited on."""
    from mkdocs_mltrl.core import file_policy
    from mkdocs_mltrl.core.yaml_errors import LoadError

    os.mkfifo(tmp_path / "pipe.yaml")
    with pytest.raises(LoadError) as refused:
        file_policy.read_file(tmp_path / "pipe.yaml")
    assert refused.value.code == "IO004"
    monkeypatch.setattr(file_policy, "check_file", lambda path, folder=None: path)
    with pytest.raises(LoadError) as swapped:
        file_policy.read_file(tmp_path / "pipe.yaml")  # would block forever if opened as usual
    assert swapped.value.code == "IO004"
    os.symlink("pipe.yaml", tmp_path / "link.yaml")
    with pytest.raises(LoadError) as linked:
        file_policy.read_file(tmp_path / "link.yaml")  # a link is never followed when opening
    assert linked.value.code == "IO004"
    (tmp_path / "card.yaml").write_text(dump(card("C1")))
    assert file_policy.read_file(tmp_path / "card.yaml").startswith(b"mltrl: 1")
