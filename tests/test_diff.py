"""`mltrl diff` on real git repositories made in tmp_path."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .cards import complete_card, history, write


def git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin:/usr/local/bin"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def mltrl(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_mltrl", *args], cwd=repo, capture_output=True, text=True, timeout=120
    )


def base_cards() -> dict[str, dict[str, Any]]:
    return {
        "grad": complete_card("G1", level=3, name="Graduating", history=history(("2021-01-01", "start", 3))),
        "back": complete_card("B1", level=4, name="Switching back", history=history(("2021-01-01", "start", 4))),
        "gone": complete_card("X1", level=2, name="To be removed", history=history(("2021-01-01", "start", 2))),
        "old": complete_card("R13.2", level=5, name="Forecasts", history=history(("2021-01-01", "start", 5))),
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    for name, card in base_cards().items():
        write(tmp_path / "cards", card, f"{name}.yaml")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "cards")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    cards = base_cards()
    grad = cards["grad"]
    grad["level"] = 4
    grad["history"].append({"date": "2022-01-01", "event": "graduate", "level": 4})
    grad["requirements"][0]["status"] = "in-progress"
    grad["risks"].append({"id": "K9", "title": "New *risk* @team", "p_failure": 0.5, "value": 8})
    grad["ethics"]["answers"]["misuse"] = {"status": "open"}
    del grad["links"]["code"]  # a level-3 deliverable: the gates are no longer met
    back = cards["back"]
    back["level"] = 2
    back["history"].append({"date": "2022-02-01", "event": "switchback", "level": 2, "switchback": "embedded"})
    renamed = copy.deepcopy(cards["old"])
    renamed["id"], renamed["aliases"] = "P13.2", ["R13.2"]
    write(tmp_path / "cards", grad, "grad.yaml")
    write(tmp_path / "cards", back, "back.yaml")
    write(tmp_path / "cards", renamed, "old.yaml")
    (tmp_path / "cards" / "gone.yaml").unlink()
    write(
        tmp_path / "cards",
        complete_card("N1", level=0, name="Brand new", history=history(("2022-03-01", "start", 0))),
        "new.yaml",
    )
    return tmp_path


def test_markdown_summary_of_the_working_tree(repo: Path):
    result = mltrl(repo, "diff", "main")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("## TRL Card changes\n")
    assert "2 changed, 1 added, 1 removed, 1 renamed (`main` → `working tree`)" in out
    assert "### Added\n\n- **N1** Brand new: level 0 (First Principles), gates met" in out
    assert "### Removed\n\n- **X1** To be removed: level 2" in out
    assert "`R13\\.2` → **P13\\.2** Forecasts" in out
    assert "- Level 3 → 4: graduated, now *Proof of Concept \\(PoC\\) Development*" in out
    assert "- Requirement 1: verified → in-progress" in out
    assert "- New risk K9 “New \\*risk\\* \\@team”: score 4.00 (not stated)" in out
    assert "- Ethics `misuse`: done → open" in out
    assert "- Gates: met → 1 missing (MLTRL132)" in out
    assert "- Level 4 → 2: switched back (embedded switchback)" in out


def test_json_between_two_revisions(repo: Path):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "changes")
    git(repo, "checkout", "-q", "main")  # HEAD given explicitly: the working tree does not matter
    result = mltrl(repo, "diff", "main", "feature", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["base"], data["head"]) == ("main", "feature")
    assert [c["id"] for c in data["added"]] == ["N1"]
    assert [c["id"] for c in data["removed"]] == ["X1"]
    assert data["renamed"] == [{"from": "R13.2", "to": "P13.2"}]
    changed = {c["id"]: c for c in data["changed"]}
    assert changed["G1"]["level"] == {"before": 3, "after": 4, "change": "graduated", "switchbacks": []}
    assert changed["B1"]["level"]["switchbacks"] == ["embedded"]
    assert changed["G1"]["requirements"] == [{"id": "1", "before": "verified", "after": "in-progress"}]
    assert changed["G1"]["risks"][0]["id"] == "K9" and changed["G1"]["risks"][0]["after"] == 4.0
    assert changed["G1"]["ethics"] == [{"item": "misuse", "before": "done", "after": "open"}]
    assert changed["G1"]["gates"] == {"before": [], "after": ["MLTRL132"]}


def test_no_changes_and_git_errors(repo: Path, tmp_path_factory: pytest.TempPathFactory):
    result = mltrl(repo, "diff", "main", "main")
    assert result.returncode == 0 and "No card changed." in result.stdout
    bad = mltrl(repo, "diff", "no-such-branch")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    outside = mltrl(tmp_path_factory.mktemp("not-a-repo"), "diff", "main")
    assert outside.returncode == 2 and "Traceback" not in outside.stderr
