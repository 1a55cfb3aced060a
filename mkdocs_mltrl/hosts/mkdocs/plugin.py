"""The MkDocs (and ProperDocs) plugin: a thin adapter from the card core to the host's events."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_build_datetime

from ...core.findings import Severity
from ...core.gates.gate_set import GateMode
from ...core.portfolio import CardCache
from ...core.workers import process_count
from ...render.templates import COMPILED_TEMPLATES
from ...render.urls import card_edit_url
from ..settings import ConfigError, Settings, read_config
from ..site import LINKED_KINDS, PAGE_KINDS, CardSite, GeneratedFile
from ..site_loading import SiteError, load_card_site
from .card_nav import CardNav
from .config import MltrlConfig
from .languages import language_folder, localizes_docs, restore_pages, stand_in
from .output_claims import check_free, claim_outputs, docs_files, written
from .theme_output import (
    REUSED_SOURCE,
    REUSED_TEMPLATE,
    REUSED_VARIABLE,
    ThemeOutputs,
    chrome_signature,
    page_signature,
)

log = get_plugin_logger("mltrl")

#: The body of a generated page until the theme renders it.
PENDING = "<!-- mkdocs-mltrl: rendered with the theme -->"


class MltrlPlugin(BasePlugin[MltrlConfig]):
    """Builds a page per TRL Card, and the index, from the cards folder."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        # Defining on_startup keeps this instance across `mkdocs serve` rebuilds, and the cache with it.
        self.cache = CardCache()
        self.page_cache: dict[Any, Any] = {}
        self.theme_outputs = ThemeOutputs()
        self.theme_keys: dict[str, tuple[Any, ...]] = {}  # card pages' theme output keys, this build
        self.nav: Any = None
        self.site: CardSite | None = None
        self.generated: list[GeneratedFile] = []  # this build's generated files
        self.card_srcs: list[str] = []  # this build's card pages
        self.card_nav = CardNav()
        self.configured: Any = None  # the config the cards were loaded for
        self.stand_ins: dict[str, GeneratedFile] = {}  # pages given to mkdocs-static-i18n, by stand-in path
        self.base = Path.cwd()
        self.command = "build"
        self.processes = 1
        self.tags_plugin = False  # Material's tags plugin is on: card pages carry their tags

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def _path(self, value: str) -> Path:
        return (self.base / value).resolve()

    def _named(self, value: str) -> Path:
        """A file named in the options, as named: the path policy follows its links, if at all."""
        return Path(os.path.abspath(self.base / value))

    def _site_dirs(self, config: Any) -> tuple[Path, ...]:
        """Where this build writes, and where the configuration says a build writes (``mkdocs
        serve`` writes to a temporary folder instead): no file in them is published."""
        named = config.site_dir
        if config.config_file_path:
            with contextlib.suppress(ConfigError):  # MkDocs has read it: it reads
                named = read_config(Path(config.config_file_path)).get("site_dir") or "site"
        return (Path(config.site_dir), Path(os.path.abspath(self.base / str(named))))

    def on_config(self, config: Any) -> Any:
        if not self.config.enabled or config is self.configured:
            return config  # mkdocs-static-i18n builds each further language with the same config
        self.configured = config
        self.base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.tags_plugin = any(type(p).__module__.startswith("material.plugins.tags") for p in config.plugins.values())
        options = self.config
        settings = Settings(
            cards_dir=self._path(options.cards_dir),
            checklist=self._named(options.checklist) if options.checklist else None,
            gates_file=self._named(options.gates_file) if options.gates_file else None,
            gates=GateMode(options.gates),
            url_prefix=options.url_prefix.strip("/"),
            site_url=config.site_url,
            stale_after_days=options.stale_after_days,
            stages=options.stages,
            templates_dir=self._path(options.templates_dir) if options.templates_dir else None,
            title=options.title,
            reviewers_from=options.reviewers_from,
            workers=options.workers,
            paged_index=options.paged_index,
            rows_per_page=options.rows_per_page,
            site_dirs=self._site_dirs(config),
        )
        try:
            serving = self.command == "serve"
            # `serve` keeps parsed cards and rendered pages for the next rebuild; a build reads
            # and renders each card once, and drops its parsed data as soon as its gates are known.
            cache, pages = (self.cache, self.page_cache) if serving else (None, None)
            # A server runs threads, which forked workers must not inherit: it loads in one process.
            self.processes = 1 if serving else process_count(settings.workers)
            # A build keeps its cards to its end; a server replaces them at every rebuild.
            keep = not serving
            directory_urls = config.use_directory_urls
            loaded = load_card_site(
                settings, self.base, directory_urls, cache, pages, self.processes, keep, named_sources=True
            )
        except SiteError as exc:
            raise PluginError(f"mltrl: {exc}") from None
        for finding in loaded.findings:
            if finding.severity is Severity.WARNING:
                log.warning(finding.format())
            elif finding.severity is Severity.INFO:
                log.info(finding.format())
        if loaded.site is None:
            raise PluginError(f"mltrl: {loaded.error_message()}")
        log.debug(f"{loaded.cards} card files loaded by {self.processes} process(es)")

        self.site = loaded.site
        self.generated = self.site.files()
        self._claim(docs_files(config), config)  # before MkDocs empties site_dir: the last site stays
        layout = self.site.layout
        config.extra_css.append(layout.asset("mltrl.css"))
        config.extra_javascript.append(layout.asset("mltrl.js"))
        return config

    def _add_pages(self, files: Files, config: Any) -> Files:
        if not self.config.enabled or self.site is None:
            return files
        in_nav = InclusionLevel.INCLUDED if self.config.nav_cards else InclusionLevel.NOT_IN_NAV
        # With an explicit nav, on_nav places the index and portfolio: MkDocs must not report them as left out.
        pages = InclusionLevel.NOT_IN_NAV if config.nav is not None else InclusionLevel.UNDEFINED
        self._claim(files, config)  # again: the theme's files and other plugins' are known now
        layout = self.site.layout
        self.card_srcs = [generated.src_uri for generated in self.generated if generated.kind == "card"]
        self.stand_ins = {}
        localized = localizes_docs(config)
        taken = written(files)
        for generated in self.generated:
            if generated.kind not in PAGE_KINDS:
                continue
            dest = layout.page_dest(generated.src_uri)
            check_free(files, taken, generated.src_uri, dest)
            if generated.kind == "card":
                inclusion = in_nav
            elif generated.kind in LINKED_KINDS:  # reached through the pager and the portfolio's links
                inclusion = InclusionLevel.NOT_IN_NAV
            else:
                inclusion = pages
            src_uri = stand_in(dest) if localized else generated.src_uri
            file = File.generated(config, src_uri, content=generated.content, inclusion=inclusion)
            file.dest_uri = dest  # <prefix>/<id>/index.html, whatever the source is named
            if localized:  # see .languages
                file.abs_src_path = os.path.join(config.docs_dir, src_uri)
                self.stand_ins[src_uri] = generated
            files.append(file)
        return files

    def _claim(self, files: Files, config: Any) -> None:
        assert self.site is not None
        claim_outputs(files, config, self.generated, self.site.layout, self.base)

    @event_priority(-110)  # after every other plugin, mkdocs-static-i18n's (-100) included
    def _add_static_files(self, files: Files, config: Any) -> Files:
        """The files the pages link to (assets, badges, exports, redirects, files beside the cards),
        in the folder the pages are in by now (mkdocs-static-i18n's folder of a language)."""
        if not self.config.enabled or self.site is None:
            return files
        layout = self.site.layout
        restore_pages(files, self.stand_ins)
        folder = language_folder(files, layout.index_src(), layout.page_dest(layout.index_src()))
        taken = written(files)
        for generated in self.generated:
            if generated.kind in PAGE_KINDS:
                continue
            src_uri = folder + generated.src_uri
            check_free(files, taken, src_uri, src_uri)
            if generated.source is not None:
                file = File.generated(config, src_uri, abs_src_path=str(generated.source))
            elif generated.kind == "export":  # written into site_dir below: MkDocs leaves such a file be
                file = File.generated(config, src_uri, abs_src_path=os.path.join(config.site_dir, src_uri))
            else:
                file = File.generated(config, src_uri, content=generated.content)
            files.append(file)
        self.site.write_exports(Path(config.site_dir) / folder, self.processes)
        # MkDocs builds the pages in this order: a worker starts rendering ours while MkDocs reads
        # the pages and copies the static files, and goes on beside the theme.
        self.site.render_ahead([f.src_uri for f in files.documentation_pages()], self.processes)
        return files

    on_files = CombinedEvent(_add_pages, _add_static_files)

    def _add_index_section(self, nav: Any, config: Any, files: Files) -> Any:
        """With an explicit `nav`, add a section holding the index unless the user placed it."""
        if not self.config.enabled or self.site is None or config.nav is None:
            return nav
        index = files.get_file_from_path(self.site.layout.index_src())
        if index is None or index.page is None or index.page in nav.pages:
            return nav
        from mkdocs.structure.nav import Section

        pages: list[Any] = [index.page]
        portfolio = files.get_file_from_path(self.site.layout.portfolio_src())
        if portfolio is not None and portfolio.page is not None and portfolio.page not in nav.pages:
            pages.append(portfolio.page)
        section = Section(self.config.title, pages)
        for page in pages:
            page.parent = section
        nav.items.append(section)
        return nav

    @event_priority(-110)  # after other plugins (mkdocs-static-i18n's at -100): the navigation every page shows
    def _remember_nav(self, nav: Any, config: Any, files: Files) -> Any:
        self.nav = nav
        if self.config.enabled and self.site is not None:
            index = files.get_file_from_path(self.site.layout.index_src())
            cards = [files.get_file_from_path(src_uri) for src_uri in self.card_srcs]
            self.card_nav.attach(nav, index.page if index else None, [file.page for file in cards if file])
        return nav

    on_nav = CombinedEvent(_add_index_section, _remember_nav)

    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        if not self.config.enabled or self.command != "serve" or self.site is None:
            return env
        if env.bytecode_cache is None:
            env.bytecode_cache = COMPILED_TEMPLATES  # the theme's templates, compiled once per server
        self._reuse_theme_outputs(env, config, files)
        return env

    def _reuse_theme_outputs(self, env: Any, config: Any, files: Files) -> None:
        """Point the card pages whose theme output an earlier rebuild kept at that output (see
        :mod:`.theme_output`): every page is read by now, and the theme renders none yet."""
        assert self.site is not None
        self.theme_keys = {}
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        theme = config.theme
        chrome = chrome_signature(config, self.nav, pages, theme.dirs, theme.custom_dir, get_build_datetime())
        if not self.theme_outputs.start(chrome):
            return
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({REUSED_TEMPLATE: REUSED_SOURCE}), env.loader])
        for page in pages:
            src_uri = page.file.src_uri
            content = self.site.content_key(src_uri) if self.site.is_page(src_uri) else None
            if content is None:
                continue
            key = self.theme_keys[src_uri] = (content, page_signature(page))
            if self.theme_outputs.has(key):
                page.meta["template"] = REUSED_TEMPLATE

    @event_priority(100)  # before plugins that read a page's meta: Material's tags plugin (0 in 9.5, -50 later)
    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Files) -> str:
        if not self.config.enabled or self.site is None or not self.site.is_page(page.file.src_uri):
            return markdown
        page.meta["title"] = self.site.title(page.file.src_uri)
        tags = self.site.tags(page.file.src_uri) if self.tags_plugin else []
        if tags:  # Material's tags plugin lists the page under them, next to the site's other pages
            page.meta["tags"] = tags  # (only then: Material's search ranks a page's tags above all)
        page.render = _nothing_to_convert.__get__(page)  # the plugin renders this page (see below)
        kind = self.site.kind(page.file.src_uri)
        if kind in ("index", "index-page"):
            page.meta.setdefault("hide", ["toc"])  # the index has no sections: its table takes the room
        if kind in LINKED_KINDS:
            page.meta["search"] = {"exclude": True}  # more rows of a table: search finds the cards' own pages
        card_file = self.site.card_file(page.file.src_uri)
        if card_file is not None and config.repo_url and config.edit_uri:
            docs_rel = os.path.relpath(config.docs_dir, self.base).replace(os.sep, "/")
            page.edit_url = card_edit_url(config.repo_url, config.edit_uri, docs_rel, card_file)
        else:
            page.edit_url = None
        return markdown

    @event_priority(-50)  # after other plugins: the page body is ours alone
    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        if not self.config.enabled or self.site is None or not self.site.is_page(page.file.src_uri):
            return html
        name, anchor, toc = self.site.outline(page.file.src_uri)
        sections: list[Any] = [{"level": 2, "id": a, "name": heading, "children": []} for a, heading in toc]
        title: Any = {"level": 1, "id": anchor, "name": str(escape(name)), "children": sections}
        page.toc = get_toc([title])
        # The page's HTML is made when the theme renders it (see below) and dropped once written:
        # holding every page's HTML until the end of the build would grow memory with the site.
        return PENDING

    @event_priority(100)  # before search plugins: they index the lean text of generated pages
    def _lean_for_search(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        if self.site is not None and self.site.is_page(page.file.src_uri):
            # Material's search indexes a page's tags as a field of their own: not again in its text
            apart = bool(page.meta.get("tags")) and _indexes_tags(config)
            page.content = self.site.search_html(page.file.src_uri, tags=not apart)
        return context

    @event_priority(-100)  # after search plugins: the theme renders the full page
    def _full_for_theme(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        if self.site is not None and self.site.is_page(page.file.src_uri):
            page.content = self.site.render(page.file.src_uri).html
            if page.meta.get("template") == REUSED_TEMPLATE:
                context[REUSED_VARIABLE] = Markup(self.theme_outputs.get(self.theme_keys[page.file.src_uri]))
        return context

    @event_priority(-110)  # the last change before the theme renders the page
    def _show_in_nav(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        self.card_nav.show(page, nav)
        return context

    on_page_context = CombinedEvent(_lean_for_search, _full_for_theme, _show_in_nav)

    @event_priority(100)  # before other plugins change it: what the theme wrote
    def _keep_theme_output(self, output: str, *, page: Any, config: Any) -> str:
        key = self.theme_keys.get(page.file.src_uri)
        if key is not None and page.meta.get("template") != REUSED_TEMPLATE:
            self.theme_outputs.keep(key, output)
        return output

    @event_priority(-100)
    def _free_content(self, output: str, *, page: Any, config: Any) -> str:
        if self.site is not None and self.site.is_page(page.file.src_uri):
            page.content = None  # written: free it
        return output

    def _hide_from_nav(self, output: str, *, page: Any, config: Any) -> str:
        self.card_nav.hide(page)
        return output

    on_post_page = CombinedEvent(_keep_theme_output, _free_content, _hide_from_nav)

    def on_post_build(self, *, config: Any) -> None:
        if self.config.enabled and self.site is not None:
            ahead = self.site.close()
            log.debug(f"{ahead} generated pages rendered ahead by a worker process")
            self.site.forget_unused()
            if self.theme_keys:
                self.theme_outputs.finish()
                log.debug(f"{self.theme_outputs.reused} card pages written from their kept theme output")

    def on_build_error(self, *, error: Exception) -> None:
        if self.site is not None:
            self.site.close()

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        if not self.config.enabled:
            return server
        watched = [self.config.cards_dir, self.config.checklist, self.config.gates_file, self.config.templates_dir]
        for value in watched:
            if value and self._path(value).exists():
                server.watch(str(self._path(value)))
        return server


def _indexes_tags(config: Any) -> bool:
    """Whether the site's search plugin indexes the tags of a page's metadata (Material's does)."""
    plugins = config.plugins
    search = plugins.get("material/search") or plugins.get("search")
    return search is not None and type(search).__module__.startswith("material.")


def _nothing_to_convert(page: Any, config: Any, files: Any) -> None:
    """MkDocs' Markdown step for a page the plugin generates: its source is a stub, so nothing is
    converted (MkDocs would set up a Markdown parser for each of thousands of pages). Its anchors
    are left unknown, so MkDocs does not check links to them against the stub."""
    page.content = ""
