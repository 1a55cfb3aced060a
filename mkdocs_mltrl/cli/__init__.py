"""The ``mltrl`` command: check cards in CI and at the desk, and build or serve the site.

One module per command group, each adding its parser and the function that runs it."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence

from .. import __version__
from . import diff, gates, hosts, interop, new, report, validate
from .common import EXIT_USAGE

#: The exit status after standard output was closed early (``mltrl gates | head -1``), as a shell
#: reports a command that a closed pipe stopped; and after Ctrl-C.
EXIT_PIPE_CLOSED, EXIT_INTERRUPTED = 141, 130

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mltrl", description="Check and publish MLTRL TRL Cards.")
    parser.add_argument("--version", action="version", version=f"mltrl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in (validate, new, report, diff, hosts, gates, interop):
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return EXIT_USAGE
    for stream in (sys.stdout, sys.stderr):  # a last guard: text never stops the command
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        status: int = run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_PIPE_CLOSED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return status


def _quiet_stdout() -> None:
    """Point standard output at nothing, so that nothing more (the flush at exit) fails on it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover - no file descriptor (an in-process capture)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
