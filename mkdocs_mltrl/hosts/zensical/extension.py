"""The ``mltrl`` Markdown extension Zensical runs on every page: a generated stub becomes its card page."""

from __future__ import annotations

import json
import os
import sys
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import escape

from ...core.findings import Severity
from ...render.renderer import RenderedPage
from ...render.urls import card_edit_url
from ..settings import ConfigError, read_config
from ..site import PAGE_KINDS, PAGE_STUB
from ..site_loading import LoadedSite, SiteError, load_card_site
from .shared import (
    CARD_CACHE,
    DOCS_URL,
    EXTENSION_NAME,
    GENERATED_CONFIG,
    HOW_TO,
    MANIFEST,
    NOT_GENERATED,
    GenerateError,
    read_settings,
)


def _fatal(message: str) -> None:
    """Stop Zensical with a message and no traceback (it reports exceptions with one)."""
    sys.stdout.flush()
    print(message, file=sys.stderr, flush=True)
    os._exit(1)


def _serving() -> bool:
    return sys.argv[1:2] == ["serve"]


@dataclass
class _State:
    """One Zensical build's view of the cards: loaded once per parsed config."""

    config: dict[str, Any]  # kept so that its identity stays unique while this state lives
    loaded: LoadedSite | None
    problem: str | None = None  # why the card pages cannot be shown
    stale: str | None = None  # why some may be missing: cards added or removed since generating
    edit: tuple[str, str, str] | None = None  # repo_url, edit_uri, docs folder of the user's config


_LOCK = threading.RLock()


_PAGE_CACHE: dict[tuple[Any, ...], RenderedPage] = {}


_CURRENT: list[_State] = []


def _load(config: dict[str, Any], options: dict[str, Any]) -> _State:
    root = Path(str(config.get("root_dir") or ".")).resolve()
    generated = root / str(options["generated"])
    try:
        config_file = root / str(options["config_file"])
        settings = replace(read_settings(config_file), site_url=config.get("site_url") or None)
        pages = _PAGE_CACHE if _serving() else None  # a build renders each page once: keep none
        loaded = load_card_site(settings, root, config.get("use_directory_urls") is not False, CARD_CACHE, pages)
    except (ConfigError, SiteError, GenerateError) as exc:
        return _State(config, None, f"mltrl: {exc}")
    state = _State(config, loaded)
    for finding in loaded.findings:
        if finding.severity is Severity.WARNING:
            print(f"mltrl: {finding.format()}", file=sys.stderr)
    if loaded.site is None:
        state.problem = f"mltrl: {loaded.error_message()}"
        return state
    expected = sorted(f.src_uri for f in loaded.site.files() if f.kind in PAGE_KINDS)
    try:
        manifest = json.loads((generated / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    if manifest is None or not (generated / "docs").is_dir():
        state.problem = f"mltrl: the generated pages are missing: {HOW_TO}"
    elif manifest.get("pages") != expected:
        state.stale = (
            "mltrl: cards were added, removed or renamed since `mltrl generate`: re-run it "
            f"(`mltrl serve --host zensical` does so by itself); see {DOCS_URL}"
        )
    user = read_config(config_file)
    repo_url, edit_uri = config.get("repo_url"), config.get("edit_uri")
    if repo_url and edit_uri:
        state.edit = (str(repo_url), str(edit_uri), str(user.get("docs_dir") or "docs").strip("/"))
    return state


def _state(config: dict[str, Any], options: dict[str, Any]) -> _State:
    with _LOCK:
        if _CURRENT and _CURRENT[0].config is config:
            return _CURRENT[0]
        if _CURRENT and _CURRENT[0].loaded and _CURRENT[0].loaded.site:
            _CURRENT[0].loaded.site.forget_unused()  # pages the previous build did not use
        state = _load(config, options)
        _CURRENT[:] = [state]
        for notice in filter(None, [state.problem, state.stale]):
            if not _serving():
                _fatal(notice)
            print(notice, file=sys.stderr, flush=True)
        return state


def _problem_html(problem: str) -> str:
    lines = "\n".join(str(escape(line)) for line in problem.splitlines())
    return (
        f'<div class="mltrl mltrl-problem"><h1 id="card-errors">The cards cannot be shown</h1><pre>{lines}</pre></div>'
    )


def _toc_tokens(page: RenderedPage) -> list[dict[str, Any]]:
    def token(level: int, anchor: str, html: str, children: list[dict[str, Any]]) -> dict[str, Any]:
        return {"level": level, "id": anchor, "name": html, "html": html, "data-toc-label": "", "children": children}

    sections = [token(2, anchor, str(escape(heading)), []) for anchor, heading in page.toc]
    return [token(1, page.anchor, str(escape(page.name)), sections)]


class _Page(Treeprocessor):
    """Runs after the `toc` extension: the page's table of contents is the rendered page's."""

    def __init__(self, md: Markdown, body: Callable[[], tuple[str, list[dict[str, Any]]]]) -> None:
        super().__init__(md)
        self.body = body

    def run(self, root: etree.Element) -> None:
        html, toc = self.body()
        self.md.toc_tokens = toc  # type: ignore[attr-defined]
        for child in list(root):
            root.remove(child)
        placeholder = etree.SubElement(root, "p")
        placeholder.text = self.md.htmlStash.store(html)


class MltrlExtension(Extension):
    """Under Zensical, renders the generated card pages; under MkDocs (or without Zensical), nothing."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "config_file": ["", "the mkdocs.yml naming the mltrl plugin, relative to the generated config"],
            "generated": ["", "the folder `mltrl generate` wrote (set by the generated config only)"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        if "zensical.extensions.context" not in sys.modules:
            return  # not Zensical (which imports it before it renders): MkDocs builds the cards itself
        from zensical.extensions.context import ContextPreprocessor

        context = ContextPreprocessor.from_markdown(md)
        if context is None:
            return
        options = self.getConfigs()
        if not options.get("generated"):
            root = Path(str(context.config.get("root_dir") or "."))
            if (root / GENERATED_CONFIG).is_file():
                _fatal(f"{NOT_GENERATED}\nmltrl: {GENERATED_CONFIG} is here: zensical build -f {GENERATED_CONFIG}")
            _fatal(NOT_GENERATED)
        state = _state(context.config, options)
        path = str(context.page.path).replace(os.sep, "/")
        site = state.loaded.site if state.loaded else None
        if state.problem is not None or site is None or not site.is_page(path):
            notice = state.problem or state.stale
            if notice is not None and _is_generated_stub(context.config, path):
                md.treeprocessors.register(_Page(md, lambda: (_problem_html(notice), [])), EXTENSION_NAME, 1)
            return
        page = context.page
        page.meta["title"] = site.title(path)
        card_file = site.card_file(path)
        if card_file is not None and state.edit is not None:
            page.meta["mltrl_edit_url"] = card_edit_url(*state.edit, card_file)
        else:
            page.meta["mltrl_edit_url"] = ""

        def render() -> tuple[str, list[dict[str, Any]]]:
            with _LOCK:
                rendered = site.render(path)
            return rendered.html, _toc_tokens(rendered)

        md.treeprocessors.register(_Page(md, render), EXTENSION_NAME, 1)


def _is_generated_stub(config: dict[str, Any], path: str) -> bool:
    docs = Path(str(config.get("root_dir") or ".")) / str(config.get("docs_dir") or "")
    try:
        return (docs / path).read_text(encoding="utf-8").startswith(PAGE_STUB)
    except OSError:
        return False


def makeExtension(**kwargs: Any) -> MltrlExtension:
    return MltrlExtension(**kwargs)
