"""``mltrl diff``: what changed in the cards between two git revisions, for a pull-request comment."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.card_files import display_path
from ..core.checklist import load_checklist
from ..core.diff import as_data, as_markdown, diff_revisions
from ..core.gates.gate_set import load_gates
from ..core.git_files import GitError
from ..hosts.settings import ConfigError
from .common import EXIT_FINDINGS, EXIT_OK, Commands, config_options, fail, project_of, settings_of
from .output import as_text, json_failure, json_text


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
    as_json = args.format == "json"
    try:
        settings = settings_of(args)
        project = project_of(args)
        checklist, problems = load_checklist(settings.checklist, project=project)
        gates_file = settings.gates_file
        gateset, gate_problems = (
            (None, [])
            if checklist is None
            else load_gates(gates_file, display_path(gates_file) if gates_file else None, project)
        )
        if checklist is None or gateset is None:
            found = problems or gate_problems
            sys.stdout.write(
                json_text({"ok": False, "findings": [f.as_dict() for f in found]}) if as_json else as_text(0, found)
            )
            return EXIT_FINDINGS
        result = diff_revisions(Path.cwd(), settings.cards_dir, args.base, args.head, checklist, gateset)
    except (ConfigError, GitError) as exc:
        if as_json:
            sys.stdout.write(json_failure(exc))
        return fail(exc)
    sys.stdout.write(json_text(as_data(result)) if as_json else as_markdown(result))
    return EXIT_OK
