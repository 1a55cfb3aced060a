"""mkdocs-mltrl: publish MLTRL TRL Cards as a static documentation site."""

__version__ = "0.1.0"
