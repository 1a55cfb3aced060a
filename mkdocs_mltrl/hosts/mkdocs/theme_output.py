"""The theme's output around card pages, kept across `mkdocs serve` rebuilds.

A host renders its theme around every page at every rebuild. Around a card page that did not
change, the theme writes the same bytes again as long as everything it reads is the same: the
configuration (theme options, plugins' options, extra CSS and scripts), the navigation, the list of
pages, the theme's template files, and the page itself (its content, title, table of contents,
meta data, addresses and neighbours). :func:`chrome_signature` and :func:`page_signature` turn
those into keys, and :class:`ThemeOutputs` keeps, compressed, the output rendered under each key.

Whatever cannot be put in a key reliably (a value whose ``repr`` names a memory address) makes the
build's signature None: nothing is reused in that build. Nothing here imports a host; it reads the
attributes MkDocs and ProperDocs give their configuration, navigation and pages.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

#: The template a page names to be written from its kept output, and that template's source.
REUSED_TEMPLATE = "mltrl/reused-theme-output.html"
REUSED_SOURCE = "{{ mltrl_theme_output }}"
#: The template variable holding the kept output.
REUSED_VARIABLE = "mltrl_theme_output"

#: Template files that print the build's date (MkDocs' own themes do): their output differs at
#: every build unless SOURCE_DATE_EPOCH fixes the date.
BUILD_DATE = "build_date_utc"
#: A repr naming a memory address: an object that cannot be compared across rebuilds this way.
_ADDRESS = " at 0x"


def chrome_signature(
    config: Any, nav: Any, pages: Iterable[Any], theme_dirs: Iterable[str], custom_dir: str | None, build_date: Any
) -> str | None:
    """What every page's theme output reads besides the page itself, as one string (None when
    some part of it cannot be compared across builds)."""
    parts: list[str] = []
    for key, value in config.items():
        if key == "plugins":
            value = [(name, type(plugin).__qualname__, dict(plugin.config)) for name, plugin in value.items()]
        parts.append(f"{key}={value!r}")
    parts.append(repr(_navigation(getattr(nav, "items", ()))))
    parts.append(repr([(p.file.src_uri, p.url) for p in pages]))  # titles shown are the navigation's
    templates, dated = _template_files(theme_dirs, custom_dir)
    parts.append(repr(templates))
    if dated:
        parts.append(repr(build_date))
    text = "\n".join(parts)
    return None if _ADDRESS in text else text


def _navigation(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(
        (
            type(item).__name__,
            item.title,
            getattr(item, "url", None),
            _navigation(getattr(item, "children", None) or ()),
        )
        for item in items
    )


def _template_files(theme_dirs: Iterable[str], custom_dir: str | None) -> tuple[tuple[Any, ...], bool]:
    """Every file of the theme's folders with its size and modification time, and whether one
    prints the build's date. A theme's own icon folders (thousands of files, changed only when the
    theme is reinstalled, which rewrites its templates too) are skipped; a custom_dir's are not."""
    found = []
    dated = False
    for folder in theme_dirs:
        for path in _walk(folder, skip_hidden=folder != custom_dir):
            stat = path.stat()
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
            if path.suffix == ".html" and not dated:
                dated = BUILD_DATE in path.read_text(encoding="utf-8", errors="replace")
    return tuple(found), dated


def _walk(folder: str, skip_hidden: bool) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        if skip_hidden:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
        dirs.sort()
        for name in sorted(files):
            yield Path(root, name)


def page_signature(page: Any) -> str:
    """What a page's theme output reads of the page, besides its content."""
    previous, following = page.previous_page, page.next_page
    parts = (
        page.file.src_uri,
        page.url,
        page.canonical_url,
        page.abs_url,
        page.edit_url,
        page.title,
        page.is_homepage,
        page.meta,
        _toc(page.toc),
        previous.url if previous is not None else None,
        following.url if following is not None else None,
        [ancestor.title for ancestor in page.ancestors],
    )
    return repr(parts)


def _toc(items: Iterable[Any]) -> list[Any]:
    return [(item.id, item.title, item.level, _toc(item.children)) for item in items]


class ThemeOutputs:
    """Theme outputs by key, kept while the chrome signature stays the same."""

    def __init__(self) -> None:
        self._chrome: str | None = None
        self._kept: dict[tuple[Any, ...], bytes] = {}
        self._used: set[tuple[Any, ...]] = set()
        self.reused = 0  # outputs reused in the current build

    def start(self, chrome: str | None) -> bool:
        """Begin a build under ``chrome``: outputs kept under another one are dropped. Whether
        outputs may be reused and kept in this build."""
        if chrome is None or chrome != self._chrome:
            self._kept.clear()
        self._chrome = chrome
        self._used.clear()
        self.reused = 0
        return chrome is not None

    def has(self, key: tuple[Any, ...]) -> bool:
        self._used.add(key)
        return key in self._kept

    def get(self, key: tuple[Any, ...]) -> str:
        self.reused += 1
        return zlib.decompress(self._kept[key]).decode("utf-8")

    def keep(self, key: tuple[Any, ...], output: str) -> None:
        self._used.add(key)
        self._kept[key] = zlib.compress(output.encode("utf-8"), 1)

    def finish(self) -> None:
        """Drop what this build did not use (pages edited or removed)."""
        for key in set(self._kept) - self._used:
            del self._kept[key]
