"""The ``mltrl`` command: validate cards in CI and at the desk."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .findings import Severity
from .gates import GateMode
from .portfolio import CardPathError, load_portfolio
from .reporting import as_github, as_json, as_text
from .settings import ConfigError, Settings, settings_from_config

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


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
    validate.add_argument("--checklist", type=Path, help="ethics checklist YAML file (default: the shipped one)")
    validate.add_argument(
        "--gates",
        choices=[m.value for m in GateMode],
        help="report missing gate deliverables as nothing, warnings (default) or errors",
    )
    validate.add_argument("--strict", action="store_true", help="warnings fail too")
    validate.add_argument(
        "--format", choices=["text", "json", "github"], default="text", help="output format (default: text)"
    )
    validate.add_argument("--config", type=Path, help="an mkdocs.yml whose mltrl plugin options supply the defaults")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    config = args.config
    if config is not None and not config.is_file():
        raise ConfigError(f"no such file: {config}")
    if config is None and Path("mkdocs.yml").is_file():
        config = Path("mkdocs.yml")
    from_config = settings_from_config(config) if config is not None else None
    base = from_config or Settings(cards_dir=Path("cards"))
    return Settings(
        cards_dir=base.cards_dir,
        checklist=args.checklist or base.checklist,
        gates=GateMode(args.gates) if args.gates else base.gates,
    )


def _validate(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
        paths = args.paths or [settings.cards_dir]
        portfolio, findings = load_portfolio(paths, settings.checklist, settings.gates)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args)
    parser.print_help()
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
