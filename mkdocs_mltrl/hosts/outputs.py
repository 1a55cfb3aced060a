"""Where the files of a built site go: no output of a build may overwrite another."""

from __future__ import annotations


class OutputPaths:
    """Where each file of a built site goes, so that no output overwrites another: two at one
    path (ignoring case, as on macOS and Windows), or a file where another needs a folder of that
    name, are a conflict naming both."""

    def __init__(self) -> None:
        self._files: dict[str, str] = {}
        self._folders: dict[str, str] = {}

    def claim(self, path: str, origin: str) -> str | None:
        """Take ``path`` for ``origin``; why it cannot be, if another output holds it."""
        key = path.strip("/").lower()
        parts = key.split("/")
        conflict = None
        if key in self._files:
            conflict = f"{origin} and {self._files[key]} would both be written to {path}"
        elif key in self._folders:
            conflict = f"{origin} would be written to {path}, a folder that holds {self._folders[key]}"
        else:
            for end in range(1, len(parts)):
                folder = "/".join(parts[:end])
                if folder in self._files:
                    conflict = f"{origin} would be written inside {folder}, which is {self._files[folder]}"
                    break
        if conflict is not None:
            return f"{conflict}; choose another id or url_prefix, or rename the other file"
        self._files[key] = origin
        for end in range(1, len(parts)):
            self._folders.setdefault("/".join(parts[:end]), origin)
        return None


def page_output(src_uri: str, directory_urls: bool) -> str:
    """Where a host writes the page of a Markdown source (as MkDocs and Zensical do)."""
    folder, _, name = src_uri.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    prefix = f"{folder}/" if folder else ""
    if stem in ("index", "README"):
        return f"{prefix}index.html"
    return f"{prefix}{stem}/index.html" if directory_urls else f"{prefix}{stem}.html"
