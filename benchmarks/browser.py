"""What a reader waits for in the browser, at 100 and 10,000 cards, side by side in one run.

    python benchmarks/browser.py [--sizes 100 10000] [--repeat 3] [--seed 1] [--keep DIR] [--site N=DIR ...]
                                 [--json figures.json]

For each N it generates N cards (benchmarks/generate.py), builds them with the plugin (theme
material, search; as benchmarks/run.py does), serves the site on 127.0.0.1 and opens it in headless
Chromium (Playwright, Debian's /usr/bin/chromium or MLTRL_CHROMIUM), HTTP cache off, a fresh page
for each measurement. Reported, medians of --repeat runs, milliseconds from the navigation's start:

- index and portfolio: HTML bytes, DOM elements once the page is ready;
- index load: until the first rows are painted, and until it is ready (its filter form shown and
  painted: the script set up, and for a paged index its data read);
- sort: a click on the Name header until the first row is the A-Z first card of all cards, painted;
- filter: one input event with a card's name in the text filter until only the matching rows are
  shown, painted;
- portfolio load: until the load event, painted;
- search: from opening the home page until Material's result list links the card, its name typed
  into the search box as soon as the page's HTML is read (Material queries again once its worker
  is ready); and when the worker said it was ready. Then where that time goes, step by step, on
  a loaded page: the index downloaded, parsed, handed to a worker, Material's worker building its
  index, one query (the card's name);
- cards reachable without JavaScript: card links on the index and the pages its pager links to.

Each figure at a larger N is also printed as a ratio to the smallest N's. Tests never assert
times; this script only prints them.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BUILD, ENV, make_plugin_site

CHROMIUM = os.environ.get("MLTRL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip

#: In-page marks, installed before any script of the page runs.
INIT = r"""
(() => {
  const marks = window.__marks = {};
  const painted = (name) => requestAnimationFrame(() => setTimeout(() => { marks[name] = performance.now(); }, 0));
  const watch = new MutationObserver(() => {
    if (marks.rows === undefined && document.querySelector("table.mltrl-cards tbody tr")) {
      marks.rows = performance.now(); painted("rowsPainted");
    }
    const form = document.querySelector("form.mltrl-filter");
    if (marks.ready === undefined && form && !form.hidden) { marks.ready = performance.now(); painted("readyPainted"); }
  });
  watch.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"] });
  window.addEventListener("load", () => { marks.load = performance.now(); painted("loadPainted"); });
  window.__until = (condition, timeout = 120000) => new Promise((resolve, reject) => {
    const start = performance.now();
    const step = () => {
      let ok = false;
      try { ok = condition(); } catch (e) { ok = false; }
      if (ok) { requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)); return; }
      if (performance.now() - start > timeout) { reject(new Error("timeout")); return; }
      requestAnimationFrame(step);
    };
    step();
  });
  window.__shown = () => [...document.querySelectorAll("table.mltrl-cards tbody tr")]
    .filter(r => !r.hidden).map(r => r.cells[1].textContent.trim());
  const W = window.Worker;  // Material's search worker: when it answers "ready"
  if (W) {
    window.Worker = function (url, options) {
      const worker = new W(url, options);
      worker.addEventListener("message", e => {
        if (e.data && e.data.type === 1 && marks.searchReady === undefined) marks.searchReady = performance.now();
      });
      return worker;
    };
    window.Worker.prototype = W.prototype;
  }
})();
"""

SORT = """async (first) => {
  const button = document.querySelector("th[data-sort=name] button");
  const start = performance.now();
  button.click();
  const end = await window.__until(() => button.closest("th").getAttribute("aria-sort") === "ascending"
    && window.__shown()[0] === first);
  return end - start;
}"""

FILTER = """async ([text, name, count]) => {
  const input = document.querySelector("form.mltrl-filter input[name=text]");
  const start = performance.now();
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  const end = await window.__until(() => { const shown = window.__shown();
    return shown.length === count && shown.includes(name); });
  return end - start;
}"""

SEARCH = """async (href) => window.__until(() => [...document.querySelectorAll(".md-search-result__list a[href]")]
  .some(a => new URL(a.getAttribute("href"), location.href).pathname.endsWith("/" + href)))"""


#: Where Material's search spends its time before it answers, step by step, on a page of the site:
#: the index file downloaded, parsed, handed to a worker (a structured clone), Material's own worker
#: set up with it (the hand-over again, then its Lunr index built), and one query answered.
BREAKDOWN = """async (query) => {
  const config = JSON.parse(document.getElementById("__config").textContent);
  const base = new URL(config.base + "/", location.href);
  const out = {};
  let t = performance.now();
  const text = await (await fetch(new URL("search/search_index.json", base), { cache: "no-store" })).text();
  out.download = performance.now() - t;
  t = performance.now();
  const data = JSON.parse(text);
  out.parse = performance.now() - t;
  const echo = new Worker(URL.createObjectURL(new Blob(["onmessage = e => postMessage(0)"])));
  await new Promise(r => { echo.onmessage = r; echo.postMessage(0); });
  t = performance.now();
  await new Promise(r => { echo.onmessage = r; echo.postMessage(data); });
  out.handover = performance.now() - t;
  echo.terminate();
  const worker = new Worker(new URL(config.search, location.href));
  const reply = () => new Promise(r => { worker.onmessage = e => r(e.data); });
  t = performance.now();
  let answer = reply();
  worker.postMessage({ type: 0, data: { config: data.config, docs: data.docs, options: { suggest: false } } });
  await answer;
  out.build = performance.now() - t - out.handover;
  t = performance.now();
  answer = reply();
  worker.postMessage({ type: 2, data: query });
  const result = await answer;
  out.query = performance.now() - t;
  out.results = result.data.items.length;
  worker.terminate();
  return out;
}"""

STEPS = ("download", "parse", "handover", "build", "query")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Browser:
    def __init__(self, playwright: Any) -> None:
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

    @contextlib.contextmanager
    def page(self) -> Iterator[Any]:
        """A fresh page, HTTP cache off, with the marks installed."""
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.add_init_script(INIT)
        page.set_default_timeout(180000)
        try:
            yield page
        finally:
            context.close()


def cards_of(site: Path) -> list[dict[str, str]]:
    """Id, name and URL (from the site's root) of every card, in the index's order."""
    data = site / "cards" / "index.json"
    if data.exists():
        return [{"id": r[0], "name": r[1], "href": "cards/" + r[2]} for r in json.loads(data.read_text())["rows"]]
    html = (site / "cards" / "index.html").read_text(encoding="utf-8")
    found = re.findall(
        r'<td nowrap><a href="([^"]+)"><code>([^<]+)</code></a></td><td><a href="[^"]+">([^<]+)</a>', html
    )
    import html as markup

    return [{"id": markup.unescape(i), "name": markup.unescape(n), "href": "cards/" + h} for h, i, n in found]


def reachable(site: Path) -> int:
    """Cards linked from the index and from the pages its pager links to, followed as plain links."""
    pages, seen, cards = ["cards/"], {"cards/"}, set()
    row = re.compile(r'<td nowrap><a href="([^"]+)"><code>')
    pager = re.compile(r'<nav class="mltrl-pager".*?</nav>', re.S)
    for url in pages:
        html = (site / url / "index.html").read_text(encoding="utf-8")
        cards.update(urljoin(url, href) for href in row.findall(html))
        for block in pager.findall(html):
            for href in re.findall(r'href="([^"]+)"', block):
                target = urljoin(url, href)
                if target not in seen:
                    seen.add(target)
                    pages.append(target)
    return sum(1 for url in cards if (site / url / "index.html").is_file())


def loaded(browser: Browser, url: str, until: str) -> dict[str, Any]:
    """Bytes, elements and marks of a page opened until the mark ``until``."""
    with browser.page() as page:
        page.goto(url, wait_until="load")
        page.wait_for_function(f"window.__marks.{until} !== undefined")
        page.wait_for_timeout(300)  # Material's own setup settles
        return {
            "marks": page.evaluate("window.__marks"),
            "elements": page.evaluate("document.getElementsByTagName('*').length"),
            "html_bytes": page.evaluate("performance.getEntriesByType('navigation')[0].encodedBodySize"),
        }


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r["marks"][key] for r in runs if r["marks"].get(key) is not None]
    return statistics.median(values) if values else None


def timed(browser: Browser, url: str, script: str, argument: Any, repeat: int) -> float:
    """Median of ``script`` run on the index once it is ready, a fresh page each time."""
    times = []
    for _ in range(repeat):
        with browser.page() as page:
            page.goto(url, wait_until="load")
            page.wait_for_function("window.__marks.readyPainted !== undefined")
            page.wait_for_timeout(300)
            times.append(page.evaluate(script, argument))
    return statistics.median(times)


def measure(site: Path, repeat: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    cards = cards_of(site)
    first = min(cards, key=lambda c: c["name"].lower())["name"]  # ties: the page's order, as the script keeps it
    target = cards[len(cards) // 2]
    query = target["name"].lower()
    matching = sum(1 for c in cards if query in c["name"].lower())
    sought = cards[len(cards) // 3]
    out: dict[str, Any] = {"cards": len(cards), "reachable": reachable(site)}
    with serve(site) as base, sync_playwright() as playwright:
        browser = Browser(playwright)
        runs = [loaded(browser, base + "cards/", "readyPainted") for _ in range(repeat)]
        out["index"] = {"html_bytes": runs[0]["html_bytes"], "elements": runs[0]["elements"],
                        "rows_ms": median_of(runs, "rowsPainted"), "ready_ms": median_of(runs, "readyPainted")}  # fmt: skip
        out["index"]["sort_ms"] = timed(browser, base + "cards/", SORT, first, repeat)
        out["index"]["filter_ms"] = timed(browser, base + "cards/", FILTER, [query, target["name"], matching], repeat)
        runs = [loaded(browser, base + "cards/portfolio/", "loadPainted") for _ in range(repeat)]
        out["portfolio"] = {"html_bytes": runs[0]["html_bytes"], "elements": runs[0]["elements"],
                            "load_ms": median_of(runs, "loadPainted")}  # fmt: skip
        found, ready = [], []
        for _ in range(repeat):
            with browser.page() as page:
                page.goto(base, wait_until="domcontentloaded")
                box = page.locator("input[data-md-component=search-query]")
                box.fill(sought["name"])
                box.press("End")  # Material reads the query on a key-up
                found.append(page.evaluate(SEARCH, sought["href"]))
                ready.append(page.evaluate("window.__marks.searchReady"))
        out["search"] = {"found_ms": statistics.median(found), "worker_ready_ms": statistics.median(ready),
                         "index_bytes": (site / "search" / "search_index.json").stat().st_size, "query": sought["name"]}  # fmt: skip
        steps = []
        for _ in range(repeat):
            with browser.page() as page:
                page.goto(base, wait_until="load")
                steps.append(page.evaluate(BREAKDOWN, sought["name"]))
        out["search"].update({f"{step}_ms": statistics.median(s[step] for s in steps) for step in STEPS})
        out["search"]["entries"] = len(json.loads((site / "search" / "search_index.json").read_text())["docs"])
        browser.browser.close()
    return out


#: (label, figure) of each reported figure, in order.
FIGURES: list[tuple[str, Callable[[dict[str, Any]], float | None]]] = [
    ("index HTML, bytes", lambda f: f["index"]["html_bytes"]),
    ("index DOM elements", lambda f: f["index"]["elements"]),
    ("index: first rows painted, ms", lambda f: f["index"]["rows_ms"]),
    ("index: ready (filter shown), ms", lambda f: f["index"]["ready_ms"]),
    ("index: sort click to sorted rows, ms", lambda f: f["index"]["sort_ms"]),
    ("index: filter to matching rows, ms", lambda f: f["index"]["filter_ms"]),
    ("portfolio HTML, bytes", lambda f: f["portfolio"]["html_bytes"]),
    ("portfolio DOM elements", lambda f: f["portfolio"]["elements"]),
    ("portfolio: load, ms", lambda f: f["portfolio"]["load_ms"]),
    ("search index, bytes", lambda f: f["search"]["index_bytes"]),
    ("search index, entries", lambda f: f["search"]["entries"]),
    ("search: download, ms", lambda f: f["search"]["download_ms"]),
    ("search: JSON parse, ms", lambda f: f["search"]["parse_ms"]),
    ("search: hand-over to a worker, ms", lambda f: f["search"]["handover_ms"]),
    ("search: index built in the worker, ms", lambda f: f["search"]["build_ms"]),
    ("search: one query, ms", lambda f: f["search"]["query_ms"]),
    ("search: worker ready, ms", lambda f: f["search"]["worker_ready_ms"]),
    ("search: page open to the card found, ms", lambda f: f["search"]["found_ms"]),
]


def table(rows: dict[int, dict[str, Any]]) -> str:
    sizes = sorted(rows)
    head = "| figure | " + " | ".join(f"{n:,} cards" for n in sizes)
    head += "".join(f" | {n:,} / {sizes[0]:,}" for n in sizes[1:]) + " |"
    lines = [head, "|---" * (len(sizes) * 2) + "|"]
    for label, figure in FIGURES:
        values = [figure(rows[n]) for n in sizes]
        cells = ["—" if v is None else f"{v:,.0f}" for v in values]
        ratios = [f"{v / values[0]:.2f}x" if v is not None and values[0] else "—" for v in values[1:]]
        lines.append(f"| {label} | " + " | ".join(cells + ratios) + " |")
    reach = [f"{rows[n]['reachable']:,} of {rows[n]['cards']:,}" for n in sizes]
    lines.append("| cards reachable without JavaScript | " + " | ".join(reach + ["—"] * (len(sizes) - 1)) + " |")
    return "\n".join(lines)


def build(n: int, seed: int, keep: Path | None) -> Path:
    root = Path(tempfile.mkdtemp(prefix=f"mltrl-browser-{n}-", dir=keep))
    make_plugin_site(root, n, seed)
    done = subprocess.run(BUILD, cwd=root, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the build of {n} cards failed:\n{done.stderr[-3000:]}")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the generated sites in this folder (created if missing)")
    parser.add_argument("--site", action="append", default=[], metavar="N=DIR",
                        help="measure an already built site (DIR holds mkdocs.yml and site/) for size N")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    given = {int(n): Path(d) for n, d in (s.split("=", 1) for s in args.site)}
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"Chromium {CHROMIUM}; seed {args.seed}, median of {args.repeat}\n")  # fmt: skip
    rows: dict[int, dict[str, Any]] = {}
    for n in sorted(set(args.sizes) | set(given)):
        root = given.get(n) or build(n, args.seed, args.keep)
        try:
            rows[n] = measure(root / "site", args.repeat)
        finally:
            if n not in given and not args.keep:
                shutil.rmtree(root, ignore_errors=True)
        print(f"N={n:,}: " + json.dumps(rows[n]), flush=True)
    print("\n" + table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
