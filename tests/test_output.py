"""Output never crashes: every format writes any file name it can receive (a newline, bytes that
are not UTF-8) to a strict UTF-8 or ASCII standard output, JSON always parses, and a closed pipe
ends a command quietly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from .cards import complete_card, dump, history

STRICT = {"PYTHONIOENCODING": "utf-8:strict", "LANG": "C", "LC_ALL": "C"}
ASCII = {"PYTHONIOENCODING": "ascii:strict", "LANG": "C", "LC_ALL": "C"}

#: Names a card file may have on a POSIX system, as bytes.
NON_UTF8 = b"caf\xe9-\xff.yaml"
NEWLINE = b"two\nlines.yaml"
ODD = b"quote\"d 'it' \\ \x1b[31mred\t.yaml"


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_mltrl", *args],
        cwd=cwd,
        capture_output=True,
        timeout=120,
        env={**os.environ, **env},
    )


@pytest.fixture
def odd_names(tmp_path: Path) -> Path:
    cards = tmp_path / "cards"
    cards.mkdir()
    good = dump(complete_card("OK1", level=0, history=history(("2021-01-01", "start", 0))))
    for name in (NON_UTF8, NEWLINE, ODD):  # each does not load: its finding names the file
        with open(os.fsencode(cards) + b"/" + name, "wb") as handle:
            handle.write(b"mltrl: 1\nid: [\n")
    (cards / "ok.yaml").write_text(good)
    return tmp_path


@pytest.mark.parametrize("env", [STRICT, ASCII], ids=["utf-8-strict", "ascii-strict"])
def test_validate_writes_every_name_in_every_format(odd_names: Path, env: dict[str, str]):
    text = run(["validate"], odd_names, env)
    assert text.returncode == 1 and b"Traceback" not in text.stderr, text.stderr
    lines = text.stdout.decode("ascii" if env is ASCII else "utf-8").splitlines()
    assert len(lines) == 4  # one finding a line, whatever the names hold, then the summary
    assert any(line.startswith("cards/caf\\xe9-\\xff.yaml:3:1: error YAML001") for line in lines), lines
    assert any(line.startswith("cards/two\\nlines.yaml:") for line in lines)
    assert any(line.startswith("cards/quote\"d 'it' \\ \\x1b[31mred\\t.yaml:") for line in lines)

    data = json.loads(run(["validate", "--format", "json"], odd_names, env).stdout)
    files = {f["file"] for f in data["findings"]}
    assert files == {"cards/caf\\xe9-\\xff.yaml", "cards/two\nlines.yaml", "cards/quote\"d 'it' \\ \x1b[31mred\t.yaml"}

    github = run(["validate", "--format", "github"], odd_names, env)
    assert github.returncode == 1 and b"Traceback" not in github.stderr
    annotations = [line for line in github.stdout.decode().splitlines() if line.startswith("::error")]
    assert len(annotations) == 3
    assert any("file=cards/two%0Alines.yaml," in line for line in annotations)
    assert any("file=cards/caf\\xe9-\\xff.yaml," in line for line in annotations)


def test_json_stays_json_when_the_command_cannot_run(tmp_path: Path):
    missing = run(["validate", "no-such-folder", "--format", "json"], tmp_path, STRICT)
    assert missing.returncode == 2
    assert json.loads(missing.stdout) == {"ok": False, "error": "no such file or folder: no-such-folder"}
    not_a_repo = run(["diff", "main", "--format", "json"], tmp_path, STRICT)
    assert not_a_repo.returncode == 2
    assert "is not inside a git repository" in json.loads(not_a_repo.stdout)["error"]


def test_card_text_reaches_an_ascii_terminal(tmp_path: Path):
    card = complete_card("U1", level=0, name="Überprüfung → naïve", history=history(("2021-01-01", "start", 0)))
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "u.yaml").write_text(dump(card))
    report = run(["report", "--format", "json"], tmp_path, ASCII)
    assert report.returncode == 0, report.stderr
    report.stdout.decode("ascii")  # pure ASCII JSON: every other character escaped
    assert json.loads(report.stdout)["cards"] == 1
    card["status"] = "aktiv → später"  # a finding that quotes the value
    (tmp_path / "cards" / "u.yaml").write_text(dump(card))
    text = run(["validate"], tmp_path, ASCII)
    assert text.returncode == 1 and b"Traceback" not in text.stderr, text.stderr
    assert b"status: 'aktiv \\u2192 sp\\xe4ter' is not one of" in text.stdout
    data = run(["validate", "--format", "json"], tmp_path, ASCII)
    data.stdout.decode("ascii")
    assert "aktiv → später" in json.loads(data.stdout)["findings"][0]["message"]


def test_markdown_comment_shows_odd_names_as_text(odd_names: Path):
    from .test_diff import git

    git(odd_names, "init", "-q", "-b", "main")
    git(odd_names, "add", "-A")
    git(odd_names, "commit", "-q", "-m", "cards")
    (odd_names / "cards" / "ok.yaml").write_text("mltrl: 1\nid: [\n")  # now every card is broken
    result = run(["diff", "main"], odd_names, STRICT)
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr
    out = result.stdout.decode("utf-8")
    section = out[out.index("### Does not load") :]
    items = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(items) == 4  # one list item per file: no name breaks the layout
    assert "`cards/caf\\xe9-\\xff.yaml`" in section and "`cards/two\\nlines.yaml`" in section
    tokens = MarkdownIt("commonmark").parse(out)
    assert not {t.type for t in tokens} & {"html_block", "html_inline", "fence", "code_block"}
    data = json.loads(run(["diff", "main", "--format", "json"], odd_names, STRICT).stdout)
    assert {u["file"] for u in data["does_not_load"]} == {
        "cards/caf\\xe9-\\xff.yaml",
        "cards/two\nlines.yaml",
        "cards/quote\"d 'it' \\ \x1b[31mred\t.yaml",
        "cards/ok.yaml",
    }
    assert data["removed"] == [] and [u["was"] for u in data["does_not_load"] if u["file"] == "cards/ok.yaml"] == [
        "OK1"
    ]


def test_a_closed_pipe_ends_a_command_quietly(tmp_path: Path):
    """Standard output whose reader has gone: every write fails; the command says nothing."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs_mltrl", "gates"],
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert done.stderr == b""


def test_gates_into_head_has_no_traceback(tmp_path: Path):
    for command in ("gates", "gates --format json", "gates --format markdown"):
        done = subprocess.run(
            f"'{sys.executable}' -m mkdocs_mltrl {command} | head -1",
            shell=True,
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0 and len(done.stdout.splitlines()) == 1
        assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr, done.stderr
