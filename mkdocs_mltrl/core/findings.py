"""The one value type every layer returns: a positioned finding with a stable code."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from .printable import one_line, valid_text


class Severity(str, enum.Enum):
    """How much a finding matters: errors fail, warnings fail under strict, info never fails."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem (or note) found in a file, with a 1-based line and column."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.file, self.line, self.column, _SEVERITY_ORDER[self.severity], self.code, self.message)

    def format(self) -> str:
        """`path:line:col: severity CODE message`, the form editors and CI logs understand; on one
        line, whatever the file's name holds (see :mod:`.printable`)."""
        return f"{one_line(self.file)}:{self.line}:{self.column}: {self.severity.value} {self.code} {one_line(self.message)}"

    def as_dict(self) -> dict[str, object]:
        """The finding as JSON-ready data: valid Unicode, whatever the file's name holds."""
        return {
            "file": valid_text(self.file),
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": valid_text(self.message),
        }


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """All findings, sorted by file, line and column, without repeats."""
    return sorted(set(findings), key=Finding.sort_key)


def count(findings: Iterable[Finding], severity: Severity) -> int:
    return sum(1 for f in findings if f.severity is severity)
