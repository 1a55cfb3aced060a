"""The ethics checklist that cards answer: the shipped default or an organisation's own file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .file_policy import project_folder
from .findings import Finding, Severity
from .resources import default_checklist_path
from .schema_check import check
from .yaml_loader import load_mapping

CHECKLIST_DUPLICATE_ITEM = "CHECKLIST001"


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    id: str
    question: str


@dataclass(frozen=True, slots=True)
class ChecklistSection:
    title: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True, slots=True)
class Checklist:
    title: str
    sections: tuple[ChecklistSection, ...]
    description: str | None = None
    file: str = ""

    @property
    def item_ids(self) -> list[str]:
        return [item.id for section in self.sections for item in section.items]


def load_checklist(
    path: Path | None = None, display: str | None = None, project: Path | None = None
) -> tuple[Checklist | None, list[Finding]]:
    """Load and validate a checklist; ``None`` loads the shipped default. A checklist named inside
    ``project`` must really lie in it (see :mod:`.file_policy`)."""
    folder = project_folder(project) if path is not None and project is not None else None
    path = path or default_checklist_path()
    display = display or str(path)
    document, findings = load_mapping(path, display, folder)
    if document is None:
        return None, findings
    findings = check(document, display, "checklist.schema.json")
    if findings:
        return None, findings
    data = document.data
    seen: dict[str, int] = {}
    sections = []
    for s, section in enumerate(data["sections"]):
        items = []
        for i, item in enumerate(section["items"]):
            where = document.positions.of_value(("sections", s, "items", i, "id"))
            if item["id"] in seen:
                findings.append(
                    Finding(
                        display,
                        where.line,
                        where.column,
                        Severity.ERROR,
                        CHECKLIST_DUPLICATE_ITEM,
                        f"item id '{item['id']}' is used twice (first at line {seen[item['id']]})",
                    )
                )
            seen.setdefault(item["id"], where.line)
            items.append(ChecklistItem(item["id"], item["question"]))
        sections.append(ChecklistSection(section["title"], tuple(items)))
    if findings:
        return None, findings
    return Checklist(data["title"], tuple(sections), data.get("description"), display), []
