"""Stable links for other wikis: alias redirects, badges, cards.json, the published schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator

from mkdocs_mltrl.hosts import schema_text
from mkdocs_mltrl.render import STAGE_COLOURS

from .cards import complete_card, history
from .site import build, make_site, page

ROOT = Path(__file__).resolve().parent.parent


def cards() -> list[dict]:
    return [
        complete_card("R02.1", level=4, name="Optimiser <fast>", aliases=["OLD-1", "bo.v0"], components=["P13.2"],
                      history=history(("2021-01-01", "start", 4)), license="MIT OR Apache-2.0"),
        complete_card("P13.2", level=9, name="Forecasts"),
        complete_card("R5", level=1, status="paused", history=history(("2021-01-01", "start", 1), ("2021-02-01", "pause", 1))),
    ]  # fmt: skip


@pytest.fixture(scope="module", params=[True, False], ids=["dir-urls", "file-urls"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bool]:
    root = tmp_path_factory.mktemp("site")
    config = make_site(root, cards(), directory_urls=request.param, extra={"site_url": "https://wiki.example.org/ml/"})
    result = build(config, "--strict")
    assert result.returncode == 0, result.stderr
    return root / "site", request.param


def test_aliases_redirect_to_the_card(built: tuple[Path, bool]):
    site, directory_urls = built
    for alias in ("OLD-1", "bo.v0"):
        soup = BeautifulSoup((site / "cards" / alias / "index.html").read_text(), "html.parser")
        refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
        target = refresh.split("url=", 1)[1]
        assert target == ("../R02.1/" if directory_urls else "../R02.1/index.html")
        assert soup.find("link", rel="canonical")["href"] == target
        assert soup.find("link", rel="icon")["href"] == "data:,"  # else a browser asks the host for /favicon.ico
        landed = (site / "cards" / alias / target).resolve()
        assert (landed / "index.html" if directory_urls else landed).is_file()


def test_badges_are_self_contained_and_match_their_cards(built: tuple[Path, bool]):
    site, _ = built
    for card in cards():
        svg_text = (site / "cards" / card["id"] / "badge.svg").read_text()
        svg = BeautifulSoup(svg_text, "html.parser")
        level_names = {1: "Goal-Oriented Research", 4: "Proof of Concept (PoC) Development", 9: "Deployment"}
        stage = {1: "research", 4: "prototyping", 9: "deployment"}[card["level"]]
        texts = [t.get_text() for t in svg.find_all("text")]
        assert texts == ["MLTRL", f"{card['level']} · {level_names[card['level']]}"]
        assert STAGE_COLOURS[stage] in svg_text
        assert "http://www.w3.org/2000/svg" in svg_text
        for bad in ("<image", "@font-face", "@import", 'href="http', "xlink:href"):
            assert bad not in svg_text


def test_cards_json_matches_the_cards_and_its_schema(built: tuple[Path, bool]):
    site, directory_urls = built
    export = json.loads((site / "cards" / "cards.json").read_text())
    schema = json.loads((site / "cards" / "cards.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    assert list(Draft202012Validator(schema).iter_errors(export)) == []
    by_id = {c["id"]: c for c in export["cards"]}
    assert [c["id"] for c in export["cards"]] == ["P13.2", "R02.1", "R5"]
    r = by_id["R02.1"]
    suffix = "" if directory_urls else "index.html"
    assert r["url"] == f"https://wiki.example.org/ml/cards/R02.1/{suffix}"
    assert r["badge"] == "https://wiki.example.org/ml/cards/R02.1/badge.svg"
    assert (r["level"], r["level_name"], r["stage"], r["system_level"]) == (
        4,
        "Proof of Concept (PoC) Development",
        "prototyping",
        4,
    )
    assert r["name"] == "Optimiser <fast>" and r["aliases"] == ["OLD-1", "bo.v0"]
    assert r["owners"] == ["Ada Example"] and r["last_review"] == "2021-01-01"
    assert r["gates"] == {"met": True, "missing": []}
    assert by_id["R5"]["status"] == "paused"
    assert r["license"] == "MIT OR Apache-2.0" and by_id["P13.2"]["license"] is None
    assert r["exports"] == {
        "cyclonedx": "https://wiki.example.org/ml/cards/R02.1/R02.1.cdx.json",
        "huggingface": "https://wiki.example.org/ml/cards/R02.1/README.hf.txt",
    }
    for card in export["cards"]:
        path = card["url"].removeprefix("https://wiki.example.org/ml/")
        assert (site / path).is_file() or (site / path / "index.html").is_file()
        for url in card["exports"].values():
            assert (site / url.removeprefix("https://wiki.example.org/ml/")).is_file()


def test_schemas_are_published_unchanged(built: tuple[Path, bool]):
    site, _ = built
    for name in ("card.schema.json", "checklist.schema.json", "gates.schema.json", "cards-export.schema.json"):
        published = site / "cards" / "schemas" / name
        assert published.read_bytes() == (ROOT / "schemas" / name).read_bytes()
        assert json.loads(published.read_text())["$id"] == f"urn:mkdocs-mltrl:schema:v1:{name}"


def test_published_gates_schema_validates_gate_files(built: tuple[Path, bool]):
    """An editor pointed at the site's gates.schema.json accepts the shipped gates file and the
    documented example, and refuses a gates file with a mistake."""
    import re

    import yaml

    from mkdocs_mltrl.core import default_gates_path

    site, _ = built
    schema = json.loads((site / "cards" / "schemas" / "gates.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    shipped = yaml.safe_load(default_gates_path().read_text(encoding="utf-8"))
    assert list(validator.iter_errors(shipped)) == []
    programme = (ROOT / "docs" / "readiness-programme.md").read_text(encoding="utf-8")
    example = re.search(r'```yaml title="readiness/gates.yaml"\n(.*?)```', programme, re.S)
    assert example is not None
    assert list(validator.iter_errors(yaml.safe_load(example.group(1)))) == []
    wrong = {**shipped, "gates": [{**shipped["gates"][0], "level": 10}]}
    assert [e.message for e in validator.iter_errors(wrong)] == ["10 is greater than the maximum of 9"]


def test_card_page_offers_embed_snippets(built: tuple[Path, bool]):
    site, directory_urls = built
    soup = page(site, "cards/R02.1/" if directory_urls else "cards/R02.1/index.html")
    snippets = {c["data-kind"]: c.get_text() for c in soup.select("code.mltrl-snippet")}
    suffix = "" if directory_urls else "index.html"
    url = f"https://wiki.example.org/ml/cards/R02.1/{suffix}"
    badge = "https://wiki.example.org/ml/cards/R02.1/badge.svg"
    assert snippets["markdown"] == f"[![MLTRL level 4: Proof of Concept (PoC) Development]({badge})]({url})"
    assert (
        snippets["html"]
        == f'<a href="{url}"><img src="{badge}" alt="MLTRL level 4: Proof of Concept (PoC) Development"></a>'
    )
    assert snippets["confluence"] == f"[!{badge}!|{url}]"
    img = soup.select_one("img.mltrl-badge")
    assert img["src"] == "badge.svg"


def test_new_card_validates_builds_and_refuses_conflicts(tmp_path: Path):
    import subprocess
    import sys

    def mltrl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mkdocs_mltrl", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )

    make_site(
        tmp_path, [complete_card("EXISTING", aliases=["OLDNAME"])], extra={"site_url": "https://wiki.example.org/"}
    )
    made = mltrl(
        "new", "R03.1", "--name", 'A "quoted" <name>: with colon', "--level", "2", "--owner", "Ann <ann@example.org>"
    )
    assert made.returncode == 0, made.stderr
    text = (tmp_path / "cards" / "R03.1.yaml").read_text()
    # the editor hint works in every clone: here the schema the site publishes under site_url
    hint = text.splitlines()[0].removeprefix("# yaml-language-server: $schema=")
    assert hint == "https://wiki.example.org/cards/schemas/card.schema.json"
    assert text.count("\n# ") > 20  # guidance for every section
    check = mltrl("validate", "--format", "json")
    assert check.returncode == 0, check.stdout
    assert json.loads(check.stdout)["errors"] == 0
    assert build(tmp_path / "mkdocs.yml").returncode == 0
    soup = page(tmp_path / "site", "cards/R03.1/")
    assert soup.select_one("div.mltrl-card h1").get_text() == 'A "quoted" <name>: with colon'

    assert mltrl("new", "r03.1", "--name", "x").returncode == 1  # same id, other case
    assert mltrl("new", "oldname", "--name", "x").returncode == 1  # an alias in use
    again = mltrl("new", "R03.1", "--name", "x", "--dir", "elsewhere")
    assert again.returncode == 0  # another folder is another portfolio
    (tmp_path / "cards" / "R9.yaml").write_text("not a card")
    refused = mltrl("new", "R9", "--name", "x")
    assert refused.returncode == 1 and "not overwriting" in refused.stderr
    assert (tmp_path / "cards" / "R9.yaml").read_text() == "not a card"
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "card.schema.json").write_text(schema_text("card.schema.json"))
    assert mltrl("new", "R04.1", "--name", "x").returncode == 0  # a copy in the repository: a relative path
    hinted = (tmp_path / "cards" / "R04.1.yaml").read_text().splitlines()[0]
    assert hinted == "# yaml-language-server: $schema=../schemas/card.schema.json"
    for bad in ("a/b", "../x", "has space", "-lead", "assets"):
        result = mltrl("new", bad, "--name", "x")
        assert result.returncode == 2 and "Traceback" not in result.stderr, bad


def test_a_new_card_in_a_site_without_site_url_hints_at_a_schema_it_commits(tmp_path: Path):
    """No path on one person's disk: without a published URL, `mltrl new` writes the schema into
    the project's schemas/ folder once, and every card's hint is a path relative to the card."""
    import subprocess
    import sys

    def mltrl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mkdocs_mltrl", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )

    make_site(tmp_path, [complete_card("EXISTING")], plugin={"url_prefix": "readiness"})
    first = mltrl("new", "R05.1", "--name", "First", "--dir", "cards/team-a")
    assert first.returncode == 0, first.stderr
    assert "wrote schemas/card.schema.json" in first.stdout
    assert (tmp_path / "schemas" / "card.schema.json").read_text() == schema_text("card.schema.json")
    hint = (tmp_path / "cards" / "team-a" / "R05.1.yaml").read_text().splitlines()[0]
    assert hint == "# yaml-language-server: $schema=../../schemas/card.schema.json"
    second = mltrl("new", "R06.1", "--name", "Second")
    assert second.returncode == 0 and "wrote" not in second.stdout  # the copy is written once
    hint = (tmp_path / "cards" / "R06.1.yaml").read_text().splitlines()[0]
    assert hint == "# yaml-language-server: $schema=../schemas/card.schema.json"
    assert str(tmp_path) not in (tmp_path / "cards" / "R06.1.yaml").read_text()
    assert mltrl("validate").returncode == 0


def test_the_published_schema_hint_names_a_file_the_site_publishes(tmp_path: Path):
    from mkdocs_mltrl.render import published_schema

    url = published_schema("https://wiki.example.org/ml/", "readiness")
    assert url == "https://wiki.example.org/ml/readiness/schemas/card.schema.json"
    assert published_schema(None, "cards") is None
    make_site(tmp_path, [complete_card("EXISTING")], plugin={"url_prefix": "readiness"})
    assert build(tmp_path / "mkdocs.yml").returncode == 0
    published = tmp_path / "site" / url.removeprefix("https://wiki.example.org/ml/")
    assert published.read_text() == schema_text("card.schema.json")


def test_card_page_states_the_licence(built: tuple[Path, bool]):
    site, directory_urls = built
    suffix = "" if directory_urls else "index.html"
    rows = {
        card_id: {
            tr.th.get_text(): tr.td for tr in page(site, f"cards/{card_id}/{suffix}").select("table.mltrl-summary tr")
        }
        for card_id in ("R02.1", "P13.2")
    }
    assert rows["R02.1"]["Licence"].code.get_text() == "MIT OR Apache-2.0"
    assert rows["P13.2"]["Licence"].get_text() == "not stated"


def test_card_page_offers_its_exports_built_with_the_site(built: tuple[Path, bool]):
    from huggingface_hub import ModelCard

    from mkdocs_mltrl.interop.cyclonedx import check_bom

    site, directory_urls = built
    suffix = "" if directory_urls else "index.html"
    for card in cards():
        soup = page(site, f"cards/{card['id']}/{suffix}")
        links = {a.get_text(): a for a in soup.select("td.mltrl-export a")}
        assert set(links) == {"CycloneDX ML-BOM", "Hugging Face model card"}
        folder = site / "cards" / card["id"]
        bom = json.loads((folder / links["CycloneDX ML-BOM"]["href"]).read_text(encoding="utf-8"))
        assert check_bom(bom) == []
        component = bom["components"][0]
        assert component["name"] == card["name"] and component["externalReferences"][0] == {
            "type": "documentation",
            "url": f"https://wiki.example.org/ml/cards/{card['id']}/{suffix}",
            "comment": "TRL Card",
        }
        assert links["CycloneDX ML-BOM"].has_attr("download")
        readme = links["Hugging Face model card"]
        assert readme["download"] == "README.md"
        hub = ModelCard((folder / readme["href"]).read_text(encoding="utf-8"))
        assert [(r.metric_name, r.metric_value) for r in hub.data.eval_results] == [("Accuracy", 0.93)]
