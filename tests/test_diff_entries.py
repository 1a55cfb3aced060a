"""`mltrl diff` in every repository state: every name git can hold, symbolic links and submodules
in a revision and in the working tree, cards that stop loading, and JSON that always parses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .cards import complete_card, dump, history
from .test_diff import git

SECRET = "s3cr3t-outside-the-cards"
STRICT = {"PYTHONIOENCODING": "utf-8:strict", "LANG": "C", "LC_ALL": "C"}


def diff(repo: Path, *args: str) -> tuple[subprocess.CompletedProcess[bytes], Any]:
    """Run `mltrl diff` with a strict UTF-8 standard output: the Markdown run, and the JSON run parsed."""

    def run(*extra: str) -> subprocess.CompletedProcess[bytes]:
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs_mltrl", "diff", *args, *extra],
            cwd=repo,
            capture_output=True,
            timeout=120,
            env={**os.environ, **STRICT},
        )
        assert b"Traceback" not in done.stderr, done.stderr.decode()
        return done

    markdown = run()
    assert markdown.returncode == 0, markdown.stderr
    data = run("--format", "json")
    assert data.returncode == 0, data.stderr
    return markdown, json.loads(data.stdout)


def card(card_id: str, **fields: Any) -> str:
    return dump(complete_card(card_id, level=1, history=history(("2021-01-01", "start", 1)), **fields))


def put(folder: Path, name: bytes, text: str) -> None:
    with open(os.fsencode(folder) + b"/" + name, "wb") as handle:
        handle.write(text.encode())


ODD_NAMES = {
    b"new\nline.yaml": "NL1",
    b"caf\xe9.yaml": "NU1",
    b'quo"te \\ back.yaml': "QU1",
    b"tab\there.yaml": "TB1",
    b"-dash.yaml": "DA1",
    b"star*[x].yaml": "ST1",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    cards = tmp_path / "cards"
    cards.mkdir()
    for name, card_id in ODD_NAMES.items():
        put(cards, name, card(card_id))
    put(cards, b"plain.yaml", card("PL1"))
    (tmp_path / "secret.yaml").write_text(f"mltrl: 1\nid: {SECRET}\nname: {SECRET}\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "cards")
    return tmp_path


def test_every_name_git_can_hold(repo: Path):
    cards = repo / "cards"
    for name, card_id in ODD_NAMES.items():
        put(cards, name, card(card_id, summary=f"Changed {card_id}."))
    markdown, data = diff(repo, "main")
    assert sorted(c["id"] for c in data["changed"]) == sorted(ODD_NAMES.values())
    assert data["added"] == data["removed"] == data["does_not_load"] == []
    assert f"{len(ODD_NAMES)} changed, 0 added, 0 removed" in markdown.stdout.decode()

    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "changed")
    _, between = diff(repo, "main~1", "main")
    assert sorted(c["id"] for c in between["changed"]) == sorted(ODD_NAMES.values())


def test_links_and_submodules_in_a_revision_are_findings_never_read(repo: Path):
    cards = repo / "cards"
    (cards / "notes.txt").write_text(card("IN1"))  # a link inside the folder: that file is read
    os.symlink("notes.txt", cards / "inside.yaml")
    os.symlink("../secret.yaml", cards / "out.yaml")
    os.symlink("/etc/hostname", cards / "absolute.yaml")
    os.symlink("loop.yaml", cards / "loop.yaml")
    os.symlink("b.yaml", cards / "a.yaml")
    os.symlink("a.yaml", cards / "b.yaml")
    os.symlink("gone.yaml", cards / "broken.yaml")
    (cards / "team").mkdir()
    (cards / "team" / "x.txt").write_text("x")
    os.symlink("team", cards / "folder.yaml")
    git(repo, "add", "-A")
    commit = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{commit},cards/sub")  # a submodule
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{commit},cards/sub.yaml")
    git(repo, "commit", "-q", "-m", "links")
    for path in [p for p in cards.iterdir() if p.is_symlink()]:
        path.unlink()  # not in the working tree: the revision alone holds them

    markdown, data = diff(repo, "main~1", "main")
    codes = {u["file"]: u["findings"][0]["code"] for u in data["does_not_load"]}
    assert codes == {
        "cards/out.yaml": "IO001",
        "cards/absolute.yaml": "IO001",
        "cards/loop.yaml": "IO002",
        "cards/a.yaml": "IO002",
        "cards/b.yaml": "IO002",
        "cards/broken.yaml": "IO003",
        "cards/folder.yaml": "IO004",
        "cards/sub": "IO005",
        "cards/sub.yaml": "IO005",
    }
    assert [c["id"] for c in data["added"]] == ["IN1"]  # read through the link inside the folder
    out = markdown.stdout.decode()
    assert SECRET not in out and SECRET not in json.dumps(data)
    assert "### Does not load" in out and "- `cards/out.yaml`: `IO001` at line 1, column 1:" in out


def test_the_working_tree_applies_the_policy_of_validate(repo: Path):
    cards = repo / "cards"
    os.symlink(repo / "secret.yaml", cards / "out.yaml")
    os.symlink("self.yaml", cards / "self.yaml")
    os.mkfifo(cards / "pipe.yaml")
    (cards / "nested").mkdir()
    (cards / "nested" / ".git").write_text("gitdir: elsewhere\n")
    put(cards / "nested", b"inner.yaml", card("NE1"))
    markdown, data = diff(repo, "main")  # bounded by the run's timeout: a pipe is never opened
    codes = {u["file"]: u["findings"][0]["code"] for u in data["does_not_load"]}
    assert codes == {
        "cards/out.yaml": "IO001",
        "cards/self.yaml": "IO002",
        "cards/pipe.yaml": "IO004",
        "cards/nested": "IO005",
    }
    assert data["added"] == [] and SECRET not in markdown.stdout.decode()


def test_a_card_that_stops_loading_is_not_removed(repo: Path):
    plain = repo / "cards" / "plain.yaml"
    plain.write_text(plain.read_text().replace("level: 1\n", "level: [1\n", 1))
    markdown, data = diff(repo, "main")
    assert data["removed"] == []
    (broken,) = data["does_not_load"]
    assert (broken["file"], broken["was"]) == ("cards/plain.yaml", "PL1")
    assert broken["findings"][0]["code"] == "YAML001" and broken["findings"][0]["line"] > 1
    out = markdown.stdout.decode()
    assert "0 changed, 0 added, 0 removed, 0 renamed, 1 not loading" in out
    assert "### Removed" not in out
    assert "- `cards/plain.yaml` (was **`PL1`** at `main`): `YAML001` at line" in out

    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "broken")
    plain.write_text(card("PL1"))  # fixed: it loads again, it was not added
    fixed_markdown, fixed = diff(repo, "main")
    assert [(c["id"], c.get("loaded_at_base")) for c in fixed["added"]] == [("PL1", False)]
    assert "- **`PL1`** `Technology PL1`: level 1 (Goal\\-Oriented Research), gates met; did not load at `main`" in (
        fixed_markdown.stdout.decode()
    )


def test_a_schema_error_at_head_is_not_a_removal(repo: Path):
    plain = repo / "cards" / "plain.yaml"
    plain.write_text(plain.read_text().replace("level: 1\n", "level: 12\n", 1))
    _, data = diff(repo, "main")
    assert data["removed"] == [] and [u["was"] for u in data["does_not_load"]] == ["PL1"]
    assert data["does_not_load"][0]["findings"][0]["code"] == "schema"
