"""Model cards in and out: Hugging Face and Model Card Toolkit cards read into TRL Cards, and TRL
Cards written as CycloneDX ML-BOMs and Hugging Face model cards.

Beside ``render`` above the core: it turns cards into other formats' data and text, never HTML.
The exports are plain data mapping that the site builds with every card; the imports and the
command line's checks of what is exported use optional packages (the ``interop`` extra), imported
only when a function needs them (see :mod:`.extra`).
"""

from .common import ImportOptions, ImportResult
from .extra import EXTRA, MissingExtraError
from .values import ConversionError

__all__ = ["EXTRA", "ConversionError", "ImportOptions", "ImportResult", "MissingExtraError"]
