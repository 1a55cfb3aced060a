"""``mltrl new``: scaffold a card with no errors and a placeholder for what its level asks for."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.card_files import CardPathError, display_path
from ..core.gates.gate_set import GateMode
from ..core.portfolio import load_portfolio
from ..core.printable import one_line
from ..hosts.settings import ConfigError
from ..render.new_card import (
    ScaffoldError,
    check_values,
    create_card,
    published_schema,
    render_new_card,
    schema_hint,
    write_schema,
)
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Commands, config_options, fail, git_owner, settings_of


def add_parser(commands: Commands) -> None:
    new = commands.add_parser(
        "new",
        help="scaffold a card: no errors, and placeholders for what its level asks for",
        description="Write <dir>/<ID>.yaml with a schema hint that works in every clone and a commented placeholder for each "
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
    config_options(new, checklist=False)
    new.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_of(args)
        folder = args.dir or settings.cards_dir
        taken: set[str] = set()
        if folder.is_dir():
            portfolio, _ = load_portfolio([folder], settings.checklist, GateMode.OFF)
            for card in portfolio.cards if portfolio else ():
                taken.update(key.lower() for key in (card.id, *card.aliases))
        owner = args.owner or git_owner()
        check_values(
            {"the id": args.id, "--name": args.name, "--owner" if args.owner else "the owner (git config)": owner}
        )
        project = args.config.parent if args.config else Path.cwd()
        hint, schema_copy = schema_hint(folder, project, published_schema(settings.site_url, settings.url_prefix))
        text = render_new_card(args.id, args.name, args.level, owner, hint)
        path = create_card(folder, args.id, text, taken)
    except ScaffoldError as exc:
        return fail(exc, EXIT_USAGE if exc.usage else EXIT_FINDINGS)
    except (ConfigError, CardPathError) as exc:
        return fail(exc)
    print(f"created {one_line(display_path(path))}")
    if schema_copy is not None:
        shown = one_line(display_path(schema_copy))
        try:
            write_schema(schema_copy)
        except OSError as exc:
            print(f"warning: cannot write {shown}: {exc.strerror or exc}", file=sys.stderr)
        else:
            print(f"wrote {shown} for editors' schema hints (commit it with the card)")
    return EXIT_OK
