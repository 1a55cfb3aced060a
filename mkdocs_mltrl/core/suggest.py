""" "Did you mean" suggestions that stay cheap among many names.

:func:`difflib.get_close_matches` compares a word with every candidate, about 4 ms per thousand
candidates: one unknown component id among 10,000 card ids costs 40 ms, and a portfolio where
thousands of cards name one costs minutes. Up to :data:`EXACT_UP_TO` candidates every one is
still compared. Above that, a :class:`Suggester` indexes the names once and compares a word only
with a bounded shortlist:

- every name one edit away from it (a character added, dropped, changed, or two neighbours
  swapped), found through an index of each name with one character deleted;
- the :data:`NEIGHBOURS` names on each side of it in sorted order, and in sorted order of the
  names written backwards (names sharing its beginning, or its end).

The shortlist is then ranked by difflib with the same cutoff as before, so a suggestion is always
one difflib would accept; a far-off name that shares neither end with the word and is more than
one edit away may go unsuggested in a large portfolio.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Collection, Iterable

#: Up to this many candidates, a word is compared with every one.
EXACT_UP_TO = 256

#: Names taken from each side of a word in sorted order (forwards and backwards).
NEIGHBOURS = 16

#: Names taken for one deletion variant: a variant shared by more names says little.
PER_VARIANT = 32

#: Longer words are not looked up by their deletion variants (ids are at most 64 characters).
LONGEST_VARIANTS = 64


def _variants(word: str) -> list[str]:
    """The word and the word with each one of its characters deleted."""
    if len(word) > LONGEST_VARIANTS:
        return [word]
    return [word, *(word[:i] + word[i + 1 :] for i in range(len(word)))]


class Suggester:
    """Close matches for words among a fixed set of names, indexed once."""

    def __init__(self, names: Iterable[str], cutoff: float = 0.6) -> None:
        self.names = list(dict.fromkeys(names))
        self.cutoff = cutoff
        self._forwards: list[str] | None = None
        self._backwards: list[str] = []
        self._deletions: dict[str, list[str]] = {}

    def _index(self) -> list[str]:
        if self._forwards is None:
            self._backwards = sorted(name[::-1] for name in self.names)
            for name in self.names:
                for variant in dict.fromkeys(_variants(name)):
                    self._deletions.setdefault(variant, []).append(name)
            self._forwards = sorted(self.names)
        return self._forwards

    def shortlist(self, word: str) -> list[str]:
        """The names :meth:`close` compares ``word`` with: all of them, or a bounded few."""
        if len(self.names) <= EXACT_UP_TO:
            return self.names
        forwards = self._index()
        found: dict[str, None] = {}
        for variant in _variants(word):
            found.update(dict.fromkeys(self._deletions.get(variant, ())[:PER_VARIANT]))
        at = bisect.bisect_left(forwards, word)
        found.update(dict.fromkeys(forwards[max(0, at - NEIGHBOURS) : at + NEIGHBOURS]))
        backwards = self._backwards
        at = bisect.bisect_left(backwards, word[::-1])
        found.update(dict.fromkeys(name[::-1] for name in backwards[max(0, at - NEIGHBOURS) : at + NEIGHBOURS]))
        return list(found)

    def close(self, word: str, exclude: Collection[str] = ()) -> str | None:
        """The closest name to ``word`` (difflib's ratio, at least the cutoff), leaving out
        ``exclude``; ``None`` when no name is close enough."""
        candidates = [name for name in self.shortlist(word) if name not in exclude]
        found = difflib.get_close_matches(word, candidates, n=1, cutoff=self.cutoff)
        return found[0] if found else None


def close_match(word: str, names: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest of ``names`` to ``word``, for a one-off look-up (see :class:`Suggester`)."""
    return Suggester(names, cutoff).close(word)
