"""An organisation's own `x-` fields inside the items of a card: every list item and nested mapping
of the card format takes them, the page shows each with its item, `mltrl diff` reports their
changes, and their text goes through the same Markdown, escaping and local-link policy as the
rest of the card."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from mkdocs_mltrl.core import Severity, load_portfolio, load_schema

from .cards import complete_card, line_of, write
from .site import build, make_site, page
from .test_diff import _changed_repo, mltrl


def _walk_objects(node: Any, where: str = "") -> list[str]:
    """Every closed object (additionalProperties: false) of a schema, by where it is."""
    found = []
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            found.append(where)
        for key, value in node.items():
            found += _walk_objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _walk_objects(value, f"{where}/{i}")
    return found


def test_every_object_of_the_card_format_takes_x_fields():
    schema = load_schema("card.schema.json")
    closed = _walk_objects(schema)
    assert len(closed) == 25  # the card, 7 sections, 17 items and nested mappings
    for where in closed:
        node: Any = schema
        for part in where.strip("/").split("/") if where else ():
            node = node[int(part)] if isinstance(node, list) else node[part]
        assert node["patternProperties"]["^x-"]["$ref"] == "#/$defs/orgField", where


def marked_card() -> dict[str, Any]:
    """A complete card with an x- field on every kind of item, each naming where it sits."""
    card = complete_card("X1", level=9)
    card["owners"] = [{"name": "Ada Example", "email": "ada@example.org", "x-team": "Platform"}]
    card["reviewers"] = [{"name": "Lin Reviewer", "role": "domain expert", "x-team": "Clinic"}]
    card["components"] = [{"name": "Vendor solver", "level": 5, "x-contract": "C-7"}]
    card["versions"]["x-build"] = "b42"
    card["requirements"][0]["x-ticket"] = "JIRA-1"
    card["requirements"][0]["risk"]["x-basis"] = "Field *trials*"
    card["risks"][0]["x-register"] = "RR-3"
    card["risks"][0]["owner"] = {"name": "Kim Risk", "x-desk": "QA"}
    card["testing"]["suites"][0]["x-runner"] = "nightly"
    card["data"]["datasets"][0]["x-steward"] = "Data office"
    card["metrics"][0]["x-dashboard"] = "[board](https://dash.example.org/m)"
    card["service_levels"][0]["x-pager"] = "team-ml"
    card["compliance"][0]["x-auditor"] = "Legal"
    card["debrief"] = [{"question": "What was learned?", "answer": "Plenty.", "x-minutes": "M-12"}]
    card["ethics"]["answers"]["data-rights"]["x-reviewed-by"] = "Ethics board"
    card["history"][-1]["x-minutes"] = "M-9"
    card["history"][-1]["reviewers"] = [{"name": "Grace Panel", "x-seat": "chair"}]
    card["waivers"] = [
        {"gate": "MLTRL193", "reason": "Moving stores.", "approved_by": {"name": "Grace Panel", "x-seat": "chair"},
         "expires": "2099-01-01", "x-ticket": "WAIVE-4"}
    ]  # fmt: skip
    card["target"] = {"level": 9, "date": "2030-01-01", "x-okr": "O3"}
    card["requirements"][1]["x-list"] = ["a", {"b": 1}]
    card["requirements"][1]["x-html"] = "<script>alert(1)</script> and <b>bold</b>"
    return card


def test_item_x_fields_validate_and_load(tmp_path: Path):
    path = write(tmp_path / "cards", marked_card())
    portfolio, findings = load_portfolio([path.parent])
    assert portfolio is not None
    assert [f.format() for f in findings if f.severity is not Severity.INFO] == []
    (card,) = portfolio.cards
    found = {(*where, key): value for where, key, value in card.item_extras()}
    assert found[("requirements", 0, "x-ticket")] == "JIRA-1"
    assert found[("requirements", 0, "risk", "x-basis")] == "Field *trials*"
    assert found[("owners", 0, "x-team")] == "Platform"
    assert found[("history", len(card.history) - 1, "reviewers", 0, "x-seat")] == "chair"
    assert found[("waivers", 0, "approved_by", "x-seat")] == "chair"
    assert found[("target", "x-okr")] == "O3"
    assert found[("ethics", "answers", "data-rights", "x-reviewed-by")] == "Ethics board"
    assert len(found) == 21
    assert card.versions == {"code": "1.2.0", "model": "0.3.1", "data": "2.0.0-rc.1"}
    assert card.section_extras["versions"] == {"x-build": "b42"}


def test_a_requirement_with_an_x_key_validates_and_shows_it(tmp_path: Path):
    card = complete_card("R1", level=4)
    card["requirements"][0]["x-ticket"] = "JIRA-1"
    config = make_site(tmp_path, [card])
    validated = mltrl(tmp_path, "validate", "--strict", "cards")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    result = build(config, "--strict")
    assert result.returncode == 0, result.stderr
    table = page(tmp_path / "site", "cards/R1/").select_one("table.mltrl-requirements")
    assert [th.get_text() for th in table.select("thead th")][-1] == "Other"
    row = table.select_one("tr#req-1")
    extra = row.select_one("td.mltrl-item-other dt[data-key='x-ticket']")
    assert extra is not None and extra.get_text() == "x-ticket"
    assert extra.find_next_sibling("dd").get_text() == "JIRA-1"
    # the other requirement has an empty cell, and tables without x- fields keep their columns
    assert table.select_one("tr#req-2 td.mltrl-item-other").get_text() == ""
    assert "Other" not in [
        th.get_text() for th in page(tmp_path / "site", "cards/R1/").select("table.mltrl-metrics th")
    ]


def _extras_in(node: Any) -> dict[str, str]:
    return {el["data-key"]: el.find_next_sibling("dd").get_text(" ", strip=True) for el in node.select("dt[data-key]")}


def _inline_in(node: Any) -> dict[str, str]:
    return {
        el["data-key"]: el.get_text(" ", strip=True).removeprefix(el["data-key"]).strip()
        for el in node.select("span.mltrl-item-extra")
    }


@pytest.fixture(scope="module")
def marked_page(tmp_path_factory: pytest.TempPathFactory) -> BeautifulSoup:
    root = tmp_path_factory.mktemp("extras")
    config = make_site(root, [marked_card()])
    result = build(config, "--strict")
    assert result.returncode == 0, result.stderr
    return page(root / "site", "cards/X1/")


def test_each_item_shows_its_own_x_fields(marked_page: BeautifulSoup):
    soup = marked_page
    summary = soup.select_one("table.mltrl-summary")
    rows = {tr.th.get_text(): tr.td for tr in summary.select("tr")}
    assert _inline_in(rows["Owners"]) == {"x-team": "Platform"}
    assert _inline_in(rows["Reviewers"]) == {"x-team": "Clinic"}
    assert _inline_in(rows["Components"]) == {"x-contract": "C-7"}
    versions = rows["Versions"].select_one("dl.mltrl-section-extras[data-section='versions']")
    assert [(dt.get_text(), dt.find_next_sibling("dd").get_text(" ", strip=True)) for dt in versions.select("dt")] == [
        ("x-build", "b42")
    ]
    assert _inline_in(rows["Target"]) == {"x-okr": "O3"}
    requirements = soup.select_one("table.mltrl-requirements")
    assert _extras_in(requirements.select_one("tr#req-1 td.mltrl-item-other")) == {"x-ticket": "JIRA-1"}
    risk_cell = requirements.select_one("tr#req-1").select("td")[6]
    assert _extras_in(risk_cell) == {"x-basis": "Field trials"} and risk_cell.select_one("em").get_text() == "trials"
    risk = soup.select_one("table.mltrl-risks tr#risk-0")
    assert _extras_in(risk.select_one("td.mltrl-item-other")) == {"x-register": "RR-3"}
    assert _inline_in(risk) == {"x-desk": "QA"}  # the risk owner's own field
    assert _extras_in(soup.select_one("table.mltrl-suites tbody tr")) == {"x-runner": "nightly"}
    assert _extras_in(soup.select_one("table.mltrl-datasets tbody tr")) == {"x-steward": "Data office"}
    metric = soup.select_one("table.mltrl-metrics tr#metric-0 td.mltrl-item-other")
    assert _extras_in(metric) == {"x-dashboard": "board"}
    assert metric.select_one("a")["href"] == "https://dash.example.org/m"  # inline Markdown, URL policy
    assert _extras_in(soup.select_one("table.mltrl-service-levels tr#service-level-0")) == {"x-pager": "team-ml"}
    assert _extras_in(soup.select_one("table.mltrl-compliance tr#compliance-0")) == {"x-auditor": "Legal"}
    assert _extras_in(soup.select_one("dl.mltrl-debrief dd")) == {"x-minutes": "M-12"}
    assert _extras_in(soup.select_one("tr#ethics-data-rights")) == {"x-reviewed-by": "Ethics board"}
    last = soup.select("table.mltrl-history tbody tr")[-1]
    assert _extras_in(last) == {"x-minutes": "M-9"} and _inline_in(last) == {"x-seat": "chair"}
    waiver = soup.select_one("table.mltrl-waivers tr[data-gate='MLTRL193']")
    assert _extras_in(waiver) == {"x-ticket": "WAIVE-4"} and _inline_in(waiver) == {"x-seat": "chair"}


def test_item_x_values_are_escaped_and_structured_ones_shown_as_yaml(marked_page: BeautifulSoup):
    cell = marked_page.select_one("table.mltrl-requirements tr#req-2 td.mltrl-item-other")
    assert cell.select("script") == [] and cell.select("b") == []
    assert "<script>alert(1)</script> and <b>bold</b>" in cell.get_text()
    listed = next(dt for dt in cell.select("dt") if dt["data-key"] == "x-list").find_next_sibling("dd")
    assert listed.select_one("pre").get_text() == "- a\n- b: 1"


def test_a_local_link_in_an_item_x_field_is_checked(tmp_path: Path):
    card = complete_card("L1", level=4)
    card["requirements"][0]["x-spec"] = "[spec](missing-spec.md)"
    path = write(tmp_path / "cards", card)
    _, findings = load_portfolio([path.parent], root=tmp_path)
    found = [f for f in findings if f.code == "LINK001"]
    assert len(found) == 1 and found[0].line == line_of(path.read_text(), "x-spec:")


def test_an_unknown_plain_key_in_an_item_is_still_refused(tmp_path: Path):
    card = complete_card("U1", level=4)
    card["requirements"][0]["ticket"] = "JIRA-1"
    card["requirements"][0]["jira"] = "JIRA-1"
    card["data"]["datasets"][0]["x_steward"] = "underscore, not a dash"
    path = write(tmp_path / "cards", card)
    _, findings = load_portfolio([path.parent])
    messages = [f.message for f in findings if f.code == "schema"]
    assert "requirements[0].ticket: unknown field 'ticket': did you mean 'text'?" in messages
    assert any("unknown field 'jira'" in m and "(and organisation fields starting with x-)" in m for m in messages)
    assert any("unknown field 'x_steward'" in m for m in messages)


def test_gate_conditions_may_name_an_item_x_field(tmp_path: Path):
    (tmp_path / "org.yaml").write_text(
        "mltrl-gates: 1\ngates:\n  - code: ORG401\n    level: 4\n    description: every requirement has a ticket\n"
        "    when: {every: {items: requirements, has: [x-ticket]}}\n"
    )
    card = complete_card("G1", level=4)
    card["requirements"][0]["x-ticket"] = "JIRA-1"
    write(tmp_path / "cards", card)
    result = mltrl(tmp_path, "validate", "--format", "json", "--gates-file", "org.yaml", "cards")
    report = json.loads(result.stdout)
    assert not any(f["code"] == "GATES003" for f in report["findings"])  # a field of the format
    assert [f["code"] for f in report["findings"] if f["code"] == "ORG401"] == ["ORG401"]  # requirement 2 lacks one


def test_diff_reports_item_x_field_changes(tmp_path: Path):
    before = complete_card("D1", level=4)
    before["requirements"][0]["x-ticket"] = "JIRA-1"
    after = copy.deepcopy(before)
    after["requirements"][0]["x-ticket"] = "JIRA-2"
    after["data"]["datasets"][0]["x-steward"] = "Data office"
    after["owners"] = [{"name": "Ada Example", "email": "ada@example.org", "x-team": "Platform"}]
    repo = _changed_repo(tmp_path, before, after)
    out = mltrl(repo, "diff", "main").stdout
    lines = [line for line in out.splitlines() if line.startswith("- ")]
    assert "- `requirements[1].x-ticket`: `JIRA-1` → `JIRA-2`" in lines
    assert "- `data.datasets[Gold].x-steward` added: `Data office`" in lines
    data = json.loads(mltrl(repo, "diff", "main", "--format", "json").stdout)
    fields = {f["field"]: f for f in data["changed"][0]["fields"]}
    assert fields["requirements[1].x-ticket"]["path"] == ["requirements", {"id": "1"}, "x-ticket"]
    assert (fields["requirements[1].x-ticket"]["before"], fields["requirements[1].x-ticket"]["after"]) == (
        "JIRA-1",
        "JIRA-2",
    )
    assert any(name.startswith("owners") for name in fields), list(fields)
