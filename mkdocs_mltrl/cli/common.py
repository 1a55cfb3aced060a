"""What every ``mltrl`` command shares: exit statuses, the config options, and the settings they give."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import TypeAlias

from ..core.gates.gate_set import GateMode
from ..hosts.settings import ConfigError, Settings, settings_from_config

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

#: The subcommand table of the ``mltrl`` parser, as each command module receives it.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def config_options(parser: argparse.ArgumentParser, checklist: bool = True) -> None:
    parser.add_argument("--config", type=Path, help="an mkdocs.yml whose mltrl plugin options supply the defaults")
    if checklist:
        parser.add_argument("--checklist", type=Path, help="ethics checklist YAML file (default: the shipped one)")
        parser.add_argument(
            "--gates-file",
            type=Path,
            help="an organisation's gates file, applied to the built-in gates (default: gates_file in mkdocs.yml)",
        )


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings of ``mkdocs.yml`` (``--config``, else ``./mkdocs.yml`` if there is one), with
    the command's own options applied."""
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
    if gates_file is not None and not os.path.lexists(gates_file):  # what is there is read by the path policy
        raise ConfigError(f"no such file: {gates_file}")
    return replace(
        base,
        checklist=checklist or base.checklist,
        gates_file=gates_file or base.gates_file,
        gates=GateMode(gates) if gates else base.gates,
        reviewers_from=base.reviewers_from if reviewers_from is None else int(reviewers_from),
    )


def project_of(args: argparse.Namespace) -> Path:
    """The project: the folder of ``--config``, else the working folder. A gates file or checklist
    named inside it must really lie in it (see :mod:`..core.file_policy`)."""
    config: Path | None = args.config
    return config.parent if config is not None else Path.cwd()


def fail(message: object, status: int = EXIT_USAGE) -> int:
    """Print ``mltrl: message`` on standard error; the exit status to return."""
    print(f"mltrl: {message}", file=sys.stderr)
    return status


#: The owner written when neither the command line nor git names one.
PLACEHOLDER_OWNER = "Owner Name"


def git_owner() -> str:
    """``Name <email>`` from ``git config user.name`` and ``user.email``, else a placeholder."""

    def get(key: str) -> str:
        try:
            done = subprocess.run(["git", "config", key], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    name, email = get("user.name"), get("user.email")
    if not name:
        return PLACEHOLDER_OWNER
    return f"{name} <{email}>" if email and "<" not in name else name
