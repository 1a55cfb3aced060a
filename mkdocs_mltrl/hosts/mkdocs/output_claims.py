"""Where a build's files go: the MkDocs adapter's checks that no generated file is written over
another file of the site (see :class:`..outputs.OutputPaths`)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, get_files

from ...render.urls import SiteLayout
from ..outputs import OutputPaths
from ..site import PAGE_KINDS, GeneratedFile


def claim_outputs(
    files: Files, config: Any, generated_files: list[GeneratedFile], layout: SiteLayout, base: Path
) -> None:
    """Stop the build when a generated file would be written where another file of the site
    goes (see :class:`.OutputPaths`)."""
    outputs = OutputPaths()
    docs = Path(config.docs_dir)
    for file in files:
        if file.inclusion.is_excluded():  # not written
            continue
        source = Path(file.abs_src_path) if file.abs_src_path else None
        if source is not None and source.is_relative_to(docs):
            origin = f"the docs file {os.path.relpath(source, base)}"
        else:
            origin = f"{file.src_uri} of the theme or another plugin"
        outputs.claim(file.dest_uri, origin)  # any clash among these is the host's own to report
    for name in sorted(getattr(config.theme, "static_templates", ())):
        outputs.claim(name, f"the theme's {name}")
        if name == "sitemap.xml":
            outputs.claim("sitemap.xml.gz", "the theme's sitemap.xml.gz")
    for generated in generated_files:
        dest = layout.page_dest(generated.src_uri) if generated.kind in PAGE_KINDS else generated.src_uri
        conflict = outputs.claim(dest, generated.origin or generated.src_uri)
        if conflict is not None:
            raise PluginError(f"mltrl: {conflict}")


def docs_files(config: Any) -> Files:
    """The files of the docs folder, as MkDocs will find them (without its warnings twice)."""
    quiet = logging.getLogger("mkdocs.structure.files")
    was = quiet.disabled
    quiet.disabled = True
    try:
        return get_files(config)
    finally:
        quiet.disabled = was


def written(files: Files) -> dict[str, str]:
    """The source of each file, by the file it is written to."""
    return {file.dest_uri: file.src_uri for file in files}


def check_free(files: Files, written: dict[str, str], src_uri: str, dest_uri: str) -> None:
    held = src_uri if src_uri in files else written.get(dest_uri)
    if held is not None:
        raise PluginError(f"mltrl: docs already hold {held}; choose another url_prefix for the cards")
