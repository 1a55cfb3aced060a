"""``mltrl generate``, ``mltrl build`` and ``mltrl serve``: one command for each host.

MkDocs (and its themes) run the plugin; Zensical runs the pages :mod:`..hosts.zensical` generates. Both
are run as the user would run them, in a child process, so that their output and exit status are
theirs. Card errors are reported here first, in the form ``mltrl validate`` prints, and stop the
command before the host writes anything.
"""

from __future__ import annotations

import argparse
import importlib.util
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.findings import Severity
from ..hosts.settings import ConfigError
from ..hosts.zensical.shared import GENERATED_CONFIG, GENERATED_DIR
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Commands
from .output import as_text

if TYPE_CHECKING:
    from ..hosts.zensical.generate import Generated

HOSTS = ("mkdocs", "zensical")


def add_parser(commands: Commands) -> None:
    """The host commands of the ``mltrl`` parser."""

    def config(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--config", type=Path, default=Path("mkdocs.yml"), help="the site's mkdocs.yml (default: ./mkdocs.yml)"
        )

    generate_cmd = commands.add_parser(
        "generate",
        help=f"write the card pages for Zensical: {GENERATED_DIR}/ and {GENERATED_CONFIG}",
        description=f"Check the cards and write {GENERATED_DIR}/ (the docs with one page per card, the index, "
        f"the portfolio, badges, cards.json, schemas and redirects) and {GENERATED_CONFIG}, which inherits "
        f"mkdocs.yml. Then `zensical build -f {GENERATED_CONFIG}` or `zensical serve -f {GENERATED_CONFIG}`. "
        "Re-run it after adding or removing a card or a page. Writes nothing when a card has an error (exit 1).",
    )
    generate_cmd.add_argument("--strict", action="store_true", help="warnings fail too")
    config(generate_cmd)
    generate_cmd.set_defaults(run=_generate_command)

    build = commands.add_parser(
        "build",
        help="check the cards and build the site into site/ with MkDocs (default) or Zensical",
        description="Build the site as `mkdocs build` does, with the host you choose. Exit 1 when a card has "
        "an error (or a warning under --strict), before anything is written.",
    )
    _host_option(build)
    build.add_argument("--strict", action="store_true", help="warnings (of the cards or of the host) fail")
    config(build)
    build.set_defaults(run=_build)

    serve = commands.add_parser(
        "serve",
        help="serve the site with live reload, with MkDocs (default) or Zensical",
        description="Serve the site and rebuild when a card, a page, a template or the config changes. "
        "With Zensical, adding or removing a card or a page regenerates the pages by itself.",
    )
    _host_option(serve)
    serve.add_argument("-a", "--dev-addr", metavar="IP:PORT", help="address to serve on (default: localhost:8000)")
    config(serve)
    serve.set_defaults(run=_serve)


def _host_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", choices=HOSTS, default="mkdocs", help="the site generator (default: mkdocs)")


def _host_installed(host: str) -> bool:
    if importlib.util.find_spec(host) is not None:
        return True
    extra = "[zensical]" if host == "zensical" else ""
    print(f"mltrl: {host} is not installed: pip install 'mkdocs-mltrl{extra}'", file=sys.stderr)
    return False


def _generate(config: Path, strict: bool, quiet: bool = False) -> tuple[int, Generated | None]:
    """Generate for Zensical and report the findings as `mltrl validate` does."""
    from ..hosts.site_loading import SiteError
    from ..hosts.zensical.generate import generate
    from ..hosts.zensical.shared import GenerateError

    try:
        generated = generate(config)
    except (ConfigError, SiteError, GenerateError) as exc:
        print(f"mltrl: {exc}", file=sys.stderr)
        return EXIT_USAGE, None
    loaded = generated.loaded
    cards = loaded.cards
    shown = [f for f in loaded.findings if f.severity is not Severity.INFO]
    failing = loaded.errors + (loaded.warnings if strict else [])
    if failing:
        sys.stderr.write(as_text(cards, shown))
        print("mltrl: nothing was generated or built: fix the findings above", file=sys.stderr)
        return EXIT_FINDINGS, generated
    if shown and not quiet:
        sys.stderr.write(as_text(cards, shown))
    for note in generated.notes if not quiet else []:
        print(note, file=sys.stderr)
    return EXIT_OK, generated


def _run(command: Sequence[str], cwd: Path, between: Callable[[], None] | None = None) -> int:
    """Run a host; ``between`` is called every half second while it runs. Stopping this command
    (Ctrl-C, or a termination signal) stops the host too."""
    process = subprocess.Popen(list(command), cwd=cwd)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            try:
                return process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if between is not None:
                    between()
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _build(args: argparse.Namespace) -> int:
    config: Path = args.config.absolute()
    if not config.is_file():
        print(f"mltrl: no such file: {args.config}", file=sys.stderr)
        return EXIT_USAGE
    if not _host_installed(args.host):
        return EXIT_USAGE
    strict = ["--strict"] if args.strict else []
    if args.host == "mkdocs":
        return _run([sys.executable, "-m", "mkdocs", "build", "-f", str(config), *strict], config.parent)
    status, generated = _generate(config, args.strict)
    if status != EXIT_OK or generated is None:
        return status
    from ..hosts.zensical.generate import build_here

    return build_here(generated.config_file, args.strict)


def _watched(inputs: Sequence[Path]) -> set[tuple[str, int, int]]:
    """Names, modification times and sizes of what generating reads."""
    found: set[tuple[str, int, int]] = set()
    for item in inputs:
        for path in [item, *(sorted(item.rglob("*")) if item.is_dir() else [])]:
            try:
                stat = path.stat()
            except OSError:
                continue
            found.add((str(path), stat.st_mtime_ns, stat.st_size))
    return found


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _serve(args: argparse.Namespace) -> int:
    config: Path = args.config.absolute()
    if not config.is_file():
        print(f"mltrl: no such file: {args.config}", file=sys.stderr)
        return EXIT_USAGE
    if not _host_installed(args.host):
        return EXIT_USAGE
    address = ["-a", args.dev_addr] if args.dev_addr else []
    if args.host == "mkdocs":
        return _run(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-f", str(config), *address], config.parent
        )
    status, generated = _generate(config, strict=False)
    if status != EXIT_OK or generated is None:
        return status
    command = [sys.executable, "-m", "zensical", "serve", "-f", str(generated.config_file), *address]
    inputs = generated.inputs
    seen = _watched(inputs)

    def regenerate() -> None:  # when a card, a page or the config changes; Zensical reloads what changed
        nonlocal inputs, seen
        now = _watched(inputs)
        if now != seen:
            seen = now
            _, again = _generate(config, strict=False, quiet=True)
            inputs = again.inputs if again is not None else inputs

    return _run(command, config.parent, regenerate)


def _generate_command(args: argparse.Namespace) -> int:
    config: Path = args.config
    if not config.is_file():
        print(f"mltrl: no such file: {config}", file=sys.stderr)
        return EXIT_USAGE
    status, generated = _generate(config, args.strict)
    if status == EXIT_OK and generated is not None:
        print(f"generated {GENERATED_DIR}/ and {GENERATED_CONFIG}: zensical build -f {GENERATED_CONFIG} (or serve)")
    return status
