"""Gates as code: the shipped gates file, an organisation's gates file, and broken gates files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mkdocs_mltrl.core import default_gates, default_gates_path, field_paths_of, load_gates, load_schema, unknown_field
from mkdocs_mltrl.render import gates_markdown

from .cards import climbed, complete_card, line_of, without, write
from .site import build, make_site, page

ROOT = Path(__file__).resolve().parent.parent


def mltrl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_mltrl", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_gates_schema_is_strict_clean():
    schema = load_schema("gates.schema.json")
    for node in _walk(schema):
        assert not isinstance(node.get("type"), list), node
        assert not {"errorMessage", "patternErrorMessage", "strictRequired"} & set(node), node


def test_docs_gates_page_is_generated_from_the_default_file():
    result = mltrl("gates", "--format", "markdown", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert (ROOT / "docs" / "gates.md").read_text(encoding="utf-8") == result.stdout, (
        "docs/gates.md is out of date: run `mltrl gates --format markdown > docs/gates.md`"
    )


def test_every_builtin_gate_has_a_doc_link_and_a_known_field():
    gates = default_gates().gates
    assert len({g.code for g in gates}) == len(gates)
    assert all(g.doc for g in gates)
    # Every field the shipped conditions name is a field of the card format.
    for gate in gates:
        for _, field_path, within in field_paths_of(gate.when, ()):
            assert unknown_field(field_path, within) is None, (gate.code, field_path)
    assert default_gates_path().is_file()


def test_the_shipped_gates_file_is_valid_against_its_schema():
    """The shipped file is not checked on every run (see default_gates): it is checked here."""
    from mkdocs_mltrl.core.schema_check import check
    from mkdocs_mltrl.core.yaml_loader import load_mapping

    document, findings = load_mapping(default_gates_path(), "default.yaml")
    assert document is not None and findings == []
    assert check(document, "default.yaml", "gates.schema.json", fast=False) == []


ORG = """\
mltrl-gates: 1
drop: [MLTRL142]
change:
  MLTRL171: {level: 6}
  MLTRL111: {severity: error}
gates:
  - code: ORG501
    level: 5
    description: "a `x-privacy-review` link recorded"
    doc: https://wiki.example.org/privacy
    when: {present: x-privacy-review}
"""


def test_an_organisation_file_adds_drops_moves_and_rates(tmp_path: Path):
    (tmp_path / "org.yaml").write_text(ORG)
    card = without(without(without(complete_card(level=6), "reviewers"), "model"), "data", "datasets")
    card["history"] = climbed(6)
    write(tmp_path / "cards", card)
    result = mltrl("validate", "--format", "json", "--gates-file", "org.yaml", "cards", cwd=tmp_path)
    report = json.loads(result.stdout)
    found = {(f["code"], f["severity"]) for f in report["findings"]}
    assert ("ORG501", "warning") in found  # added
    assert ("MLTRL111", "error") in found  # severity set
    assert ("MLTRL171", "warning") in found  # moved from 7 to 6
    assert not any(code == "MLTRL142" for code, _ in found)  # dropped
    assert result.returncode == 1  # the error-rated gate fails validation
    # The built-in gates alone: no error, the moved gate is not due at level 6, the dropped one is.
    plain = json.loads(mltrl("validate", "--format", "json", "cards", cwd=tmp_path).stdout)
    assert {f["code"] for f in plain["findings"] if f["code"].startswith("MLTRL1")} == {"MLTRL111", "MLTRL142"}
    listing = mltrl("gates", "--gates-file", "org.yaml", "--format", "json", cwd=tmp_path)
    gates = {g["code"]: g for g in json.loads(listing.stdout)["gates"]}
    assert "MLTRL142" not in gates and gates["MLTRL171"]["level"] == 6 and gates["ORG501"]["level"] == 5
    assert gates["ORG501"]["predicate"] == "`x-privacy-review` is present and not empty"


BAD_FILES: dict[str, tuple[str, str, str, str]] = {
    # name: (file, code, severity, text on the reported line)
    "syntax": ("mltrl-gates: 1\ngates: [\n  {code: A1\n", "YAML001", "error", ""),
    "unknown-condition": (
        "mltrl-gates: 1\ngates:\n  - code: ORG1\n    level: 2\n    description: d\n    when: {presnt: summary}\n",
        "schema",
        "error",
        "presnt",
    ),
    "bad-level": (
        "mltrl-gates: 1\ngates:\n  - code: ORG1\n    level: 12\n    description: d\n    when: {present: summary}\n",
        "schema",
        "error",
        "level: 12",
    ),
    "duplicate": (
        "mltrl-gates: 1\ngates:\n  - code: MLTRL101\n    level: 2\n    description: d\n    when: {present: summary}\n",
        "GATES001",
        "error",
        "code: MLTRL101",
    ),
    "drop-unknown": ("mltrl-gates: 1\ndrop: [MLTRL199]\n", "GATES002", "warning", "drop"),
    "change-unknown": ("mltrl-gates: 1\nchange:\n  MLTRL777: {level: 3}\n", "GATES002", "warning", "MLTRL777"),
    "unknown-field": (
        "mltrl-gates: 1\ngates:\n  - code: ORG1\n    level: 2\n    description: d\n"
        "    when: {every: {items: requirements, has: [verfication]}}\n",
        "GATES003",
        "warning",
        "verfication",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_gates_files_get_positioned_findings(tmp_path: Path, name: str):
    text, code, severity, needle = BAD_FILES[name]
    (tmp_path / "org.yaml").write_text(text)
    write(tmp_path / "cards", complete_card(level=2))
    result = mltrl("validate", "--format", "json", "--gates-file", "org.yaml", "cards", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    findings = [f for f in json.loads(result.stdout)["findings"] if f["file"] == "org.yaml"]
    assert [(f["code"], f["severity"]) for f in findings] == [(code, severity)], findings
    if needle:
        assert findings[0]["line"] == line_of(text, needle)
    assert result.returncode == (1 if severity == "error" else 0)


def test_unknown_field_suggests_the_nearest(tmp_path: Path):
    (tmp_path / "org.yaml").write_text(BAD_FILES["unknown-field"][0])
    _, findings = load_gates(tmp_path / "org.yaml", "org.yaml")
    assert "did you mean 'verification'?" in findings[0].message


def test_missing_gates_file_is_a_usage_error(tmp_path: Path):
    result = mltrl("validate", "--gates-file", "nope.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "no such file" in result.stderr


def test_plugin_gates_file_in_a_real_build(tmp_path: Path):
    (tmp_path / "org.yaml").write_text(ORG)
    config = make_site(tmp_path, [complete_card(level=6, history=climbed(6))], plugin={"gates_file": "org.yaml"})
    result = build(config)
    assert result.returncode == 0, result.stderr
    assert "ORG501" in result.stderr  # the added gate warns
    soup = page(tmp_path / "site", "cards/C1/")
    rows = {r.find_all("td")[3].get_text(): r for r in soup.select("table.mltrl-gates tr")[1:]}
    assert "ORG501" in rows and "MLTRL142" not in rows
    # A broken gates file stops the build with its positioned finding.
    (tmp_path / "org.yaml").write_text(BAD_FILES["duplicate"][0])
    result = build(config)
    assert result.returncode != 0
    assert "org.yaml:3:11: error GATES001" in result.stderr


def test_generated_markdown_states_each_predicate():
    text = gates_markdown(default_gates())
    assert "### MLTRL122" in text
    assert (
        "Met when every one of the items of `requirements` with `kind` `research` or not stated has "
        "`verification` and `validation` not empty (true when there is none) or `vv.external.status` is "
        "(or, for a list, holds) `complete`." in text
    )


def test_gates_schema_compiles_in_strict_ajv_and_agrees(tmp_path: Path):
    from .test_schema_clients import ajv_available, run_ajv

    ajv_available()
    (tmp_path / "org.yaml").write_text(ORG)
    (tmp_path / "bad.yaml").write_text(BAD_FILES["unknown-condition"][0])
    files = [default_gates_path(), tmp_path / "org.yaml", tmp_path / "bad.yaml"]
    for strict in ("default", "all"):
        verdicts = {Path(name).name: r["valid"] for name, r in run_ajv("gates.schema.json", files, strict).items()}
        assert verdicts == {"default.yaml": True, "org.yaml": True, "bad.yaml": False}


def test_checklist_section_conditions(tmp_path: Path):
    from .cards import DEFAULT_ITEMS

    (tmp_path / "org.yaml").write_text(
        "mltrl-gates: 1\ngates:\n"
        "  - {code: ORG201, level: 2, description: pre, when: {checklist: {section: Pre-development}}}\n"
        "  - {code: ORG202, level: 2, description: nope, when: {checklist: {section: Nope}}}\n"
    )
    card = complete_card(level=2)
    card["ethics"]["answers"] = {DEFAULT_ITEMS[0]: {"status": "done"}}
    write(tmp_path / "cards", card)
    result = mltrl("validate", "--format", "json", "--gates-file", "org.yaml", "cards", cwd=tmp_path)
    found = {(f["file"], f["line"], f["code"]) for f in json.loads(result.stdout)["findings"]}
    assert ("org.yaml", 4, "GATES004") in found  # the section the checklist does not have
    assert ("cards/C1.yaml", "ORG201") in {(f, c) for f, _, c in found}  # one answer is not the section
    card["ethics"]["answers"] = {item: {"status": "n/a"} for item in DEFAULT_ITEMS}
    write(tmp_path / "cards", card)
    result = mltrl("validate", "--format", "json", "--gates-file", "org.yaml", "cards", cwd=tmp_path)
    assert "ORG201" not in {f["code"] for f in json.loads(result.stdout)["findings"]}


def test_an_organisations_paper_quote_is_shown_as_text(tmp_path: Path):
    """The reference page quotes a gate's `paper` words as text: no markup, no broken table."""
    (tmp_path / "org.yaml").write_text(
        "mltrl-gates: 1\n"
        "gates:\n"
        "  - code: ORG401\n"
        "    level: 4\n"
        "    description: a security review\n"
        '    paper: {level: 4, quote: "a <b>bold</b> | *claim* &amp; [link](x)"}\n'
        "    when: {present: x-security-review}\n"
    )
    gateset, findings = load_gates(tmp_path / "org.yaml")
    assert gateset is not None and findings == []
    gate = gateset.by_code("ORG401")
    assert gate is not None and (gate.paper_level, gate.paper) == (4, "a <b>bold</b> | *claim* &amp; [link](x)")
    row = next(line for line in gates_markdown(gateset).splitlines() if line.startswith("| ORG401 |"))
    assert row.endswith(r"| *Level 4*: “a &lt;b&gt;bold&lt;/b&gt; \| \*claim\* &amp;amp; \[link\](x)” |")
    import markdown

    html = markdown.markdown(gates_markdown(gateset), extensions=["tables"])
    assert "a &lt;b&gt;bold&lt;/b&gt; | *claim* &amp;amp; [link](x)" in html
    listed = json.loads(mltrl("gates", "--format", "json", "--gates-file", "org.yaml", cwd=tmp_path).stdout)
    data = next(g for g in listed["gates"] if g["code"] == "ORG401")
    assert data["paper"] == {"level": 4, "quote": "a <b>bold</b> | *claim* &amp; [link](x)"}
