"""The ``mltrl`` command: validate cards in CI and at the desk."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from . import __version__, hosts
from .analytics import portfolio_report
from .checklist import load_checklist
from .diff import GitError, diff_revisions
from .diff import as_data as diff_as_data
from .diff import as_markdown as diff_as_markdown
from .findings import Severity
from .gates import GateMode, gates_data, gates_markdown, load_gates
from .levels import LevelTable
from .portfolio import CardPathError, display_path, load_portfolio
from .programme import as_of
from .reporting import as_github, as_json, as_of_text, as_text, portfolio_text
from .scaffold import ScaffoldError, create_card, render_new_card, schema_hint
from .settings import ConfigError, Settings, settings_from_config
from .workers import process_count

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _config_options(parser: argparse.ArgumentParser, checklist: bool = True) -> None:
    parser.add_argument("--config", type=Path, help="an mkdocs.yml whose mltrl plugin options supply the defaults")
    if checklist:
        parser.add_argument("--checklist", type=Path, help="ethics checklist YAML file (default: the shipped one)")
        parser.add_argument(
            "--gates-file",
            type=Path,
            help="an organisation's gates file, applied to the built-in gates (default: gates_file in mkdocs.yml)",
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mltrl", description="Check and publish MLTRL TRL Cards.")
    parser.add_argument("--version", action="version", version=f"mltrl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
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
        help="report missing gate deliverables as nothing, warnings (default) or errors",
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
    _config_options(validate, checklist=True)

    new = commands.add_parser(
        "new",
        help="scaffold a card: no errors, and placeholders for what its level asks for",
        description="Write <dir>/<ID>.yaml with an offline schema hint and a commented placeholder for each "
        "deliverable of its entry level. "
        "Refuses an invalid id (exit 2), an id already in the portfolio or an existing file (exit 1).",
    )
    new.add_argument("id", metavar="ID", help="the new card's id, e.g. R03.1")
    new.add_argument("--name", required=True, help="the technology's name")
    new.add_argument(
        "--level", type=int, choices=range(10), default=0, metavar="N", help="starting level 0-9 (default 0)"
    )
    new.add_argument("--owner", help='"Name <email>" (default: from git config, else a placeholder)')
    new.add_argument("--dir", type=Path, help="folder to write to (default: the cards folder)")
    _config_options(new, checklist=False)

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
    _config_options(report, checklist=True)

    diff = commands.add_parser(
        "diff",
        help="summarise what changed in the cards between two git revisions",
        description="Compare the cards at BASE with HEAD (default: the working tree) and print Markdown "
        "for a pull-request comment, or JSON.",
    )
    diff.add_argument("base", metavar="BASE", help="a git revision, e.g. origin/main")
    diff.add_argument("head", metavar="HEAD", nargs="?", help="a git revision (default: the working tree)")
    diff.add_argument("--format", choices=["markdown", "json"], default="markdown")
    _config_options(diff, checklist=True)
    hosts.add_commands(commands)

    gates = commands.add_parser(
        "gates",
        help="print the readiness gates in force, with each one's exact predicate",
        description="The built-in gates with the gates file applied, as Markdown (the docs' gates page), "
        "text or JSON. Exit 1 when the gates file has errors.",
    )
    gates.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    _config_options(gates, checklist=True)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    config = args.config
    if config is not None and not config.is_file():
        raise ConfigError(f"no such file: {config}")
    if config is None and Path("mkdocs.yml").is_file():
        config = Path("mkdocs.yml")
    from_config = settings_from_config(config) if config is not None else None
    base = from_config or Settings(cards_dir=Path("cards"))
    checklist = getattr(args, "checklist", None)
    gates_file = getattr(args, "gates_file", None)
    gates = getattr(args, "gates", None)
    reviewers_from = getattr(args, "reviewers_from", None)
    if gates_file is not None and not gates_file.is_file():
        raise ConfigError(f"no such file: {gates_file}")
    return replace(
        base,
        checklist=checklist or base.checklist,
        gates_file=gates_file or base.gates_file,
        gates=GateMode(gates) if gates else base.gates,
        reviewers_from=base.reviewers_from if reviewers_from is None else int(reviewers_from),
    )


def _validate(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
        paths = args.paths or [settings.cards_dir]
        portfolio, findings = load_portfolio(
            paths,
            settings.checklist,
            settings.gates,
            levels=LevelTable(settings.stages),
            reviewers_from=settings.reviewers_from,
            gates_file=settings.gates_file,
            root=args.config.parent if args.config else Path.cwd(),
            processes=process_count(settings.workers),
        )
    except (ConfigError, CardPathError) as exc:
        print(f"mltrl: {exc}", file=sys.stderr)
        return EXIT_USAGE
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


def _git_owner() -> str:
    def get(key: str) -> str:
        try:
            done = subprocess.run(["git", "config", key], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    name, email = get("user.name"), get("user.email")
    if not name:
        return "Owner Name"
    return f"{name} <{email}>" if email and "<" not in name else name


def _new(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
        folder = args.dir or settings.cards_dir
        taken: set[str] = set()
        if folder.is_dir():
            portfolio, _ = load_portfolio([folder], settings.checklist, GateMode.OFF)
            for card in portfolio.cards if portfolio else ():
                taken.update(key.lower() for key in (card.id, *card.aliases))
        text = render_new_card(
            args.id, args.name, args.level, args.owner or _git_owner(),
            schema_hint(folder),
        )  # fmt: skip
        path = create_card(folder, args.id, text, taken)
    except ScaffoldError as exc:
        print(f"mltrl: {exc}", file=sys.stderr)
        return EXIT_USAGE if exc.usage else EXIT_FINDINGS
    except (ConfigError, CardPathError) as exc:
        print(f"mltrl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"created {display_path(path)}")
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
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
        print(f"mltrl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if portfolio is None or errors:
        sys.stdout.write(as_text(portfolio.files if portfolio else 0, errors))
        print("mltrl: fix the errors above first", file=sys.stderr)
        return EXIT_FINDINGS
    stale = args.stale_after_days if args.stale_after_days is not None else settings.stale_after_days
    if args.as_of is not None:
        snapshot = as_of(portfolio, args.as_of)
        if args.format == "json":
            sys.stdout.write(json.dumps(snapshot.as_dict(portfolio), indent=2, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(as_of_text(snapshot, portfolio))
        return EXIT_OK
    report = portfolio_report(portfolio, args.today, stale)
    if args.format == "json":
        sys.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(portfolio_text(report))
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
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
        print(f"mltrl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        sys.stdout.write(json.dumps(diff_as_data(result), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(diff_as_markdown(result))
    return EXIT_OK


def _gates(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
    except ConfigError as exc:
        print(f"mltrl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    gates_file = settings.gates_file
    gateset, findings = load_gates(gates_file, display_path(gates_file) if gates_file else None)
    if findings:
        sys.stderr.write(as_text(0, findings).split("\n0 cards")[0] + "\n")
    if gateset is None:
        return EXIT_FINDINGS
    if args.format == "markdown":
        sys.stdout.write(gates_markdown(gateset))
    elif args.format == "json":
        sys.stdout.write(json.dumps({"gates": gates_data(gateset)}, indent=2, ensure_ascii=False) + "\n")
    else:
        for gate in gateset.gates:
            severity = f" [{gate.severity.value}]" if gate.severity else ""
            print(f"{gate.code} level {gate.level}{severity}: {gate.description}")
            print(f"    met when {gate.predicate}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args)
    if args.command == "new":
        return _new(args)
    if args.command == "diff":
        return _diff(args)
    if args.command == "report":
        return _report(args)
    if args.command in ("generate", "build", "serve"):
        return hosts.main(args)
    if args.command == "gates":
        return _gates(args)
    parser.print_help()
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
