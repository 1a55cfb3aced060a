"""Where each generated page and asset lives in the site, and relative links between them."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import quote

#: The folder of a paged index's pages 2, 3, ... and the file of its rows, beside the card pages
#: (both names are reserved: no card may take them, see core.card_ids.RESERVED_IDS).
PAGES = "pages"
INDEX_DATA = "index.json"

#: The formats each card is published in beside its page (see :meth:`SiteLayout.card_export`).
EXPORT_FORMATS = ("cyclonedx", "huggingface")


@dataclass(frozen=True, slots=True)
class SiteLayout:
    """URLs of generated pages; every link between them is relative, so sub-paths work."""

    prefix: str = "cards"
    directory_urls: bool = True
    #: Page sources named like documents, ``<prefix>/<id>.md``, so that Markdown links to a card
    #: read naturally: for a host that writes each page to :meth:`page_dest` whatever its source
    #: is named (MkDocs). Elsewhere a page's source is ``<prefix>/<id>/index.md``, in the folder of
    #: its URL: Zensical rewrites every relative link of a page against its source's folder.
    named_sources: bool = False

    def _page(self, folder: str) -> str:
        folder = folder.strip("/")
        if self.directory_urls:
            return f"{folder}/" if folder else ""
        return f"{folder}/index.html" if folder else "index.html"

    def _join(self, *parts: str) -> str:
        return "/".join(p.strip("/") for p in (self.prefix, *parts) if p.strip("/"))

    def _source(self, folder: str) -> str:
        # MkDocs reads `index.md` and `README.md` as their folder's page: those two keep the folder form.
        if self.named_sources and folder.rsplit("/", 1)[-1] not in ("index", "README"):
            return f"{folder}.md"
        return f"{folder}/index.md"

    def page_dest(self, src_uri: str) -> str:
        """The file a page source is written to: ``<folder>/index.html``, whatever the URL style."""
        stem = src_uri.removesuffix(".md")
        return f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html"

    def card_src(self, card_id: str) -> str:
        return self._source(self._join(card_id))

    def card_url(self, card_id: str) -> str:
        return self._page(self._join(card_id))

    def index_src(self) -> str:
        return f"{self._join()}/index.md" if self.prefix else "index.md"

    def index_url(self) -> str:
        return self._page(self._join())

    def index_page_src(self, number: int) -> str:
        """Page ``number`` of a paged index (page 1 is the index itself)."""
        return self.index_src() if number == 1 else self._source(self._join(PAGES, str(number)))

    def index_page_url(self, number: int) -> str:
        return self.index_url() if number == 1 else self._page(self._join(PAGES, str(number)))

    def index_data(self) -> str:
        """The rows of a paged index as data, beside the index."""
        return self._join(INDEX_DATA)

    def portfolio_src(self) -> str:
        return self._source(self._join("portfolio"))

    def portfolio_url(self) -> str:
        return self._page(self._join("portfolio"))

    def portfolio_part_src(self, part: str, number: int = 1) -> str:
        """Page ``number`` of one of the portfolio's long lists (``part`` is its section's anchor)."""
        return self._source(self._join("portfolio", part, str(number) if number > 1 else ""))

    def portfolio_part_url(self, part: str, number: int = 1) -> str:
        return self._page(self._join("portfolio", part, str(number) if number > 1 else ""))

    def asset(self, name: str) -> str:
        return self._join("assets", name)

    def badge(self, card_id: str) -> str:
        return self._join(card_id, "badge.svg")

    def card_export(self, card_id: str, format_name: str) -> str:
        """A file the card page offers for download, beside the page: the CycloneDX BOM
        (``<id>.cdx.json``, as CycloneDX names BOM files) or the Hugging Face model card
        (``README.hf.txt``: a ``.md`` file would be built into a page; the link saves it as README.md)."""
        name = f"{card_id}.cdx.json" if format_name == "cyclonedx" else "README.hf.txt"
        return self._join(card_id, name)

    def redirect_src(self, old_id: str) -> str:
        """A static HTML file at the old URL of a renamed card."""
        return f"{self._join(old_id)}/index.html"

    def redirect_url(self, old_id: str) -> str:
        return self._page(self._join(old_id))

    def export(self, name: str) -> str:
        """Machine-readable files beside the index: cards.json and its schema."""
        return self._join(name)

    def schema(self, name: str) -> str:
        return self._join("schemas", name)


def relative_url(from_page: str, to: str) -> str:
    """A link from the page at URL ``from_page`` to the site path ``to`` (both site-relative)."""
    base = from_page if from_page.endswith("/") or not from_page else posixpath.dirname(from_page) + "/"
    trailing = "/" if to.endswith("/") else ""
    target = to.rstrip("/") or "."
    rel = _relpath(target, base.rstrip("/") or ".")
    if rel == ".":
        return "./"
    return rel + trailing


def _parts(path: str) -> list[str]:
    return [part for part in posixpath.normpath(path).split("/") if part and part != "."]


def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for site paths (relative, never above the site's root), without
    asking the file system for the working folder twice a link."""
    to, here = _parts(path), _parts(start)
    common = 0
    for a, b in zip(to, here, strict=False):  # the shorter one ends the common part
        if a != b:
            break
        common += 1
    rel = [".."] * (len(here) - common) + to[common:]
    return "/".join(rel) if rel else "."


def quote_path(path: str) -> str:
    """A file path as a URL path: every character but letters, digits, ``/`` and ``-._~`` is
    percent-encoded, so a file name cannot end an attribute or carry markup into a page."""
    return quote(path, safe="/", errors="surrogateescape")


def card_edit_url(repo_url: str, edit_uri: str, docs_dir: str, card_path: str) -> str:
    """The repository editor URL of a card file.

    MkDocs' ``edit_uri`` points at the docs folder (``edit/main/docs/``); cards live beside it, so
    the docs folder's part is replaced by the card's path from the repository root (taken to be
    the folder of mkdocs.yml).
    """
    prefix = edit_uri.strip("/")
    docs = docs_dir.strip("/")
    if docs and (prefix == docs or prefix.endswith("/" + docs)):
        prefix = prefix[: -len(docs)].rstrip("/")
    base = repo_url.rstrip("/") + "/"
    path = quote_path(card_path)  # a file name is untrusted: themes print this URL unescaped
    return base + posixpath.join(prefix, path) if prefix else base + path
