"""The optional packages of the model-card commands (the ``interop`` extra), imported on demand.

Nothing else in mkdocs-mltrl needs them: the site builds each card's CycloneDX and Hugging Face
files without them, and ``mltrl validate`` never loads them. A command that needs one and does not
find it stops with a message naming the extra to install.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

#: What to install for the model-card commands.
EXTRA = "mkdocs-mltrl[interop]"


class MissingExtraError(ImportError):
    """An optional package of the model-card commands is not installed."""


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtraError` saying what needs it and what to install."""
    try:
        return import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        raise MissingExtraError(
            f"{purpose} needs the package '{package}', which is not installed: pip install \"{EXTRA}\""
        ) from exc
