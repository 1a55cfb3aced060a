"""``mltrl validate``: check cards against the schema, the MLTRL rules and the readiness gates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.card_files import CardPathError
from ..core.findings import Severity
from ..core.gates.gate_set import GateMode
from ..core.levels import LevelTable
from ..core.portfolio import load_portfolio
from ..core.workers import process_count
from ..hosts.settings import ConfigError
from .common import EXIT_FINDINGS, EXIT_OK, Commands, config_options, fail, project_of, settings_of
from .output import as_github, as_json, as_text, json_failure


def add_parser(commands: Commands) -> None:
    validate = commands.add_parser(
        "validate",
        help="check cards against the schema, the MLTRL rules and the readiness gates",
        description="Check TRL Cards. Exit 0 when there is no error, 1 when there is one "
        "(or a warning under --strict), 2 for usage or I/O problems.",
    )
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="card files or folders (default: cards_dir of the mltrl plugin in ./mkdocs.yml, else cards/)",
    )
    validate.add_argument(
        "--gates",
        choices=[m.value for m in GateMode],
        help="report missing gate deliverables as nothing, info (never failing), warnings (default) or errors",
    )
    validate.add_argument(
        "--reviewers-from",
        type=int,
        choices=range(11),
        metavar="LEVEL",
        help="graduations to this level or higher must name reviewers (default 4; 10 turns it off)",
    )
    validate.add_argument("--strict", action="store_true", help="warnings fail too")
    validate.add_argument(
        "--format", choices=["text", "json", "github"], default="text", help="output format (default: text)"
    )
    config_options(validate, checklist=True)
    validate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_of(args)
        paths = args.paths or [settings.cards_dir]
        portfolio, findings = load_portfolio(
            paths,
            settings.checklist,
            settings.gates,
            levels=LevelTable(settings.stages),
            reviewers_from=settings.reviewers_from,
            gates_file=settings.gates_file,
            root=project_of(args),
            processes=process_count(settings.workers),
            site_dirs=settings.site_dirs,
        )
    except (ConfigError, CardPathError) as exc:
        if args.format == "json":
            sys.stdout.write(json_failure(exc))
        return fail(exc)
    cards = portfolio.files if portfolio else 0
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    ok = not any(f.severity in failing for f in findings)
    if args.format == "json":
        sys.stdout.write(as_json(cards, findings, ok))
    elif args.format == "github":
        sys.stdout.write(as_github(cards, findings))
    else:
        sys.stdout.write(as_text(cards, findings))
    return EXIT_OK if ok else EXIT_FINDINGS
