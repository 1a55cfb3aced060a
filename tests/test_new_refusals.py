"""`mltrl new` refuses, without writing anything, any value it cannot write as a valid card."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def new(tmp_path: Path, *args: str | bytes) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_mltrl", "new", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict", "GIT_CONFIG_GLOBAL": os.devnull},
    )


REFUSED = {
    "owner-newline": (["R1", "--name", "Thing", "--owner", "Ann\nExample <ann@example.org>"],
                      "--owner holds a control character (U+000A) in 'Ann\\nExample <ann@example.org>'"),
    "owner-escape": (["R1", "--name", "Thing", "--owner", "Ann \x1b[2J"], "--owner holds a control character (U+001B)"),
    "owner-line-separator": (["R1", "--name", "Thing", "--owner", "Ann\u2028B"], "(U+2028)"),
    "name-newline": (["R1", "--name", "Two\nlines"], "--name holds a control character (U+000A)"),
    "name-tab": (["R1", "--name", "Tab\tbed"], "--name holds a control character (U+0009)"),
    "name-nul-escape": (["R1", "--name", "A\x7fB"], "(U+007F)"),
    "name-too-long": (["R1", "--name", "x" * 500], "the card cannot be written with these values (line 6: schema name:"),
    "name-not-utf8": ([b"R1", b"--name", b"caf\xe9"], "--name is not UTF-8 text: 'caf\\xe9'"),
    "owner-empty": (["R1", "--name", "Thing", "--owner", " "], "the card cannot be written with these values"),
}  # fmt: skip


@pytest.mark.parametrize("case", REFUSED)
def test_a_value_that_cannot_be_a_card_is_refused(tmp_path: Path, case: str):
    args, message = REFUSED[case]
    result = new(tmp_path, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "created" not in result.stdout and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the cards folder


def test_what_it_writes_validates(tmp_path: Path):
    result = new(tmp_path, "R1", "--name", "Quotes \"and\" 'more' #not-a-comment: {x}", "--owner", "Zoë <z@x.org>")
    assert result.returncode == 0, result.stderr
    check = subprocess.run(
        [sys.executable, "-m", "mkdocs_mltrl", "validate", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout
