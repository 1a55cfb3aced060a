"""The package's layers hold: core < render < hosts < cli, declared as import-linter contracts in
pyproject.toml, and the command line starts without loading a host."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mkdocs_mltrl"


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed (it comes with the test extras)")
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_command_line_loads_no_host():
    code = (
        "import sys, mkdocs_mltrl.cli\n"
        "hosts = sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'properdocs', 'zensical', 'material'))\n"
        "print(hosts)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_validating_valid_cards_loads_neither_the_interop_extra_nor_jsonschema():
    """The interop extra's packages are imported only by the functions that need them, and
    jsonschema (which the extra's format packages make a second slower to import) only for the
    messages of an invalid file: `mltrl validate` of valid cards starts as fast with the extra."""
    code = (
        "import sys\n"
        "from mkdocs_mltrl.cli import main\n"
        f"status = main(['validate', {str(ROOT / 'cards')!r}])\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'huggingface_hub', 'cyclonedx', "
        "'license_expression', 'markdown_it', 'jsonschema'})\n"
        "print(status, loaded)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"


def test_the_layers_are_folders_and_no_module_is_long():
    for layer in ("core", "render", "interop", "hosts", "hosts/mkdocs", "hosts/zensical", "cli"):
        assert (PACKAGE / layer / "__init__.py").is_file(), layer
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"], loose
    long = {
        str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400
    }
    assert long == {}, long


def test_the_architecture_page_names_every_module():
    page = (ROOT / "docs" / "architecture.md").read_text()
    unnamed = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py") and p.name not in page
    )
    assert unnamed == []
