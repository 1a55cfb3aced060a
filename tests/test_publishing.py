"""Publishing and CI: gh-deploy to a bare repository, the example site, workflows and hooks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from .cards import complete_card
from .site import build, make_site

ROOT = Path(__file__).resolve().parent.parent
GIT_ENV = {
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_gh_deploy_to_a_bare_repository(tmp_path: Path):
    remote = tmp_path / "remote.git"
    assert run(tmp_path, "git", "init", "-q", "--bare", str(remote)).returncode == 0
    work = tmp_path / "work"
    make_site(work, [complete_card("R02.1", level=4, aliases=["OLD"]), complete_card("P1", level=9)])
    for args in (
        ["init", "-q", "-b", "main"],
        ["remote", "add", "origin", str(remote)],
        ["add", "."],
        ["commit", "-q", "-m", "site"],
    ):
        assert run(work, "git", *args).returncode == 0
    deployed = run(work, sys.executable, "-m", "mkdocs", "gh-deploy", "--force", "--remote-name", "origin")
    assert deployed.returncode == 0, deployed.stderr
    listing = run(tmp_path, "git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages").stdout.split()
    for path in (".nojekyll", "index.html", "cards/index.html", "cards/R02.1/index.html", "cards/R02.1/badge.svg",
                 "cards/P1/index.html", "cards/OLD/index.html", "cards/cards.json", "cards/cards.schema.json",
                 "cards/schemas/card.schema.json"):  # fmt: skip
        assert path in listing, path
    export = json.loads(run(tmp_path, "git", "--git-dir", str(remote), "show", "gh-pages:cards/cards.json").stdout)
    assert {c["id"] for c in export["cards"]} == {"R02.1", "P1"}


def test_example_site_builds_strict(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "examples" / "site", site)
    assert run(site, sys.executable, "-m", "mkdocs_mltrl", "validate", "--strict").returncode == 0
    result = build(site / "mkdocs.yml", "--strict")
    assert result.returncode == 0, result.stderr
    assert (site / "site" / "cards" / "R02.1" / "index.html").is_file()


def test_workflows_run_the_documented_commands():
    pr = yaml.safe_load((ROOT / "examples" / "github-workflows" / "cards-pull-request.yml").read_text())
    steps = pr["jobs"]["cards"]["steps"]
    commands = "\n".join(s.get("run", "") for s in steps)
    assert "mltrl validate --format github --strict" in commands
    assert 'mltrl diff "origin/${{ github.base_ref }}"' in commands
    assert "gh pr comment" in commands and "mkdocs build --strict" in commands
    assert steps[0]["with"]["fetch-depth"] == 0
    publish = yaml.safe_load((ROOT / "examples" / "github-workflows" / "cards-publish.yml").read_text())
    build_steps = "\n".join(s.get("run", "") for s in publish["jobs"]["build"]["steps"])
    assert "mkdocs build --strict" in build_steps
    assert publish["permissions"]["pages"] == "write"


def test_pre_commit_hook_and_editor_settings(tmp_path: Path):
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "mltrl-validate")
    assert hook["entry"] == "mltrl validate" and hook["pass_filenames"] is False
    config = yaml.safe_load((ROOT / "examples" / "site" / ".pre-commit-config.yaml").read_text())
    assert config["repos"][0]["hooks"][0]["id"] == "mltrl-validate"
    settings = json.loads((ROOT / "examples" / "vscode" / "settings.json").read_text())
    [(schema, globs), (gates_schema, gates_globs)] = settings["yaml.schemas"].items()
    assert schema.endswith("/cards/schemas/card.schema.json") and "cards/*.yaml" in globs
    assert gates_schema.endswith("/cards/schemas/gates.schema.json") and gates_globs == ["readiness/gates.yaml"]
    # the hook's command, as pre-commit runs it, from the example site
    shutil.copytree(ROOT / "examples" / "site", tmp_path / "site")
    entry = hook["entry"].split()
    assert run(tmp_path / "site", sys.executable, "-m", "mkdocs_mltrl", *entry[1:]).returncode == 0
