"""The Zensical host: a second thin adapter over the site model, beside the MkDocs plugin.

Zensical runs no MkDocs plugins; it runs Python-Markdown extensions. So the cards reach it in two
steps, with no card logic here:

1. :func:`generate` (``mltrl generate``) writes ``.mltrl/docs/``: the user's docs (linked, not
   copied, where the system allows), one stub page per generated page of the site model, and its
   static files (badges, ``cards.json``, schemas, redirects, CSS and JS); and ``mkdocs.zensical.yml``,
   a config that inherits the user's ``mkdocs.yml`` and points Zensical at that folder.
2. :class:`MltrlExtension` (the ``mltrl`` Markdown extension) replaces each stub, as Zensical renders
   it, by the page the site model renders from the cards as they are at that moment, with its table
   of contents, title and edit link. Card errors stop the build with the positioned findings.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import escape

from .findings import Severity
from .hosts import GENERATED_CONFIG, GENERATED_DIR
from .portfolio import CardCache
from .render import RenderedPage
from .settings import ConfigError, Settings, _read_config, settings_from_config
from .site import (
    PAGE_KINDS,
    PAGE_STUB,
    CardSite,
    LoadedSite,
    SiteError,
    _templates_signature,
    card_edit_url,
    load_card_site,
)

MANIFEST = "manifest.json"
DOCS_URL = "https://github.com/mkdocs-mltrl/mkdocs-mltrl/blob/main/docs/hosts.md"
EXTENSION_NAME = "mltrl"
MKDOCS_THEMES = ("mkdocs", "readthedocs")  # MkDocs' built-in themes, which Zensical cannot render

_HOW_TO = (
    "build the card wiki with `mltrl build --host zensical` (or `mltrl serve --host zensical`), or run "
    f"`mltrl generate` and then `zensical build -f {GENERATED_CONFIG}`; see {DOCS_URL}"
)
NOT_GENERATED = (
    f"mltrl: Zensical does not run MkDocs plugins, so the mltrl plugin of this config builds no card pages: {_HOW_TO}"
)


class GenerateError(Exception):
    """A config that cannot be generated for (no mltrl plugin, a page in the way); ready to print."""


# --------------------------------------------------------------------------------------------------
# Generating the docs folder and the config
# --------------------------------------------------------------------------------------------------


@dataclass
class Generated:
    """What :func:`generate` found and wrote."""

    loaded: LoadedSite
    config_file: Path  # the generated config (written only when the cards have no error)
    changed: int = 0  # files written or removed
    inputs: list[Path] = field(default_factory=list)  # what it read: files and folders to watch
    notes: list[str] = field(default_factory=list)  # what differs from the MkDocs build, to print


def _settings(config_file: Path) -> Settings:
    settings = settings_from_config(config_file)
    if settings is None:
        raise GenerateError(f"{config_file} does not list the {EXTENSION_NAME} plugin under `plugins`")
    return settings


def _user_files(folder: Path, skip: Path | None = None) -> Iterator[Path]:
    """Files of a user's folder, sorted, without hidden files and folders (as MkDocs skips them)."""
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (skip is None or here / d != skip))
        for name in sorted(files):
            if not name.startswith("."):
                yield here / name


class _Writer:
    """Brings a generated folder to a wanted state, touching only what differs (no needless rebuilds)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.wanted: set[Path] = set()
        self.changed = 0

    def text(self, rel: str, content: str) -> None:
        path = self.root / rel
        self.wanted.add(path)
        if path.is_file() and not path.is_symlink() and path.read_text(encoding="utf-8") == content:
            return
        self._clear(path)
        path.write_text(content, encoding="utf-8")
        self.changed += 1

    def link(self, rel: str, target: Path) -> None:
        """A link to a user's file, or a copy where the system has no symbolic links."""
        path = self.root / rel
        self.wanted.add(path)
        relative = os.path.relpath(target, path.parent)
        if path.is_symlink() and os.readlink(path) == relative:
            return
        self._clear(path)
        try:
            path.symlink_to(relative)
        except OSError:
            shutil.copy2(target, path)
        self.changed += 1

    def _clear(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)

    def prune(self) -> None:
        """Remove what is no longer wanted (a removed card's page, a deleted doc)."""
        for root, dirs, files in os.walk(self.root, topdown=False):
            here = Path(root)
            for name in files + [d for d in dirs if (here / d).is_symlink()]:
                path = here / name
                if path not in self.wanted:
                    path.unlink()
                    self.changed += 1
            if here != self.root and not any(here.iterdir()):
                here.rmdir()


def _digest(site: CardSite, settings: Settings, options: dict[str, Any]) -> str:
    """Everything the generated pages show: Zensical caches pages by their text, so stubs carry it."""
    hasher = hashlib.sha256()
    for card in site.portfolio.cards:
        hasher.update(f"{card.file}\0{card.source_text}\0".encode())
    hasher.update(repr((settings, options, site.layout, _templates_signature(settings.templates_dir))).encode())
    if settings.checklist is not None:
        hasher.update(settings.checklist.read_bytes())
    return hasher.hexdigest()[:16]


def _theme(user: dict[str, Any]) -> dict[str, Any]:
    theme = user.get("theme")
    return {"name": theme} if isinstance(theme, str) else dict(theme) if isinstance(theme, dict) else {}


def _edit_partial(base: Path, theme: dict[str, Any]) -> str | None:
    """The theme's `actions` partial, reading a card page's edit link from the page's metadata."""
    custom = theme.get("custom_dir")
    candidates = [base / str(custom) / "partials" / "actions.html"] if custom else []
    try:
        import zensical
    except ImportError:
        return None
    candidates.append(Path(zensical.__file__).parent / "templates" / "partials" / "actions.html")
    for candidate in candidates:
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8")
            if "page.edit_url" in text:
                head = (
                    "{#- mkdocs-mltrl: card pages edit their card file (page.meta.mltrl_edit_url) -#}\n"
                    '{% set mltrl_edit_url = page.meta.mltrl_edit_url if "mltrl_edit_url" in (page.meta or {}) '
                    "else page.edit_url %}\n"
                )
                return head + text.replace("page.edit_url", "mltrl_edit_url")
    return None


def _default_edit_uri(repo_url: str, docs: str) -> str | None:
    """MkDocs' default edit_uri for known hosts: Zensical would derive it from the generated folder."""
    host = repo_url.split("//", 1)[-1].split("/", 1)[0].lower()
    if host in ("github.com", "gitlab.com"):
        return f"edit/master/{docs}/"
    if host == "bitbucket.org":
        return f"src/default/{docs}/"
    return None


def generate(config_file: Path) -> Generated:
    """Write ``.mltrl/`` and ``mkdocs.zensical.yml`` beside ``config_file``, unless the cards have errors.

    Raises :class:`ConfigError` for an unreadable config, :class:`SiteError` for a missing folder and
    :class:`GenerateError` for a config without the plugin or a page in the way.
    """
    config_file = config_file.absolute()
    base = config_file.parent
    settings = _settings(config_file)
    user = _read_config(config_file)
    directory_urls = user.get("use_directory_urls", True) is not False
    docs_rel = str(user.get("docs_dir") or "docs").strip("/")
    docs = (base / docs_rel).resolve()
    theme = _theme(user)
    custom = theme.get("custom_dir")
    inputs = [config_file, settings.cards_dir, docs, settings.checklist, settings.templates_dir]
    inputs += [base / str(custom)] if custom else []
    loaded = load_card_site(settings, base, directory_urls, _CARD_CACHE)  # shared with the extension
    out = Generated(loaded, base / GENERATED_CONFIG, inputs=[p for p in inputs if p is not None])
    site = loaded.site
    if site is None:
        return out
    if not docs.is_dir():
        raise SiteError(f"docs_dir is not a folder: {docs}")
    generated = base / GENERATED_DIR
    generated.mkdir(exist_ok=True)
    writer = _Writer(generated)
    writer.text(".gitignore", "# Generated by `mltrl generate`: nothing here is kept in git.\n*\n")
    writer.text(
        "README.md",
        f"Generated by `mltrl generate` from `{config_file.name}` and the cards, for Zensical: do not edit.\n"
        f"Re-run `mltrl generate` after adding or removing a card or a page. See {DOCS_URL}\n",
    )
    files = site.files()
    options = {"config_file": config_file.name, "generated": GENERATED_DIR}
    digest = _digest(site, settings, options)
    ours = {f.src_uri for f in files}
    for path in _user_files(docs, skip=generated):
        rel = path.relative_to(docs).as_posix()
        if rel in ours:
            raise GenerateError(f"docs already hold {rel}; choose another url_prefix for the cards")
        writer.link(f"docs/{rel}", path)
    for item in files:
        if item.source is not None:  # a file beside the cards, published as it is
            writer.link(f"docs/{item.src_uri}", item.source)
            continue
        content = item.content
        if item.kind in PAGE_KINDS:
            content = f"{PAGE_STUB}<!-- {digest} -->\n"
        writer.text(f"docs/{item.src_uri}", content)
    pages = sorted(f.src_uri for f in files if f.kind in PAGE_KINDS)
    writer.text(MANIFEST, json.dumps({"pages": pages}, indent=1) + "\n")
    if custom and (base / str(custom)).is_dir():
        for path in _user_files(base / str(custom)):
            writer.link(f"overrides/{path.relative_to(base / str(custom)).as_posix()}", path)
    partial = _edit_partial(base, theme)
    if partial is not None:
        writer.text("overrides/partials/actions.html", partial)
    writer.prune()
    config = _generated_config(config_file, user, settings, site, docs_rel, options, partial is not None)
    if theme.get("name") in MKDOCS_THEMES:
        out.notes.append(
            f"mltrl: Zensical cannot use the {theme['name']} theme of MkDocs; {GENERATED_CONFIG} uses Zensical's own"
        )
    out.changed = writer.changed
    if not out.config_file.is_file() or out.config_file.read_text(encoding="utf-8") != config:
        out.config_file.write_text(config, encoding="utf-8")
        out.changed += 1
    return out


def build_here(config_file: Path, strict: bool) -> int:
    """Run `zensical build` on a generated config in this process: the cards parsed while
    generating are not parsed again. Returns Zensical's exit status."""
    from zensical.main import cli

    here = Path.cwd()
    os.chdir(config_file.parent)  # Zensical keeps its cache in the working folder
    try:
        cli.main(["build", "-f", str(config_file), *(["--strict"] if strict else [])], prog_name="zensical")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except RuntimeError as exc:  # how Zensical reports a failed build (e.g. warnings under --strict)
        print(f"zensical: {str(exc).splitlines()[0] if str(exc) else 'the build failed'}", file=sys.stderr)
        return 1
    finally:
        os.chdir(here)
    return 0


def _nav_has(nav: Any, target: str) -> bool:
    if isinstance(nav, str):
        return nav.strip() == target
    if isinstance(nav, dict):
        return any(_nav_has(value, target) for value in nav.values())
    if isinstance(nav, list):
        return any(_nav_has(item, target) for item in nav)
    return False


def _generated_config(
    config_file: Path,
    user: dict[str, Any],
    settings: Settings,
    site: CardSite,
    docs_rel: str,
    options: dict[str, Any],
    edit_partial: bool,
) -> str:
    base = config_file.parent
    layout = site.layout
    watched = [settings.cards_dir, settings.checklist, settings.templates_dir, base / docs_rel]
    config: dict[str, Any] = {
        "INHERIT": config_file.name,
        "docs_dir": f"{GENERATED_DIR}/docs",
        "watch": [os.path.relpath(p, base) for p in watched if p is not None and p.exists()],
        "markdown_extensions": [{EXTENSION_NAME: options}],
        "extra_css": [layout.asset("mltrl.css")],
        "extra_javascript": [layout.asset("mltrl.js")],
    }
    theme = _theme(user)
    config["theme"] = {"name": theme["name"]} if "name" in theme else {}
    if theme.get("name") in MKDOCS_THEMES:
        config["theme"]["name"] = "material"  # Zensical's own theme: it renders no MkDocs theme
    if edit_partial:
        config["theme"]["custom_dir"] = f"{GENERATED_DIR}/overrides"
    if not config["theme"]:
        del config["theme"]
    repo_url = user.get("repo_url")
    if isinstance(repo_url, str) and repo_url and not user.get("edit_uri"):
        default = _default_edit_uri(repo_url, docs_rel)
        if default:
            config["edit_uri"] = default
    nav = user.get("nav")
    if nav and not _nav_has(nav, layout.index_src()):
        config["nav"] = [{settings.title: [layout.index_src(), layout.portfolio_src()]}]
    if not nav and not settings.nav_cards:
        hidden = [f"/{layout.card_src(card.id)}" for card in site.portfolio.cards]
        existing = str(user.get("not_in_nav") or "").strip()
        config["not_in_nav"] = "\n".join(filter(None, [existing, *hidden])) + "\n"
    header = (
        f"# Generated by `mltrl generate` from {config_file.name} and the cards, for Zensical: do not edit,\n"
        "# and keep it out of git. Re-run `mltrl generate` after adding or removing a card or a page.\n"
        f"# zensical build -f {GENERATED_CONFIG}  |  zensical serve -f {GENERATED_CONFIG}\n"
    )
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


# --------------------------------------------------------------------------------------------------
# The Markdown extension Zensical runs on every page
# --------------------------------------------------------------------------------------------------


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
_CARD_CACHE = CardCache()
_PAGE_CACHE: dict[tuple[Any, ...], RenderedPage] = {}
_CURRENT: list[_State] = []


def _load(config: dict[str, Any], options: dict[str, Any]) -> _State:
    root = Path(str(config.get("root_dir") or ".")).resolve()
    generated = root / str(options["generated"])
    try:
        config_file = root / str(options["config_file"])
        settings = replace(_settings(config_file), site_url=config.get("site_url") or None)
        pages = _PAGE_CACHE if _serving() else None  # a build renders each page once: keep none
        loaded = load_card_site(settings, root, config.get("use_directory_urls") is not False, _CARD_CACHE, pages)
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
        state.problem = f"mltrl: the generated pages are missing: {_HOW_TO}"
    elif manifest.get("pages") != expected:
        state.stale = (
            "mltrl: cards were added, removed or renamed since `mltrl generate`: re-run it "
            f"(`mltrl serve --host zensical` does so by itself); see {DOCS_URL}"
        )
    user = _read_config(config_file)
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
