"""Card fields for what the levels ask: metrics, service levels, deployment, compliance, monitoring
that names each kind of drift, evidence kept elsewhere, review outcomes and x- keys in sections."""

from __future__ import annotations

from pathlib import Path

from mkdocs_mltrl.findings import Severity
from mkdocs_mltrl.portfolio import load_portfolio

from .cards import complete_card, write

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
