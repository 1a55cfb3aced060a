"""Coupled components: cycles, ids with no card, unknown levels, a broken file still present."""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs_mltrl.core import GateMode, Severity, load_portfolio

from .cards import complete_card, write
from .site import build, make_site, page
from .test_cli import mltrl


def card(card_id: str, level: int, *components: object) -> dict[str, object]:
    return complete_card(
        card_id,
        level,
        components=list(components),
        history=[{"date": "2021-01-01", "event": "start", "level": level}],
    )


def test_a_cycle_is_coupling_and_the_system_level_covers_it(tmp_path: Path):
    for c in (card("A", 8, "B"), card("B", 6, "C"), card("C", 5, "A")):
        write(tmp_path, c)
    portfolio, findings = load_portfolio([tmp_path], gates=GateMode.OFF)
    assert portfolio is not None
    assert [f for f in findings if f.severity is not Severity.INFO] == []
    assert {f.code for f in findings} == {"MLTRL020"}  # A and B are above their system level
    assert (portfolio.system["A"].level, portfolio.system["A"].limited_by) == (5, "C")
    assert (portfolio.system["B"].level, portfolio.system["B"].limited_by) == (5, "C")
    assert (portfolio.system["C"].level, portfolio.system["C"].limited_by) == (5, None)
    assert all(s.known for s in portfolio.system.values())


def test_a_self_reference_does_not_loop(tmp_path: Path):
    write(tmp_path, card("A", 3, "A"))
    portfolio, findings = load_portfolio([tmp_path], gates=GateMode.OFF)
    assert portfolio is not None and findings == []
    assert portfolio.system["A"].level == 3


def test_a_missing_component_is_a_positioned_warning_with_did_you_mean(tmp_path: Path):
    path = write(tmp_path, card("P13.2", 8, "R02.1", "R04.1", "ZZZ"))
    write(tmp_path, card("R02.1", 4, "P13.2"))
    write(tmp_path, card("R04.2", 4))
    portfolio, findings = load_portfolio([tmp_path], gates=GateMode.OFF)
    assert portfolio is not None
    missing = sorted((f for f in findings if f.code == "MLTRL002"), key=lambda f: f.line)
    assert [f.severity for f in missing] == [Severity.WARNING, Severity.WARNING]
    assert missing[0].message == (
        "component 'R04.1' has no card in this portfolio; its level is unknown (did you mean 'R04.2'?)"
    )
    assert missing[1].message == "component 'ZZZ' has no card in this portfolio; its level is unknown"
    lines = path.read_text().splitlines()
    assert lines[missing[0].line - 1][missing[0].column - 1 :] == "R04.1"
    system = portfolio.system["P13.2"]
    assert (system.level, system.limited_by, system.unknown) == (4, "R02.1", ("R04.1", "ZZZ"))
    assert system.describe(8) == "at most 4, limited by R02.1 (level 4); R04.1, ZZZ unknown"
    # R02.1 reaches P13.2 through the cycle, and with it P13.2's unknown components
    assert portfolio.system["R02.1"].describe(4) == "at most 4; R04.1, ZZZ unknown"


def test_external_component_without_level_is_unknown(tmp_path: Path):
    write(tmp_path, card("A", 6, {"name": "Vendor solver", "link": "https://vendor.example.org"}))
    portfolio, findings = load_portfolio([tmp_path], gates=GateMode.OFF)
    assert portfolio is not None and findings == []
    assert portfolio.system["A"].describe(6) == "at most 6; Vendor solver unknown"


def test_a_card_whose_file_is_broken_still_counts_as_present(tmp_path: Path):
    write(tmp_path, card("A", 4, "B", "C"))
    (tmp_path / "B.yaml").write_text("mltrl: 1\nid: B\nname: [unclosed\n")  # a YAML syntax error
    broken = card("C", 4)
    broken["level"] = "four"  # parses, but fails the schema
    write(tmp_path, broken)
    portfolio, findings = load_portfolio([tmp_path], gates=GateMode.OFF)
    assert portfolio is not None
    by_file = {(Path(f.file).name, f.code) for f in findings}
    assert ("B.yaml", "YAML001") in by_file and ("C.yaml", "schema") in by_file
    assert not [f for f in findings if Path(f.file).name == "A.yaml"], [f.format() for f in findings]
    assert portfolio.system["A"].unknown == ("B", "C")


def test_validate_passes_a_coupled_set_and_the_site_says_what_is_unknown(tmp_path: Path):
    cards = [
        card("P13.2", 8, "R02.1", "P12.2"),
        card("R02.1", 4, "P13.2", "R04.1"),
    ]
    config = make_site(tmp_path, cards, theme="mkdocs")
    result = mltrl("validate", "--gates", "off", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "MLTRL002" in result.stdout and "MLTRL003" not in result.stdout
    built = build(config)
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    top = page(site, "cards/P13.2/")
    rows = {tr.th.get_text(strip=True): tr.td.get_text(" ", strip=True) for tr in top.select("table.mltrl-summary tr")}
    assert rows["System level"] == "at most 4, limited by R02.1 (level 4); P12.2, R04.1 unknown"
    assert "P12.2 (no card here) (level unknown)" in rows["Components"]
    index = page(site, "cards/")
    row = index.select_one('tr[data-level="8"]')
    assert row is not None and "P12.2, R04.1 unknown" in row.get_text(" ", strip=True)
    exported = {c["id"]: c for c in json.loads((site / "cards" / "cards.json").read_text())["cards"]}
    assert exported["P13.2"]["system_level"] == 4
    assert exported["P13.2"]["system_level_unknown"] == ["P12.2", "R04.1"]
    report = mltrl("report", cwd=tmp_path)
    assert "P13.2 (level 8): at most 4, limited by R02.1; P12.2, R04.1 unknown" in report.stdout
