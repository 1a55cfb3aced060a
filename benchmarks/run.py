"""Performance figures for mkdocs-mltrl against MkDocs' own floor, from one run.

    python benchmarks/run.py [--sizes 1000 10000] [--baseline-sizes 1000] [--rebuild-sizes 1000]
                             [--validate-sizes 1000 10000] [--seed 1] [--repeat 1] [--keep DIR]

For each N it generates N realistic cards (benchmarks/generate.py) and measures, each as a whole
command in a child process (wall time, CPU time and the child's peak resident memory):

- plugin: `mkdocs build` of the N cards with the plugin (theme material, search, two-entry nav);
- floor: `mkdocs build` of N one-paragraph Markdown pages, same theme, search plugin and nav: what
  MkDocs itself needs for that many pages;
- content baseline (--baseline-sizes): N hand-written Markdown pages holding a card page's content;
- the search index's bytes per card;
- serve rebuild (--rebuild-sizes): the rebuild `mkdocs serve` does after one card changes (config
  reloaded, site rebuilt, in the server's process; best of --repeat edits), against the floor's
  cold build;
- `mltrl validate` (--validate-sizes), and growth from 1,000 cards to the largest N.

Times are seconds, best of --repeat, on this machine, side by side in the same run; the plugin's
build and the floor's run in turn, each from an empty site folder, and their ratio is the median of
the ratios pair by pair. Peak memory is each build's own: the cards are generated in a process of
their own, since a child counts the memory of the process it was started from. Tests never
assert times; this script only prints them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mkdocs_mltrl.core import default_gates, load_checklist

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

THEME = {"name": "material", "font": False}
NAV = [{"Home": "index.md"}, {"TRL Cards": "cards/index.md"}]
BUILD = [sys.executable, "-m", "mkdocs", "build", "-q"]


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    rss: int  # peak resident memory of the child, KiB

    @property
    def mib(self) -> float:
        return self.rss / 1024


def run(command: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> Run:
    """Wall time, CPU time and peak resident memory of one command (its own rusage, via wait4).
    A build starts with no site folder, as a first build does (a repeated one would first delete
    the last one's, which MkDocs does slowly for thousands of pages)."""
    if command == BUILD:
        shutil.rmtree(cwd / "site", ignore_errors=True)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    stderr = process.stderr.read().decode()  # read before waiting: a full pipe would block the child
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if process.returncode not in ok:
        raise SystemExit(f"{' '.join(command[:5])} failed ({process.returncode}):\n{stderr[-3000:]}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def _best(results: list[Run]) -> Run:
    return Run(min(r.wall for r in results), min(r.cpu for r in results), max(r.rss for r in results))


def best(command: list[str], cwd: Path, repeat: int, ok: tuple[int, ...] = (0,)) -> Run:
    return _best([run(command, cwd, ok) for _ in range(repeat)])


def paired(first: Path, second: Path, repeat: int) -> tuple[Run, Run, float]:
    """Builds of two sites in turn, ``repeat`` times: the best of each, and the median of the
    ratios pair by pair (a machine whose speed drifts slows both builds of a pair alike)."""
    pairs = [(run(BUILD, first), run(BUILD, second)) for _ in range(repeat)]
    ratio = statistics.median(a.wall / b.wall for a, b in pairs)
    return _best([a for a, _ in pairs]), _best([b for _, b in pairs]), ratio


def _cell(value: Any) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def _history_svg(history: list[dict[str, Any]]) -> str:
    """The level-over-time chart, as an author would paste it into Markdown (inline SVG)."""
    from datetime import date

    days = [date.fromisoformat(e["date"]).toordinal() for e in history]
    span = max(max(days) - min(days), 1)
    points = [
        (36 + 588 * (d - min(days)) / span, 12 + 180 * (9 - e["level"]) / 9) for d, e in zip(days, history, strict=True)
    ]
    path = "M " + " ".join(f"{x:.1f} {y:.1f}" for x, y in points)
    grid = " ".join(f"M 36 {12 + 20 * n} H 624" for n in range(10))
    marks = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5"/>' for x, y in points)
    return (
        f'<svg viewBox="0 0 640 220" width="640" height="220"><path d="{grid}" stroke="#ccc"/>'
        f'<path d="{path}" fill="none" stroke="#1f6fb2"/>{marks}</svg>'
    )


def card_markdown(card: dict[str, Any], questions: dict[str, str], gates: list[tuple[int, str, str]]) -> str:
    """The content of a card page, written by hand as Markdown (the plain baseline): every section
    and table that the plugin's page shows, with the same information."""
    people = lambda ps: ", ".join(p if isinstance(p, str) else p["name"] for p in ps)  # noqa: E731
    out = [f"# {card['name']}", "", f"Level {card['level']} · {card['status']} · `{card['id']}`", "", "## Summary", ""]
    out += ["| | |", "|---|---|", f"| Technology | {_cell(card['name'])} (`{card['id']}`) |"]
    out += [f"| Level | {card['level']} |", "| Stage | stage |", f"| System level | {card['level']} |"]
    out += [f"| Status | {card['status']} |", f"| Owners | {_cell(people(card['owners']))} |"]
    out += [f"| Reviewers | {_cell(people(card['reviewers']))} |"]
    out += ["| Links | " + " · ".join(f"[{k}]({v})" for k, v in card["links"].items()) + " |"]
    out += ["| Components | " + ", ".join(f"[{c}](../{c}.md)" for c in card["components"]) + " |"]
    out += ["| Versions | " + " · ".join(f"{k} `{v}`" for k, v in card["versions"].items()) + " |"]
    out += [
        "| Tags | " + " ".join(f"`{t}`" for t in card["tags"]) + " |",
        f"| Last review | {card['history'][-1]['date']} |",
        "",
    ]
    out += ["Link to this card: `[![MLTRL](badge.svg)](./)`", ""]
    out += ["## TL;DR", "", card["summary"], "", "## Model / algorithm", "", card["model"], ""]
    out += ["## Intended use", "", "### Intended", "", card["intended_use"]["intended"], ""]
    out += ["### Unacceptable", "", card["intended_use"]["unacceptable"], ""]
    out += [
        "## Requirements",
        "",
        "| ID | Requirement | Kind | Verification | Validation | Status | Risk |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in card["requirements"]:
        score = r["risk"]["p_failure"] * r["risk"]["value"]
        out.append(
            f"| {r['id']} | {_cell(r['text'])} | {r['kind']} | {_cell(r['verification'])} | {_cell(r['validation'])} | {r['status']} | {score:.2f} |"
        )
    out += ["", "## Risk matrix", "", "| p \\ value | 1-2 | 3-4 | 5-6 | 7-8 | 9-10 |", "|---|---|---|---|---|---|"]
    cells = {}
    for label, p, v in [(f"R{r['id']}", r["risk"]["p_failure"], r["risk"]["value"]) for r in card["requirements"]] + [
        (k["id"], k["p_failure"], k["value"]) for k in card["risks"]
    ]:
        cells.setdefault((4 - min(int(p * 5), 4), (v - 1) // 2), []).append(f"[{label}](#)")
    for row, band in enumerate(("0.8-1", "0.6-0.8", "0.4-0.6", "0.2-0.4", "0-0.2")):
        out.append(f"| {band} | " + " | ".join(" ".join(cells.get((row, col), [])) for col in range(5)) + " |")
    out += [
        "",
        "### Risks",
        "",
        "| ID | Risk | p | Value | Score | Status | Owner | Mitigation | Threatens |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for k in card["risks"]:
        out.append(
            f"| {k['id']} | {_cell(k['title'])} | {k['p_failure']} | {k['value']} | {k['p_failure'] * k['value']:.2f} | {k['status']} | — | {_cell(k['mitigation'])} | "
            + ", ".join(f"[{q}](#)" for q in k["requirements"])
            + " |"
        )
    out += ["", "## Testing", "", card["testing"]["summary"], "", "| Suite | Kind | Status |", "|---|---|---|"]
    out += [f"| {s['name']} | {s['kind']} | {s['status']} |" for s in card["testing"]["suites"]]
    out += [
        "",
        "## Data considerations",
        "",
        card["data"]["summary"],
        "",
        "| Dataset | Version | Role | Source | Datasheet | Notes |",
        "|---|---|---|---|---|---|",
    ]
    out += [f"| {d['name']} | {d['version']} | {d['role']} | {d['source']} | — | |" for d in card["data"]["datasets"]]
    out += ["", "## Caveats", ""] + [f"- {c}" for c in card["caveats"]]
    answers = card["ethics"]["answers"]
    out += ["", "## Ethics checklist", "", f"**{len(answers)} of {len(questions)}** items answered.", ""]
    out += ["| Question | Status | Notes |", "|---|---|---|"]
    out += [
        f"| {_cell(q)} | {answers.get(i, {}).get('status', 'open')} | {_cell(answers.get(i, {}).get('notes', ''))} |"
        for i, q in questions.items()
    ]
    out += ["", "## Level history", "", _history_svg(card["history"]), ""]
    out += ["| Date | Event | Level | Review panel | Notes |", "|---|---|---|---|---|"]
    out += [
        f"| {e['date']} | {e['event']} {e.get('switchback', '')} | {e['level']} | {_cell(', '.join(e.get('reviewers', [])))} | |"
        for e in card["history"]
    ]
    due = [g for g in gates if g[0] == card["level"]]
    out += [
        "",
        "## Readiness gates",
        "",
        f"Deliverables up to level {card['level']}.",
        "",
        "| Level | Deliverable | Met | Code |",
        "|---|---|---|---|",
    ]
    out += [f"| {lvl} | {_cell(text)} | yes | {code} |" for lvl, text, code in due]
    out += ["", "### To graduate", ""] + [
        f"- {_cell(text)} `{code}`" for lvl, text, code in gates if lvl == card["level"] + 1
    ]
    out += ["", "## Stage debrief", ""] + [f"**{d['question']}** {d['answer']}" for d in card["debrief"]]
    return "\n".join(out) + "\n"


def _site(root: Path, plugins: list[Any]) -> None:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    config = {"site_name": "Bench", "theme": THEME, "nav": NAV, "plugins": plugins}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))


def make_plugin_site(root: Path, n: int, seed: int) -> list[Path]:
    """N generated cards and the site that shows them. The cards are made in a process of their
    own: a child started from this one would count this one's memory as its own peak."""
    subprocess.run([sys.executable, str(Path(__file__).with_name("generate.py")), str(root / "cards"), str(n),
                    "--seed", str(seed)], check=True, env=ENV, stdout=subprocess.DEVNULL)  # fmt: skip
    _site(root, ["search", "mltrl"])
    return sorted((root / "cards").glob("*.yaml"))


def make_floor_site(root: Path, n: int) -> None:
    """N one-paragraph Markdown pages: what MkDocs needs for N pages, whatever they hold."""
    _site(root, ["search"])
    cards = root / "docs" / "cards"
    cards.mkdir(parents=True)
    (cards / "index.md").write_text("# TRL Cards\n")
    for i in range(n):
        (cards / f"page-{i}.md").write_text(f"# Page {i}\n\nOne paragraph of text on page {i}.\n")


def make_baseline_site(root: Path, paths: list[Path]) -> None:
    """The content baseline: each card page's content written by hand as Markdown."""
    _site(root, ["search"])
    cards_dir = root / "docs" / "cards"
    cards_dir.mkdir(parents=True)
    checklist, _ = load_checklist()
    assert checklist is not None
    questions = {item.id: item.question for section in checklist.sections for item in section.items}
    gates = [(g.level, g.description, g.code) for g in default_gates().gates]
    rows = ["# TRL Cards", "", "| ID | Name | Level | System level | Stage | Status | Owners | Last review | Gates |"]
    rows.append("|---|---|---|---|---|---|---|---|---|")
    for path in paths:
        card = yaml.safe_load(path.read_text())
        (cards_dir / f"{card['id']}.md").write_text(card_markdown(card, questions, gates))
        owners = ", ".join(o if isinstance(o, str) else o["name"] for o in card["owners"])
        rows.append(
            f"| [{card['id']}]({card['id']}.md) | {_cell(card['name'])} | {card['level']} | {card['level']} | stage "
            f"| {card['status']} | {_cell(owners)} | {card['history'][-1]['date']} | met |"
        )
    (cards_dir / "index.md").write_text("\n".join(rows) + "\n")


REBUILD = """
import os, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
os.environ["NO_MKDOCS_2_WARNING"] = "1"
import logging; logging.disable(logging.INFO)
card = Path(sys.argv[1])
def once():
    start = time.perf_counter()
    config = load_config("mkdocs.yml")  # as `mkdocs serve` reloads the config for each rebuild
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    return time.perf_counter() - start
once()  # the server's first build
text = card.read_text()
for edit in range(int(sys.argv[2])):  # each rebuild after another edit of the card's name
    card.write_text(text.replace("name: ", f"name: Edited {edit} ", 1))
    print(once())
"""


def rebuild_time(site: Path, card: Path, repeat: int) -> float:
    """The best of ``repeat`` rebuilds, each after an edit of one card, in one server's process."""
    command = [sys.executable, "-c", REBUILD, str(card), str(repeat)]
    done = subprocess.run(command, cwd=site, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"rebuild failed:\n{done.stderr[-3000:]}")
    return min(float(line) for line in done.stdout.strip().splitlines()[-repeat:])


def index_bytes(site: Path) -> int:
    return (site / "site" / "search" / "search_index.json").stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--baseline-sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--rebuild-sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--validate-sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the generated sites in this folder (created if missing)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"seed {args.seed}, best of {args.repeat}; times in seconds (wall / CPU), memory is peak RSS\n")
    rows: list[dict[str, Any]] = []
    for n in args.sizes:
        base = Path(tempfile.mkdtemp(prefix=f"mltrl-bench-{n}-", dir=args.keep))
        paths = make_plugin_site(base / "plugin", n, args.seed)
        make_floor_site(base / "floor", n)
        plugin, floor, ratio = paired(base / "plugin", base / "floor", args.repeat)
        row: dict[str, Any] = {"n": n, "plugin": plugin.__dict__, "floor": floor.__dict__, "ratio": ratio}
        row["index_bytes_per_card"] = index_bytes(base / "plugin") / n
        print(f"N={n}: build {plugin.wall:.1f} s (CPU {plugin.cpu:.1f}) with the plugin, floor {floor.wall:.1f} s "
              f"(CPU {floor.cpu:.1f}) -> ratio {row['ratio']:.2f} (CPU {plugin.cpu / floor.cpu:.2f})")  # fmt: skip
        print(f"N={n}: peak RSS {plugin.mib:.0f} MiB with the plugin, {floor.mib:.0f} MiB floor")
        print(f"N={n}: search index {index_bytes(base / 'plugin') / 1e6:.2f} MB, "
              f"{row['index_bytes_per_card']:.0f} bytes per card")  # fmt: skip
        if n in args.baseline_sizes:
            make_baseline_site(base / "baseline", paths)
            baseline = best(BUILD, base / "baseline", args.repeat)
            row["baseline"] = baseline.__dict__
            print(f"N={n}: content baseline {baseline.wall:.1f} s (CPU {baseline.cpu:.1f}), {baseline.mib:.0f} MiB "
                  f"-> plugin / baseline {plugin.wall / baseline.wall:.2f}")  # fmt: skip
        if n in args.rebuild_sizes:
            rebuild = rebuild_time(base / "plugin", paths[len(paths) // 2], args.repeat)
            row["rebuild"] = rebuild
            print(f"N={n}: serve rebuild after one card edit {rebuild:.1f} s -> {rebuild / floor.wall:.2f} x the floor's "
                  f"cold build")  # fmt: skip
        if n in args.validate_sizes:
            validate = best(
                [sys.executable, "-m", "mkdocs_mltrl", "validate", "cards"], base / "plugin", args.repeat, (0, 1)
            )
            row["validate"] = validate.__dict__
            print(f"N={n}: mltrl validate {validate.wall:.1f} s (CPU {validate.cpu:.1f}), {validate.mib:.0f} MiB")
        rows.append(row)
        print()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    by_n = {row["n"]: row for row in rows}
    if 1000 in by_n and max(by_n) > 1000:
        small, large = by_n[1000], by_n[max(by_n)]
        factor = large["n"] / 1000
        print(f"growth 1000 -> {large['n']} (linear {factor:.0f}x): build {large['plugin']['wall'] / small['plugin']['wall']:.2f}x, "
              f"floor {large['floor']['wall'] / small['floor']['wall']:.2f}x", end="")  # fmt: skip
        if "validate" in small and "validate" in large:
            print(f", validate {large['validate']['wall'] / small['validate']['wall']:.2f}x", end="")
        print()
    print("\n| N | plugin build | floor | ratio | content baseline | peak RSS plugin | peak RSS floor "
          "| index bytes/card | serve rebuild | validate |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        base_t = f"{row['baseline']['wall']:.1f} s" if "baseline" in row else "—"
        rebuild_t = (
            f"{row['rebuild']:.1f} s ({row['rebuild'] / row['floor']['wall']:.2f}x floor)" if "rebuild" in row else "—"
        )
        validate_t = f"{row['validate']['wall']:.1f} s" if "validate" in row else "—"
        print(f"| {row['n']:,} | {row['plugin']['wall']:.1f} s | {row['floor']['wall']:.1f} s | {row['ratio']:.2f} "
              f"| {base_t} | {row['plugin']['rss'] / 1024:.0f} MiB | {row['floor']['rss'] / 1024:.0f} MiB "
              f"| {row['index_bytes_per_card']:,.0f} | {rebuild_t} | {validate_t} |")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
