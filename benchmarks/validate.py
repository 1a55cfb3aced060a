"""Side by side: `mltrl validate` against `check-jsonschema` on the same generated cards.

    python benchmarks/validate.py [--n 1000] [--seed 1] [--repeat 3]

Prints the wall time of each (best of --repeat) and the ratio mltrl / check-jsonschema.
mltrl also runs the MLTRL rules and the readiness gates; check-jsonschema only the schema.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

ROOT = Path(__file__).resolve().parent.parent


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
