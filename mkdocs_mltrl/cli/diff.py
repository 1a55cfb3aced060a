"""``mltrl diff``: what changed in the cards between two git revisions, for a pull-request comment."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..core.checklist import load_checklist
from ..core.diff import GitError, as_data, as_markdown, diff_revisions
from ..core.gates.gate_set import load_gates
from ..core.portfolio import display_path
from ..hosts.settings import ConfigError
from .common import EXIT_FINDINGS, EXIT_OK, Commands, config_options, fail, settings_of
from .output import as_text


def add_parser(commands: Commands) -> None:
    diff = commands.add_parser(
        "diff",
        help="summarise what changed in the cards between two git revisions",
        description="Compare the cards at BASE with HEAD (default: the working tree) and print Markdown "
        "for a pull-request comment, or JSON.",
    )
    diff.add_argument("base", metavar="BASE", help="a git revision, e.g. origin/main")
    diff.add_argument("head", metavar="HEAD", nargs="?", help="a git revision (default: the working tree)")
    diff.add_argument("--format", choices=["markdown", "json"], default="markdown")
    config_options(diff, checklist=True)
    diff.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_of(args)
        checklist, problems = load_checklist(settings.checklist)
        if checklist is None:
            sys.stdout.write(as_text(0, problems))
            return EXIT_FINDINGS
        gates_file = settings.gates_file
        gateset, gate_problems = load_gates(gates_file, display_path(gates_file) if gates_file else None)
        if gateset is None:
            sys.stdout.write(as_text(0, gate_problems))
            return EXIT_FINDINGS
        result = diff_revisions(Path.cwd(), settings.cards_dir, args.base, args.head, checklist, gateset)
    except (ConfigError, GitError) as exc:
        return fail(exc)
    if args.format == "json":
        sys.stdout.write(json.dumps(as_data(result), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(as_markdown(result))
    return EXIT_OK
