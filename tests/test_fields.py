"""Card fields for what the levels ask: metrics, service levels, deployment, compliance, monitoring
that names each kind of drift, evidence kept elsewhere, review outcomes and x- keys in sections."""

from __future__ import annotations

from pathlib import Path

from mkdocs_mltrl.core import Severity, load_portfolio

from .cards import DEFAULT_ITEMS, complete_card, write
from .site import build, make_site, page

NEW_FIELDS = {
    "metrics": [
        {"name": "RMSE", "target": 0.5, "achieved": 0.42, "dataset": "Gold", "notes": "Five-fold *CV*."},
        {"name": "Coverage", "target": ">= 90%", "achieved": "93%"},
    ],
    "service_levels": [{"name": "p99 latency", "kind": "slo", "target": "200 ms", "achieved": "180 ms"}],
    "deployment": {
        "setting": "Batch job on the plant's edge servers.",
        "human_in_the_loop": "An operator approves each set-point change.",
        "uncertainty": "Intervals are shown beside each forecast.",
        "x-runbook": "See the **runbook**.",
    },
    "compliance": [
        {"regime": "GDPR", "status": "compliant", "link": "https://legal.example.org/gdpr", "notes": "DPIA done."},
        {"regime": "EU AI Act"},
    ],
    "vv": {"external": {"status": "complete", "link": "https://wiki.example.org/req", "reviewed": "2021-05-01"}},
}


def test_new_fields_load_into_the_model(tmp_path: Path):
    card = complete_card("N1", 4, **NEW_FIELDS)
    card["ethics"] = {
        "external": {"status": "in-progress", "link": "../ethics.md", "notes": "Legal review pending."},
        "x-owner": "Ethics board",
    }
    card["monitoring"] = {
        "signals": ["data-drift"],
        "data_quality": "Schema checks on every batch.",
        "data_drift": "PSI per feature, weekly.",
        "concept_drift": "Residuals against ground truth, monthly.",
    }
    card["components"] = [{"name": "Vendor solver", "link": "https://vendor.example.org"}]
    card["history"] = [
        {"date": "2021-01-01", "event": "start", "level": 3},
        {"date": "2021-02-01", "event": "graduate", "level": 4, "reviewers": ["Lin"], "outcome": "passed"},
    ]
    write(tmp_path, card)
    portfolio, findings = load_portfolio([tmp_path])
    assert portfolio is not None
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    (loaded,) = portfolio.cards
    assert [(m.name, m.target, m.achieved, m.dataset) for m in loaded.metrics] == [
        ("RMSE", 0.5, 0.42, "Gold"),
        ("Coverage", ">= 90%", "93%", None),
    ]
    assert loaded.service_levels[0].kind == "slo" and loaded.service_levels[0].target == "200 ms"
    assert loaded.deployment is not None and loaded.deployment.human_in_the_loop.startswith("An operator")
    assert [(c.regime, c.status) for c in loaded.compliance] == [("GDPR", "compliant"), ("EU AI Act", None)]
    assert loaded.vv_external is not None and loaded.vv_external.complete
    assert loaded.ethics_external is not None and loaded.ethics_external.status == "in-progress"
    assert loaded.monitoring is not None and loaded.monitoring.concept_drift.startswith("Residuals")
    assert loaded.components[0].external is not None and loaded.components[0].external.level is None
    assert loaded.history[1].outcome == "passed"
    assert loaded.section_extras == {
        "deployment": {"x-runbook": "See the **runbook**."},
        "ethics": {"x-owner": "Ethics board"},
    }


def test_new_fields_are_checked_by_the_schema(tmp_path: Path):
    bad = complete_card(
        "N2",
        4,
        metrics=[{"target": 1}],
        service_levels=[{"name": "Uptime", "kind": "sli"}],
        compliance=[{"regime": "GDPR", "status": "done"}],
        vv={"external": {"status": "complete"}},
    )
    bad["history"][0]["outcome"] = "maybe"
    bad["deployment"] = {"settings": "typo"}
    path = write(tmp_path, bad)
    _, findings = load_portfolio([path])
    messages = " | ".join(f.message for f in findings if f.code == "schema")
    for needle in (
        "metrics[0]",
        "service_levels[0].kind",
        "compliance[0].status",
        "vv.external",
        "outcome",
        "settings",
    ):
        assert needle in messages, needle


def _text(soup: object, selector: str) -> str:
    node = soup.select_one(selector)  # type: ignore[attr-defined]
    assert node is not None, selector
    return str(node.get_text(" ", strip=True))


def _section(soup: object, anchor: str) -> str:
    """The text from a section's heading to the next section's heading."""
    heading = soup.select_one(f"h2#{anchor}")  # type: ignore[attr-defined]
    assert heading is not None, anchor
    parts = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        parts.append(sibling.get_text(" ", strip=True))
    return " ".join(parts)


def test_the_page_shows_the_new_fields_and_only_what_the_card_says(tmp_path: Path):
    card = complete_card("N1", 4, **NEW_FIELDS)
    card["ethics"] = {
        "external": {"status": "complete", "link": "https://wiki.example.org/ethics", "reviewed": "2021-04-30"},
        "x-board": "Approved by the **ethics board**.",
    }
    card["monitoring"] = {"data_drift": "PSI per feature, weekly.", "x-pager": ["oncall-a", "oncall-b"]}
    card["requirements"] = [{"id": "1", "text": "Shall optimise."}]
    card["risks"] = [{"id": "K1", "title": "Drift", "p_failure": 0.2, "value": 5}]
    card["testing"] = {"suites": [{"name": "Shadow run", "kind": "shadow"}], "x-ci": "<b>raw</b> and `code`"}
    card["history"] = [
        {"date": "2021-01-01", "event": "start", "level": 4},
        {"date": "2021-03-01", "event": "graduate", "level": 4, "outcome": "deferred", "reviewers": ["Lin"]},
    ]
    card["x-cost-centre"] = "*CC-12*"
    config = make_site(tmp_path, [card], theme="mkdocs")
    result = build(config)
    assert result.returncode == 0, result.stderr
    soup = page(tmp_path / "site", "cards/N1/")
    metrics = _section(soup, "metrics")
    assert "RMSE 0.5 0.42 Gold Five-fold CV ." in metrics and "Coverage >= 90% 93% not stated" in metrics
    assert "p99 latency SLO 200 ms 180 ms" in _section(soup, "service-levels")
    deployment = _section(soup, "deployment")
    assert "Batch job on the plant's edge servers." in deployment and "Intervals are shown" in deployment
    assert soup.select_one('.mltrl-section-extras[data-section="deployment"] strong').get_text() == "runbook"
    compliance = _section(soup, "compliance")
    assert "GDPR compliant assessment DPIA done." in compliance and "EU AI Act not stated" in compliance
    monitoring = _section(soup, "monitoring")
    assert "Data drift PSI per feature, weekly." in monitoring and "Concept drift Not written yet." in monitoring
    assert "oncall-a" in _text(soup, '.mltrl-section-extras[data-section="monitoring"] pre')
    # a checklist kept elsewhere is shown as such, not as "0 of 25 answered"
    ethics = _section(soup, "ethics-checklist")
    assert "Ethics checklist kept elsewhere: complete" in ethics and "reviewed 2021-04-30" in ethics
    assert "0 of" not in ethics and not soup.select("table.mltrl-ethics")
    assert soup.select_one("#ethics-checklist ~ .mltrl-evidence a")["href"] == "https://wiki.example.org/ethics"
    assert soup.select_one('.mltrl-section-extras[data-section="ethics"] strong').get_text() == "ethics board"
    # V&V kept elsewhere
    requirements = _section(soup, "requirements")
    assert "Verification and validation kept elsewhere: complete" in requirements
    assert "Shall optimise. research in the linked document in the linked document not stated" in requirements
    assert "proposed" not in requirements
    assert "Drift 0.2 5 1.00 low not stated" in _section(soup, "risk-matrix")  # the band in words
    testing = _section(soup, "testing")
    assert "Shadow run shadow not stated" in testing and "planned" not in testing
    ci = soup.select_one('.mltrl-section-extras[data-section="testing"]')
    assert ci is not None and ci.select_one("b") is None and "<b>raw</b>" in ci.get_text() and ci.select_one("code")
    history_text = _section(soup, "level-history")
    assert "graduate: deferred (level kept)" in history_text
    assert soup.select_one("table.mltrl-other em").get_text() == "CC-12"
    toc = [h["id"] for h in soup.select("div.mltrl-card h2")]
    for anchor in ("metrics", "deployment", "service-levels", "compliance", "monitoring"):
        assert anchor in toc


def test_an_unanswered_item_is_not_stated_and_external_evidence_beside_answers(tmp_path: Path):
    card = complete_card("N2", 4)
    card["ethics"] = {
        "answers": {"data-rights": {"status": "done"}},
        "external": {"status": "in-progress", "link": "https://wiki.example.org/e"},
    }
    config = make_site(tmp_path, [card], theme="mkdocs")
    assert build(config).returncode == 0
    soup = page(tmp_path / "site", "cards/N2/")
    ethics = _section(soup, "ethics-checklist")
    assert "Ethics checklist kept elsewhere: in progress" in ethics
    assert f"1 of {len(DEFAULT_ITEMS)} items answered on this card" in ethics
    row = soup.select_one("tr#ethics-misuse")
    assert row is not None and row["data-status"] == "not-stated" and "not stated" in row.get_text(" ")
    assert soup.select_one("tr#ethics-data-rights")["data-status"] == "done"


EARLIER_ITEMS = [
    "data-rights",
    "data-provenance",
    "collection-consent",
    "personal-data",
    "privacy-protection",
    "legal-review",
    "affected-groups",
    "representativeness",
    "labelling-practice",
    "second-order-effects",
    "problem-fit",
    "stakeholder-input",
    "misuse",
    "fairness-evaluation",
    "explainability",
    "user-consent",
    "human-oversight",
    "redress",
    "failure-modes",
    "security",
    "shutdown-plan",
    "monitoring-plan",
    "documentation",
    "environmental-cost",
    "retirement",
]
ADDED_ITEMS = [
    "data-residency",
    "data-use-notice",
    "legal-review-post",
    "change-notice",
    "team-diversity",
    "standing-positions",
]


def test_default_checklist_keeps_its_ids_and_adds_the_mltrl_topics():
    ids = DEFAULT_ITEMS
    assert [i for i in ids if i in EARLIER_ITEMS] == EARLIER_ITEMS  # same ids, same order
    assert sorted(set(ids) - set(EARLIER_ITEMS)) == sorted(ADDED_ITEMS)
    docs = (Path(__file__).parent.parent / "docs" / "card-format.md").read_text()
    for item in ADDED_ITEMS:
        assert f"| `{item}` |" in docs
