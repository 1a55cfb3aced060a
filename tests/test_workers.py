"""A build shared out between processes writes the site a one-process build writes."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import TypeVar

import pytest

from mkdocs_mltrl.core import default_gates, workers

from .cards import complete_card, history
from .site import build, make_site

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="workers need fork()")

N = workers.MIN_ITEMS + 20
T = TypeVar("T")


def many_cards(count: int = N) -> list[dict[str, object]]:
    """Cards that name each other (system levels and lifts cross the worker's share)."""
    cards = []
    for i in range(count):
        level = i % 10
        events = [("2020-01-01", "start", 0)] + [(f"2020-{m + 2:02d}-01", "graduate", m + 1) for m in range(level)]
        cards.append(
            complete_card(
                f"P{i:03d}",
                level=level,
                name=f"Project {i} <b>{'&' * (i % 3)}",
                components=[f"P{(i * 7 + 3) % count:03d}", f"P{(i + count // 2) % count:03d}"],
                tags=[f"team-{i % 5}"],
                history=history(*events),
            )
        )
    return cards


def site_files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and not path.name.endswith(".gz")
    }


def test_a_build_with_workers_writes_what_one_process_writes(tmp_path: Path):
    cards = many_cards()
    sites = {}
    for workers_setting in (1, 2):
        config = make_site(tmp_path / f"w{workers_setting}", cards, plugin={"workers": workers_setting})
        result = build(config, "--verbose")
        assert result.returncode == 0, result.stderr
        log = result.stderr
        assert f"{N} card files loaded by {workers_setting} process(es)" in log
        ahead = re.search(r"(\d+) generated pages rendered ahead by a worker process", log)
        assert ahead is not None, log[-2000:]
        assert (int(ahead.group(1)) > 0) == (workers_setting == 2), ahead.group()
        sites[workers_setting] = site_files(config.parent / "site")
    one, two = sites[1], sites[2]
    assert one.keys() == two.keys()
    assert len([name for name in one if name.startswith("cards/P")]) >= N
    # every card's exports, which the processes write straight into the site
    assert all(f"cards/P{i:03d}/P{i:03d}.cdx.json" in two and f"cards/P{i:03d}/README.hf.txt" in two for i in range(N))
    for name in one:
        assert one[name] == two[name], name


def test_validate_with_workers_says_what_one_process_says(tmp_path: Path):
    cards = many_cards()
    cards[5]["level"] = "high"  # an error in the worker's share or in this one's: reported the same
    cards[-3]["owners"] = []
    said = {}
    for workers_setting in (1, 2):
        config = make_site(tmp_path / f"w{workers_setting}", cards, plugin={"workers": workers_setting})
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs_mltrl", "validate", "--config", str(config), "--format", "json"],
            cwd=config.parent,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 1, done.stderr
        said[workers_setting] = json.loads(done.stdout)
    assert said[1] == said[2]
    assert {f["code"] for f in said[1]["findings"] if f["severity"] == "error"} == {"schema"}


def test_a_bad_workers_setting_is_a_config_error(tmp_path: Path):
    config = make_site(tmp_path, many_cards(3), plugin={"workers": -1})
    result = build(config)
    assert result.returncode != 0
    assert "workers must be 0 (one per core) or a number of processes, got -1" in result.stderr
    assert "Traceback" not in result.stderr


def slow(value: T) -> T:
    """An item that takes long enough for a worker to start and take a share."""
    time.sleep(0.005)
    return value


def test_spread_keeps_the_order_and_uses_another_process():
    items = list(range(N))
    results = workers.spread(lambda i: slow((i * i, os.getpid())), items, 2)
    assert [value for value, _ in results] == [i * i for i in items]
    assert {pid for _, pid in results} - {os.getpid()}, "no item was done by a worker"
    assert workers.spread(lambda i: (i, os.getpid()), items, 1) == [(i, os.getpid()) for i in items]
    assert workers.spread(lambda i: (i, os.getpid()), items[:5], 2) == [(i, os.getpid()) for i in items[:5]]


def test_shared_objects_come_back_as_themselves():
    gates = default_gates().gates
    results = workers.spread(
        lambda i: slow({"gate": gates[i % len(gates)], "pid": os.getpid()}), list(range(N)), 2, gates
    )
    assert any(r["pid"] != os.getpid() for r in results)
    assert all(r["gate"] is gates[i % len(gates)] for i, r in enumerate(results))


def test_a_failing_worker_leaves_its_share_to_the_caller():
    """The caller redoes the worker's share, so it meets the same problem itself."""
    parent = os.getpid()

    def job(i: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the worker")
        return slow(i)

    assert workers.spread(job, list(range(N)), 2) == list(range(N))

    def failing(i: int) -> int:
        if i == N - 1:
            raise ValueError("card 83")
        return slow(i)

    with pytest.raises(ValueError, match="card 83"):
        workers.spread(failing, list(range(N)), 2)


def upper(key: str) -> tuple[str, int]:
    return key.upper(), os.getpid()


def _wait_until_started(ahead: workers.Ahead[T], count: int) -> None:
    """Wait (on the worker's progress, not on the clock) until the worker has started ``count`` items."""
    deadline = time.monotonic() + 120  # a bound for a stuck worker only
    while ahead.started < count:
        assert time.monotonic() < deadline, "the worker never started"
        time.sleep(0.01)


def test_results_made_ahead_are_taken_in_any_order():
    keys = [f"k{i}" for i in range(N)]
    ahead = workers.Ahead(upper, keys, key=str)
    try:
        _wait_until_started(ahead, 6)  # the worker runs ahead: it has started on k0-k5
        five, one = ahead.get("k5"), ahead.get("k1")  # k1 was read before k5, and kept until asked for
        assert five is not None and one is not None
        assert (five[0], one[0]) == ("K5", "K1")
        assert five[1] == one[1] != os.getpid()
        assert ahead.taken == 2
        assert ahead.get("unknown") is None
        assert ahead.get("k5") == ("K5", os.getpid())  # each of the worker's results is given once
    finally:
        ahead.close()
    assert ahead.get("k7") == ("K7", os.getpid())  # closed: made here


def test_a_process_waiting_on_a_slow_worker_takes_up_the_slack():
    held = multiprocessing.get_context("fork").Event()
    parent = os.getpid()

    def job(key: str) -> tuple[str, int]:
        if os.getpid() != parent:
            held.wait(30)  # the worker only
        return upper(key)

    keys = [f"k{i}" for i in range(N)]
    ahead = workers.Ahead(job, keys, key=str)
    here = ("K10", os.getpid())
    try:
        assert ahead.get("k10") == here  # not started by the held worker: made here, and those before it
        assert [ahead.get(f"k{i}") for i in range(1, 10)] == [(f"K{i}", os.getpid()) for i in range(1, 10)]
        held.set()
        _wait_until_started(ahead, 13)  # until the worker has started on k12
        twelve = ahead.get("k12")
        assert twelve is not None and twelve[0] == "K12" and twelve[1] != os.getpid()
        made = {key: ahead.get(key) for key in keys[13:]}
        assert {key: value[0] for key, value in made.items() if value} == {key: key.upper() for key in keys[13:]}
        assert ahead.taken >= 1
    finally:
        ahead.close()


def test_a_worker_that_fails_ahead_leaves_the_rest_here():
    def job(key: str) -> tuple[str, int]:
        if key == "k3" and os.getpid() != parent:
            raise RuntimeError("broken")
        return upper(key)

    parent = os.getpid()
    ahead = workers.Ahead(job, [f"k{i}" for i in range(N)], key=str)
    try:
        _wait_until_started(ahead, 4)  # the worker has made k0-k2 and failed on k3
        pids = [made[1] if (made := ahead.get(f"k{i}")) else None for i in range(6)]
        assert pids[:3] != [parent] * 3 and pids[3:] == [parent] * 3
    finally:
        ahead.close()
