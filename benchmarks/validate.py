"""Side by side: `mltrl validate` against `check-jsonschema` on the same generated cards, and the
cost of "did you mean" suggestions when many cards name components that have no card.

    python benchmarks/validate.py [--n 1000] [--seed 1] [--repeat 3]
    python benchmarks/validate.py --unknown-components 0.5 [--n 10000] [--seed 1] [--repeat 3] [--keep DIR]

The first form prints the wall time of each (best of --repeat) and the ratio mltrl /
check-jsonschema. mltrl also runs the MLTRL rules and the readiness gates; check-jsonschema only
the schema.

With --unknown-components F, the share F of the cards also names a component id with no card in
the portfolio (a near miss of a real id, or a name unlike any), each reported as MLTRL002 with a
suggestion looked up among all N ids. It prints `mltrl validate` on that portfolio against the
same portfolio without the unknown names, and the ratio.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

ROOT = Path(__file__).resolve().parent.parent
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def best_time(command: list[str], repeat: int, ok_codes: tuple[int, ...] = (0,)) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode not in ok_codes:
            raise SystemExit(
                f"{command[0]} failed ({result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
            )
    return min(times)


def near_miss(card_id: str, rng: random.Random) -> str:
    """An id no card has: a real id with a character added, or a name unlike any id."""
    if rng.random() < 0.5:
        at = rng.randrange(1, len(card_id))
        return card_id[:at] + rng.choice("xyz") + card_id[at:]
    return f"vendor-{rng.choice(['solver', 'parser', 'ranker', 'store'])}-{rng.randrange(10**6)}"


def name_unknown_components(paths: list[Path], share: float, seed: int) -> int:
    """Add a component that has no card to ``share`` of the cards; returns how many were changed."""
    rng = random.Random(seed)
    ids = [p.stem for p in paths]
    changed = 0
    for path in paths:
        if rng.random() >= share:
            continue
        text = path.read_text(encoding="utf-8")
        hint, body = text.split("\n", 1)
        card = yaml.load(body, Loader=LOADER)
        card["components"] = [*card.get("components", []), near_miss(rng.choice(ids), rng)]
        path.write_text(hint + "\n" + yaml.dump(card, Dumper=DUMPER, sort_keys=False, width=100), encoding="utf-8")
        changed += 1
    return changed


def schema_case(args: argparse.Namespace) -> None:
    checker = shutil.which("check-jsonschema")
    if checker is None:
        raise SystemExit('check-jsonschema is not installed: pip install -e ".[bench]"')
    with tempfile.TemporaryDirectory() as tmp:
        cards = Path(tmp) / "cards"
        paths = generate(cards, args.n, args.seed)
        mltrl = best_time([sys.executable, "-m", "mkdocs_mltrl", "validate", str(cards)], args.repeat)
        baseline = best_time(
            [checker, "--schemafile", str(ROOT / "schemas" / "card.schema.json"), *map(str, paths)], args.repeat
        )
    print(f"cards: {args.n} (seed {args.seed})")
    print(f"mltrl validate (schema + rules + gates): {mltrl:.2f} s")
    print(f"check-jsonschema (schema only):          {baseline:.2f} s")
    print(f"validate ratio: {mltrl / baseline:.2f}")


def unknown_case(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        plain = folder / "plain"
        named = folder / "unknown"
        for made in (plain, named):
            shutil.rmtree(made, ignore_errors=True)
        generate(plain, args.n, args.seed)
        shutil.copytree(plain, named)
        paths = sorted(named.glob("*.yaml"))
        changed = name_unknown_components(paths, args.unknown_components, args.seed)
        baseline = best_time([sys.executable, "-m", "mkdocs_mltrl", "validate", str(plain)], args.repeat)
        with_unknown = best_time([sys.executable, "-m", "mkdocs_mltrl", "validate", str(named)], args.repeat)
        found = subprocess.run(
            [sys.executable, "-m", "mkdocs_mltrl", "validate", "--format", "json", str(named)],
            capture_output=True,
            text=True,
        )
        reported = found.stdout.count('"MLTRL002"')
        hinted = found.stdout.count("did you mean")
    print(f"cards: {args.n} (seed {args.seed}); {changed} name a component with no card")
    print(f"MLTRL002 findings: {reported}, with a suggestion: {hinted}")
    print(f"mltrl validate, no unknown components:   {baseline:.2f} s")
    print(f"mltrl validate, with unknown components: {with_unknown:.2f} s")
    print(f"unknown components ratio: {with_unknown / baseline:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--unknown-components",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="measure the cost of suggestions: this share of the cards names a component with no card",
    )
    parser.add_argument("--keep", type=Path, help="with --unknown-components: keep the two portfolios in this folder")
    args = parser.parse_args()
    if args.unknown_components > 0:
        unknown_case(args)
    else:
        schema_case(args)


if __name__ == "__main__":
    main()
