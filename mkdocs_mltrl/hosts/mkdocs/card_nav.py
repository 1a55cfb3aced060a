"""Card pages in the navigation: under the index, and listed while they are shown.

Card pages are left out of the navigation by default (MkDocs renders the whole navigation into
every page, so listing thousands of cards makes a build quadratic). Left out, a card page has no
parent: no theme marks a tab or section as current on it, and themes that show the current page's
sections in the navigation (Material with ``toc.integrate``, ``readthedocs``) show none of the
card's. Navigation objects are typed ``Any``: MkDocs and ProperDocs give them the same attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from mkdocs.structure.nav import Section


class CardNav:
    """Puts card pages under the index's section, and lists each one there while it is rendered."""

    def __init__(self) -> None:
        self.section: Any = None  # the section card pages sit in
        self.index: Any = None  # the index page
        self.wrapped = False  # the section was made for an index at the top level of the navigation
        self.shown: tuple[Any, Any] | None = None  # the card page listed while it renders, and its nav

    def attach(self, nav: Any, index: Any, cards: Iterable[Any]) -> None:
        """Make the index's section the parent of every card page the navigation does not list, so
        that themes mark its tab and section as current on a card page and show the path to it. An
        index at the top level of the navigation gets a section of its own, shown on card pages."""
        self.section = self.index = self.shown = None
        if index is None or (index.parent is None and not any(item is index for item in nav.items)):
            return  # the index is not in the navigation: neither are the cards
        self.index, self.wrapped = index, index.parent is None
        self.section = index.parent or Section(index.title, [index])
        listed = {id(page) for page in nav.pages}
        for page in cards:
            if id(page) not in listed:
                page.parent = self.section

    def show(self, page: Any, nav: Any) -> None:
        """List a card page after the index while the theme renders it (one item: no cost)."""
        section = self.section
        if section is None or page.parent is not section or any(item is page for item in section.children):
            return
        section.children.insert(_position(section.children, self.index) + 1, page)
        if self.wrapped:  # shown in place of the index, named as it is by now
            section.title = self.index.title
            nav.items[_position(nav.items, self.index)] = section
        self.shown = (page, nav)

    def hide(self, page: Any) -> None:
        """Undo :meth:`show` once the theme has rendered the page."""
        if self.shown is None or self.shown[0] is not page:
            return
        nav = self.shown[1]
        self.section.children[:] = [item for item in self.section.children if item is not page]
        if self.wrapped:
            nav.items[_position(nav.items, self.section)] = self.index
        self.shown = None


def _position(items: Sequence[Any], wanted: Any) -> int:
    return next(i for i, item in enumerate(items) if item is wanted)
