"""A card's exports as the files the site publishes and ``mltrl export`` writes."""

from __future__ import annotations

import datetime as _dt
import json

from ..core.card import Card
from ..core.clock import build_date
from ..core.portfolio import Portfolio
from .cyclonedx import bom, bom_text, check_bom
from .hf_export import check_readme, readme
from .readiness import Readiness, readiness_of

#: The export formats, by the name the command line and ``cards.json`` use.
FORMATS = ("cyclonedx", "huggingface")


def export_text(
    portfolio: Portfolio, card: Card, format_name: str, page_url: str | None = None, facts: Readiness | None = None
) -> str:
    """The text of ``card`` in a format: a CycloneDX BOM (JSON), or a Hugging Face README.md.
    ``page_url`` is the card page's absolute URL, when the site's ``site_url`` is known; ``facts``
    the card's readiness, when the caller has it already.

    The BOM is dated with the build date (``SOURCE_DATE_EPOCH`` when set), so that the same card
    gives the same file all day, whichever host builds it."""
    readiness = facts or readiness_of(portfolio, card)
    if format_name == "cyclonedx":
        when = _dt.datetime.combine(build_date(), _dt.time(), _dt.timezone.utc)
        return bom_text(bom(card, readiness, page_url, when))
    if format_name == "huggingface":
        return readme(card, readiness, page_url)
    raise ValueError(f"unknown export format {format_name!r}")


def check_export(text: str, format_name: str) -> list[str]:
    """What is wrong with an export, as its format's own library reads it ([] when nothing is):
    cyclonedx-python-lib's strict 1.6 validator, or huggingface_hub's model card reader. Needs the
    ``interop`` extra."""
    if format_name == "cyclonedx":
        return check_bom(json.loads(text))
    try:
        check_readme(text)
    except ValueError as exc:
        return [str(exc)]
    return []
