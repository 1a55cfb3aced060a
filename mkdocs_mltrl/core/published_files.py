"""What a file beside a card is when the site publishes it, and where it goes.

A file that card text links to is served from the wiki's own origin, so anything a browser could
run there is never published as it is:

- a Markdown document (``.md``, ``.markdown``, ``.mkd`` ...) becomes a page of its own,
  ``<path>.html``, rendered like card text;
- an HTML document (``.html``, ``.htm``, ``.xhtml``, ``.shtml`` ... in any case) becomes a page
  ending in ``.html``, its markup sanitised like card text (no script, no event attribute, links
  under the URL policy);
- a file a browser or a server runs as it is (SVG, any XML, a web archive, an HTML application,
  Flash, a server script), or whose name holds such an extension before its last one
  (``report.html.gz``, which some hosts serve as HTML), is refused;
- any other file whose first bytes read as HTML or XML (a browser sniffs the type of a file
  that its host serves without one) is refused;
- everything else (images, PDF, text, data, archives) is published as it is.

Extensions are read as a host reads them: in any case, with trailing dots and spaces dropped.
"""

from __future__ import annotations

import enum
import hashlib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .file_policy import read_start
from .yaml_errors import LoadError


class Kind(str, enum.Enum):
    MARKDOWN = "markdown"  # a page rendered like card text
    HTML = "html"  # a page of sanitised HTML
    FILE = "file"  # published as it is


#: Every extension a host reads as a Markdown page (MkDocs: .md, .markdown, .mdown, .mkdn, .mkd):
#: published as anything else, the host would render it, raw HTML and all.
MARKDOWN_EXTENSIONS = frozenset({"md", "markdown", "mdown", "mkdn", "mkd"})
HTML_EXTENSIONS = frozenset({"html", "htm", "shtml", "shtm", "stm", "xhtml", "xht", "xhtm", "html5"})

_SERVER_SCRIPTS = "php php3 php4 php5 php7 php8 phtml pht phar phps asp aspx ashx asmx cshtml jsp jspx cfm cgi"
_XML = (
    "xml xsl xslt xsd rng dtd rss atom rdf owl mathml mml kml gpx xlf xliff wsdl xul xbl smil smi ttml"
    " dae x3d xaml opf ncx dbk tei gml plist xspf"
)
#: Extensions whose files a browser (or a server) runs as they are, and why, in words.
ACTIVE: dict[str, str] = {
    **dict.fromkeys(("svg", "svgz"), "an SVG image runs its scripts when it is opened on its own"),
    **dict.fromkeys(_XML.split(" "), "an XML document runs the XHTML, SVG or XSLT stylesheet it holds"),
    **dict.fromkeys(("mht", "mhtml", "mhtm"), "a web archive (MHTML) is a page with its scripts"),
    **dict.fromkeys(("hta", "htc"), "an HTML application or component runs script"),
    **dict.fromkeys(("swf", "spl"), "a Flash file runs script"),
    **dict.fromkeys(_SERVER_SCRIPTS.split(" "), "a host that runs server scripts would run it"),
}
#: File names a web server reads as its own configuration for the folder they are in.
SERVER_FILES = frozenset({"web.config"})

#: How much of a file a browser reads to sniff its type (the WHATWG MIME Sniffing standard).
SNIFF_BYTES = 1445
_BLANK = b"\t\n\x0c\r "
_BOMS = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


@dataclass(frozen=True, slots=True)
class Published:
    """Where a file is published (under the cards' ``assets/``) and as what; or why it is not."""

    kind: Kind
    site_path: str
    refused: str | None = None  # why it is not published


def extensions(name: str) -> list[str]:
    """The extensions of a file name as a host reads them: lower-case, after the first dot,
    trailing dots and spaces dropped (``Report.HTML.`` -> ``["html"]``)."""
    return name.rstrip(". ").lower().split(".")[1:]


def kind_of(name: str) -> tuple[Kind, str | None]:
    """What a file is published as, by its name; and why it is refused, if it is."""
    found = extensions(name)
    if name.rstrip(". ").lower() in SERVER_FILES:
        return Kind.FILE, "a web server reads it as the configuration of its folder"
    last = found[-1] if found else ""
    if last in MARKDOWN_EXTENSIONS:
        return Kind.MARKDOWN, None
    if last in HTML_EXTENSIONS:
        return Kind.HTML, None
    if last in ACTIVE:
        return Kind.FILE, ACTIVE[last]
    for extension in found[:-1]:
        if extension in ACTIVE or extension in HTML_EXTENSIONS or extension in MARKDOWN_EXTENSIONS:
            return Kind.FILE, f"its name holds '.{extension}' before its last extension, which some hosts serve it by"
    return Kind.FILE, None


def looks_like_markup(start: bytes) -> bool:
    """Whether a file starting with these bytes reads as HTML or XML to a browser that sniffs it
    (after a byte order mark and blank space, a ``<``)."""
    for bom, encoding in _BOMS.items():
        if start.startswith(bom):
            start = start[len(bom) :].decode(encoding, errors="ignore").encode("utf-8", errors="ignore")
            break
    return start.lstrip(_BLANK).startswith(b"<")


def _site_path(relative: str, kind: Kind) -> str:
    """Where a file is published, under the cards' ``assets/``: its path in the repository, a page
    ending in ``.html``."""
    name = relative
    if kind is Kind.MARKDOWN or (kind is Kind.HTML and not name.endswith(".html")):
        name += ".html"
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", name) or any(p.endswith(".") for p in name.split("/")):
        digest = hashlib.sha256(relative.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        base = posixpath.basename(name).rstrip(". ")
        name = f"{digest}/{re.sub(r'[^A-Za-z0-9._-]', '_', base)}"
    return posixpath.join(PUBLISHED_FOLDER, name)


#: Where published files go, under the cards' ``assets/`` folder (a name reserved for the site).
PUBLISHED_FOLDER = "files"


def publish(relative: str, source: Path) -> Published:
    """How the file ``source`` (at ``relative`` in the repository) is published, or why not."""
    kind, refused = kind_of(posixpath.basename(relative))
    if refused is None and kind is Kind.FILE:
        try:
            start = read_start(source, SNIFF_BYTES)
        except LoadError as exc:
            refused = exc.message
        else:
            if looks_like_markup(start):
                refused = "it starts like HTML or XML, which a browser runs as a page when its host names no type"
    return Published(kind, _site_path(relative, kind), refused)


def same_path_key(site_path: str) -> str:
    """What two published paths that are one file on some systems and hosts have in common:
    case, and trailing dots and spaces of each part, do not tell them apart."""
    return "/".join(part.rstrip(". ") for part in site_path.casefold().split("/"))
