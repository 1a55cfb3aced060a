"""The ``mltrl`` command: check cards in CI and at the desk, and build or serve the site.

One module per command group, each adding its parser and the function that runs it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from . import diff, gates, hosts, interop, new, report, validate
from .common import EXIT_USAGE

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
    status: int = run(args)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
