"""The Zensical host, run for real: the same card wiki as MkDocs builds, errors that fail, live reload."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from mkdocs_mltrl.hosts.zensical import GENERATED_CONFIG, GENERATED_DIR

from .cards import climbed, complete_card, dump, history, write
from .site import build, make_site, page
from .test_plugin import portfolio
from .test_serve import Server

if not os.environ.get("CI"):  # CI installs the `test` extra, which pins Zensical: there it must run
    pytest.importorskip("zensical", reason="Zensical is not installed: pip install -e '.[zensical]'")

EXAMPLES = Path(__file__).parent.parent / "examples" / "site"
EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>{{ 7*7 }}"


def mltrl(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The `mltrl` command, run in the site's folder as a user would."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "mkdocs_mltrl", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300, env=env)


def zensical(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The `zensical` command itself."""
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "zensical", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300, env=env)


def files(site: Path, prefix: str) -> set[str]:
    return {p.relative_to(site).as_posix() for p in (site / prefix).rglob("*") if p.is_file()}


def body(site: Path, rel: str) -> Tag:
    root = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser").select_one("div.mltrl")
    assert root is not None, rel
    return root


def text(element: Tag) -> str:
    return " ".join(element.get_text(" ").split())


def targets(element: Tag) -> list[tuple[str, str, str]]:
    return [
        (tag.name, attr, str(tag[attr]))
        for tag in element.find_all(True)
        for attr in ("href", "src", "xlink:href", "id")
        if tag.has_attr(attr)
    ]


def variant_site(root: Path) -> Path:
    cards = [
        *portfolio(),
        complete_card("N1", level=2, name="Renamed one", aliases=["OLD1"], history=history(("2021-01-01", "start", 2))),
        complete_card("EVIL", level=2, name=EVIL, tags=[EVIL], history=history(("2021-01-01", "start", 2))),
    ]
    extra = {
        "repo_url": "https://git.example.org/org/wiki",
        "edit_uri": "edit/main/docs/",
        "nav": [{"Home": "index.md"}],
        "theme": {"name": "material", "font": False, "features": ["content.action.edit"]},
    }
    return make_site(root, cards, directory_urls=False, plugin={"url_prefix": "readiness/trl"}, extra=extra)


def example_site(root: Path) -> Path:
    shutil.copytree(EXAMPLES, root, dirs_exist_ok=True)
    return root / "mkdocs.yml"


SITES = {"examples": (example_site, "cards"), "variant": (variant_site, "readiness/trl")}


HAS_PROPERDOCS = importlib.util.find_spec("properdocs") is not None
#: The hosts compared with MkDocs (the test extra installs ProperDocs; a bare install may lack it).
OTHERS = ["zensical", "properdocs"] if HAS_PROPERDOCS or os.environ.get("CI") else ["zensical"]


def build_with(host: str, config: Path) -> subprocess.CompletedProcess[str]:
    if host == "zensical":
        return mltrl(config.parent, "build", "--host", "zensical", "--strict")
    return build(config, "--strict", tool=host)


@pytest.fixture(scope="module", params=sorted(SITES))
def both(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The same site built by MkDocs (the plugin), Zensical (`mltrl build --host zensical`) and ProperDocs."""
    make, prefix = SITES[request.param]
    built: dict[str, Any] = {"prefix": prefix, "name": request.param}
    for host in ("mkdocs", *OTHERS):
        root = tmp_path_factory.mktemp(f"{request.param}-{host}")
        config = make(root)
        started = time.monotonic()
        result = build_with(host, config)
        built[f"{host}_seconds"] = time.monotonic() - started
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        built[host] = root / "site"
        built[f"{host}_root"] = root
    yield built


@pytest.mark.parametrize("host", OTHERS)
def test_same_files_under_the_cards(both: dict[str, Any], host: str):
    mkdocs_files, other_files = files(both["mkdocs"], both["prefix"]), files(both[host], both["prefix"])
    assert mkdocs_files == other_files
    assert any(f.endswith("badge.svg") for f in other_files)
    assert f"{both['prefix']}/cards.json" in other_files
    if both["name"] == "variant":
        assert f"{both['prefix']}/OLD1/index.html" in other_files  # the redirect of a renamed card
    for rel in mkdocs_files:
        if not rel.endswith(".html"):  # badges, cards.json, schemas, CSS and JS: byte for byte
            assert (both["mkdocs"] / rel).read_bytes() == (both[host] / rel).read_bytes(), rel


@pytest.mark.parametrize("host", OTHERS)
def test_same_page_text_and_link_targets(both: dict[str, Any], host: str):
    pages = sorted(f for f in files(both["mkdocs"], both["prefix"]) if f.endswith("index.html"))
    compared = 0
    for rel in pages:
        if 'http-equiv="refresh"' in (both["mkdocs"] / rel).read_text(encoding="utf-8"):  # a redirect
            assert (both["mkdocs"] / rel).read_bytes() == (both[host] / rel).read_bytes(), rel
            continue
        ours, theirs = body(both["mkdocs"], rel), body(both[host], rel)
        assert text(ours) == text(theirs), rel
        assert targets(ours) == targets(theirs), rel
        compared += 1
    assert compared >= 5  # index, portfolio and at least three cards


def test_zensical_links_land_on_files(both: dict[str, Any]):
    site = both["zensical"]
    for rel in sorted(f for f in files(site, both["prefix"]) if f.endswith(".html")):
        soup = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")
        for tag in soup.select("div.mltrl a[href], link[href], script[src]"):
            href = str(tag.get("href") or tag.get("src"))
            if href.startswith(("http", "mailto:", "#", "data:")) or "nofollow" in (tag.get("rel") or []):
                continue
            assert not href.startswith("/"), (rel, href)
            target = ((site / rel).parent / href.split("#")[0]).resolve()
            assert target.is_file() or (target / "index.html").is_file(), (rel, href)


def test_markdown_links_to_cards_take_the_folder_form(tmp_path: Path):
    """As docs/linking.md says: Zensical reads a card page from `cards/<id>/index.md` (it rewrites
    a page's relative links against its source's folder), so Markdown links name that file."""
    make_site(tmp_path, portfolio())
    post = tmp_path / "docs" / "post.md"
    post.write_text("# Post\n\n[card](cards/R02.1/index.md#requirements), [all](cards/portfolio/index.md)\n")
    built = mltrl(tmp_path, "build", "--host", "zensical", "--strict")
    assert built.returncode == 0, built.stdout + built.stderr
    links = [a["href"] for a in page(tmp_path / "site", "post/").select("article a[href]") if "cards/" in a["href"]]
    assert links == ["../cards/R02.1/#requirements", "../cards/portfolio/"]
    post.write_text("# Post\n\n[card](cards/R02.1.md)\n")
    refused = mltrl(tmp_path, "build", "--host", "zensical", "--strict")
    assert refused.returncode == 1 and "page does not exist" in refused.stdout + refused.stderr


NAMES = {"examples": "Mixed-variable Bayesian optimisation", "variant": "Mixed optimiser"}
CARD_FILES = {"examples": "mixed-bo.yaml", "variant": "R02.1.yaml"}


@pytest.mark.parametrize("host", OTHERS)
def test_titles_tables_of_contents_and_edit_links(both: dict[str, Any], host: str):
    ext = "index.html" if both["name"] == "variant" else ""
    rel = f"{both['prefix']}/R02.1/{ext}"
    pages = {name: page(both[name], rel) for name in ("mkdocs", host)}
    titles = {name: soup.title.get_text().split(" - ")[0] for name, soup in pages.items()}
    assert titles["mkdocs"] == titles[host] == NAMES[both["name"]]
    tocs = {name: [a["href"] for a in soup.select("nav.md-nav--secondary a")] for name, soup in pages.items()}
    assert tocs[host] and set(tocs[host]) == set(tocs["mkdocs"])
    edits = {name: soup.select_one("a.md-content__button[href*='edit']")["href"] for name, soup in pages.items()}
    assert edits[host] == edits["mkdocs"]
    assert edits[host].endswith(f"/edit/main/cards/{CARD_FILES[both['name']]}")
    index = page(both[host], f"{both['prefix']}/{ext}")
    assert index.select_one("a.md-content__button[href*='edit']") is None  # nothing to edit: it is generated


def test_search_finds_a_card_by_id_and_name(both: dict[str, Any]):
    index = json.loads((both["zensical"] / "search.json").read_text(encoding="utf-8"))
    docs = [item for item in index["items"] if "R02.1" in item["location"]]
    assert docs, [item["location"] for item in index["items"]]
    words = " ".join(f"{item['title']} {item['text']}" for item in docs)
    assert "R02.1" in words and NAMES[both["name"]] in words


def test_card_text_stays_inert_under_zensical(both: dict[str, Any]):
    site = both["zensical"]
    pages = sorted(f for f in files(site, both["prefix"]) if f.endswith(".html"))
    if both["name"] == "variant":
        assert f"{both['prefix']}/EVIL/index.html" in pages
    for rel in pages:
        soup = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")
        assert not [s for s in soup.find_all("script") if "alert" in (s.string or "")], rel
        assert soup.find("img", onerror=True) is None, rel
        assert "<" not in soup.title.get_text(), rel
    if both["name"] == "variant":
        evil = page(site, f"{both['prefix']}/EVIL/index.html")
        assert "script" in evil.title.get_text() and "{{ 7*7 }}" in evil.get_text()


def test_nav_holds_the_index(both: dict[str, Any]):
    home = page(both["zensical"], "index.html")
    ext = "index.html" if both["name"] == "variant" else ""
    links = [str(a.get("href", "")) for a in home.select("nav.md-nav--primary a")]
    assert any(h.rstrip("/").endswith(both["prefix"]) or h.endswith(f"{both['prefix']}/{ext}") for h in links), links
    assert not any("R02.1" in h for h in links)


def test_generated_files_stay_out_of_docs_and_git(both: dict[str, Any]):
    root = both["zensical_root"]
    assert not (root / "docs" / both["prefix"]).exists()
    assert (root / GENERATED_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (root / GENERATED_CONFIG).read_text().startswith("# Generated by `mltrl generate`")


# ------------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------------


def broken(root: Path) -> Path:
    path = root / "cards" / "broken.yaml"
    path.write_text("mltrl: 1\nid: X1\nname: x\nlevel: 12\nsummary: s\nowners: [a]\n")
    return path


POSITIONED = "cards/broken.yaml:4:8: error schema level: 12 is greater than the maximum of 9"


def test_card_error_fails_the_wrapper_before_anything_is_written(tmp_path: Path):
    make_site(tmp_path, portfolio())
    broken(tmp_path)
    result = mltrl(tmp_path, "build", "--host", "zensical")
    assert result.returncode == 1
    assert POSITIONED in result.stderr and "Traceback" not in result.stderr
    validate = mltrl(tmp_path, "validate")
    assert POSITIONED in validate.stdout
    assert not (tmp_path / "site").exists()
    assert not (tmp_path / GENERATED_CONFIG).exists()


@pytest.mark.parametrize("host", ["mkdocs", *OTHERS])
def test_card_error_fails_every_host(tmp_path: Path, host: str):
    config = make_site(tmp_path, portfolio())
    broken(tmp_path)
    result = build_with(host, config)
    assert result.returncode == 1
    assert POSITIONED in result.stderr and "Traceback" not in result.stderr


def test_card_error_fails_zensical_itself(tmp_path: Path):
    make_site(tmp_path, portfolio())
    assert mltrl(tmp_path, "generate").returncode == 0
    broken(tmp_path)
    result = zensical(tmp_path, "build", "-f", GENERATED_CONFIG)
    assert result.returncode == 1
    assert POSITIONED in result.stderr
    assert "Traceback" not in result.stderr


def test_warnings_fail_the_wrapper_under_strict(tmp_path: Path):
    card = complete_card(level=5, history=climbed(5), components=["NOPE"])
    make_site(tmp_path, [card])
    relaxed = mltrl(tmp_path, "build", "--host", "zensical")
    assert relaxed.returncode == 0, relaxed.stderr
    assert "cards/C1.yaml:" in relaxed.stderr and "MLTRL002" in relaxed.stderr
    strict = mltrl(tmp_path, "build", "--host", "zensical", "--strict")
    assert strict.returncode == 1 and "MLTRL002" in strict.stderr


def test_missing_deliverables_do_not_fail_the_wrapper_under_strict(tmp_path: Path):
    card = complete_card(level=5, history=climbed(5))
    del card["model"]
    make_site(tmp_path, [card])
    strict = mltrl(tmp_path, "build", "--host", "zensical", "--strict")
    assert strict.returncode == 0, strict.stderr


def test_zensical_warnings_fail_the_wrapper_under_strict(tmp_path: Path):
    make_site(tmp_path, portfolio())
    (tmp_path / "docs" / "index.md").write_text("# Home\n\n[a page that is not there](nope.md)\n")
    assert mltrl(tmp_path, "build", "--host", "zensical").returncode == 0
    strict = mltrl(tmp_path, "build", "--host", "zensical", "--strict")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert "page does not exist" in strict.stderr and "--strict" in strict.stderr


def test_zensical_on_the_plugin_config_explains_what_to_run(tmp_path: Path):
    config = make_site(tmp_path, portfolio(), extra={"markdown_extensions": ["mltrl"]})
    result = zensical(tmp_path, "build", "-f", config.name)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Zensical does not run MkDocs plugins" in result.stderr
    assert "mltrl build --host zensical" in result.stderr and "docs/hosts.md" in result.stderr
    assert build(config, "--strict").returncode == 0  # MkDocs ignores the extension: the plugin builds
    assert mltrl(tmp_path, "generate").returncode == 0
    again = zensical(tmp_path, "build", "-f", config.name)
    assert again.returncode == 1 and f"zensical build -f {GENERATED_CONFIG}" in again.stderr.splitlines()[-1]


def test_adding_or_removing_a_card_needs_generate_again(tmp_path: Path):
    make_site(tmp_path, portfolio())
    assert mltrl(tmp_path, "generate").returncode == 0
    write(
        tmp_path / "cards", complete_card("N2", level=1, name="Newcomer", history=history(("2021-01-01", "start", 1)))
    )
    stale = zensical(tmp_path, "build", "-f", GENERATED_CONFIG)
    assert stale.returncode == 1 and "re-run it" in stale.stderr and "Traceback" not in stale.stderr
    assert mltrl(tmp_path, "generate").returncode == 0
    assert zensical(tmp_path, "build", "-f", GENERATED_CONFIG).returncode == 0
    assert "Newcomer" in page(tmp_path / "site", "cards/N2/").get_text()
    (tmp_path / "cards" / "N2.yaml").unlink()
    assert mltrl(tmp_path, "generate").returncode == 0
    assert not (tmp_path / GENERATED_DIR / "docs" / "cards" / "N2").exists()
    shutil.rmtree(tmp_path / "site")
    assert zensical(tmp_path, "build", "-f", GENERATED_CONFIG).returncode == 0
    assert not (tmp_path / "site" / "cards" / "N2").exists()
    assert (tmp_path / "site" / "cards" / "R10" / "index.html").is_file()


def test_mkdocs_is_the_default_host(tmp_path: Path):
    make_site(tmp_path, portfolio())
    result = mltrl(tmp_path, "build", "--strict")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "search" / "search_index.json").is_file()  # MkDocs' search, not Zensical's
    assert not (tmp_path / GENERATED_DIR).exists()


# ------------------------------------------------------------------------------------------------
# Live reload
# ------------------------------------------------------------------------------------------------


def _serve(root: Path, command: tuple[str, ...]) -> Server:
    running = Server(root, command)
    running.wait_for(lambda: "First name" in running.get("cards/S1/"), "the first build", timeout=90)
    return running


def _stop(running: Server) -> None:
    """Stop the command, and check that the host it started stopped with it."""
    running.process.terminate()
    try:
        running.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        running.process.kill()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            running.get("")
        except OSError:
            return  # nothing listens any more
        time.sleep(0.3)
    raise AssertionError("the host kept serving after the command stopped")


def _one_card(root: Path) -> Path:
    card = complete_card("S1", level=1, name="First name", history=history(("2021-01-01", "start", 1)))
    make_site(root, [card])
    return root / "cards" / "S1.yaml"


def test_mltrl_serve_reloads_edited_added_and_broken_cards(tmp_path: Path):
    card_file = _one_card(tmp_path)
    running = _serve(tmp_path, ("mkdocs_mltrl", "serve", "--host", "zensical"))
    try:
        good = complete_card("S1", level=1, name="Second name", history=history(("2021-01-01", "start", 1)))
        card_file.write_text(dump(good))
        running.wait_for(lambda: "Second name" in running.get("cards/S1/"), "the edited card")
        good["name"] = "Quick second edit"  # within the same second: Zensical's cache must not hide it
        card_file.write_text(dump(good))
        running.wait_for(lambda: "Quick second edit" in running.get("cards/S1/"), "the second edit")
        write(
            tmp_path / "cards",
            complete_card("S2", level=1, name="Brand new", history=history(("2021-01-01", "start", 1))),
        )
        running.wait_for(lambda: "Brand new" in running.get("cards/S2/"), "the added card's page")
        running.wait_for(lambda: "Brand new" in running.get("cards/"), "the added card in the index")
        card_file.write_text(dump(good).replace("level: 1", "level: 12"))
        running.wait_for(
            lambda: any("level: 12 is greater than the maximum of 9" in line for line in running.log), "the error"
        )
        assert running.process.poll() is None  # reported, and the server keeps running
        good["name"] = "Third name"
        card_file.write_text(dump(good))
        running.wait_for(lambda: "Third name" in running.get("cards/S1/"), "the recovered card")
        assert not any("Traceback" in line for line in running.log)
    finally:
        _stop(running)


def test_mltrl_serve_runs_mkdocs_by_default(tmp_path: Path):
    card_file = _one_card(tmp_path)
    running = _serve(tmp_path, ("mkdocs_mltrl", "serve"))
    try:
        good = complete_card("S1", level=1, name="Edited name", history=history(("2021-01-01", "start", 1)))
        card_file.write_text(dump(good))
        running.wait_for(lambda: "Edited name" in running.get("cards/S1/"), "the edited card")
        assert not (tmp_path / GENERATED_DIR).exists()
    finally:
        _stop(running)


def test_native_zensical_serve_reloads_an_edited_card(tmp_path: Path):
    card_file = _one_card(tmp_path)
    assert mltrl(tmp_path, "generate").returncode == 0
    running = _serve(tmp_path, ("zensical", "serve", "-f", GENERATED_CONFIG))
    try:
        time.sleep(1.1)  # Zensical notices a change by the second
        good = complete_card("S1", level=1, name="Edited name", history=history(("2021-01-01", "start", 1)))
        card_file.write_text(dump(good))
        running.wait_for(lambda: "Edited name" in running.get("cards/S1/"), "the edited card")
    finally:
        _stop(running)


# ------------------------------------------------------------------------------------------------
# Options and themes
# ------------------------------------------------------------------------------------------------


def _nav_links(site: Path) -> list[str]:
    return [str(a.get("href", "")) for a in page(site, "index.html").select("nav.md-nav--primary a")]


@pytest.mark.parametrize("nav_cards", [False, True])
def test_automatic_nav_lists_the_index_and_cards_only_when_asked(tmp_path: Path, nav_cards: bool):
    make_site(tmp_path, portfolio(), plugin={"nav_cards": nav_cards})
    result = mltrl(tmp_path, "build", "--host", "zensical", "--strict")
    assert result.returncode == 0, result.stderr
    links = _nav_links(tmp_path / "site")
    assert any(h.rstrip("/").endswith("cards") for h in links), links
    assert any("R02.1" in h for h in links) is nav_cards


def test_templates_dir_and_the_mkdocs_theme(tmp_path: Path):
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "index.html").write_text(
        '<div class="mltrl"><h1 id="trl-cards">{{ title }}</h1><p id="custom">{{ cards | length }} cards</p></div>'
    )
    make_site(tmp_path, portfolio(), theme="mkdocs", plugin={"templates_dir": "overrides", "title": "Readiness"})
    result = mltrl(tmp_path, "build", "--host", "zensical")
    assert result.returncode == 0, result.stderr
    assert "Zensical cannot use the mkdocs theme" in result.stderr
    soup = page(tmp_path / "site", "cards/")
    assert soup.select_one("#custom").get_text() == "4 cards"
    assert soup.select_one("div.mltrl h1").get_text() == "Readiness"


def test_publishing_workflow_runs_for_real(tmp_path: Path):
    """The Zensical workflow's commands, run in a copy of the example site (installing aside)."""
    import yaml

    workflow = yaml.safe_load((EXAMPLES.parent / "github-workflows" / "cards-publish-zensical.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    commands = [s["run"] for s in steps if "run" in s and not s["run"].startswith("pip ")]
    assert "mltrl build --host zensical --strict" in commands
    assert next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))["with"]["path"] == "site"
    root = tmp_path / "wiki"
    example_site(root)
    for command in commands:
        result = mltrl(root, *command.split()[1:])
        assert result.returncode == 0, (command, result.stderr)
    assert (root / "site" / "cards" / "R02.1" / "index.html").is_file()
    ignored = (root / ".gitignore").read_text().splitlines()
    assert f"/{GENERATED_CONFIG}" in ignored and (root / GENERATED_DIR / ".gitignore").is_file()
