"""Loading problems: their stable codes, the limits a card file must keep, and the positioned error."""

from __future__ import annotations

from .findings import Finding, Severity

MAX_FILE_BYTES = 1024 * 1024


MAX_DEPTH = 64


#: Stable codes of loading problems.
YAML_SYNTAX = "YAML001"


YAML_DUPLICATE_KEY = "YAML002"


YAML_ALIAS = "YAML003"


YAML_TAG = "YAML004"


YAML_MULTIPLE_DOCUMENTS = "YAML005"


YAML_TOO_LARGE = "YAML006"


YAML_ENCODING = "YAML007"


YAML_EMPTY = "YAML008"


YAML_NOT_MAPPING = "YAML009"


YAML_KEY = "YAML010"


YAML_TOO_DEEP = "YAML011"


YAML_UNREADABLE = "YAML012"


YAML_CONTROL_CHARACTER = "YAML013"


YAML_NOT_FINITE = "YAML014"


class LoadError(Exception):
    """Loading stopped at a positioned problem."""

    def __init__(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column

    def finding(self, display: str) -> Finding:
        return Finding(display, self.line, self.column, Severity.ERROR, self.code, self.message)
