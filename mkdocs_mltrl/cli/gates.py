"""``mltrl gates``: the readiness gates in force, with each one's exact predicate."""

from __future__ import annotations

import argparse
import sys

from ..core.card_files import display_path
from ..core.gates.gate_set import load_gates
from ..core.markdown_text import flat
from ..hosts.settings import ConfigError
from ..render.gates_reference import gates_data, gates_markdown
from .common import EXIT_FINDINGS, EXIT_OK, Commands, config_options, fail, project_of, settings_of
from .output import as_text, json_text


def add_parser(commands: Commands) -> None:
    gates = commands.add_parser(
        "gates",
        help="print the readiness gates in force, with each one's exact predicate",
        description="The built-in gates with the gates file applied, as Markdown (the docs' gates page), "
        "text or JSON. Exit 1 when the gates file has errors.",
    )
    gates.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    config_options(gates, checklist=True)
    gates.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_of(args)
    except ConfigError as exc:
        return fail(exc)
    gates_file = settings.gates_file
    gateset, findings = load_gates(gates_file, display_path(gates_file) if gates_file else None, project_of(args))
    if findings:
        sys.stderr.write(as_text(0, findings).split("\n0 cards")[0] + "\n")
    if gateset is None:
        return EXIT_FINDINGS
    if args.format == "markdown":
        sys.stdout.write(gates_markdown(gateset))
    elif args.format == "json":
        sys.stdout.write(json_text({"gates": gates_data(gateset)}))
    else:
        for gate in gateset.gates:
            severity = f" [{gate.severity.value}]" if gate.severity else ""
            # one line each, whatever the gates file holds: no line break or terminal control
            print(f"{gate.code} level {gate.level}{severity}: {flat(gate.description)}")
            print(f"    met when {gate.predicate}")
    return EXIT_OK
