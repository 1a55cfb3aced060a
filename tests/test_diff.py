"""`mltrl diff` on real git repositories made in tmp_path."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .cards import complete_card, history, write


def git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin:/usr/local/bin"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def mltrl(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_mltrl", *args], cwd=repo, capture_output=True, text=True, timeout=120
    )


def base_cards() -> dict[str, dict[str, Any]]:
    return {
        "grad": complete_card("G1", level=3, name="Graduating", history=history(("2021-01-01", "start", 3))),
        "back": complete_card("B1", level=4, name="Switching back", history=history(("2021-01-01", "start", 4))),
        "gone": complete_card("X1", level=2, name="To be removed", history=history(("2021-01-01", "start", 2))),
        "old": complete_card("R13.2", level=5, name="Forecasts", history=history(("2021-01-01", "start", 5))),
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    for name, card in base_cards().items():
        write(tmp_path / "cards", card, f"{name}.yaml")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "cards")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    cards = base_cards()
    grad = cards["grad"]
    grad["level"] = 4
    grad["history"].append({"date": "2022-01-01", "event": "graduate", "level": 4})
    grad["requirements"][0]["status"] = "in-progress"
    grad["risks"].append({"id": "K9", "title": "New *risk* @team", "p_failure": 0.5, "value": 8})
    grad["ethics"]["answers"]["misuse"] = {"status": "open"}
    del grad["links"]["code"]  # a level-3 deliverable: the gates are no longer met
    back = cards["back"]
    back["level"] = 2
    back["history"].append({"date": "2022-02-01", "event": "switchback", "level": 2, "switchback": "embedded"})
    renamed = copy.deepcopy(cards["old"])
    renamed["id"], renamed["aliases"] = "P13.2", ["R13.2"]
    write(tmp_path / "cards", grad, "grad.yaml")
    write(tmp_path / "cards", back, "back.yaml")
    write(tmp_path / "cards", renamed, "old.yaml")
    (tmp_path / "cards" / "gone.yaml").unlink()
    write(
        tmp_path / "cards",
        complete_card("N1", level=0, name="Brand new", history=history(("2022-03-01", "start", 0))),
        "new.yaml",
    )
    return tmp_path


def test_markdown_summary_of_the_working_tree(repo: Path):
    result = mltrl(repo, "diff", "main")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("## TRL Card changes\n")
    assert "2 changed, 1 added, 1 removed, 1 renamed (`main` → `working tree`)" in out
    assert "### Added\n\n- **`N1`** `Brand new`: level 0 (First Principles), gates met" in out
    assert "### Removed\n\n- **`X1`** `To be removed`: level 2" in out
    assert "- `R13.2` → **`P13.2`** `Forecasts`" in out
    assert "- **Level 3 → 4**: graduated, now *Proof of Concept \\(PoC\\) Development*" in out
    assert "- `requirements[1].status`: `verified` → `in-progress`" in out
    assert "- `risks[K9]` added: `{id: K9, title: New *risk* @team, p_failure: 0.5, value: 8}`" in out
    assert "- Risk `K9`: new, score 4.00" in out
    assert "- `ethics.answers.misuse.status`: `done` → `open`" in out
    assert "- `links.code` removed (was `https://git.example.org/c1`)" in out
    assert "- `history[2022-01-01 graduate]` added: `{date: 2022-01-01, event: graduate, level: 4}`" in out
    assert "- Gates: met → 1 missing (MLTRL132)" in out
    assert "- **Level 4 → 2**: switched back (embedded switchback)" in out
    grad = out[out.index("### `G1`") :]
    assert grad.index("Level 3 → 4") < grad.index("Gates:") < grad.index("`links.code`")  # level first


def test_json_between_two_revisions(repo: Path):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "changes")
    git(repo, "checkout", "-q", "main")  # HEAD given explicitly: the working tree does not matter
    result = mltrl(repo, "diff", "main", "feature", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["base"], data["head"]) == ("main", "feature")
    assert [c["id"] for c in data["added"]] == ["N1"]
    assert [c["id"] for c in data["removed"]] == ["X1"]
    assert data["renamed"] == [{"from": "R13.2", "to": "P13.2"}]
    changed = {c["id"]: c for c in data["changed"]}
    assert changed["G1"]["level"] == {"before": 3, "after": 4, "change": "graduated", "switchbacks": []}
    assert changed["B1"]["level"]["switchbacks"] == ["embedded"]
    assert changed["B1"]["system_level"] == {"before": 4, "after": 2, "limited_by": None}
    assert changed["G1"]["requirements"] == [{"id": "1", "before": "verified", "after": "in-progress"}]
    assert changed["G1"]["risks"][0]["id"] == "K9" and changed["G1"]["risks"][0]["after"] == 4.0
    assert changed["G1"]["ethics"] == [{"item": "misuse", "before": "done", "after": "open"}]
    assert changed["G1"]["gates"] == {"before": [], "after": ["MLTRL132"]}
    fields = {f["field"]: f for f in changed["G1"]["fields"]}
    assert fields["requirements[1].status"] == {
        "field": "requirements[1].status",
        "path": ["requirements", {"id": "1"}, "status"],
        "change": "changed",
        "before": "verified",
        "after": "in-progress",
    }
    assert fields["risks[K9]"]["change"] == "added" and fields["risks[K9]"]["after"]["value"] == 8
    assert fields["links.code"]["change"] == "removed"
    assert "level" not in fields  # reported first, on its own


def test_no_changes_and_git_errors(repo: Path, tmp_path_factory: pytest.TempPathFactory):
    result = mltrl(repo, "diff", "main", "main")
    assert result.returncode == 0 and "No card changed." in result.stdout
    tree = git(repo, "rev-parse", "main^{tree}").strip()
    blob = git(repo, "rev-parse", "main:cards/grad.yaml").strip()
    expected = {
        ("no-such-branch",): "mltrl: no revision 'no-such-branch' in this repository",
        ("main", "no-such-head"): "mltrl: no revision 'no-such-head' in this repository",
        (tree,): f"mltrl: '{tree}' names a tree, not a commit",
        (blob,): f"mltrl: '{blob}' names a blob, not a commit",
        ("--", f"--output={repo}/leak"): f"mltrl: '--output={repo}/leak' is not a revision",
        ("main x",): "is not a revision",
    }
    for args, message in expected.items():
        bad = mltrl(repo, "diff", *args)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr
        assert message in bad.stderr and "rev-parse" not in bad.stderr, bad.stderr
    assert not (repo / "leak").exists()
    outside = mltrl(tmp_path_factory.mktemp("not-a-repo"), "diff", "main")
    assert outside.returncode == 2 and "is not inside a git repository" in outside.stderr
    empty = tmp_path_factory.mktemp("empty-repo")
    git(empty, "init", "-q")
    none_yet = mltrl(empty, "diff", "HEAD")
    assert none_yet.returncode == 2 and "no revision 'HEAD'" in none_yet.stderr


def _changed_repo(tmp_path: Path, before: dict[str, Any], after: dict[str, Any]) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path / "cards", before, "card.yaml")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "card")
    write(tmp_path / "cards", after, "card.yaml")
    return tmp_path


SUMMARY = "The model ranks incoming support tickets by urgency so that the on-call team sees the worst first."


def test_every_changed_field_with_before_and_after(tmp_path: Path):
    before = complete_card("T1", level=4, summary=SUMMARY, history=history(("2021-01-01", "start", 4)))
    before["caveats"] = ["Works on English text only.", "Needs a weekly retrain."]
    before["metrics"] = [{"name": "Recall", "target": 0.9, "achieved": 0.85}]
    before["x-cost-centre"] = "CC-12"
    after = copy.deepcopy(before)
    after["summary"] = SUMMARY.replace("by urgency", "by customer impact")
    after["owners"] = ["Lin Newowner <lin@example.org>"]
    after["requirements"][0]["text"] = "Shall classify images and documents."
    after["risks"][0]["mitigation"] = "Monthly drift report."
    after["caveats"][1] = "Needs a daily retrain."
    after["ethics"]["answers"]["data-rights"]["notes"] = "Licence checked by legal."
    after["data"]["datasets"][0]["version"] = "1.1.0"
    after["testing"]["suites"][0]["status"] = "failing"
    after["metrics"][0]["achieved"] = 0.91
    after["x-cost-centre"] = "CC-13"
    repo = _changed_repo(tmp_path, before, after)

    out = mltrl(repo, "diff", "main").stdout
    section = out[out.index("### `T1`") :]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert "- `summary`: … `support tickets by` ~~`urgency`~~ **`customer impact`** `so that the` …" in lines
    assert "- `owners[1]`: `Ada Example <ada@example.org>` → `Lin Newowner <lin@example.org>`" in lines
    assert "- `requirements[1].text`: `Shall classify images.` → `Shall classify images and documents.`" in lines
    assert "- `risks[K1].mitigation` added: `Monthly drift report.`" in lines
    assert "- `caveats[2]`: `Needs a weekly retrain.` → `Needs a daily retrain.`" in lines
    assert "- `ethics.answers.data-rights.notes` added: `Licence checked by legal.`" in lines
    assert "- `data.datasets[Gold].version`: `1.0.0` → `1.1.0`" in lines
    assert "- `testing.suites[Unit].status`: `passing` → `failing`" in lines
    assert "- `metrics[Recall].achieved`: `0.85` → `0.91`" in lines
    assert "- `x-cost-centre`: `CC-12` → `CC-13`" in lines

    data = json.loads(mltrl(repo, "diff", "main", "--format", "json").stdout)
    fields = {f["field"]: f for f in data["changed"][0]["fields"]}
    assert len(fields) == 10
    assert len(lines) == len(fields) + ("Gates:" in section)
    summary = fields["summary"]
    assert (summary["before"], summary["after"]) == (before["summary"], after["summary"])
    assert {"op": "-", "text": "urgency"} in summary["words"]
    assert {"op": "+", "text": "customer impact"} in summary["words"]
    assert fields["metrics[Recall].achieved"]["path"] == ["metrics", {"name": "Recall"}, "achieved"]


def test_comment_only_changes_say_so(tmp_path: Path):
    card = complete_card("C1", level=2, history=history(("2021-01-01", "start", 2)))
    repo = _changed_repo(tmp_path, card, card)
    path = repo / "cards" / "card.yaml"
    path.write_text("# a new comment\n" + path.read_text())
    out = mltrl(repo, "diff", "main").stdout
    assert "1 changed" in out and "Only comments or layout changed" in out


HOSTILE = [
    "@octocat and @org/team please look",
    "fixes #1 and GH-2 and octo/repo#3",
    "<img src=https://evil.example.org/pixel.png>",
    "![tracker](https://evil.example.org/t.png)",
    "[click](https://evil.example.org)",
    "<https://evil.example.org/auto>",
    "https://evil.example.org/bare www.evil.example.org",
    "| a | b |\n|---|---|\n| c | d |",
    "line one\n\n## Heading from a card\n\n- a list\n> a quote",
    "``` code fence ``` and `tick` and ````",
    "<details><summary>x</summary>hidden</details>",
    "&#64;octocat &commat;octocat &lt;b&gt;",
    "\u202eevil\u202c and zero\u200bwidth",
    "**bold** _em_ ~~strike~~ :shipit:",
    "ends with a backslash \\",
]


def _hostile_card(card_id: str, text: str) -> dict[str, Any]:
    card = complete_card(card_id, level=2, name=text.splitlines()[0][:190], history=history(("2021-01-01", "start", 2)))
    card["summary"] = text + " " + SUMMARY
    card["caveats"] = HOSTILE
    card["risks"][0]["title"] = text.splitlines()[0][:290]
    return card


def test_card_text_cannot_change_the_comment_or_reach_out(tmp_path: Path):
    from markdown_it import MarkdownIt

    before = complete_card("EV1", level=2, summary=SUMMARY, history=history(("2021-01-01", "start", 2)))
    after = _hostile_card("EV1", "\n".join(HOSTILE))
    # x- mappings are shown as YAML: their keys and values may hold no invisible character (TEXT001)
    after["x-notes"] = {f"k{i} {text[:20]}": text for i, text in enumerate(HOSTILE) if "\u202e" not in text}
    after["ethics"]["answers"]["data-rights"]["notes"] = "\n".join(HOSTILE)
    after["aliases"] = ["old-EV1"]
    after["x-bidi"] = HOSTILE[12]
    repo = _changed_repo(tmp_path, before, after)
    write(repo / "cards", _hostile_card("EV2", "@new-card #5 <b>x</b>"), "new.yaml")
    result = mltrl(repo, "diff", "main")
    assert result.returncode == 0, result.stderr
    out = result.stdout

    # the layout: our headings and one list item per line, nothing else
    for line in out.splitlines():
        assert line == "" or line.startswith(("## TRL Card changes", "### ", "- ", "1 changed")), line
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(out)
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_block", "html_inline", "table_open", "blockquote_open", "fence", "code_block"}
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["TRL Card changes", "Added", "`EV1` `@octocat and @org/team please look`"]
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) == sum(1 for line in out.splitlines() if line.startswith("- "))
    spans = 0
    for token in tokens:
        for child in token.children or []:
            assert child.type not in ("image", "link_open", "html_inline"), child
            if child.type == "text":  # outside code spans: only the tool's own words
                assert "@" not in child.content and "#" not in child.content, child.content
                assert "evil" not in child.content and "<" not in child.content, child.content
            spans += child.type == "code_inline"
    assert spans > 20
    assert "\\u202e" in out and "\u202e" not in out and "\u200b" not in out  # shown, not applied


def test_diff_applies_the_gates_file(tmp_path: Path):
    git(tmp_path, "init", "-q", "-b", "main")
    card = complete_card("G1", level=3, history=history(("2021-01-01", "start", 3)))
    write(tmp_path / "cards", card)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "cards")
    card["model"] = "A changed model."
    write(tmp_path / "cards", card)
    (tmp_path / "gates.yaml").write_text(
        "mltrl-gates: 1\ngates:\n  - {code: ORG301, level: 3, description: d, when: {present: x-owner-team}}\n"
    )
    plain = json.loads(mltrl(tmp_path, "diff", "main", "--format", "json").stdout)
    assert plain["changed"][0]["gates"] == {"before": [], "after": []}  # the built-in gates are met
    result = mltrl(tmp_path, "diff", "main", "--format", "json", "--gates-file", "gates.yaml")
    assert result.returncode == 0, result.stderr
    changed = json.loads(result.stdout)["changed"][0]
    assert changed["gates"] == {"before": ["ORG301"], "after": ["ORG301"]}  # both revisions, the same programme
