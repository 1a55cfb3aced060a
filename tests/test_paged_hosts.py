"""A paged site is the same whoever writes it: MkDocs with one process or with a worker, and
Zensical, hold the same pages of the index and of the portfolio's lists, with the same rows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mkdocs_mltrl.core import workers

from .site import build, make_site
from .test_paged_index import ROWS, cards
from .test_zensical import mltrl


def pages(site: Path) -> dict[str, list[str]]:
    """Every page of the paged index and of the portfolio's lists: the card links of its rows."""
    out = {}
    for path in sorted([*site.glob("cards/pages/*/index.html"), *site.glob("cards/portfolio/*/**/index.html")]):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = [a["href"] for a in soup.select("div.mltrl table tbody a[href], svg.mltrl-graph a[href]")]
        out[path.relative_to(site).as_posix()] = links
    return out


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not workers.can_fork(), reason="workers need fork()")
def test_a_worker_writes_the_same_paged_site(tmp_path: Path):
    made = cards()
    built = []
    for count in (1, 2):
        config = make_site(
            tmp_path / f"w{count}", made, plugin={"paged_index": True, "rows_per_page": ROWS, "workers": count}
        )
        result = build(config, "--verbose")
        assert result.returncode == 0, result.stderr
        assert (" 0 generated pages rendered ahead" in result.stderr) == (count == 1), result.stderr[-500:]
        built.append(site_files(config.parent / "site"))
    one, two = built
    assert one.keys() == two.keys() and "cards/pages/2/index.html" in one
    assert [name for name in one if one[name] != two[name]] == []


def test_zensical_writes_the_same_pages(tmp_path: Path):
    if not os.environ.get("CI"):
        pytest.importorskip("zensical", reason="Zensical is not installed: pip install -e '.[zensical]'")
    made = cards()
    plugin = {"paged_index": True, "rows_per_page": ROWS}
    mkdocs_config = make_site(tmp_path / "mkdocs", made, plugin=plugin)
    assert build(mkdocs_config).returncode == 0
    zensical_config = make_site(tmp_path / "zensical", made, plugin=plugin)
    result = mltrl(zensical_config.parent, "build", "--host", "zensical")
    assert result.returncode == 0, result.stdout + result.stderr
    expected = pages(mkdocs_config.parent / "site")
    assert len(expected) > 10 and all(expected.values())
    assert pages(zensical_config.parent / "site") == expected
    assert (zensical_config.parent / "site" / "cards" / "index.json").read_bytes() == (
        mkdocs_config.parent / "site" / "cards" / "index.json"
    ).read_bytes()
