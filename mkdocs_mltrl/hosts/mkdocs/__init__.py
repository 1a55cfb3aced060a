"""The MkDocs (and ProperDocs) host: the ``mltrl`` plugin and its options."""

from .config import MltrlConfig
from .plugin import MltrlPlugin

__all__ = [
    "MltrlConfig",
    "MltrlPlugin",
]
