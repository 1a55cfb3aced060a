"""``mltrl report``: the portfolio figures as text or JSON, today or as of a date."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..core.analytics import portfolio_report
from ..core.card_files import CardPathError
from ..core.findings import Severity
from ..core.gates.gate_set import GateMode
from ..core.levels import LevelTable
from ..core.portfolio import load_portfolio
from ..core.programme import as_of
from ..core.workers import process_count
from ..hosts.settings import ConfigError
from .common import EXIT_FINDINGS, EXIT_OK, Commands, config_options, fail, settings_of
from .output import as_of_text, as_text, json_text, portfolio_text


def add_parser(commands: Commands) -> None:
    report = commands.add_parser(
        "report",
        help="print the portfolio figures (levels, time in level, switchbacks, stale cards, gates)",
        description="The figures of the portfolio page, as text or JSON, for people and scripts.",
    )
    report.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="card files or folders (default: the cards folder)"
    )
    report.add_argument("--format", choices=["text", "json"], default="text")
    report.add_argument(
        "--stale-after-days", type=int, help="days without a review event before a card is stale (default 180)"
    )
    report.add_argument(
        "--as-of",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the portfolio as it stood on this date, from the cards' histories",
    )
    report.add_argument(
        "--today",
        type=date.fromisoformat,
        help="the date to measure staleness from (default: today, or SOURCE_DATE_EPOCH)",
    )
    config_options(report, checklist=True)
    report.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_of(args)
        portfolio, findings = load_portfolio(
            args.paths or [settings.cards_dir],
            settings.checklist,
            GateMode.WARN,
            levels=LevelTable(settings.stages),
            gates_file=settings.gates_file,
            today=args.today,
            processes=process_count(settings.workers),
        )
    except (ConfigError, CardPathError) as exc:
        return fail(exc)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if portfolio is None or errors:
        sys.stdout.write(as_text(portfolio.files if portfolio else 0, errors))
        return fail("fix the errors above first", EXIT_FINDINGS)
    stale = args.stale_after_days if args.stale_after_days is not None else settings.stale_after_days
    if args.as_of is not None:
        snapshot = as_of(portfolio, args.as_of)
        if args.format == "json":
            sys.stdout.write(json_text(snapshot.as_dict(portfolio)))
        else:
            sys.stdout.write(as_of_text(snapshot, portfolio))
        return EXIT_OK
    report = portfolio_report(portfolio, args.today, stale)
    if args.format == "json":
        sys.stdout.write(json_text(report.as_dict()))
    else:
        sys.stdout.write(portfolio_text(report))
    return EXIT_OK
