"""Licences between the card's SPDX expression and the Hugging Face Hub's licence ids.

The Hub takes one id from its own list (https://huggingface.co/docs/hub/repositories-licenses):
mostly SPDX ids in lower case, a few licence families and model licences SPDX does not list
(``openrail``, ``llama2``), and ``other`` with a ``license_name`` of your own. A card holds an SPDX
expression; an id SPDX does not list is written ``LicenseRef-<id>``, as SPDX asks.
"""

from __future__ import annotations

import re
from typing import Any

from .extra import require

#: Hub licence id -> SPDX id, for the Hub's ids that name one SPDX licence.
HUB_TO_SPDX: dict[str, str] = {
    "apache-2.0": "Apache-2.0",
    "mit": "MIT",
    "afl-3.0": "AFL-3.0",
    "artistic-2.0": "Artistic-2.0",
    "bsl-1.0": "BSL-1.0",
    "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause",
    "bsd-3-clause-clear": "BSD-3-Clause-Clear",
    "c-uda": "C-UDA-1.0",
    "cc0-1.0": "CC0-1.0",
    "cc-by-2.0": "CC-BY-2.0",
    "cc-by-2.5": "CC-BY-2.5",
    "cc-by-3.0": "CC-BY-3.0",
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-sa-3.0": "CC-BY-SA-3.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc-by-nc-2.0": "CC-BY-NC-2.0",
    "cc-by-nc-3.0": "CC-BY-NC-3.0",
    "cc-by-nc-4.0": "CC-BY-NC-4.0",
    "cc-by-nd-4.0": "CC-BY-ND-4.0",
    "cc-by-nc-nd-3.0": "CC-BY-NC-ND-3.0",
    "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
    "cc-by-nc-sa-2.0": "CC-BY-NC-SA-2.0",
    "cc-by-nc-sa-3.0": "CC-BY-NC-SA-3.0",
    "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0",
    "cdla-sharing-1.0": "CDLA-Sharing-1.0",
    "cdla-permissive-1.0": "CDLA-Permissive-1.0",
    "cdla-permissive-2.0": "CDLA-Permissive-2.0",
    "wtfpl": "WTFPL",
    "ecl-2.0": "ECL-2.0",
    "epl-1.0": "EPL-1.0",
    "epl-2.0": "EPL-2.0",
    "etalab-2.0": "etalab-2.0",
    "eupl-1.1": "EUPL-1.1",
    "eupl-1.2": "EUPL-1.2",
    "agpl-3.0": "AGPL-3.0-only",
    "gpl-2.0": "GPL-2.0-only",
    "gpl-3.0": "GPL-3.0-only",
    "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-3.0": "LGPL-3.0-only",
    "isc": "ISC",
    "lppl-1.3c": "LPPL-1.3c",
    "ms-pl": "MS-PL",
    "mpl-2.0": "MPL-2.0",
    "odc-by": "ODC-By-1.0",
    "odbl": "ODbL-1.0",
    "osl-3.0": "OSL-3.0",
    "postgresql": "PostgreSQL",
    "ofl-1.1": "OFL-1.1",
    "ncsa": "NCSA",
    "unlicense": "Unlicense",
    "zlib": "Zlib",
    "pddl": "PDDL-1.0",
}
_SPDX_TO_HUB = {spdx.lower(): hub for hub, spdx in HUB_TO_SPDX.items()}
#: Hub ids that name no licence.
_NO_LICENCE = {"unknown", "other", ""}
_REF = "LicenseRef-"


def licence_ref(name: str) -> str | None:
    """``LicenseRef-<name>`` for a licence SPDX does not list (letters, digits, '.' and '-'), or None."""
    idstring = re.sub(r"[^A-Za-z0-9.-]+", "-", name.strip().replace("+", "-plus")).strip("-.")
    return f"{_REF}{idstring}" if idstring else None


def from_hub(license_id: Any, license_name: Any = None) -> str | None:
    """The SPDX expression for a Hub card's ``license`` (and ``license_name`` when it is
    ``other``): the SPDX id of a Hub id, else ``LicenseRef-<id>``; None when it names none."""
    if not isinstance(license_id, str):
        return None
    key = license_id.strip().lower()
    if key in HUB_TO_SPDX:
        return HUB_TO_SPDX[key]
    if key == "other" and isinstance(license_name, str) and license_name.strip():
        return spdx_expression(license_name) or licence_ref(license_name)
    if key in _NO_LICENCE:
        return None
    return licence_ref(license_id)


def to_hub(expression: str | None) -> dict[str, str]:
    """The Hub front-matter keys for a card's licence: ``license`` alone for an SPDX id the Hub
    lists (``Apache-2.0`` -> ``apache-2.0``) or a ``LicenseRef-<Hub id>``; else ``license: other``
    and ``license_name``, the expression as an id (``MIT OR Apache-2.0`` -> ``mit-or-apache-2.0``)."""
    if not expression:
        return {}
    hub = _SPDX_TO_HUB.get(expression.lower())
    if hub is not None:
        return {"license": hub}
    name = expression[len(_REF) :] if expression.startswith(_REF) else expression
    hub_only = name.lower().replace("-plus", "+")
    if expression.startswith(_REF) and hub_only in _HUB_ONLY:
        return {"license": hub_only}
    return {"license": "other", "license_name": re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-")}


#: Hub ids SPDX does not list: licence families and model licences (see the Hub's list).
_HUB_ONLY = {
    "openrail", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0", "bigcode-openrail-m",
    "openrail++", "bsd", "cc", "gfdl", "gpl", "lgpl", "lgpl-lr", "deepfloyd-if-license", "gemma", "llama2", "llama3", "llama3.1",
    "llama3.2", "llama3.3", "llama4",
}  # fmt: skip


def spdx_expression(value: str) -> str | None:
    """``value`` as a canonical SPDX licence expression (``apache-2.0`` -> ``Apache-2.0``,
    ``GPL-2.0+`` -> ``GPL-2.0-or-later``), or None when it is not one (``Apache 2.0``,
    ``proprietary``). ``LicenseRef-`` ids are kept as written. Read with license-expression."""
    text = " ".join(value.split())
    if not text or len(text) > 500:
        return None
    licensing = require("license_expression", "Reading a licence").get_spdx_licensing()
    try:
        info = licensing.validate(text)
    except Exception:  # the library raises on some malformed input instead of reporting it
        return None
    if not info.errors and info.normalized_expression:
        return str(info.normalized_expression)
    refs = [s for s in info.invalid_symbols if str(s).startswith(_REF)]
    if refs and len(refs) == len(info.invalid_symbols) and re.fullmatch(r"[A-Za-z0-9.:+() -]+", text):
        return text  # SPDX's own references to licences it does not list: kept as written
    return None
