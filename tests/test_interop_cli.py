"""`mltrl import` and `mltrl export` end to end: the console script on real files, exit codes,
positioned errors, nothing half-written, and a clear error when the `interop` extra is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from huggingface_hub import ModelCard

from mkdocs_mltrl.interop.cyclonedx import check_bom

from .browser import Visit, chromium, needs_browser, serve
from .cards import complete_card, write
from .interop_helpers import FIXTURES, ROOT

EPOCH = "1767225600"  # 2026-01-01: the exports of a build and of the command are dated alike
#: The packages of the `interop` extra, hidden by modules of the same name that refuse to load.
EXTRA_PACKAGES = ("huggingface_hub", "cyclonedx", "license_expression", "markdown_it")


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The console script, as a user runs it, without a git identity (owners are never guessed
    from the machine running the tests)."""
    base = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd),
            "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}  # fmt: skip
    command = [sys.executable, "-m", "mkdocs_mltrl", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, env={**base, **(env or {})})


def without_extra(tmp_path: Path) -> dict[str, str]:
    """An environment in which the `interop` extra's packages cannot be imported."""
    blocked = tmp_path / "blocked"
    blocked.mkdir(exist_ok=True)
    for name in EXTRA_PACKAGES:
        (blocked / f"{name}.py").write_text(f"raise ImportError('{name} is not installed')\n")
    return {"PYTHONPATH": str(blocked)}


def test_import_writes_cards_that_validate(tmp_path: Path):
    (tmp_path / "cards").mkdir()
    hf = run(tmp_path, "import", "hf", str(FIXTURES / "hf" / "synthetic_trainer.md"), "--out", "cards/ner.yaml",
             "--owner", "Ada Example <ada@example.org>", "--owner", "Lin <lin@example.org>", "--level", "2")  # fmt: skip
    assert hf.returncode == 0, hf.stderr
    assert hf.stdout.splitlines() == [  # the schema hint as `mltrl new` writes it
        "created cards/ner.yaml",
        "wrote schemas/card.schema.json for editors' schema hints (commit it with the card)",
    ]
    assert "mltrl: note: sections kept as x-hf-*: 'Training procedure'" in hf.stderr
    mct = run(tmp_path, "import", "mct", str(FIXTURES / "mct" / "full.json"), "--out", "cards/full.yaml", "--id", "F1")
    assert mct.returncode == 0, mct.stderr
    validated = run(tmp_path, "validate", "--format", "json", "cards")
    assert validated.returncode == 0, validated.stdout
    assert json.loads(validated.stdout)["errors"] == 0
    ner = (tmp_path / "cards" / "ner.yaml").read_text(encoding="utf-8")
    assert ner.startswith("# yaml-language-server: $schema=../schemas/card.schema.json\n")
    card = yaml.safe_load(ner)
    assert (card["level"], card["owners"], card["license"]) == (
        2,
        ["Ada Example <ada@example.org>", "Lin <lin@example.org>"],
        "Apache-2.0",
    )
    assert card["history"][0]["date"] == "2026-01-01" and card["history"][0]["level"] == 2
    full = yaml.safe_load((tmp_path / "cards" / "full.yaml").read_text(encoding="utf-8"))
    assert full["id"] == "F1" and full["owners"] == ["name1 <contact1@email.com>", "name2 <contact2@email.com>"]


def test_import_to_standard_output_and_owners_that_nobody_names(tmp_path: Path):
    done = run(tmp_path, "import", "hf", str(FIXTURES / "hf" / "hfhub_sample_simple_model_index.md"))
    assert done.returncode == 0, done.stderr
    card = yaml.safe_load(done.stdout)
    assert card["owners"] == ["Owner Name"] and card["metrics"][0]["achieved"] == 0.9
    assert "the model card names no owners: wrote 'Owner Name' (pass --owner to choose)" in done.stderr


def test_import_refuses_to_overwrite_or_to_reuse_an_id(tmp_path: Path):
    source = str(FIXTURES / "mct" / "train_data.json")
    write(tmp_path / "cards", complete_card("train-only-model", level=1))
    taken = run(tmp_path, "import", "mct", source, "--out", "cards/new.yaml")
    assert taken.returncode == 1 and "already exists in cards: pass --id" in taken.stderr
    assert not (tmp_path / "cards" / "new.yaml").exists()
    (tmp_path / "cards" / "kept.yaml").write_text("mine\n")
    existing = run(tmp_path, "import", "mct", source, "--out", "cards/kept.yaml", "--id", "T2")
    assert existing.returncode == 1 and "not overwriting" in existing.stderr
    assert (tmp_path / "cards" / "kept.yaml").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("kind", "content", "expected", "status"),
    [
        (
            "mct",
            '{"schema_version": "0.0.2",\n "model_details": {"name": }}',
            "x.src:2:28: error IMPORT002 not JSON: Expecting value",
            1,
        ),
        ("mct", '{"schema_version": "0.0.9"}', "x.src:1:1: error IMPORT003 schema_version '0.0.9'", 1),
        (
            "hf",
            (FIXTURES / "hf" / "hfhub_sample_template.md").read_text(),
            "x.src:1:1: error IMPORT003 this is a model card template",
            1,
        ),
        ("hf", "---\nlicense: [mit\n---\n# M\n", "x.src:2:14: error IMPORT002 the front matter is not YAML", 1),
        ("hf", b"\xff\xfe# M\n", "x.src:1:1: error IMPORT001 the file is not UTF-8", 2),
        (
            "mct",
            '{"x": ' + "[" * 50000 + "]" * 50000 + "}",
            "x.src:1:1: error IMPORT002 values are nested too deeply",
            1,
        ),
    ],
    ids=["not-json", "unknown-version", "template", "yaml", "not-utf8", "too-deep"],
)
def test_import_errors_say_where_with_a_stable_code(
    tmp_path: Path, kind: str, content: str | bytes, expected: str, status: int
):
    path = tmp_path / "x.src"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    done = run(tmp_path, "import", kind, "x.src", "--out", "card.yaml", "--owner", "A")
    assert done.returncode == status and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "card.yaml").exists()
    missing = run(tmp_path, "import", kind, "nothing.md")
    assert missing.returncode == 2 and "nothing.md:1:1: error IMPORT001 cannot read the file" in missing.stderr


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built with the exports beside each card page."""
    root = tmp_path_factory.mktemp("example") / "site"
    shutil.copytree(ROOT / "examples" / "site", root)
    result = run(root, "build", "--strict")  # dated as the command's exports are
    assert result.returncode == 0, result.stderr
    return root


def test_export_is_what_the_site_publishes(example: Path, tmp_path: Path):
    for args, built in ((["--format", "cyclonedx"], "R02.1.cdx.json"), (["--format", "hf"], "README.hf.txt")):
        done = run(example, "export", "R02.1", *args)
        assert done.returncode == 0, done.stderr
        assert done.stdout == (example / "site" / "cards" / "R02.1" / built).read_text(encoding="utf-8")
    bom = json.loads(run(example, "export", "R02.1", "--format", "cyclonedx").stdout)
    assert check_bom(bom) == [] and bom["metadata"]["timestamp"] == "2026-01-01T00:00:00Z"
    assert bom["components"][0]["externalReferences"][0]["url"] == "https://ml-wiki.example.org/cards/R02.1/"


def test_export_all_writes_one_file_per_card(example: Path, tmp_path: Path):
    for fmt in ("cyclonedx", "hf"):
        done = run(example, "export", "--all", "--format", fmt, "--out", str(tmp_path / fmt))
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("wrote 3 file(s) to ")
    for card_id in ("R02.1", "P08.1", "R11.1"):
        assert check_bom(json.loads((tmp_path / "cyclonedx" / f"{card_id}.cdx.json").read_text())) == []
        ModelCard((tmp_path / "hf" / card_id / "README.md").read_text(encoding="utf-8"))
    assert sorted(p.name for p in (tmp_path / "cyclonedx").iterdir()) == [
        "P08.1.cdx.json",
        "R02.1.cdx.json",
        "R11.1.cdx.json",
    ]


def test_export_refuses_bad_requests_and_cards_with_errors(tmp_path: Path):
    write(tmp_path / "cards", complete_card("C1", level=2))
    assert run(tmp_path, "export", "C9", "--format", "hf").returncode == 2
    assert "no card with id or alias 'C9'" in run(tmp_path, "export", "C9", "--format", "hf").stderr
    assert run(tmp_path, "export", "--format", "hf").returncode == 2
    assert run(tmp_path, "export", "--all", "--format", "hf").returncode == 2
    write(tmp_path / "cards", {**complete_card("C2", level=2), "level": 12})
    broken = run(tmp_path, "export", "--all", "--format", "cyclonedx", "--out", "out")
    assert broken.returncode == 1 and "cards/C2.yaml:" in broken.stderr and "nothing was exported" in broken.stderr
    assert not (tmp_path / "out").exists()


def test_without_the_extra_the_commands_say_what_to_install_and_the_site_still_builds(example: Path, tmp_path: Path):
    env = without_extra(tmp_path)
    hint = 'pip install "mkdocs-mltrl[interop]"'
    imported = run(tmp_path, "import", "hf", str(FIXTURES / "hf" / "hfhub_sample_simple.md"), env=env)
    assert imported.returncode == 2 and hint in imported.stderr and "Traceback" not in imported.stderr
    mct = run(tmp_path, "import", "mct", str(FIXTURES / "mct" / "full.json"), env=env)
    assert mct.returncode == 2 and hint in mct.stderr and "'license_expression'" in mct.stderr
    exported = run(example, "export", "R02.1", "--format", "cyclonedx", env=env)
    assert exported.returncode == 2 and hint in exported.stderr and exported.stdout == ""
    site = tmp_path / "site"
    shutil.copytree(example, site, ignore=shutil.ignore_patterns("site"))
    built = run(site, "build", "--strict", env=env)
    assert built.returncode == 0, built.stderr
    exports = [
        Path("cards", c, name) for c in ("R02.1", "P08.1", "R11.1") for name in (f"{c}.cdx.json", "README.hf.txt")
    ]
    for path in exports:
        assert (site / "site" / path).read_bytes() == (example / "site" / path).read_bytes(), path


@needs_browser
def test_a_reader_downloads_both_exports_from_the_card_page(example: Path):
    with serve(example / "site") as base, chromium() as browser:
        visit = Visit(browser, base + "cards/R02.1/")
        row = visit.page.locator("tr.mltrl-export-row")
        assert row.locator("th").inner_text() == "Export" and row.is_visible()
        saved = {}
        for label in ("CycloneDX ML-BOM", "Hugging Face model card"):
            with visit.page.expect_download() as download:
                row.get_by_text(label).click()
            saved[download.value.suggested_filename] = Path(download.value.path()).read_bytes()
        folder = example / "site" / "cards" / "R02.1"
        assert saved == {
            "R02.1.cdx.json": (folder / "R02.1.cdx.json").read_bytes(),
            "README.md": (folder / "README.hf.txt").read_bytes(),
        }
        visit.page.emulate_media(media="print")  # links are no use on paper
        assert not row.is_visible()
        assert visit.failed == []  # (the example's repo_url makes Material ask GitHub, offline here)
