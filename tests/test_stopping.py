"""Stopping a build: after SIGTERM or Ctrl-C, no forked worker keeps running.

A real `mkdocs build` of a few hundred generated cards, with workers; the build is stopped while
a worker exists (while the cards load, or while the pages render ahead), and every child process
it had must be gone soon after, read from /proc (no sleep stands for a duration)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mkdocs_mltrl.core import workers

from .site import make_site

pytestmark = [
    pytest.mark.skipif(not workers.can_fork(), reason="workers need fork()"),
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc"),
]

CARDS = 300
#: A bound for a stuck process only: a worker that dies with its parent is gone long before.
GONE_WITHIN = 20.0


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None when gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()


def children(pid: int) -> set[tuple[int, str]]:
    """The processes whose parent is ``pid``, each with its start time (a pid may be reused)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None and int(fields[1]) == pid:
                found.add((int(entry), fields[19]))
    return found


def running(process: tuple[int, str]) -> bool:
    """Whether the process still runs: a zombie (dead, not yet reaped) does not."""
    fields = _stat(process[0])
    return fields is not None and fields[19] == process[1] and fields[0] not in ("Z", "X")


def _wait_for(check: object, what: str, log: Path, build: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300  # a bound for a stuck build only
    while not check():  # type: ignore[operator]
        if build.poll() is not None:
            pytest.fail(f"the build ended before {what}:\n{log.read_text()[-3000:]}")
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.005)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stopping")
    generator = Path(__file__).parent.parent / "benchmarks" / "generate.py"
    subprocess.run([sys.executable, str(generator), str(root / "cards"), str(CARDS)], check=True, capture_output=True)
    return make_site(root, [], plugin={"workers": 2})


CASES = [
    (stop, stage, held)
    for stop in (signal.SIGTERM, signal.SIGINT)
    for stage, held in (("loading", False), ("rendering", False), ("rendering", True))
]


@pytest.mark.parametrize(("stop", "stage", "held"), CASES, ids=lambda v: getattr(v, "name", str(v)))
def test_no_worker_outlives_a_stopped_build(
    site: Path, tmp_path: Path, stop: signal.Signals, stage: str, held: bool
) -> None:
    """``held``: the worker is stopped (SIGSTOP) before its parent is, so it cannot finish its
    share and leave by itself: only dying with its parent ends it."""
    log = tmp_path / "build.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with log.open("wb") as out:
        build = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--verbose", "-f", str(site), "-d", str(tmp_path / "site")],
            cwd=site.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        if stage == "rendering":  # the cards are loaded: the worker now is the one rendering ahead
            _wait_for(lambda: b"card files loaded by 2 process(es)" in log.read_bytes(), "the cards loaded", log, build)
        _wait_for(lambda: children(build.pid), f"a worker while {stage}", log, build)
        seen = children(build.pid)
        if held:
            for pid, _ in seen:
                os.kill(pid, signal.SIGSTOP)
        build.send_signal(stop)
        build.wait(timeout=120)
        deadline = time.monotonic() + GONE_WITHIN
        while any(running(child) for child in seen) and time.monotonic() < deadline:
            time.sleep(0.01)
        left = [child for child in seen if running(child)]
        assert not left, f"workers still running after the build stopped: {left}"
        assert b"Traceback" not in log.read_bytes() or stop is signal.SIGINT, log.read_text()[-3000:]
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid, started in seen if "seen" in locals() else ():
            if running((pid, started)):
                os.kill(pid, signal.SIGKILL)
