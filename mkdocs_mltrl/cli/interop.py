"""``mltrl import`` and ``mltrl export``: model cards into TRL Cards, and TRL Cards out.

``mltrl import hf|mct PATH`` reads a Hugging Face model card or a Model Card Toolkit JSON and
writes a card that ``mltrl validate`` accepts, to ``--out`` or standard output; nothing is written
when the card would have an error. ``mltrl export`` writes a card (or every card) as a CycloneDX
BOM or a Hugging Face model card, once the format's own library has read it back. Both need the
``interop`` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from ..core.card_files import CardPathError, display_path
from ..core.clock import build_date
from ..core.file_policy import read_file
from ..core.findings import Severity
from ..core.gates.gate_set import GateMode
from ..core.levels import LevelTable
from ..core.portfolio import load_portfolio
from ..core.yaml_errors import YAML_TOO_LARGE, YAML_UNREADABLE, LoadError
from ..hosts.settings import ConfigError, Settings
from ..interop import EXTRA, ConversionError, ImportOptions, ImportResult, MissingExtraError
from ..interop.card_yaml import check_card_text, dump_card
from ..interop.hf_import import card_from_hf
from ..interop.mct_import import card_from_mct
from ..interop.publish import check_export, export_text
from ..render.new_card import published_schema, schema_hint, write_schema
from ..render.urls import SiteLayout
from .common import EXIT_FINDINGS, EXIT_OK, Commands, config_options, fail, git_owner, settings_of
from .output import as_text

#: The largest source file read (a Model Card Toolkit JSON may hold base64 graphics).
MAX_SOURCE = 16 * 1024 * 1024
#: ``--format`` of ``mltrl export`` -> the export's name.
FORMATS = {"cyclonedx": "cyclonedx", "hf": "huggingface"}
SOURCES = {"hf": "a Hugging Face model card (README.md with YAML front matter)", "mct": "a Model Card Toolkit JSON"}


def add_parser(commands: Commands) -> None:
    importer = commands.add_parser(
        "import",
        help="read a Hugging Face or Model Card Toolkit model card into a TRL Card",
        description="Write a TRL Card from another model card, to --out or standard output. The card passes "
        "`mltrl validate`; nothing is written when it would not. Exit 1 when the source cannot be converted, "
        f"2 for usage or I/O problems. Needs {EXTRA}.",
    )
    kinds = importer.add_subparsers(dest="source_format", metavar="FORMAT", required=True)
    for kind, what in SOURCES.items():
        sub = kinds.add_parser(kind, help=f"read {what}", description=f"Read {what} into a TRL Card.")
        sub.add_argument("path", type=Path, metavar="PATH", help="the model card's file")
        sub.add_argument("--out", type=Path, metavar="FILE", help="the card file to write (default: standard output)")
        sub.add_argument("--id", dest="card_id", help="the card's id (default: made from the model's name)")
        sub.add_argument("--name", help="the technology's name (default: the model card's)")
        sub.add_argument(
            "--level", type=int, choices=range(10), default=0, metavar="N", help="the card's level 0-9 (default 0)"
        )
        sub.add_argument(
            "--owner",
            action="append",
            metavar='"Name <email>"',
            help="an owner (repeatable); default: the model card's owners, else git config user.name and user.email",
        )
        config_options(sub, checklist=False)
        sub.set_defaults(run=_import)

    exporter = commands.add_parser(
        "export",
        help="write a card as a CycloneDX ML-BOM or a Hugging Face model card",
        description="Write a card (or every card, with --all) as a CycloneDX 1.6 BOM (JSON) or a Hugging Face "
        "model card (README.md). Exit 1 when the cards have errors, 2 for usage or I/O problems. "
        f"Needs {EXTRA}.",
    )
    exporter.add_argument("card_id", nargs="?", metavar="CARD_ID", help="the card's id or alias")
    exporter.add_argument("--format", choices=list(FORMATS), required=True, help="cyclonedx or hf (Hugging Face)")
    exporter.add_argument("--all", action="store_true", help="every card, into the folder --out")
    exporter.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="the file to write (default: standard output); with --all, the folder: <id>.cdx.json or <id>/README.md",
    )
    config_options(exporter, checklist=True)
    exporter.set_defaults(run=_export)


# --- import ----------------------------------------------------------------------------------------


def _import(args: argparse.Namespace) -> int:
    path: Path = args.path
    shown = display_path(path)
    try:
        text = _read_source(path)
    except LoadError as exc:  # the one file policy: not a regular file, a link loop, unreadable
        return fail(f"{shown}:{exc.line}:{exc.column}: error {exc.code} {exc.message}")
    except ValueError as exc:
        return fail(f"{shown}:1:1: error IMPORT001 {exc}")
    fallback = path.resolve().parent.name if path.name.lower() == "readme.md" else path.stem
    default_owner = git_owner()
    options = ImportOptions(
        source=shown,
        owners=tuple(args.owner or ()),
        default_owners=(default_owner,),
        level=args.level,
        card_id=args.card_id,
        name=args.name,
        today=build_date(),
    )
    try:
        result = _convert(args.source_format, text, options, fallback)
    except MissingExtraError as exc:
        return fail(exc)
    except RecursionError:  # a cyclic or absurdly deep document: JSON and YAML readers recurse
        print(f"{shown}:1:1: error IMPORT002 values are nested too deeply to read", file=sys.stderr)
        return EXIT_FINDINGS
    except ConversionError as exc:
        print(f"{shown}:{exc.line}:{exc.column}: error {exc.code} {exc}", file=sys.stderr)
        return EXIT_FINDINGS
    if not args.owner and result.card["owners"] == [default_owner]:
        result.notes.append(f"the model card names no owners: wrote {default_owner!r} (pass --owner to choose)")
    project = args.config.parent if args.config else Path.cwd()
    try:
        settings = settings_of(args)
    except ConfigError as exc:
        return fail(exc)
    return _write_card(result, args.out, project, published_schema(settings.site_url, settings.url_prefix))


def _read_source(path: Path) -> str:
    """The source's text, read by the one file policy (a regular file, at most 16 MiB)."""
    try:
        raw = read_file(path, None, MAX_SOURCE)
    except LoadError as exc:
        if exc.code == YAML_TOO_LARGE:
            raise ValueError(f"the file is larger than {MAX_SOURCE // (1024 * 1024)} MiB") from None
        if exc.code == YAML_UNREADABLE:
            raise ValueError(exc.message) from None
        raise  # an entry the policy refuses (a folder, a pipe, a link loop), with its IO code
    try:
        return str(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"the file is not UTF-8 (byte {exc.start + 1})") from None


def _convert(source_format: str, text: str, options: ImportOptions, fallback: str) -> ImportResult:
    if source_format == "hf":
        return card_from_hf(text, options, fallback)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConversionError(f"not JSON: {exc.msg}", "IMPORT002", exc.lineno, exc.colno) from None
    return card_from_mct(data, options, fallback)


def _write_card(result: ImportResult, out: Path | None, project: Path, published: str | None) -> int:
    card = result.card
    folder = out.parent if out is not None else Path.cwd()
    if out is not None:
        if out.exists():
            return fail(f"{out} already exists; not overwriting it", EXIT_FINDINGS)
        taken = _ids_in(folder)
        if card["id"].lower() in taken:
            return fail(
                f"a card with id '{card['id']}' (or that alias) already exists in {folder}: pass --id", EXIT_FINDINGS
            )
    hint, schema_copy = schema_hint(folder, project, published)  # as `mltrl new` writes it
    try:
        text = dump_card(card, hint)
    except RecursionError:
        return fail("the imported card nests values too deeply to write; nothing was written", EXIT_FINDINGS)
    shown = display_path(out) if out is not None else "<stdout>"
    findings = check_card_text(text, shown, card["id"])
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        sys.stderr.write(as_text(1, errors))
        return fail("the imported card has errors; nothing was written", EXIT_FINDINGS)
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with out.open("x", encoding="utf-8") as handle:  # never overwrite
                handle.write(text)
        except FileExistsError:
            return fail(f"{out} already exists; not overwriting it", EXIT_FINDINGS)
        except OSError as exc:
            return fail(f"cannot write {out}: {exc.strerror or exc}")
    for note in result.notes:
        print(f"mltrl: note: {note}", file=sys.stderr)
    for finding in findings:
        print(finding.format(), file=sys.stderr)
    if out is not None:
        print(f"created {shown}")
    if schema_copy is not None and out is not None:
        _write_schema_copy(schema_copy)
    elif schema_copy is not None:
        print(f"mltrl: note: the schema hint names {display_path(schema_copy)}: `mltrl new` writes it", file=sys.stderr)
    return EXIT_OK


def _write_schema_copy(target: Path) -> None:
    """The card schema in the project's schemas/ folder, for the editor hint (as `mltrl new` does)."""
    shown = display_path(target)
    try:
        write_schema(target)
    except OSError as exc:
        print(f"warning: cannot write {shown}: {exc.strerror or exc}", file=sys.stderr)
    else:
        print(f"wrote {shown} for editors' schema hints (commit it with the card)")


def _ids_in(folder: Path) -> set[str]:
    """The ids and aliases of the cards in ``folder`` (lower case), as ``mltrl new`` refuses them."""
    if not folder.is_dir():
        return set()
    portfolio, _ = load_portfolio([folder], gates=GateMode.OFF)
    cards = portfolio.cards if portfolio is not None else []
    return {key.lower() for card in cards for key in (card.id, *card.aliases)}


# --- export ----------------------------------------------------------------------------------------


def _export(args: argparse.Namespace) -> int:
    if args.all == bool(args.card_id):
        return fail("name one card (CARD_ID) or pass --all")
    if args.all and args.out is None:
        return fail("--all writes one file per card: pass --out DIR")
    try:
        settings = settings_of(args)
        portfolio, findings = load_portfolio(
            [settings.cards_dir],
            settings.checklist,
            settings.gates,
            levels=LevelTable(settings.stages),
            reviewers_from=settings.reviewers_from,
            gates_file=settings.gates_file,
        )
    except (ConfigError, CardPathError) as exc:
        return fail(exc)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if portfolio is None or errors:
        sys.stderr.write(as_text(portfolio.files if portfolio else 0, errors))
        return fail("the cards have errors; nothing was exported", EXIT_FINDINGS)
    if args.all:
        cards = portfolio.sorted_by_level()
    else:
        card = portfolio.by_id(args.card_id)
        if card is None:
            return fail(f"no card with id or alias '{args.card_id}' in {settings.cards_dir}")
        cards = [card]
    name = FORMATS[args.format]
    texts = {card.id: export_text(portfolio, card, name, _page_url(settings, card.id)) for card in cards}
    try:
        problems = {card_id: check_export(text, name) for card_id, text in texts.items()}
    except MissingExtraError as exc:
        return fail(exc)
    wrong = [f"{card_id}: {problem}" for card_id, found in problems.items() for problem in found]
    if wrong:
        return fail("the export is not valid, nothing was written:\n" + "\n".join(wrong), EXIT_FINDINGS)
    return _write_exports(texts, name, args.out, args.all)


def _page_url(settings: Settings, card_id: str) -> str | None:
    """The card page's URL, as the site links it, when ``site_url`` is known."""
    if not settings.site_url:
        return None
    layout = SiteLayout(settings.url_prefix.strip("/"), settings.directory_urls)
    return settings.site_url.rstrip("/") + "/" + layout.card_url(card_id)


def _write_exports(texts: dict[str, str], name: str, out: Path | None, every: bool) -> int:
    if out is None:
        sys.stdout.write(next(iter(texts.values())))
        return EXIT_OK
    targets = {card_id: _target(out, card_id, name, every) for card_id in texts}
    try:
        for card_id, target in targets.items():
            _replace(target, texts[card_id])
    except OSError as exc:
        return fail(f"cannot write {exc.filename or out}: {exc.strerror or exc}")
    print(f"wrote {len(targets)} file(s)" + (f" to {display_path(out)}" if every else f": {display_path(out)}"))
    return EXIT_OK


def _target(out: Path, card_id: str, name: str, every: bool) -> Path:
    if not every:
        return out
    return out / card_id / "README.md" if name == "huggingface" else out / f"{card_id}.cdx.json"


def _replace(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all: a temporary file beside it, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
