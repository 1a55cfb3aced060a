"""Card work spread over the machine's cores, in forked processes.

A forked process starts with everything its parent had loaded (the cards, the templates, the
gates), so nothing is sent to it; only its results come back, pickled. Objects both sides already
hold (gates, level tables) are pickled by reference, so a result points at the parent's own
objects instead of a copy of them.

Where ``fork`` does not exist (Windows), with one process asked for, or for a handful of items,
everything runs in the calling process, in the same order, with the same results. A worker that
fails leaves its share to the calling process, which then meets the same problem itself.
"""

from __future__ import annotations

import atexit
import gc
import io
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Fewer items than this are not worth another process.
MIN_ITEMS = 64
#: Items a process takes at a time (see :func:`spread`).
CHUNK = 16
#: The pipe's size, where the system allows a bigger one than its default 64 KiB.
PIPE_BYTES = 1 << 20


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def process_count(setting: int) -> int:
    """Processes to use for a ``workers`` setting: 0 is one per available core, 1 none but this one."""
    if setting == 1 or not can_fork():
        return 1
    return setting if setting > 1 else available_cores()


@contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """Pause Python's cycle collector while cards load: loading makes millions of objects and no
    reference cycles, so each collection would only walk every card loaded so far again.

    With ``freeze`` (for a process that keeps what it loaded to its end, like a build), what was
    loaded is left out of every later collection too (:func:`gc.freeze`).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


class _Table:
    """Objects held on both sides of the fork, by position: pickled as that position."""

    def __init__(self, shared: Iterable[object]) -> None:
        self.objects = list(shared)
        self.ids = {id(o): i for i, o in enumerate(self.objects)}


#: The table of the results being read; the same objects on both sides of the fork.
_reading: _Table = _Table(())


def _shared_object(index: int) -> object:
    return _reading.objects[index]


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, table: _Table) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.ids = table.ids

    def reducer_override(self, obj: Any) -> Any:
        # Called for objects other than strings, numbers and containers: cheaper than persistent_id.
        index = self.ids.get(id(obj))
        return NotImplemented if index is None else (_shared_object, (index,))


def _dumps(value: Any, table: _Table) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, table).dump(value)
    return buffer.getvalue()


def _loads(data: bytes, table: _Table) -> Any:
    global _reading
    _reading = table
    return pickle.loads(data)


def _widen(connection: Connection) -> None:
    """Let a worker run ahead: a bigger pipe than the default 64 KiB, where the system allows it."""
    try:
        import fcntl

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # pragma: no cover - not Linux
        pass


#: The read ends of the pipes this process reads its workers' results from: a worker closes its
#: copies, so that a write to a pipe whose reader is gone fails instead of waiting forever.
_readers: weakref.WeakSet[Connection] = weakref.WeakSet()

#: ``prctl(PR_SET_PDEATHSIG, ...)``: Linux sends the signal to a process when its parent dies.
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Make this (forked) process end when ``parent`` does, however it ends (SIGKILL, SIGTERM,
    Ctrl-C, a crash): at once on Linux, else at the worker's next item (see :func:`_orphaned`)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes  # here: only a worker needs it, and `mltrl` starts sooner without it

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(0)


def _orphaned(parent: int) -> bool:
    """Whether the process that started this worker has gone (the worker then stops)."""
    return os.getppid() != parent


def _start(parent: int, target: Callable[..., None], *args: Any) -> None:
    """A worker's first steps: end with the parent, and hold no pipe end but its own writer."""
    _die_with_parent(parent)
    for reader in list(_readers):
        reader.close()
    target(parent, *args)


def _end(process: Any, wait: float) -> None:
    """Wait up to ``wait`` seconds for a worker to finish, then kill it: SIGKILL also ends a
    stopped worker, which SIGTERM (and so ``multiprocessing``'s own clean-up at exit) would wait on."""
    process.join(timeout=wait)
    if process.is_alive():
        process.kill()
        process.join()


#: Workers started by this process and not yet ended.
_workers: weakref.WeakSet[Any] = weakref.WeakSet()


def _end_workers() -> None:
    """At exit, also after Ctrl-C, end every worker still there before ``multiprocessing``'s own
    clean-up, which would wait on a stopped one: registered again at each start, so it runs first
    (handlers run last-registered first)."""
    for process in list(_workers):
        _end(process, wait=0)


def _fork(target: Callable[..., None], *args: Any) -> tuple[Any, Connection]:
    """Start ``target(parent pid, *args, writer)`` in a forked worker; the process and the reader."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    _widen(writer)
    _readers.add(reader)
    process = context.Process(target=_start, args=(os.getpid(), target, *args, writer), daemon=True)
    process.start()
    _workers.add(process)
    atexit.unregister(_end_workers)
    atexit.register(_end_workers)
    writer.close()
    return process, reader


class _Counter:
    """The next item to start, in memory shared by the processes working on a list."""

    def __init__(self, context: Any, total: int) -> None:
        self.value = context.Value("q", 0)
        self.total = total

    def take(self, count: int) -> int | None:
        """Start on the next ``count`` items: the first one's index (None when all are taken)."""
        with self.value.get_lock():
            start = int(self.value.value)
            if start >= self.total:
                return None
            self.value.value = start + count
        return start

    def claim_through(self, index: int) -> range | None:
        """Take every item not yet started up to ``index``: their indexes, or None when another
        process has already started on ``index``."""
        with self.value.get_lock():
            start = int(self.value.value)
            if start > index:
                return None
            self.value.value = index + 1
        return range(start, index + 1)


def _work_chunks(
    parent: int, job: Callable[[T], R], items: Sequence[T], counter: _Counter, table: _Table, writer: Connection
) -> None:
    done = []  # (start, pickled results): sent once every item is taken, so the pipe never stalls us
    try:
        while not _orphaned(parent) and (start := counter.take(CHUNK)) is not None:
            done.append((start, _dumps([job(item) for item in items[start : start + CHUNK]], table)))
        for start, data in done:
            writer.send_bytes(start.to_bytes(8, "little") + data)
    except BaseException:  # the caller redoes the chunks it did not receive, and meets the problem itself
        pass
    finally:
        writer.close()


def spread(job: Callable[[T], R], items: Sequence[T], processes: int, shared: Iterable[object] = ()) -> list[R]:
    """``[job(item) for item in items]``, the items shared out between ``processes`` processes.

    This process and forked workers take :data:`CHUNK` items at a time until none is left, so a
    slower process simply does fewer. ``shared`` are objects the results refer to that are
    pickled by reference (they must exist before the call).
    """
    if not parallel(processes, len(items)):
        return [job(item) for item in items]
    table = _Table(shared)
    context = multiprocessing.get_context("fork")
    counter = _Counter(context, len(items))
    running = [_fork(_work_chunks, job, items, counter, table) for _ in range(processes - 1)]
    chunks: dict[int, list[R]] = {}
    try:
        while (start := counter.take(CHUNK)) is not None:
            chunks[start] = [job(item) for item in items[start : start + CHUNK]]
        for process, reader in running:
            try:
                while True:
                    data = reader.recv_bytes()
                    chunks[int.from_bytes(data[:8], "little")] = _loads(data[8:], table)
            except (EOFError, OSError, pickle.UnpicklingError):
                pass  # all sent, or the worker failed: what is missing is done below
            reader.close()
            process.join()
    finally:  # also when this process is stopped (Ctrl-C): no worker is left behind
        for process, reader in running:
            reader.close()
            _end(process, wait=0)
    for start in range(0, len(items), CHUNK):
        if start not in chunks:
            chunks[start] = [job(item) for item in items[start : start + CHUNK]]
    return [result for start in sorted(chunks) for result in chunks[start]]


def _work_ahead(
    parent: int, job: Callable[[T], R], items: Sequence[T], counter: _Counter, spool: int, writer: Connection
) -> None:
    offset = 0
    try:
        while not _orphaned(parent) and (index := counter.take(1)) is not None:
            data = zlib.compress(pickle.dumps(job(items[index]), pickle.HIGHEST_PROTOCOL), 1)  # TMPDIR may be tmpfs
            os.pwrite(spool, data, offset)
            writer.send((index, offset, len(data)))
            offset += len(data)
    except BaseException:  # the reader does the rest itself
        pass
    finally:
        writer.close()


class Ahead(Generic[R]):
    """``job`` over ``items``, started in order by a forked worker ahead of being asked for.

    :meth:`get` returns the result for a key: the worker's when it has started on it, else made
    here. While it waits for the worker, this process makes the next items the worker has not
    started, so whichever process is faster does more. The worker never waits for this process:
    its results go, compressed, to an unnamed temporary file (in the disk cache, not the
    processes' memory), and only where each one lies goes through the pipe. A worker that fails leaves the rest here.
    """

    def __init__(self, job: Callable[[T], R], items: Sequence[T], key: Callable[[T], str]) -> None:
        self._job: Callable[[Any], R] = job
        self._items: Sequence[Any] = items
        self._index = {key(item): i for i, item in enumerate(items)}
        self._early: dict[int, tuple[int, int]] = {}  # where the worker put results read past
        self._here: dict[int, R] = {}  # results made here while waiting for the worker
        self._mine: set[int] = set()  # items the worker will not start: made here when asked for
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - lives until close()
        self._counter = _Counter(multiprocessing.get_context("fork"), len(items))
        self._process, self._reader = _fork(_work_ahead, job, items, self._counter, self._spool.fileno())
        self._open = True
        self.taken = 0  # results the worker made that were asked for

    @property
    def started(self) -> int:
        """How many items a process has started on (the worker, or this one)."""
        return int(self._counter.value.value)

    def _read(self, offset: int, size: int) -> R:
        self.taken += 1
        result: R = pickle.loads(zlib.decompress(os.pread(self._spool.fileno(), size, offset)))
        return result

    def get(self, key: str) -> R | None:
        """The result for ``key``, or None for a key that is not in the list."""
        index = self._index.get(key)
        if index is None:
            return None
        if index in self._early:
            return self._read(*self._early.pop(index))
        if index in self._here:
            return self._here.pop(index)
        if not self._open or index in self._mine:
            return self._job(self._items[index])
        claimed = self._counter.claim_through(index)
        if claimed is not None:  # the worker has not come this far: this one and any it skips are made here
            self._mine.update(claimed)
            return self._job(self._items[index])
        while self._open:
            if not self._reader.poll(0):
                following = self._counter.take(1)
                if following is not None:  # the worker is busy: make the next one here meanwhile
                    self._here[following] = self._job(self._items[following])
                    continue
            try:
                found, offset, size = self._reader.recv()
                if found == index:
                    return self._read(offset, size)
            except (EOFError, OSError):  # the worker is done (or failed): what it sent stays readable
                self._stop()
                break
            self._early[found] = (offset, size)
        return self._job(self._items[index])

    def _stop(self) -> None:
        if self._open:
            self._open = False
            self._counter.take(len(self._index))  # nothing more to start
            self._reader.close()
            _end(self._process, wait=5)

    def close(self) -> None:
        """Stop the worker (it may still be ahead) and free what it made that nobody asked for."""
        self._stop()
        self._early.clear()
        self._here.clear()
        self._spool.close()


def parallel(processes: int, items: int) -> bool:
    """Whether ``items`` are worth spreading over ``processes``."""
    return processes > 1 and items >= MIN_ITEMS and can_fork()
