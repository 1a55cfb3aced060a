"""mltrl's own wording for schema errors, kept out of the published schemas.

The published schemas hold only standard JSON Schema 2020-12 keywords, so that every client
(ajv in strict mode, check-jsonschema, editors) compiles them as they are. mltrl adds these
messages to its own copy before validating: each entry names a place in a schema (a JSON
pointer) and the message keywords to put there.

- ``errorMessage``: the message for any error of that subschema.
- ``patternErrorMessage``: the message when its ``pattern`` does not match.
- ``typeErrorMessage``: the message when its ``type`` does not match.
"""

from __future__ import annotations

import copy
from typing import Any

#: The pattern of every free text field: no control characters other than tab, LF and CR.
CONTROL_FREE = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
CONTROL_FREE_MESSAGE = "holds a control character; only tab and line breaks are allowed"

_CHECKLIST_ID = "a checklist item id holds lowercase letters, digits and '-' only"
_PERSON = 'a person is written "Name", "Name <email>" or as a mapping {name, email, role}'

MESSAGES: dict[str, dict[str, dict[str, str]]] = {
    "card.schema.json": {
        "/properties/mltrl": {"errorMessage": "`mltrl` is the card format version and must be 1"},
        "/properties/ethics/properties/answers/propertyNames": {"patternErrorMessage": _CHECKLIST_ID},
        "/properties/license": {
            "patternErrorMessage": 'not an SPDX licence expression: write an SPDX id such as "Apache-2.0", or ids'
            ' joined by " AND ", " OR " and " WITH " (upper case, one space apart), e.g. "MIT OR Apache-2.0"'
        },
        "/$defs/cardId": {
            "patternErrorMessage": "an id starts with a letter or digit, holds only letters, digits, '.', '_'"
            " and '-', and does not end with '.' (at most 64 characters)"
        },
        "/$defs/url": {
            "patternErrorMessage": "a link must be an http:, https: or mailto: URL or a relative path in this site"
            " (not starting with two slashes or backslashes), without spaces or control characters"
        },
        "/$defs/semver": {"patternErrorMessage": 'not a semantic version: write MAJOR.MINOR.PATCH, e.g. "1.0.0"'},
        "/$defs/date": {"patternErrorMessage": "a date is written YYYY-MM-DD"},
        "/$defs/person/then": {"patternErrorMessage": 'a person is written "Name" or "Name <email>"'},
        "/$defs/person/else": {"typeErrorMessage": _PERSON},
        "/$defs/person/else/properties/email": {"patternErrorMessage": "not an email address"},
        "/$defs/component/else": {
            "typeErrorMessage": "a component is the id of another card or a mapping {name, level, link}"
        },
        "/$defs/requirementId": {"patternErrorMessage": 'a requirement id is written "1", "1.2" or "1.2.3"'},
        "/$defs/reviewEvent/then": {
            "errorMessage": "a switchback event needs `switchback`: one of discovery, review, embedded"
        },
        "/$defs/reviewEvent/else/properties/switchback": {
            "errorMessage": "`switchback` is only allowed on an event of type switchback"
        },
    },
    "checklist.schema.json": {
        "/properties/sections/items/properties/items/items/properties/id": {"patternErrorMessage": _CHECKLIST_ID},
    },
    "gates.schema.json": {
        "/$defs/url": {
            "patternErrorMessage": "a gate's doc must be an http:, https: or mailto: URL or a relative path in this"
            " site (not starting with two slashes or backslashes), without spaces or control characters"
        },
    },
}


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def resolve_pointer(schema: Any, pointer: str) -> Any:
    """The node at a JSON pointer, raising KeyError when it does not exist."""
    node = schema
    for part in pointer.split("/")[1:]:
        key = _unescape(part)
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def with_messages(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A copy of a published schema with mltrl's message keywords added."""
    out = copy.deepcopy(schema)
    for pointer, keywords in MESSAGES.get(name, {}).items():
        node = resolve_pointer(out, pointer)
        if not isinstance(node, dict):
            raise KeyError(pointer)
        node.update(keywords)
    return out
