"""Side-by-side performance figures for mkdocs-mltrl, from one run.

    python benchmarks/run.py [--sizes 100 1000 5000] [--seed 1] [--repeat 1] [--validate-sizes 100 1000]

For each N it generates N realistic cards (benchmarks/generate.py) and prints:

- build ratio: `mkdocs build` of the N cards with the plugin, against a plain `mkdocs build` of N
  hand-written Markdown pages holding the same content, same theme (material), same nav size;
- growth: build time at the largest N divided by build time at 1,000 (5.0 is linear for 5,000);
- validate ratio: `mltrl validate` against `check-jsonschema` on the same files and schema;
- rebuild ratio: the rebuild `mkdocs serve` does after one card changes, against a cold build;
- peak memory of the plugin build at the largest N.

Times are wall-clock seconds of whole commands (best of --repeat), measured on this machine, side by
side in the same run. Tests never assert times; this script only prints them.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

from mkdocs_mltrl.checklist import load_checklist
from mkdocs_mltrl.gates import GATES

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

THEME = {"name": "material", "font": False}
NAV = [{"Home": "index.md"}, {"TRL Cards": "cards/index.md"}]


def run(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time and peak resident memory (KiB) of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1) or (code == 1 and "validate" not in command and "check-jsonschema" not in command[0]):
        raise SystemExit(f"{' '.join(command[:4])} failed ({code}):\n{stderr[-3000:]}")
    return elapsed, usage.ru_maxrss


def best(command: list[str], cwd: Path, repeat: int) -> tuple[float, int]:
    results = [run(command, cwd) for _ in range(repeat)]
    return min(r[0] for r in results), max(r[1] for r in results)


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


def make_sites(base: Path, n: int, seed: int) -> tuple[Path, Path, list[Path]]:
    plugin_site, plain_site = base / "plugin", base / "plain"
    paths = generate(plugin_site / "cards", n, seed)
    (plugin_site / "docs").mkdir(parents=True)
    (plugin_site / "docs" / "index.md").write_text("# Home\n")
    (plugin_site / "mkdocs.yml").write_text(
        yaml.safe_dump({"site_name": "Bench", "theme": THEME, "nav": NAV, "plugins": ["search", "mltrl"]})
    )
    cards_dir = plain_site / "docs" / "cards"
    cards_dir.mkdir(parents=True)
    (plain_site / "docs" / "index.md").write_text("# Home\n")
    checklist, _ = load_checklist()
    assert checklist is not None
    questions = {item.id: item.question for section in checklist.sections for item in section.items}
    gates = [(g.level, g.description, g.code) for g in GATES]
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
    (plain_site / "mkdocs.yml").write_text(
        yaml.safe_dump({"site_name": "Bench", "theme": THEME, "nav": NAV, "plugins": ["search"]})
    )
    return plugin_site, plain_site, paths


REBUILD = """
import os, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
os.environ["NO_MKDOCS_2_WARNING"] = "1"
import logging; logging.disable(logging.INFO)
card = Path(sys.argv[1])
def once():
    config = load_config("mkdocs.yml")  # as `mkdocs serve` reloads the config for each rebuild
    config.plugins.on_startup(command="serve", dirty=False)
    start = time.perf_counter()
    build(config)
    return time.perf_counter() - start
once()  # the server's first build
text = card.read_text()
card.write_text(text.replace("name: ", "name: Edited ", 1))
print(once())
"""


def rebuild_time(site: Path, card: Path) -> float:
    done = subprocess.run([sys.executable, "-c", REBUILD, str(card)], cwd=site, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"rebuild failed:\n{done.stderr[-3000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--validate-sizes", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--rebuild-sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the generated sites in this folder")
    args = parser.parse_args()
    checker = shutil.which("check-jsonschema")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"seed {args.seed}, best of {args.repeat}\n")
    builds: dict[int, float] = {}
    peak = 0
    for n in args.sizes:
        base = Path(tempfile.mkdtemp(prefix=f"mltrl-bench-{n}-", dir=args.keep))
        plugin_site, plain_site, paths = make_sites(base, n, args.seed)
        plugin_t, plugin_mem = best([sys.executable, "-m", "mkdocs", "build", "-q"], plugin_site, args.repeat)
        plain_t, _ = best([sys.executable, "-m", "mkdocs", "build", "-q"], plain_site, args.repeat)
        builds[n], peak = plugin_t, plugin_mem
        print(
            f"N={n}: build {plugin_t:.1f} s with the plugin, {plain_t:.1f} s plain -> build ratio {plugin_t / plain_t:.2f}"
        )
        if n in args.validate_sizes and checker:
            mltrl_t, _ = best([sys.executable, "-m", "mkdocs_mltrl", "validate", "cards"], plugin_site, args.repeat)
            schema = str(ROOT / "schemas" / "card.schema.json")
            check_t, _ = best([checker, "--schemafile", schema, *map(str, paths)], plugin_site, args.repeat)
            print(
                f"N={n}: validate {mltrl_t:.1f} s, check-jsonschema {check_t:.1f} s -> validate ratio {mltrl_t / check_t:.2f}"
            )
        if n in args.rebuild_sizes:
            rebuild = rebuild_time(plugin_site, paths[len(paths) // 2])
            print(
                f"N={n}: rebuild after one card changes {rebuild:.1f} s, cold build {plugin_t:.1f} s -> rebuild ratio {rebuild / plugin_t:.2f}"
            )
        print(f"N={n}: peak memory of the plugin build {plugin_mem / 1024:.0f} MiB")
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    if 1000 in builds and len(builds) > 1 and max(builds) > 1000:
        largest = max(builds)
        print(
            f"\ngrowth: build at {largest} / build at 1000 = {builds[largest] / builds[1000]:.2f} (linear: {largest / 1000:.1f})"
        )
    print(f"peak memory at N={max(builds)}: {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
