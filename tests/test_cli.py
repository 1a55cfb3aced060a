"""`mltrl validate` end to end: real files, real console script, exit codes and formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_mltrl import __version__
from mkdocs_mltrl.cli import main

from .cards import climbed, complete_card, dump, history, line_of, write

BASE = "mltrl: 1\nid: A1\nname: Thing\nlevel: 0\nsummary: Does a thing.\nowners: [Ann]\n"


def mltrl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed console script as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_mltrl", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


# name: (file content, expected code, line of the finding)
BAD: dict[str, tuple[str | bytes, str, int]] = {
    "syntax": ("mltrl: 1\nid: [A1\nname: x\n", "YAML001", 3),
    "tab": ("mltrl: 1\nid: A1\n\tname: x\n", "YAML001", 3),
    "duplicate-key": (BASE + "name: Other\n", "YAML002", 7),
    "wrong-type": (BASE.replace("level: 0", "level: high"), "schema", 4),
    "unknown-field": (BASE + "reqirements: []\n", "schema", 7),
    "level-10": (BASE.replace("level: 0", "level: 10"), "schema", 4),
    "level-minus-1": (BASE.replace("level: 0", "level: -1"), "schema", 4),
    "not-a-date": (BASE + "history:\n  - date: 2022-13-45\n    event: start\n    level: 0\n", "schema", 8),
    "date-text": (BASE + "history:\n  - date: last tuesday\n    event: start\n    level: 0\n", "schema", 8),
    "not-semver": (BASE + "versions:\n  code: v1\n", "schema", 8),
    "javascript-link": (BASE + "links:\n  code: javascript:alert(1)\n", "schema", 8),
    "id-slash": (BASE.replace("id: A1", "id: a/b"), "schema", 2),
    "id-space": (BASE.replace("id: A1", "id: a b"), "schema", 2),
    "empty": ("", "YAML008", 1),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\xff", "YAML007", 1),
    "huge": ("a: " + "x" * (5 * 1024 * 1024) + "\n", "YAML006", 1),
    "alias-bomb": ("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "YAML003", 1),
    "custom-tag": (BASE + "x-run: !!python/object/apply:os.system [ls]\n", "YAML004", 7),
    "two-documents": (BASE + "---\n" + BASE, "YAML005", 7),
    "top-level-list": ("- a\n- b\n", "YAML009", 1),
    "skipped-level": (
        BASE.replace("level: 0", "level: 2")
        + "history:\n  - {date: 2021-01-01, event: start, level: 0}\n  - {date: 2021-02-01, event: graduate, level: 2}\n",
        "MLTRL012",
        9,
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_fails_with_the_right_code_and_line(tmp_path: Path, name: str):
    content, code, line = BAD[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = mltrl("validate", "--format", "json", path.name, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert (code, line) in {(f["code"], f["line"]) for f in report["findings"]}, report["findings"]


def test_same_id_in_different_case_fails(tmp_path: Path):
    (tmp_path / "one.yaml").write_text(BASE)
    (tmp_path / "two.yaml").write_text(BASE.replace("id: A1", "id: a1"))
    result = mltrl("validate", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "one.yaml:2:5: error MLTRL001" in result.stdout
    assert "two.yaml:2:5: error MLTRL001" in result.stdout


def test_unknown_field_suggests_the_nearest_name(tmp_path: Path):
    (tmp_path / "c.yaml").write_text(BASE + "reqirements: []\n")
    result = mltrl("validate", "c.yaml", cwd=tmp_path)
    assert (
        "c.yaml:7:1: error schema reqirements: unknown field 'reqirements': did you mean 'requirements'?"
        in result.stdout
    )


def test_enum_lists_allowed_values_and_numbers_say_quote(tmp_path: Path):
    (tmp_path / "c.yaml").write_text(BASE + "status: yes\nversions: {code: 1.0}\n")
    out = mltrl("validate", "c.yaml", cwd=tmp_path).stdout
    assert "status: 'yes' is not one of: active, paused, retired" in out
    assert 'versions.code: expected text, got the number 1.0: quote it, as "1.0"' in out


def test_valid_cards_pass_with_summary_line(tmp_path: Path):
    write(tmp_path / "cards", complete_card("A", components=["B"]))
    write(tmp_path / "cards" / "sub", complete_card("B"))
    result = mltrl("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "2 cards, 0 errors, 0 warnings\n"


def test_text_output_is_sorted_one_finding_a_line(tmp_path: Path):
    (tmp_path / "b.yaml").write_text(BASE.replace("level: 0", "level: 10").replace("id: A1", "id: B1"))
    (tmp_path / "a.yaml").write_text(BASE + "status: nope\nreqirements: []\n")
    lines = mltrl("validate", ".", cwd=tmp_path).stdout.splitlines()
    assert lines == [
        "a.yaml:7:9: error schema status: 'nope' is not one of: active, paused, retired",
        "a.yaml:8:1: error schema reqirements: unknown field 'reqirements': did you mean 'requirements'?",
        "b.yaml:4:8: error schema level: 10 is greater than the maximum of 9",
        "2 cards, 3 errors, 0 warnings",
    ]


def test_warnings_fail_only_under_strict(tmp_path: Path):
    card = complete_card(level=5, history=climbed(5))
    del card["model"]
    write(tmp_path / "cards", card)
    assert mltrl("validate", cwd=tmp_path).returncode == 0
    strict = mltrl("validate", "--strict", cwd=tmp_path)
    assert strict.returncode == 1
    assert "warning MLTRL111" in strict.stdout
    assert mltrl("validate", "--strict", "--gates", "off", cwd=tmp_path).returncode == 0
    assert mltrl("validate", "--gates", "error", cwd=tmp_path).returncode == 1


def test_github_annotations(tmp_path: Path):
    (tmp_path / "c.yaml").write_text(BASE.replace("level: 0", "level: 10"))
    out = mltrl("validate", "--format", "github", "c.yaml", cwd=tmp_path).stdout.splitlines()
    assert out[0] == "::error file=c.yaml,line=4,col=8,title=schema::schema level: 10 is greater than the maximum of 9"
    assert out[1] == "1 card, 1 error, 0 warnings"


def test_config_supplies_cards_dir_checklist_and_gates(tmp_path: Path):
    card = complete_card(level=4, ethics={"answers": {"own-item": {"status": "done"}}})
    write(tmp_path / "portfolio", card)
    (tmp_path / "checklist.yaml").write_text(
        "title: Ours\nsections:\n  - title: All\n    items:\n      - {id: own-item, question: Is it fine?}\n"
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - search\n  - mltrl:\n      cards_dir: portfolio\n      checklist: checklist.yaml\n      gates: off\n"
    )
    result = mltrl("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("1 card,")
    sub = tmp_path / "elsewhere"
    sub.mkdir()
    assert mltrl("validate", "--config", "../mkdocs.yml", cwd=sub).returncode == 0


def test_broken_checklist_is_reported(tmp_path: Path):
    write(tmp_path / "cards", complete_card())
    (tmp_path / "list.yaml").write_text(
        "title: x\nsections:\n  - title: s\n    items:\n      - {id: Bad Id, question: q}\n"
    )
    result = mltrl("validate", "--checklist", "list.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "list.yaml:5:14: error schema sections[0].items[0].id: 'Bad Id'" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "no-such-dir"],
        ["validate", "--config", "missing.yml"],
        ["validate", "--gates", "maybe"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_and_io_problems_exit_2(tmp_path: Path, args: list[str]):
    result = mltrl(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_version_and_help(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"mltrl {__version__}"
    result = mltrl("validate", "--help", cwd=tmp_path)
    assert result.returncode == 0 and "--strict" in result.stdout


def test_symlink_out_of_the_cards_folder_is_refused(tmp_path: Path):
    outside = tmp_path / "secret.yaml"
    outside.write_text(dump(complete_card("S")))
    (tmp_path / "cards").mkdir()
    os.symlink(outside, tmp_path / "cards" / "link.yaml")
    result = mltrl("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert "cards/link.yaml:1:1: error IO001" in result.stdout


def test_contract_example_card_validates(tmp_path: Path):
    example = (Path(__file__).parent / "data" / "contract-example.yaml").read_text()
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "mixed-bo.yaml").write_text(example)
    write(tmp_path / "cards", complete_card("P13.2", level=4, history=history(("2020-01-01", "start", 4))))
    result = mltrl("validate", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert line_of(example, "id: R02.1") == 3


def test_trailing_newlines_and_whole_floats(tmp_path: Path):
    # Python's `$` matches before a final newline; ids and URLs must not end in one
    (tmp_path / "nl.yaml").write_text(BASE.replace("id: A1", 'id: "A1\\n"') + 'links: {code: "https://x.org/a\\n"}\n')
    out = json.loads(mltrl("validate", "--format", "json", "nl.yaml", cwd=tmp_path).stdout)
    assert {(f["code"], f["line"]) for f in out["findings"]} == {("schema", 2), ("schema", 7)}
    # JSON Schema counts 4.0 as an integer: accepted, and used as 4
    card = complete_card(level=4, history=history(("2021-01-01", "start", 4)))
    text = dump(card).replace("level: 4\n", "level: 4.0\n", 1)
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "f.yaml").write_text(text)
    assert mltrl("validate", cwd=tmp_path).returncode == 0
