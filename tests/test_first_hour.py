"""A newcomer's first hour: `mltrl new` at every level, and the README's Quick start as written."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .test_cli import mltrl

ROOT = Path(__file__).resolve().parent.parent


def gate_table() -> dict[str, int]:
    """Gate code to level, from the documented gate table."""
    table = (ROOT / "docs" / "gates.md").read_text(encoding="utf-8")
    return {code: int(level) for code, level in re.findall(r"^\| (MLTRL1\d\d) \| (\d) \|", table, re.M)}


def _warnings(folder: Path) -> tuple[dict[str, object], set[str]]:
    result = mltrl("validate", "--format", "json", cwd=folder)
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    return report, {f["code"] for f in report["findings"] if f["severity"] == "warning"}


def _entry_block(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# What level "))
    end = lines.index("", start)
    return lines[start + 2 : end]


@pytest.mark.parametrize("level", range(10))
def test_new_card_warns_only_about_its_entry_level(tmp_path: Path, level: int):
    made = mltrl(
        "new", "R1", "--name", "My model", "--level", str(level), "--owner", "Ada <ada@example.org>", cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    card = tmp_path / "cards" / "R1.yaml"
    text = card.read_text(encoding="utf-8")
    report, warned = _warnings(tmp_path)
    assert report["errors"] == 0, report
    table = gate_table()
    assert set(table) >= warned, "every warning is a readiness gate"

    # each warning has a commented placeholder under its code, saying what to write
    block = _entry_block(text)
    for code in warned - {c for c, lvl in table.items() if lvl != level}:
        assert any(line.startswith(f"# {code}: ") for line in block), (code, block)
    if level > 0:
        assert warned, "a new card says what its level asks for"

    # uncommenting the placeholders makes a card without errors, and asks nothing new
    uncommented = [line[2:] for line in block if not line.startswith(("# MLTRL", "#   ("))]
    filled = text.replace("\n".join(block), "\n".join(uncommented))
    assert yaml.safe_load(filled)
    card.write_text(filled, encoding="utf-8")
    after, still = _warnings(tmp_path)
    assert after["errors"] == 0, after
    assert still <= warned, still - warned
    card.write_text(text, encoding="utf-8")

    # only the entry level's gates (those below the level a card enters at are not asked): each listed in the block, and every one with a placeholder
    # warns (a note marks a gate over "every requirement", which holds while there is none)
    listed = {line[2:10] for line in block if line.startswith("# MLTRL")}
    placeholders = {
        line[2:10]
        for i, line in enumerate(block)
        if line.startswith("# MLTRL") and not block[i + 1].startswith("#   (")
    }
    assert {table[c] for c in warned} <= {level}
    assert placeholders <= warned <= listed


REPO_URL = re.search(r"^repo_url: (\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)[1]  # type: ignore[index]


def _quick_start() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme[readme.index("## Quick start") : readme.index("\n## ", readme.index("## Quick start") + 5)]


def test_readme_quick_start_works_as_written(tmp_path: Path):
    """Every step of the Quick start, in an empty folder: the files it says to create, then its
    commands (pip install is this environment's; serve becomes a strict build)."""
    section = _quick_start()
    blocks = re.findall(r"(?P<before>[^\n]*)\n\n```(?P<lang>\w+)\n(?P<body>.*?)```", section, re.S)
    assert blocks, "no code blocks in the Quick start"
    commands: list[str] = []
    for before, lang, body in blocks:
        named = re.search(r"Create `([^`]+)`", before)
        if named:
            path = tmp_path / named.group(1)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        elif lang == "bash":
            commands += [line.split("  #")[0].strip() for line in body.splitlines() if line.strip()]
    assert (tmp_path / "mkdocs.yml").is_file() and (tmp_path / "docs" / "index.md").is_file()
    assert "theme:" in (tmp_path / "mkdocs.yml").read_text()
    assert "docs/getting-started.md" in section and (ROOT / "docs" / "getting-started.md").is_file()

    ran = []
    for command in commands:
        argv = shlex.split(command)
        if argv[:2] == ["pip", "install"]:
            for requirement in argv[2:]:
                package, _, source = (part.strip() for part in requirement.partition("@"))
                assert package in ("mkdocs-mltrl", "mkdocs-material"), package
                # installable today: mkdocs-mltrl from its repository (the one mkdocs.yml names)
                assert source == ("git+" + REPO_URL if package == "mkdocs-mltrl" else ""), requirement
                __import__({"mkdocs-mltrl": "mkdocs_mltrl", "mkdocs-material": "material"}[package])
            continue
        if argv[:2] == ["mkdocs", "serve"]:  # the same build, without the server
            argv = ["mkdocs", "build"]
        if argv[0] == "mltrl":
            argv = [sys.executable, "-m", "mkdocs_mltrl", *argv[1:]]
        elif argv[0] == "mkdocs":
            argv = [sys.executable, "-m", "mkdocs", *argv[1:]]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        ran.append((command, done))
    assert [c for c, _ in ran] == [
        'mltrl new R01.1 --name "My model" --level 1',
        "mltrl validate",
        "mkdocs serve --livereload",
    ]
    validate = ran[1][1].stdout
    assert "0 errors" in validate
    # what the README says level 1 asks for, and nothing else
    assert re.findall(r"warning (MLTRL\d+)", validate) == ["MLTRL111", "MLTRL112"]
    build = ran[2][1]
    assert "Traceback" not in build.stderr
    assert not [line for line in build.stderr.splitlines() if "WARNING" in line and "MLTRL1" not in line]
    assert (tmp_path / "site" / "cards" / "R01.1" / "index.html").is_file()
    assert "cards/" in (tmp_path / "site" / "index.html").read_text()
