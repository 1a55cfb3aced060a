"""The card pages under mkdocs-static-i18n, which builds the site once per language.

For each language the i18n plugin replaces every file of the docs folder by a copy made anew from
its path, placed in the language's folder (``fr/...``), and passes other files through as they are.
It fails on a page that has no path in the docs folder, as generated pages have none; and it reads
a language from a page's path: in its ``suffix`` layout ``<name>.<xx>.md`` is the ``xx``
translation of ``<name>.md`` (a card whose id ends like a language, ``ranker.de`` or even
``vision.ai``, would vanish from every language but that one), in its ``folder`` layout a first
folder of two letters is a language (a ``url_prefix`` of ``ml``).

So the plugin gives it each page under a stand-in path in the docs folder from which no layout
reads a language, ``_mltrl/<prefix>/<id>/index.md``, names the page back and gives it its content
once the i18n plugin has placed it, and adds the files the pages link to (badges, assets,
exports) only then, into the folder the pages were placed in.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import Files

from ..site import GeneratedFile


def localizes_docs(config: Any) -> bool:
    """Whether mkdocs-static-i18n builds the site."""
    return any(type(plugin).__module__.split(".")[0] == "mkdocs_static_i18n" for plugin in config.plugins.values())


def stand_in(dest_uri: str) -> str:
    """The source path a page is given to the i18n plugin under (see above)."""
    return "_mltrl/" + dest_uri.removesuffix(".html") + ".md"


def restore_pages(files: Files, stand_ins: dict[str, GeneratedFile]) -> None:
    """Give each page given under a stand-in path its own name and content back."""
    for file in [file for file in files if file.src_uri in stand_ins]:
        generated = stand_ins[file.src_uri]
        files.remove(file)
        file.src_uri = generated.src_uri
        vars(file).pop("name", None)  # computed from the stand-in path
        file.content_string = generated.content  # and no path: the page has no file
        file.generated_by = "mltrl"
        files.append(file)


def language_folder(files: Files, index_src: str, index_dest: str) -> str:
    """The folder the i18n plugin placed the pages of this build in (``fr/``; none without it),
    found from where the index ended up."""
    index = files.get_file_from_path(index_src)
    if index is None or not index.dest_uri.endswith(index_dest):
        return ""
    return index.dest_uri.removesuffix(index_dest)
