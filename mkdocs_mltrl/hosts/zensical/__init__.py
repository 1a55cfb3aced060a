"""The Zensical host: ``mltrl generate`` writes the docs folder and config, and the ``mltrl``
Markdown extension renders each generated page as Zensical builds."""

from .extension import MltrlExtension, makeExtension
from .generate import Generated, build_here, generate
from .shared import GENERATED_CONFIG, GENERATED_DIR, GenerateError

__all__ = [
    "GENERATED_CONFIG",
    "GENERATED_DIR",
    "GenerateError",
    "Generated",
    "MltrlExtension",
    "build_here",
    "generate",
    "makeExtension",
]
