"""Generate N realistic synthetic TRL Cards (every section filled) for benchmarks.

python benchmarks/generate.py OUT_DIR N [--seed S]
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from mkdocs_mltrl.core import load_checklist

WORDS = [
    "model",
    "data",
    "pipeline",
    "drift",
    "label",
    "audit",
    "latency",
    "shadow",
    "canary",
    "golden",
    "feature",
    "embedding",
    "sensor",
    "forecast",
    "anomaly",
    "imaging",
    "triage",
    "ranking",
    "retrieval",
    "causal",
    "simulator",
    "inversion",
    "policy",
    "reviewer",
]


def _sentence(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _history(rng: random.Random, level: int) -> list[dict[str, Any]]:
    """6-8 events ending at ``level``, with a switchback when there is room."""
    events = rng.randint(6, 8)
    day = date(2019, 1, 1) + timedelta(days=rng.randint(0, 300))
    ups = max(level, 1)
    start = max(0, level - (events - 1))
    out: list[dict[str, Any]] = [{"date": day.isoformat(), "event": "start", "level": start}]
    current = start
    while len(out) < events:
        day += timedelta(days=rng.randint(20, 120))
        remaining = events - len(out)
        if current < level and remaining > (level - current) - 0 and current >= 2 and rng.random() < 0.25:
            back = rng.randint(max(0, current - 2), current - 1)
            out.append(
                {
                    "date": day.isoformat(),
                    "event": "switchback",
                    "level": back,
                    "switchback": rng.choice(["discovery", "review"]),
                }
            )
            current = back
        elif current < level:
            current += 1
            out.append({"date": day.isoformat(), "event": "graduate", "level": current, "reviewers": ["Lin Reviewer"]})
        else:
            kind = "pause" if out[-1]["event"] != "pause" else "resume"
            out.append({"date": day.isoformat(), "event": kind, "level": current})
    while current < level:
        day += timedelta(days=30)
        current += 1
        out.append({"date": day.isoformat(), "event": "graduate", "level": current})
    del ups
    return out


def card(index: int, rng: random.Random, items: list[str]) -> dict[str, Any]:
    level = rng.randint(0, 9)
    card_id = f"{'R' if level < 5 else 'P'}{index:05d}.{rng.randint(1, 9)}"
    hist = _history(rng, level)
    last = hist[-1]["event"]
    components = sorted({f"__{rng.randint(0, index - 1)}" for _ in range(rng.randint(0, 2))}) if index else []
    return {
        "mltrl": 1,
        "id": card_id,
        "name": f"{_sentence(rng, 3)[:-1]} {index}",
        "level": level,
        "status": "paused" if last == "pause" else "active",
        "summary": _sentence(rng, 40),
        "owners": [f"Owner {rng.randint(1, 40)} <owner{index}@example.org>"],
        "reviewers": ["Lin Reviewer", {"name": "Sam Domain", "role": "domain expert"}],
        "tags": rng.sample(WORDS, 3),
        "links": {
            "code": f"https://git.example.org/p{index}",
            "requirements": f"https://wiki.example.org/p{index}/req",
        },
        "components": components,
        "versions": {"code": "1.4.2", "model": "0.9.0", "data": "2.1.0"},
        "model": _sentence(rng, 30),
        "requirements": [
            {
                "id": f"{r // 3 + 1}" + (f".{r % 3}" if r % 3 else ""),
                "text": _sentence(rng, 16),
                "kind": "research" if r < 5 else "product",
                "verification": _sentence(rng),
                "validation": _sentence(rng),
                "status": rng.choice(["verified", "validated", "in-progress", "proposed"]),
                "risk": {"p_failure": round(rng.random(), 2), "value": rng.randint(1, 10)},
            }
            for r in range(10)
        ],
        "risks": [
            {
                "id": f"K{k}",
                "title": _sentence(rng, 6),
                "p_failure": round(rng.random(), 2),
                "value": rng.randint(1, 10),
                "mitigation": _sentence(rng),
                "status": rng.choice(["open", "mitigating", "accepted", "closed"]),
                "requirements": ["1"],
            }
            for k in range(5)
        ],
        "intended_use": {"intended": _sentence(rng), "unacceptable": _sentence(rng)},
        "testing": {
            "summary": _sentence(rng),
            "suites": [
                {"name": "Unit", "kind": "unit", "status": "passing"},
                {"name": "Scenarios", "kind": "critical-scenario", "status": "passing"},
                {"name": "Shadow", "kind": "shadow", "status": "planned"},
            ],
        },
        "data": {
            "summary": _sentence(rng, 20),
            "datasets": [
                {"name": f"Set {d}", "version": "1.0.0", "role": role, "source": "internal"}
                for d, role in enumerate(["training", "test", "golden"])
            ],
        },
        "caveats": [_sentence(rng), _sentence(rng)],
        "debrief": [{"question": "What was learned?", "answer": _sentence(rng)}],
        "ethics": {
            "answers": {item: {"status": rng.choice(["done", "n/a"]), "notes": _sentence(rng, 6)} for item in items}
        },
        "monitoring": {
            "summary": _sentence(rng),
            "signals": ["data-drift", "latency"],
            "dashboard": "https://dash.example.org",
        },
        "history": hist,
    }


def generate(out: Path, n: int, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    checklist, _ = load_checklist()
    assert checklist is not None
    items = checklist.item_ids
    cards = [card(i, rng, items) for i in range(n)]
    for c in cards:  # resolve component placeholders to real ids
        c["components"] = sorted({cards[int(ref[2:])]["id"] for ref in c["components"]})
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for c in cards:
        path = out / f"{c['id']}.yaml"
        path.write_text(
            "# yaml-language-server: $schema=../schemas/card.schema.json\n"
            + yaml.safe_dump(c, sort_keys=False, width=100),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{len(generate(args.out, args.n, args.seed))} cards in {args.out}")
