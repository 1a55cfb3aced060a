"""Links and images in a card's Markdown fields that name files beside the card.

A relative link in a Markdown field (``[checklist](../ethics_checklist.md)``, ``![flow](flow.png)``)
is read relative to the card's own file. When it names a file inside the repository (the folder
of ``mkdocs.yml``), the file is published with the site and the link rewritten to it, as
:mod:`.published_files` says (pages for documents, nothing a browser would run); a link to a file
that does not exist, that lies outside the repository (also through a symbolic link) or in the
site's output folder, that a browser would run, or that would be published where another file is,
is a positioned warning and the file is not published. Nothing here knows MkDocs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .card import Card
from .card_text import render_markdown
from .file_policy import is_regular_file, real_path
from .findings import Finding, Severity
from .published_files import Kind, publish, same_path_key
from .yaml_loader import Path_

MISSING_CODE = "LINK001"  # a local link or image names a file that does not exist
OUTSIDE_CODE = "LINK002"  # a local link or image names a file outside the repository, or a hidden one
ACTIVE_CODE = "LINK003"  # a local link or image names a file a browser would run: not published
SAME_PATH_CODE = "LINK004"  # two files beside cards would be published at one path
SITE_DIR_CODE = "LINK005"  # a local link or image names a file in the site's output folder

_ATTR = re.compile(r'\s(href|src)="([^"]*)"')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def markdown_fields(card: Card) -> Iterator[tuple[Path_, str]]:
    """Every Markdown text of a card, with the path of its value."""

    def item(path: Path_, text: str | None) -> Iterator[tuple[Path_, str]]:
        if text:
            yield path, text

    yield from item(("summary",), card.summary)
    yield from item(("model",), card.model)
    yield from item(("intended_use", "intended"), card.intended_use)
    yield from item(("intended_use", "unacceptable"), card.unacceptable_use)
    yield from item(("testing", "summary"), card.testing_summary)
    yield from item(("data", "summary"), card.data_summary)
    for i, req in enumerate(card.requirements):
        for key in ("text", "verification", "validation"):
            yield from item(("requirements", i, key), getattr(req, key))
    for risk in card.risks:
        yield from item(("risks", risk.index, "mitigation"), risk.mitigation)
    for i, dataset in enumerate(card.datasets):
        yield from item(("data", "datasets", i, "notes"), dataset.notes)
    for i, caveat in enumerate(card.caveats):
        yield from item(("caveats", i), caveat)
    for i, entry in enumerate(card.debrief):
        yield from item(("debrief", i, "question"), entry.question)
        yield from item(("debrief", i, "answer"), entry.answer)
    for key, answer in card.ethics.items():
        yield from item(("ethics", "answers", key, "notes"), answer.notes)
    if card.ethics_external:
        yield from item(("ethics", "external", "notes"), card.ethics_external.notes)
    if card.vv_external:
        yield from item(("vv", "external", "notes"), card.vv_external.notes)
    if card.monitoring:
        for key in ("summary", "data_quality", "data_drift", "concept_drift"):
            yield from item(("monitoring", key), getattr(card.monitoring, key))
    if card.deployment:
        for key in ("setting", "human_in_the_loop", "uncertainty"):
            yield from item(("deployment", key), getattr(card.deployment, key))
    for metric in card.metrics:
        yield from item(("metrics", metric.index, "notes"), metric.notes)
    for level in card.service_levels:
        yield from item(("service_levels", level.index, "notes"), level.notes)
    for regime in card.compliance:
        yield from item(("compliance", regime.index, "notes"), regime.notes)
    for event in card.history:
        yield from item(("history", event.index, "notes"), event.notes)
    for waiver in card.waivers:
        yield from item(("waivers", waiver.index, "reason"), waiver.reason)
    for key, value in card.extras.items():
        if isinstance(value, str):
            yield from item((key,), value)
    for section, extras in card.section_extras.items():
        for key, value in extras.items():
            if isinstance(value, str):
                yield from item((section, key), value)
    for path, key, value in card.item_extras():
        if isinstance(value, str):
            yield from item((*path, key), value)


def url_fields(card: Card) -> Iterator[tuple[Path_, str]]:
    """Every URL field of a card, with the path of its value."""
    for key, url in card.links.items():
        yield ("links", key), url
    for ref in card.components:
        if ref.external is not None and ref.external.link:
            yield ("components", ref.index, "link"), ref.external.link
    for i, suite in enumerate(card.suites):
        if suite.link:
            yield ("testing", "suites", i, "link"), suite.link
    for i, dataset in enumerate(card.datasets):
        for key in ("link", "datacard"):
            value = getattr(dataset, key)
            if value:
                yield ("data", "datasets", i, key), value
    for section, evidence in (("ethics", card.ethics_external), ("vv", card.vv_external)):
        if evidence is not None:
            yield (section, "external", "link"), evidence.link
    for entry in card.compliance:
        if entry.link:
            yield ("compliance", entry.index, "link"), entry.link
    if card.monitoring and card.monitoring.dashboard:
        yield ("monitoring", "dashboard"), card.monitoring.dashboard
    for event in card.history:
        if event.card:
            yield ("history", event.index, "card"), event.card


def local_targets(text: str) -> list[str]:
    """The relative link and image targets of a Markdown text, as written."""
    if "](" not in text and "]:" not in text:
        return []
    out = []
    for _, url in _ATTR.findall(str(render_markdown(text))):
        url = html.unescape(url)
        if is_local(url):
            out.append(url)
    return out


def is_local(url: str) -> bool:
    """A relative path to a file: no scheme, not site-absolute, not only a fragment or query."""
    return bool(url) and not _SCHEME.match(url) and not url.startswith(("/", "#", "?", "\\"))


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file a card links to, to publish with the site."""

    source: Path  # the file, resolved
    site_path: str  # where it is published, relative to the cards' assets folder
    kind: Kind = Kind.FILE  # a Markdown or HTML document is published as a page of its own
    relative: str = ""  # its path in the repository


@dataclass
class LocalLinks:
    """The files cards link to: (card file, link as written) -> published file."""

    files: dict[tuple[str, str], LocalFile]
    findings: list[Finding]

    def for_card(self, card: Card) -> dict[str, LocalFile]:
        return {url: f for (file, url), f in self.files.items() if file == card.file}

    def published(self) -> dict[str, LocalFile]:
        """Site path -> the file published there, each once."""
        return {f.site_path: f for f in self.files.values()}


def _card_dir(card: Card, base: Path) -> Path:
    path = Path(card.file)
    return (path if path.is_absolute() else base / path).parent


def _position(card: Card, path: Path_, url: str) -> tuple[int, int]:
    """Line and column of ``url`` in the card's text, searching from the field's own line."""
    where = card.positions.of_value(path)
    lines = card.source_text.splitlines()
    for number in range(where.line, len(lines) + 1):
        column = lines[number - 1].find(url)
        if column >= 0:
            return number, column + 1
    return where.line, where.column


Scan = list[tuple[Path_, str, bool]]


def _scan(card: Card) -> Scan:
    """The card's local links: (field path, URL, whether a missing target is reported)."""
    found = [(path, url, True) for path, text in markdown_fields(card) for url in local_targets(text)]
    # URL fields held relative paths before links were resolved against the card's file: one
    # that names no file here is left as it is, without a warning.
    found += [(path, url, False) for path, url in url_fields(card) if is_local(url)]
    return found


def find_local_links(
    cards: list[Card],
    root: Path,
    base: Path,
    scans: dict[tuple[str, bytes], Scan] | None = None,
    site_dirs: Sequence[Path] = (),
) -> LocalLinks:
    """Resolve every relative link and image of the cards' Markdown fields against their files.

    ``root`` is the repository (the folder of mkdocs.yml): nothing outside it is published.
    ``base`` is what card file names are relative to. ``scans`` keeps what each card links to,
    by its file and source, across the rebuilds of a server (the targets are looked up anew).
    ``site_dirs`` are the site's output folders: nothing in them is published.
    """
    real_root = root.resolve()
    outputs = [real_path(d) for d in site_dirs]
    used: set[tuple[str, bytes]] = set()
    files: dict[tuple[str, str], LocalFile] = {}
    findings: list[Finding] = []
    where: dict[tuple[str, str], tuple[Card, Path_]] = {}
    for card in cards:
        folder = _card_dir(card, base)
        reported: set[str] = set()
        found = _scan(card) if scans is None else _kept_scan(scans, card, used)
        for path, url, warn in found:
            if (card.file, url) in files or url in reported:
                continue
            target_text = unquote(urlsplit(url).path)
            if not target_text:
                continue
            target = real_path(folder / target_text)  # follows symbolic links: no escape through one
            problem = _problem(url, target, real_root, outputs)
            if problem is None:
                relative = target.relative_to(real_root).as_posix()
                published = publish(relative, target)
                if published.refused is None:
                    files[(card.file, url)] = LocalFile(target, published.site_path, published.kind, relative)
                    where[(card.file, url)] = (card, path)
                    continue
                problem = ACTIVE_CODE, f"'{url}' is not published: {published.refused}"
            reported.add(url)
            # URL fields held relative paths before links were resolved: one that names no file
            # here (or one outside) is left as it is, without a warning.
            if warn or problem[0] in (ACTIVE_CODE, SITE_DIR_CODE):
                line, column = _position(card, path, url)
                findings.append(Finding(card.file, line, column, Severity.WARNING, *problem))
    findings += _one_file_a_path(files, where)
    if scans is not None:
        for gone in set(scans) - used:  # cards edited or removed since
            del scans[gone]
    return LocalLinks(files, findings)


def _problem(url: str, target: Path, root: Path, outputs: list[Path]) -> tuple[str, str] | None:
    """Why the file a link leads to is not published, if it is not: (code, message)."""
    if not target.is_relative_to(root):
        return OUTSIDE_CODE, f"'{url}' is outside the repository; it is not published"
    if any(part.startswith(".") for part in target.relative_to(root).parts):
        return OUTSIDE_CODE, f"'{url}' is a hidden file or in a hidden folder; it is not published"
    for output in outputs:
        if target.is_relative_to(output):
            shown = output.relative_to(root).as_posix() if output.is_relative_to(root) else output.name
            return (
                SITE_DIR_CODE,
                f"'{url}' is in the site's output folder ({shown}/), which a build replaces; it is not published",
            )
    if not is_regular_file(target):  # not a loop, a pipe or a device
        return MISSING_CODE, f"'{url}' names no file (looked for {target.relative_to(root).as_posix()})"
    return None


def _one_file_a_path(
    files: dict[tuple[str, str], LocalFile], where: dict[tuple[str, str], tuple[Card, Path_]]
) -> list[Finding]:
    """Two files that would be published at one path (``doc.md`` and ``doc.md.html``; ``Plot.png``
    and ``plot.png``, one file on a system or host that ignores case): the first by its path in the
    repository is published, each link to another is a warning and is left as written."""
    first: dict[str, str] = {}
    for file in sorted(files.values(), key=lambda f: f.relative):
        first.setdefault(same_path_key(file.site_path), file.relative)
    findings = []
    for key, file in list(files.items()):
        kept = first[same_path_key(file.site_path)]
        if kept == file.relative:
            continue
        del files[key]
        card, path = where[key]
        line, column = _position(card, path, key[1])
        message = (
            f"'{key[1]}' is not published: {file.relative} would be published at the same path as {kept}"
            f" ({file.site_path}, or one that differs only in case)"
        )
        findings.append(Finding(card.file, line, column, Severity.WARNING, SAME_PATH_CODE, message))
    return findings


def _kept_scan(scans: dict[tuple[str, bytes], Scan], card: Card, used: set[tuple[str, bytes]]) -> Scan:
    key = (card.file, card.packed_source)
    used.add(key)
    found = scans.get(key)
    if found is None:
        found = scans[key] = _scan(card)
    return found


def rewrite(rendered: str, links: dict[str, str]) -> str:
    """Sanitised HTML with each local ``href``/``src`` replaced by the URL of its published copy."""
    if not links:
        return rendered

    def replace(match: re.Match[str]) -> str:
        url = html.unescape(match.group(2))
        new = links.get(url)
        if new is None:
            return match.group(0)
        fragment = urlsplit(url).fragment
        if fragment and not new.endswith(".html"):
            fragment = ""
        target = new + (f"#{fragment}" if fragment else "")
        return f' {match.group(1)}="{html.escape(target, quote=True)}"'

    return _ATTR.sub(replace, rendered)
