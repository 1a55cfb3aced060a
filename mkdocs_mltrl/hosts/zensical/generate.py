"""Generating for Zensical (``mltrl generate``): the docs folder and config it builds from.

Zensical runs no MkDocs plugins; it runs Python-Markdown extensions. So the cards reach it in two
steps, with no card logic here:

1. :func:`generate` (here) writes ``.mltrl/docs/``: the user's docs (linked, not
   copied, where the system allows), one stub page per generated page of the site model, and its
   static files (badges, ``cards.json``, schemas, redirects, CSS and JS); and ``mkdocs.zensical.yml``,
   a config that inherits the user's ``mkdocs.yml`` and points Zensical at that folder.
2. :class:`.extension.MltrlExtension` (the ``mltrl`` Markdown extension) replaces each stub, as Zensical renders
   it, by the page the site model renders from the cards as they are at that moment, with its table
   of contents, title and edit link. Card errors stop the build with the positioned findings."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ...core.file_policy import read_file
from ...render.templates import templates_signature
from ..outputs import OutputPaths, page_output
from ..settings import Settings, read_config
from ..site import (
    LINKED_KINDS,
    PAGE_KINDS,
    PAGE_STUB,
    CardSite,
    GeneratedFile,
)
from ..site_loading import LoadedSite, SiteError, load_card_site
from .shared import (
    CARD_CACHE,
    DOCS_URL,
    EXTENSION_NAME,
    GENERATED_CONFIG,
    GENERATED_DIR,
    MANIFEST,
    MKDOCS_THEMES,
    GenerateError,
    read_settings,
)


@dataclass
class Generated:
    """What :func:`generate` found and wrote."""

    loaded: LoadedSite
    config_file: Path  # the generated config (written only when the cards have no error)
    changed: int = 0  # files written or removed
    inputs: list[Path] = field(default_factory=list)  # what it read: files and folders to watch
    notes: list[str] = field(default_factory=list)  # what differs from the MkDocs build, to print


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
    hasher.update(repr((settings, options, site.layout, templates_signature(settings.templates_dir))).encode())
    if settings.checklist is not None:
        hasher.update(read_file(settings.checklist))  # loaded by now: the path policy let it through
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


def _output(src_uri: str, directory_urls: bool) -> str:
    """Where Zensical writes a docs file: a page's HTML, any other file as it is."""
    return page_output(src_uri, directory_urls) if src_uri.lower().endswith(".md") else src_uri


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
    settings = read_settings(config_file)
    user = read_config(config_file)
    directory_urls = user.get("use_directory_urls", True) is not False
    docs_rel = str(user.get("docs_dir") or "docs").strip("/")
    docs = (base / docs_rel).resolve()
    theme = _theme(user)
    custom = theme.get("custom_dir")
    inputs = [config_file, settings.cards_dir, docs, settings.checklist, settings.templates_dir]
    inputs += [base / str(custom)] if custom else []
    loaded = load_card_site(settings, base, directory_urls, CARD_CACHE)  # shared with the extension
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
    outputs = OutputPaths()
    user_files = [(path.relative_to(docs).as_posix(), path) for path in _user_files(docs, skip=generated)]
    for rel, _ in user_files:
        outputs.claim(_output(rel, directory_urls), f"the docs file {docs_rel}/{rel}")
    for item in files:  # before anything is written
        conflict = outputs.claim(_output(item.src_uri, directory_urls), item.origin)
        if conflict is not None:
            raise GenerateError(conflict)
    for rel, path in user_files:
        writer.link(f"docs/{rel}", path)
    for item in files:
        if item.source is not None:  # a file beside the cards, published as it is
            writer.link(f"docs/{item.src_uri}", item.source)
            continue
        content = f"{PAGE_STUB}<!-- {digest} -->\n" if item.kind in PAGE_KINDS else site.content(item)
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
    config = _generated_config(config_file, user, settings, site, files, docs_rel, options, partial is not None)
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
    files: list[GeneratedFile],
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
        hidden += [f"/{f.src_uri}" for f in files if f.kind in LINKED_KINDS]
        existing = str(user.get("not_in_nav") or "").strip()
        config["not_in_nav"] = "\n".join(filter(None, [existing, *hidden])) + "\n"
    header = (
        f"# Generated by `mltrl generate` from {config_file.name} and the cards, for Zensical: do not edit,\n"
        "# and keep it out of git. Re-run `mltrl generate` after adding or removing a card or a page.\n"
        f"# zensical build -f {GENERATED_CONFIG}  |  zensical serve -f {GENERATED_CONFIG}\n"
    )
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
