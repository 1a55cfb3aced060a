"""Pages of rows: how a long index or list is cut into static pages, and when it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

#: Above this many cards the index is paged (option ``paged_index: auto``): its first page of rows
#: is HTML, the rest static pages and data. At this size every row in one table still sorts and
#: filters at once in a browser; far above it the page takes seconds to load and to sort.
PAGED_ABOVE = 500

DEFAULT_ROWS_PER_PAGE = 100

#: Rows of each long list shown on the portfolio page itself when it is paged; the rest are on the
#: list's own pages.
PORTFOLIO_PREVIEW_ROWS = 20


def is_paged(cards: int, forced: bool | None) -> bool:
    """Whether an index of ``cards`` cards is paged: ``forced`` (the option) unless it is None."""
    return cards > PAGED_ABOVE if forced is None else forced


@dataclass(frozen=True, slots=True)
class Paging:
    """Rows in pages of ``rows_per_page``; page numbers start at 1."""

    rows_per_page: int = DEFAULT_ROWS_PER_PAGE

    def count(self, rows: int) -> int:
        """The number of pages for ``rows`` rows (one page even when there are none)."""
        return max(1, -(-rows // self.rows_per_page))

    def rows(self, items: Sequence[T], number: int) -> Sequence[T]:
        """The rows of page ``number``."""
        start = (number - 1) * self.rows_per_page
        return items[start : start + self.rows_per_page]

    def first_row(self, number: int) -> int:
        """The position (from 1) of the first row of page ``number``."""
        return (number - 1) * self.rows_per_page + 1
