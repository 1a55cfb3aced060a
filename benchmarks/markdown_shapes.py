"""Side by side: rendering the Markdown shapes that once stalled the renderer, at the largest size
the limits accept, against prose of the same length (lines of plain words).

    python benchmarks/markdown_shapes.py [--repeat 3] [--shapes open-brackets nested-lists ...]

For each shape it finds the largest instance that no limit refuses (see
mkdocs_mltrl/core/markdown_limits.py), renders it as a card page does (best of --repeat, the
cache emptied each time), renders prose of the same length, and prints both times and
their ratio; then the time to render ten times that instance, which the limits refuse and the
renderer shows as written.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from mkdocs_mltrl.core import card_text
from mkdocs_mltrl.core.markdown_limits import text_limit

SHAPES: dict[str, Callable[[int], str]] = {
    "open-brackets": lambda n: "[" * n,
    "images": lambda n: "![" * n,
    "open-links": lambda n: "[a](" * n,
    "nested-brackets": lambda n: "[" * n + "a" + "]" * n,
    "links": lambda n: "[a](b) " * n,
    "references": lambda n: "[a] " * n + "\n\n[a]: /b\n",
    "emphasis": lambda n: "*a" * n,
    "code-spans": lambda n: "`a" * n,
    "escapes": lambda n: "\\" * n,
    "table-rows": lambda n: "|a|b|\n|-|-|\n" + "|x|y|\n" * n,
    "paragraphs": lambda n: "x\n\n" * n,
    "nested-lists": lambda n: "- " * n + "x",
    "nested-list-lines": lambda n: ("- " * 16 + "x\n") * n,
    "indented-lists": lambda n: "".join("    " * (i % 16) + "- x\n" for i in range(n)),
    "quotes-and-lists": lambda n: "".join("> " + "    " * (i % 15) + "- x\n" for i in range(n)),
}


def render_time(text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        card_text._render.cache_clear()
        card_text._markdown.cache_clear()
        start = time.perf_counter()
        card_text.render_markdown(text)
        best = min(best, time.perf_counter() - start)
    return best


def largest_accepted(shape: Callable[[int], str]) -> int:
    low, high = 1, 1
    while text_limit(shape(high)) is None and len(shape(high)) < 1_000_000:
        low, high = high, high * 2
    while low < high:
        middle = (low + high + 1) // 2
        if text_limit(shape(middle)) is None:
            low = middle
        else:
            high = middle - 1
    return low


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shapes", nargs="*", default=list(SHAPES))
    args = parser.parse_args()
    print(f"{'shape':18} {'n':>7} {'chars':>8} {'render':>9} {'prose':>9} {'ratio':>6} {'10x n, refused':>15}")
    for name in args.shapes:
        shape = SHAPES[name]
        n = largest_accepted(shape)
        text = shape(n)
        words = (("word " * 15 + "word\n") * (len(text) // 80 + 1))[: len(text)]  # prose, parsed
        shown, plain = render_time(text, args.repeat), render_time(words, args.repeat)
        refused = render_time(shape(10 * n), args.repeat)
        ratio = shown / plain if plain else float("inf")
        print(f"{name:18} {n:7d} {len(text):8d} {shown:8.3f}s {plain:8.3f}s {ratio:6.1f} {refused:14.3f}s")


if __name__ == "__main__":
    main()
