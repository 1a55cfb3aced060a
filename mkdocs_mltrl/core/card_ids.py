"""The ids a card may not have: names the site writes beside the card pages, and names that no
folder can have on Windows (``ID001``, ``ID002``)."""

from __future__ import annotations

#: Names the site writes beside the card pages under <url_prefix>/, and names the host writes at
#: the site's root when the prefix is empty (compared ignoring case): a card's folder may be none.
RESERVED_IDS = frozenset(
    {
        "assets", "portfolio", "pages", "index.json", "cards.json", "cards.schema.json", "card.schema.json", "schemas",
        "index.md", "index.html", "404.html", "search", "search.html", "sitemap.xml", "sitemap.xml.gz",
    }
)  # fmt: skip

#: Names Windows gives to devices: no file or folder may have one, with or without an extension.
DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"} | {f"{d}{n}" for d in ("com", "lpt") for n in "0123456789"}
)


def id_problem(key: str) -> tuple[str, str] | None:
    """(code, reason) when an id or alias, valid in form, cannot be a folder of every site."""
    if key.lower() in RESERVED_IDS:
        return "ID001", f"'{key}' is reserved for the site's own pages; choose another id"
    if key.split(".", 1)[0].lower() in DEVICE_NAMES:
        return "ID002", f"'{key}' names a device on Windows, where it cannot be a folder; choose another id"
    return None
