"""Real Hugging Face and Model Card Toolkit cards read into TRL Cards that validate, keeping the
licence, datasets and metric values that huggingface_hub or the toolkit's schema read."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml
from huggingface_hub import ModelCard
from jsonschema import Draft7Validator

from mkdocs_mltrl.interop import ConversionError
from mkdocs_mltrl.interop.card_yaml import check_card_text, dump_card
from mkdocs_mltrl.interop.hf_import import card_from_hf
from mkdocs_mltrl.interop.licences import from_hub, spdx_expression, to_hub
from mkdocs_mltrl.interop.mct_import import card_from_mct, toolkit_schema

from .interop_helpers import FIXTURES, HF_CARDS, MCT_CARDS, OWNER, ROOT, TODAY, import_hf, import_mct, options


def test_fixtures_are_the_files_their_sources_name():
    sources = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    sums = re.findall(r"^([0-9a-f]{64})  (\S+)$", sources, re.M)
    files = {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.is_file()}
    assert {name for _, name in sums} == files - {"SOURCES.md", ".gitattributes"}
    for digest, name in sums:
        assert hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() == digest, name
    notice = (ROOT / "mkdocs_mltrl" / "interop" / "mct_schemas" / "NOTICE.md").read_text(encoding="utf-8")
    for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", notice, re.M):
        path = ROOT / "mkdocs_mltrl" / "interop" / "mct_schemas" / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("path", HF_CARDS, ids=lambda p: p.stem)
def test_a_hugging_face_card_imports_into_a_valid_card_with_what_huggingface_hub_reads(path: Path):
    card = import_hf(path)
    text = dump_card(card)
    findings = check_card_text(text, path.name, card["id"])
    assert [f.format() for f in findings] == []  # level 0: no gate asks for anything yet
    source = path.read_text(encoding="utf-8-sig")
    try:
        hub = ModelCard(source)
    except ValueError:  # an invalid model-index: read without it, and kept as written
        hub = ModelCard(source, ignore_metadata_errors=True)
        front = yaml.safe_load(source.split("---")[1])
        assert card["x-hf"]["model-index"] == front["model-index"]
    results = hub.data.eval_results or []
    values = [(m["name"], m.get("dataset"), m.get("achieved")) for m in card.get("metrics", []) if "achieved" in m]
    assert values[: len(results)] == [(r.metric_name or r.metric_type, r.dataset_name, r.metric_value) for r in results]
    names = {d["name"] for d in card.get("data", {}).get("datasets", [])}
    listed = hub.data.datasets or []
    assert names == {*(listed if isinstance(listed, list) else [listed]), *(r.dataset_name for r in results)}
    licence = hub.data.license
    if licence in (None, "other", "unknown"):
        assert "license" not in card or card["license"].startswith("LicenseRef-")
    else:
        assert card["license"] == {"mit": "MIT", "apache-2.0": "Apache-2.0"}[licence]
    assert card["owners"] == [OWNER] and card["level"] == 0
    assert card["history"] == [
        {"date": TODAY.isoformat(), "event": "start", "level": 0,
         "notes": f"Imported from the Hugging Face model card `{path.name}`."}
    ]  # fmt: skip


def test_a_sentence_transformers_card_keeps_every_result_and_its_sections():
    card = import_hf(FIXTURES / "hf" / "st_minilm_keyblend_README.md")
    assert len(card["metrics"]) == 20  # the same names twice: two evaluators on datasets of one name
    assert card["x-hf"]["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert card["x-hf"]["pipeline_tag"] == "sentence-similarity"
    assert {"x-hf-usage", "x-hf-evaluation", "x-hf-training-details", "x-hf-citation"} <= set(card)
    assert card["name"].startswith("SentenceTransformer based on")


def test_the_default_template_sections_go_to_their_fields():
    card = import_hf(FIXTURES / "hf" / "synthetic_default_template.md")
    assert card["license"] == "Apache-2.0"
    assert card["intended_use"]["intended"] and card["intended_use"]["unacceptable"]
    assert card["caveats"] and card["data"]["summary"]
    assert not any("More Information Needed" in str(v) for v in card.values())
    assert [m["achieved"] for m in card["metrics"] if m["achieved"] == "0.71 ± 0.03"]  # text stays text


def test_headings_in_code_fences_are_not_sections():
    text = "---\nlicense: mit\n---\n# M\n\nLead.\n\n## Training data\n\n```\n# not a heading\n```\nMore.\n"
    card = card_from_hf(text, options("README.md")).card
    assert "# not a heading" in card["data"]["summary"] and card["summary"] == "Lead."


def test_yaml_11_values_and_odd_text_become_card_values():
    text = "---\nlicense: mit\nreleased: 2021-05-10\nscore: .nan\n---\n# M\n\nA\u2028B\x07C 0o17\n"
    card = card_from_hf(text, options("README.md")).card
    assert card["x-hf"]["released"] == "2021-05-10" and card["x-hf"]["score"] == "nan"
    assert card["summary"] == "A\nBC 0o17"
    assert check_card_text(dump_card(card), "README.md", card["id"]) == []


def test_a_template_and_a_card_without_owners_or_name_are_refused():
    with pytest.raises(ConversionError) as refused:
        card_from_hf((FIXTURES / "hf" / "hfhub_sample_template.md").read_text(), options("t.md"))
    assert refused.value.code == "IMPORT003"
    with pytest.raises(ConversionError, match="--owner") as refused:
        card_from_hf("# M\n", options("README.md").__class__(source="README.md"))
    assert refused.value.code == "IMPORT004"
    with pytest.raises(ConversionError, match="--name"):
        card_from_hf("no title here\n", options("README.md"))
    with pytest.raises(ConversionError) as refused:
        card_from_hf("---\nlicense: [mit\n---\n# M\n", options("README.md"))
    assert (refused.value.code, refused.value.line) == ("IMPORT002", 2)


@pytest.mark.parametrize("path", MCT_CARDS, ids=lambda p: p.stem)
def test_a_toolkit_card_imports_into_a_valid_card_with_what_its_schema_reads(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    version = data.get("schema_version", "0.0.2")
    assert list(Draft7Validator(toolkit_schema(version)).iter_errors(data)) == []
    card = import_mct(path)
    assert check_card_text(dump_card(card), path.name, card["id"]) == []
    assert card["name"] == data["model_details"]["name"]
    performance = data.get("quantitative_analysis", {}).get("performance_metrics", [])
    assert [(m["name"], m["achieved"]) for m in card.get("metrics", [])] == [
        (p["type"], float(p["value"])) for p in performance
    ]
    details = data["model_details"]
    stated = [x.get("identifier") or x.get("custom_text") for x in details.get("licenses", [])] or [
        details.get("license")
    ]
    spdx = [spdx_expression(s) for s in stated if s]
    assert card.get("license") == next((s for s in spdx if s), None)
    datasets = data.get("model_parameters", {}).get("data", [])
    if isinstance(datasets, dict):  # 0.0.1: train and eval, named as the toolkit's upgrade names them
        expected = [
            datasets[k].get("name", default)
            for k, default in (("train", "Training Set"), ("eval", "Validation Set"))
            if k in datasets
        ]
    else:
        expected = [d["name"] for d in datasets]
    assert [d["name"] for d in card.get("data", {}).get("datasets", [])] == expected
    assert card["owners"] == [f"{o['name']} <{o['contact']}>" for o in details.get("owners", [])] or card["owners"] == [
        OWNER
    ]
    assert f"(schema {version})" in card["history"][0]["notes"]


def test_toolkit_0_0_1_and_0_0_2_of_one_card_give_the_same_card():
    old = import_mct(FIXTURES / "mct" / "cats_vs_dogs_v0_0_1.json", card_id="cats")
    new = import_mct(FIXTURES / "mct" / "cats_vs_dogs_v0_0_2.json", card_id="cats")
    for key in ("name", "summary", "owners", "license", "metrics", "caveats", "intended_use"):
        assert old.get(key) == new.get(key), key
    assert [d["role"] for d in old["data"]["datasets"]] == ["training", "validation"]


def test_a_toolkit_json_without_version_is_read_as_the_toolkit_reads_it():
    data = json.loads((FIXTURES / "mct" / "cats_vs_dogs_v0_0_1.json").read_text())
    del data["schema_version"]
    card = card_from_mct(data, options("x.json")).card
    assert "(schema 0.0.1)" in card["history"][0]["notes"]
    assert [d["name"] for d in card["data"]["datasets"]] == ["Training Set", "Validation Set"]


def test_a_toolkit_json_its_schema_refuses_is_refused():
    for data, words in (
        ({"schema_version": "0.0.1", "model_details": {"name": 3}}, "not a valid Model Card Toolkit JSON"),
        ({"schema_version": "0.0.3"}, "schema_version"),
        ([1, 2], "an object"),
    ):
        with pytest.raises(ConversionError, match=words) as refused:
            card_from_mct(data, options("x.json"))
        assert refused.value.code == "IMPORT003"


def test_licences_between_spdx_and_the_hub():
    assert spdx_expression("apache-2.0") == "Apache-2.0" and spdx_expression("Apache 2.0") is None
    assert spdx_expression("LicenseRef-internal OR MIT") == "LicenseRef-internal OR MIT"
    assert from_hub("gpl-3.0") == "GPL-3.0-only" and from_hub("openrail") == "LicenseRef-openrail"
    assert from_hub("other", "yi-license") == "LicenseRef-yi-license" and from_hub("unknown") is None
    assert to_hub("Apache-2.0") == {"license": "apache-2.0"} and to_hub("LicenseRef-llama2") == {"license": "llama2"}
    assert to_hub("MIT OR Apache-2.0") == {"license": "other", "license_name": "mit-or-apache-2.0"}
    for hub_id in ("apache-2.0", "mit", "cc-by-4.0", "openrail", "llama2", "openrail++"):
        assert to_hub(from_hub(hub_id)) == {"license": hub_id}


def test_lone_values_in_front_matter_lists_are_lists_of_one():
    text = "---\ntags: nlp\ndatasets: imdb\nmetrics: accuracy\nlicense: mit\n---\n# M\n\nLead.\n"
    card = card_from_hf(text, options("README.md")).card
    assert card["tags"] == ["nlp"] and card["metrics"] == [{"name": "accuracy"}]
    assert card["data"]["datasets"] == [{"name": "imdb", "role": "training"}]


ODD_VALUES = ["5", "{a: 1}", "[1, {b: 2}]", "null", "''", "2021-01-01", ".inf", "[[[]]]", "true"]
ODD_KEYS = [
    "license",
    "license_name",
    "tags",
    "datasets",
    "metrics",
    "model-index",
    "base_model",
    "model_name",
    "eval_results",
]


@pytest.mark.parametrize("key", ODD_KEYS)
def test_odd_front_matter_gives_a_valid_card_or_a_clear_refusal(key: str):
    for value in ODD_VALUES:
        text = f"---\n{key}: {value}\n---\n# M\n\nLead.\n"
        try:
            card = card_from_hf(text, options("README.md")).card
        except ConversionError as refused:
            assert refused.code in {"IMPORT002", "IMPORT003", "IMPORT004"}, (key, value)
            continue
        assert check_card_text(dump_card(card), "README.md", card["id"]) == [], (key, value)
