"""The published schemas as other clients read them: ajv (strict, from npm) and check-jsonschema give
the same verdict as `mltrl validate` on every card, and no pattern can stall a validator."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mkdocs_mltrl.core import CONTROL_FREE, MESSAGES, load_schema, resolve_pointer

from .cards import complete_card, dump, history
from .test_cli import BAD
from .test_cli import mltrl as run_mltrl
from .test_hostile import hostile_card

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "tests" / "js"
SCHEMAS = ("card.schema.json", "checklist.schema.json", "gates.schema.json", "cards-export.schema.json")
IN_CI = os.environ.get("CI") == "true"

#: Findings whose rule the card schema expresses too; everything else (duplicate keys, aliases,
#: tags, cross-card rules, gates) is beyond what JSON Schema can say.
SCHEMA_LEVEL = {"schema", "YAML013", "YAML014"}


def need(available: bool, reason: str) -> None:
    """Skip outside CI when a client is not installed; in CI a missing client is a failure."""
    if not available:
        if IN_CI:
            pytest.fail(f"{reason} (CI must install it: see .ci/run)")
        pytest.skip(reason)


def ajv_available() -> None:
    need(shutil.which("node") is not None, "node is not installed")
    need((JS / "node_modules" / "ajv").is_dir(), "ajv is not installed: run `npm ci --prefix tests/js`")


def check_jsonschema() -> list[str]:
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    need(Path(exe).is_file(), "check-jsonschema is not installed: pip install check-jsonschema")
    return [exe]


def run_ajv(schema: str, files: list[Path], strict: str = "default") -> dict[str, dict[str, Any]]:
    done = subprocess.run(
        ["node", str(JS / "validate.mjs"), str(ROOT / "schemas" / schema), f"--strict={strict}", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {Path(r["file"]).name: r for r in map(json.loads, done.stdout.splitlines()) if "file" in r}


def yaml_language_server_available() -> None:
    ajv_available()
    need((JS / "node_modules" / "yaml-language-server").is_dir(), "yaml-language-server is not installed")


def run_yaml_language_server(schema: str, files: list[Path]) -> dict[str, bool]:
    """Each file's verdict as an editor shows it: valid when yaml-language-server reports no error."""
    done = subprocess.run(
        ["node", str(JS / "yaml-ls.mjs"), str(ROOT / "schemas" / schema), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = {}
    for report in map(json.loads, done.stdout.splitlines()):
        assert report["diagnostics"] is not None, f"no diagnostics published for {report['file']}"
        out[Path(report["file"]).name] = not any(d.get("severity", 1) == 1 for d in report["diagnostics"])
    return out


def run_check_jsonschema(schema: str, files: list[Path]) -> dict[str, bool]:
    done = subprocess.run(
        [*check_jsonschema(), "--schemafile", str(ROOT / "schemas" / schema), "-o", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout)
    failed = {Path(e["filename"]).name for e in report["errors"]} | {
        Path(e["filename"]).name for e in report["parse_errors"]
    }
    return {f.name: f.name not in failed for f in files}


@pytest.mark.parametrize("strict", ["default", "all"])
@pytest.mark.parametrize("name", SCHEMAS)
def test_ajv_compiles_the_published_schemas_in_strict_mode(name: str, strict: str):
    ajv_available()
    done = subprocess.run(
        ["node", str(JS / "validate.mjs"), str(ROOT / "schemas" / name), f"--strict={strict}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == {"schema": str(ROOT / "schemas" / name), "compiled": True}


def test_check_jsonschema_accepts_the_schemas():
    for name in SCHEMAS:
        done = subprocess.run(
            [*check_jsonschema(), "--check-metaschema", str(ROOT / "schemas" / name)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr


# The keywords of JSON Schema 2020-12 (core, applicator, validation, format-annotation, meta-data,
# content, unevaluated). Anything else is unknown to strict validators and to editors.
STANDARD_WORDS = """
$schema $id $ref $anchor $dynamicRef $dynamicAnchor $vocabulary $comment $defs allOf anyOf oneOf not if
then else dependentSchemas prefixItems items contains properties patternProperties additionalProperties
propertyNames type enum const multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength
minLength pattern maxItems minItems uniqueItems maxContains minContains maxProperties minProperties
required dependentRequired format title description default deprecated readOnly writeOnly examples
contentEncoding contentMediaType contentSchema unevaluatedItems unevaluatedProperties
"""
STANDARD = set(STANDARD_WORDS.split())
NOT_SCHEMAS = {"properties", "patternProperties", "$defs", "dependentSchemas"}  # values are maps of schemas


def subschemas(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(node, dict):
        return
    yield where, node
    for key, value in node.items():
        if key in NOT_SCHEMAS:
            for name, sub in value.items():
                yield from subschemas(sub, f"{where}/{key}/{name}")
        elif key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            for i, sub in enumerate(value):
                yield from subschemas(sub, f"{where}/{key}/{i}")
        elif key in ("not", "if", "then", "else", "items", "contains", "additionalProperties", "propertyNames"):
            yield from subschemas(value, f"{where}/{key}")


@pytest.mark.parametrize("name", SCHEMAS)
def test_schemas_use_standard_keywords_only(name: str):
    """What ajv's strict mode, check-jsonschema and yaml-language-server all read the same way."""
    schema = load_schema(name)
    assert schema["$id"] == f"urn:mkdocs-mltrl:schema:v1:{name}"
    for where, sub in subschemas(schema):
        assert set(sub) <= STANDARD, (where, set(sub) - STANDARD)
        assert not isinstance(sub.get("type"), list), f"{where}: union type"
        ref = sub.get("$ref")
        assert ref is None or ref.startswith("#/$defs/"), f"{where}: only local references"
        if isinstance(sub.get("pattern"), str):
            assert "\\d" not in sub["pattern"] and "\\s" not in sub["pattern"], f"{where}: \\d and \\s differ"


@pytest.mark.parametrize("name", ["card.schema.json", "checklist.schema.json"])
def test_every_string_refuses_control_characters(name: str):
    """The loader refuses control characters in every value; so does every string of the schema."""
    schema = load_schema(name)
    for where, sub in subschemas(schema):
        conditions = "/if" in where or "/not" in where  # conditions, not constraints
        if sub.get("type") == "string" and "$ref" not in sub and "enum" not in sub and not conditions:
            assert "pattern" in sub, f"{where}: a string without a pattern admits control characters"
            for char in ("\x00", "\x01", "\x1f", "\x7f", "\x85", "\x9f"):
                assert not re.search(sub["pattern"], f"a{char}b"), (where, char)
    for _where, sub in subschemas(schema):
        if sub.get("pattern") == CONTROL_FREE:
            assert re.search(sub["pattern"], "tab\tand\nnew lines\r\n")


def test_mltrl_messages_point_at_real_places():
    for name, entries in MESSAGES.items():
        schema = load_schema(name)
        for pointer in entries:
            assert isinstance(resolve_pointer(schema, pointer), dict), (name, pointer)


# --- the same verdict, card by card -------------------------------------------------------------

_BASE = "mltrl: 1\nid: A1\nname: Thing\nlevel: 0\nsummary: Does a thing.\nowners: [Ann]\n"


def _card(**changes: Any) -> dict[str, Any]:
    card = complete_card("V1", level=4, history=history(("2021-01-01", "start", 4)))
    card.update(changes)
    return card


def _text(card: dict[str, Any], old: str, new: str) -> str:
    text = dump(card)
    assert old in text, old
    return text.replace(old, new, 1)


def hostile_cases() -> dict[str, tuple[str, bool]]:
    """name: (YAML text, schema-valid?) for the edges where clients used to disagree."""
    risk = {"id": "K2", "title": "t", "p_failure": 0.5, "value": 3}
    cases: dict[str, tuple[str, bool]] = {
        "ok": (dump(_card()), True),
        "nan-p-failure": (dump(_card(risks=[{**risk, "p_failure": math.nan}])), False),
        "inf-p-failure": (dump(_card(risks=[{**risk, "p_failure": math.inf}])), False),
        "nan-value": (dump(_card(risks=[{**risk, "value": math.nan}])), False),
        "inf-level": (_text(_card(), "level: 4\n", "level: .inf\n"), False),
        "huge-float": (_text(_card(risks=[{**risk, "p_failure": 0.25}]), "p_failure: 0.25", "p_failure: 1e400"), False),
        "huge-int": (_text(_card(risks=[{**risk, "value": 7}]), "value: 7", "value: " + "9" * 400), False),
        "nan-org-field": (dump(_card(**{"x-score": math.nan})), False),
        "inf-org-field": (dump(_card(**{"x-score": -math.inf})), False),
        "huge-org-field": (_text(_card(**{"x-score": 5}), "x-score: 5", "x-score: 1e309"), False),
        "nan-nested-org-field": (dump(_card(**{"x-deep": {"a": [1, {"b": math.nan}]}})), False),
        "finite-org-fields": (dump(_card(**{"x-deep": {"a": [1.5e300, -2, True, None, "text"]}})), True),
        "control-org-field": (dump(_card(**{"x-note": "a\x01b"})), False),
        "control-nested-org-field": (dump(_card(**{"x-list": ["ok", ["a\x1fb"]]})), False),
        "impossible-date": (dump(_card(history=history(("2023-02-30", "start", 4)))), False),
        "not-leap-date": (dump(_card(history=history(("1900-02-29", "start", 4)))), False),
        "leap-date": (dump(_card(history=history(("2024-02-29", "start", 4)))), True),
        "month-13": (dump(_card(history=history(("2021-13-01", "start", 4)))), False),
        "year-zero": (dump(_card(history=history(("0000-01-01", "start", 4)))), False),
        "year-zero-leap-day": (dump(_card(history=history(("0000-02-29", "start", 4)))), False),
        "leap-day-2000": (dump(_card(history=history(("2000-02-29", "start", 4)))), True),
        "not-leap-2100": (dump(_card(history=history(("2100-02-29", "start", 4)))), False),
        "april-31": (dump(_card(history=history(("2021-04-31", "start", 4)))), False),
        "december-31": (dump(_card(history=history(("2021-12-31", "start", 4)))), True),
        "control-link": (dump(_card(links={"code": "\x01javascript:alert(1)"})), False),
        "nul-summary": (dump(_card(summary="a\x00b")), False),
        "bell-name": (dump(_card(name="ding\x07")), False),
        "c1-control-tag": (dump(_card(tags=["a\x85b"])), False),
        "del-in-title": (dump(_card(risks=[{**risk, "title": "t\x7f"}])), False),
        "tab-and-newline-text": (dump(_card(summary="a\tb\nc\r\nd")), True),
        "javascript-link": (dump(_card(links={"code": "javascript:alert(1)"})), False),
        "mixed-case-scheme": (dump(_card(links={"code": "JaVaScRiPt:alert(1)"})), False),
        "data-link": (dump(_card(links={"docs": "data:text/html,<b>x</b>"})), False),
        "vbscript-link": (dump(_card(links={"docs": "vbscript:msgbox(1)"})), False),
        "upper-https-link": (dump(_card(links={"docs": "HTTPS://example.org"})), False),
        "leading-space-link": (dump(_card(links={"docs": " https://example.org"})), False),
        "nbsp-link": (dump(_card(links={"docs": "https://exa\u00a0mple.org"})), False),
        "bom-link": (dump(_card(links={"docs": "https://example.org/\ufeff"})), False),
        "trailing-newline-link": (dump(_card(links={"docs": "https://example.org\n"})), False),
        "relative-link": (dump(_card(links={"docs": "../wiki/page?a=1&b=2#x"})), True),
        "mailto-link": (dump(_card(links={"docs": "mailto:team@example.org"})), True),
        "protocol-relative-link": (dump(_card(links={"docs": "//example.org/x"})), False),
        "backslash-host-link": (dump(_card(links={"docs": "\\\\evil.example\\x"})), False),
        "slash-backslash-link": (dump(_card(links={"docs": "/\\evil.example"})), False),
        "backslash-slash-link": (dump(_card(links={"docs": "\\/evil.example"})), False),
        "site-absolute-link": (dump(_card(links={"docs": "/wiki/page"})), True),
        "single-backslash-link": (dump(_card(links={"docs": "\\wiki\\page"})), True),
        "person-with-email": (dump(_card(owners=["Ada Example <ada@example.org>"])), True),
        "person-only-space": (dump(_card(owners=["   "])), False),
        "person-ideographic-space": (dump(_card(owners=["\u3000"])), False),
        "person-email-no-at": (dump(_card(owners=["Ada <ada>"])), False),
        "person-text-after-email": (dump(_card(owners=["Ada <a@b.org> x"])), False),
        "person-newline": (dump(_card(owners=["Ada\nLovelace"])), False),
        "person-trailing-newline": (dump(_card(owners=["Ada\n"])), False),
        "person-number": (dump(_card(owners=[42])), False),
        "person-mapping": (dump(_card(owners=[{"name": "Ada", "email": "ada@example.org"}])), True),
        "person-mapping-bad-email": (dump(_card(owners=[{"name": "Ada", "email": "a b@c"}])), False),
        "person-angle-open": (dump(_card(owners=["a" * 200 + "<"])), False),
        "semver-arabic-digit": (dump(_card(versions={"code": "1.0.\u0661"})), False),
        "semver-inner-arabic-digit": (dump(_card(versions={"code": "1\u0661.0.0"})), False),
        "semver-trailing-newline": (dump(_card(versions={"code": "1.0.0\n"})), False),
        "id-trailing-newline": (dump(_card(id="V1\n")), False),
        "id-bidi": (dump(_card(id="V1\u202e")), False),
        "id-trailing-dot": (dump(_card(id="V1.")), False),
        "id-trailing-dots": (dump(_card(id="V1..")), False),
        "id-inner-dots": (dump(_card(id="V1..b")), True),
        "alias-trailing-dot": (dump(_card(aliases=["old."])), False),
        "requirement-id-arabic-digit": (
            dump(_card(requirements=[{"id": "\u0661", "text": "x"}], risks=[])),
            False,
        ),
        "checklist-key-upper": (dump(_card(ethics={"answers": {"Data-Rights": {"status": "done"}}})), False),
        "switchback-missing-type": (
            dump(
                _card(
                    history=[
                        *history(("2021-01-01", "start", 4)),
                        {"date": "2021-02-01", "event": "switchback", "level": 3},
                    ]
                )
            ),
            False,
        ),
        "switchback-type-on-start": (
            dump(_card(history=[{"date": "2021-01-01", "event": "start", "level": 4, "switchback": "review"}])),
            False,
        ),
        "license-id": (dump(_card(license="Apache-2.0")), True),
        "license-expression": (
            dump(_card(license="(MIT OR Apache-2.0) AND GPL-2.0-or-later WITH Classpath-exception-2.0")),
            True,
        ),
        "license-ref": (dump(_card(license="LicenseRef-internal-1")), True),
        "license-words": (dump(_card(license="Apache 2.0")), False),
        "license-lower-operator": (dump(_card(license="MIT or Apache-2.0")), False),
        "license-trailing-newline": (dump(_card(license="MIT\n")), False),
        "license-empty": (dump(_card(license="")), False),
        "mltrl-2": (dump(_card(mltrl=2)), False),
        "component-without-level": (dump(_card(components=[{"name": "Ext"}])), True),
        "component-without-name": (dump(_card(components=[{"level": 2}])), False),
        "component-bad-id": (dump(_card(components=["bad id!"])), False),
        "component-number": (dump(_card(components=[7])), False),
        "hostile-but-valid": (dump(hostile_card("HV")), True),
    }
    for name, (content, code, _line) in BAD.items():
        if code == "schema" and isinstance(content, str):
            cases[f"cli-{name}"] = (content, False)
    for level in range(10):
        cases[f"complete-{level}"] = (dump(complete_card(f"L{level}", level=level)), True)
    return cases


def real_cards() -> dict[str, str]:
    files = [*sorted((ROOT / "cards").glob("*.yaml")), *sorted((ROOT / "examples").rglob("cards/*.yaml"))]
    files += sorted((ROOT / "tests" / "data").glob("*.yaml"))
    return {f"real-{f.parent.parent.name}-{f.stem}": f.read_text(encoding="utf-8") for f in files}


def test_ajv_check_jsonschema_editors_and_mltrl_agree_on_every_card(tmp_path: Path):
    yaml_language_server_available()
    check_jsonschema()
    cases = hostile_cases()
    expected = {name: valid for name, (_text, valid) in cases.items()}
    texts = {name: text for name, (text, _valid) in cases.items()} | real_cards()
    folder = tmp_path / "cards"
    folder.mkdir()
    files = []
    for name, text in texts.items():
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append(path)

    result = run_mltrl("validate", "--gates", "off", "--format", "json", "cards", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    codes: dict[str, set[str]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        codes.setdefault(Path(finding["file"]).stem, set()).add(finding["code"])
    for name, found in codes.items():  # the corpus holds only what the schema can judge
        assert not {c for c in found if c.startswith("YAML")} - SCHEMA_LEVEL, (name, found)
    mltrl_says = {name: not (codes.get(name, set()) & SCHEMA_LEVEL) for name in texts}
    ajv_says = {Path(n).stem: r["valid"] for n, r in run_ajv("card.schema.json", files).items()}
    cjs_says = {Path(n).stem: v for n, v in run_check_jsonschema("card.schema.json", files).items()}
    yls_says = {Path(n).stem: v for n, v in run_yaml_language_server("card.schema.json", files).items()}

    disagreements = {
        name: {
            "mltrl": mltrl_says[name],
            "ajv": ajv_says[name],
            "check-jsonschema": cjs_says[name],
            "yaml-language-server": yls_says[name],
        }
        for name in texts
        if not mltrl_says[name] == ajv_says[name] == cjs_says[name] == yls_says[name]
    }
    assert disagreements == {}
    wrong = {name: mltrl_says[name] for name in expected if mltrl_says[name] != expected[name]}
    assert wrong == {}
    assert sum(mltrl_says.values()) >= 20 and sum(not v for v in mltrl_says.values()) >= 40


def test_checklists_get_the_same_verdict(tmp_path: Path):
    ajv_available()
    check_jsonschema()
    good = "title: Ours\nsections:\n  - title: All\n    items:\n      - {id: own-item, question: Is it fine?}\n"
    cases = {
        "good": good,
        "upper-id": good.replace("own-item", "Own-Item"),
        "control-question": good.replace("Is it fine?", '"Is it\\x01 fine?"'),
        "no-items": "title: Ours\nsections:\n  - title: All\n    items: []\n",
        "extra": good + "colour: red\n",
    }
    files = []
    for name, text in cases.items():
        (tmp_path / f"{name}.yaml").write_text(text)
        files.append(tmp_path / f"{name}.yaml")
        (tmp_path / "cards").mkdir(exist_ok=True)
    mltrl_says = {}
    for name in cases:
        result = run_mltrl("validate", "--checklist", f"{name}.yaml", "cards", cwd=tmp_path)
        assert "Traceback" not in result.stderr
        mltrl_says[name] = result.returncode == 0
    ajv_says = {Path(n).stem: r["valid"] for n, r in run_ajv("checklist.schema.json", files).items()}
    cjs_says = {Path(n).stem: v for n, v in run_check_jsonschema("checklist.schema.json", files).items()}
    assert mltrl_says == ajv_says == cjs_says == {n: n == "good" for n in cases}


def test_gate_files_get_the_same_verdict_in_editors(tmp_path: Path):
    """A gates file with the editor hint of the docs: yaml-language-server, ajv and check-jsonschema
    read it as mltrl does, for the shipped file, an organisation's file and files with mistakes."""
    from mkdocs_mltrl.core import default_gates, default_gates_path

    from .test_gates_file import BAD_FILES, ORG

    yaml_language_server_available()
    check_jsonschema()
    cases = {
        "shipped": default_gates_path().read_text(encoding="utf-8"),
        "org": ORG,
        "unknown-condition": BAD_FILES["unknown-condition"][0],
        "bad-level": BAD_FILES["bad-level"][0],
        "paper-without-quote": ORG.replace("    when:", "    paper: {level: 4}\n    when:", 1),
    }
    assert cases["paper-without-quote"] != ORG
    files = []
    for name, text in cases.items():
        path = tmp_path / f"{name}.yaml"
        hint = (
            "" if text.startswith("# yaml-language-server:") else "# yaml-language-server: $schema=gates.schema.json\n"
        )
        path.write_text(hint + text, encoding="utf-8")
        files.append(path)
    mltrl_says = {"shipped": default_gates() is not None}  # read as the built-in gates (not on top of them)
    for name in list(cases)[1:]:
        result = run_mltrl("gates", "--gates-file", f"{name}.yaml", cwd=tmp_path)
        assert "Traceback" not in result.stderr
        mltrl_says[name] = result.returncode == 0
    yls_says = {Path(n).stem: v for n, v in run_yaml_language_server("gates.schema.json", files).items()}
    ajv_says = {Path(n).stem: r["valid"] for n, r in run_ajv("gates.schema.json", files).items()}
    cjs_says = {Path(n).stem: v for n, v in run_check_jsonschema("gates.schema.json", files).items()}
    expected = {name: name in ("shipped", "org") for name in cases}
    assert mltrl_says == yls_says == ajv_says == cjs_says == expected


# --- no pattern can stall -------------------------------------------------------------------------

MEGABYTE = 1_000_000


def _patterns(schema: Any) -> set[str]:
    return {sub["pattern"] for _where, sub in subschemas(schema) if isinstance(sub.get("pattern"), str)}


def _adversarial_cards() -> dict[str, tuple[str, str]]:
    """name: (card text, the pattern it attacks), each with a string of 1 MB."""
    d = load_schema("card.schema.json")["$defs"]
    n = MEGABYTE
    card = _card()

    def with_value(old: str, value: str) -> str:
        return _text(card, old, json.dumps(value))

    return {
        "person": (with_value("Ada Example <ada@example.org>", "a" * n + "<"), d["person"]["then"]["pattern"]),
        "person-spaces": (with_value("Ada Example <ada@example.org>", " " * n + "<"), d["person"]["then"]["pattern"]),
        "person-email": (
            with_value("Ada Example <ada@example.org>", "A <" + "b" * (n // 2) + "@" + "c" * (n // 2)),
            d["person"]["then"]["pattern"],
        ),
        "email": (
            _text(_card(owners=[{"name": "Ada", "email": "e@x.org"}]), "e@x.org", "b" * n + "@@"),
            d["person"]["else"]["properties"]["email"]["pattern"],
        ),
        "card-id": (with_value("V1", "a" * n + "!"), d["cardId"]["pattern"]),
        "url": (with_value("https://git.example.org/c1", "a" * n + " "), d["url"]["pattern"]),
        "url-scheme": (with_value("https://git.example.org/c1", "https://" + "a" * n + "\u3000"), d["url"]["pattern"]),
        "semver": (with_value("1.2.0", "0.0.0-" + "1" * n + "!"), d["semver"]["pattern"]),
        "semver-dots": (with_value("1.2.0", "0.0.0-" + "a." * (n // 2) + "!"), d["semver"]["pattern"]),
        "date": (with_value("'2021-01-01'", "2" * n), d["date"]["pattern"]),
        "requirement-id": (with_value('"1"', "1" * n + "."), d["requirementId"]["pattern"]),
        "checklist-answer": (
            _text(card, "data-rights:", json.dumps("a" * n + "!") + ":"),
            load_schema("card.schema.json")["properties"]["ethics"]["properties"]["answers"]["propertyNames"][
                "pattern"
            ],
        ),
        "license": (
            _text(_card(license="MIT"), "license: MIT", "license: " + json.dumps("A AND " * (n // 6) + "A B")),
            load_schema("card.schema.json")["properties"]["license"]["pattern"],
        ),
        "license-parentheses": (
            _text(
                _card(license="MIT"),
                "license: MIT",
                "license: " + json.dumps("(" * (n // 2) + "A" + ")" * (n // 2 - 10) + "!"),
            ),
            load_schema("card.schema.json")["properties"]["license"]["pattern"],
        ),
        "text": (with_value("A technology that does one thing well.", "a" * n + "\u00e9"), CONTROL_FREE),
        "waiver-gate": (
            _text(
                _card(waivers=[{"gate": "MLTRL141", "reason": "r", "approved_by": "A", "expires": "2030-01-01"}]),
                "MLTRL141",
                json.dumps("A" * n + "!"),
            ),
            d["waiver"]["properties"]["gate"]["pattern"],
        ),
    }


def test_no_pattern_stalls_validation(tmp_path: Path):
    cards = _adversarial_cards()
    attacked = {pattern for _text, pattern in cards.values()}
    assert _patterns(load_schema("card.schema.json")) <= attacked, "a pattern without an adversarial card"
    folder = tmp_path / "cards"
    folder.mkdir()
    files = []
    for name, (text, _pattern) in cards.items():
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        assert MEGABYTE <= path.stat().st_size <= 1024 * 1024, name
        files.append(path)
    started = time.monotonic()
    result = run_mltrl("validate", "--gates", "off", "--format", "json", "cards", cwd=tmp_path)
    took = time.monotonic() - started
    assert "Traceback" not in result.stderr
    by_file = {Path(f["file"]).stem for f in json.loads(result.stdout)["findings"]}
    assert by_file >= set(cards) - {"text"}  # every other string above is refused
    # a safety bound, not a benchmark: quadratic patterns took minutes on strings of 60 KB
    assert took < 60, f"mltrl validate took {took:.1f} s over {len(cards)} cards of 1 MB strings"
    print(f"mltrl validate, {len(cards)} cards with 1 MB adversarial strings: {took:.2f} s")


def test_no_pattern_stalls_other_clients(tmp_path: Path):
    ajv_available()
    cards = _adversarial_cards()
    files = []
    for name, (text, _pattern) in cards.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        files.append(tmp_path / f"{name}.yaml")
    started = time.monotonic()
    verdicts = run_ajv("card.schema.json", files)
    took = time.monotonic() - started
    assert {Path(n).stem for n, r in verdicts.items() if not r["valid"]} >= set(cards) - {"text"}
    assert took < 60, f"ajv took {took:.1f} s"
    print(f"ajv, {len(cards)} cards with 1 MB adversarial strings: {took:.2f} s")
