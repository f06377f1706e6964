"""Raising alerts from a detector run, and turning an alert into a case (线索)."""

from __future__ import annotations

from datetime import datetime

from bidgraph.alerts.routing import route, tender_routes
from bidgraph.alerts.store import AlertStore, RaiseResult
from bidgraph.analysis import run_all
from bidgraph.analysis.findings import Finding
from bidgraph.cases import CaseStore
from bidgraph.graph.store import GraphStore
from bidgraph.settings import Settings


def raise_alerts(
    graph: GraphStore,
    settings: Settings,
    *,
    actor: str,
    now: datetime | None = None,
    findings: list[Finding] | None = None,
    failures: dict[str, str] | None = None,
) -> RaiseResult:
    """Run every detector (unscoped: alerts are routed afterwards, 按权限) and raise the
    new or changed findings. ``findings`` skips the run when the caller already has them."""
    if findings is None:
        findings = run_all(graph, settings=settings, failures=failures if failures is not None else {})
    routes = tender_routes(graph, (c for f in findings for c in f.tender_codes))
    routed = [(f, route(f, routes)) for f in findings]
    return AlertStore(settings).raise_findings(routed, actor=actor, now=now)


def to_case(
    settings: Settings,
    alert_id: int,
    *,
    actor: str,
    case_id: int | None = None,
    comment: str = "",
    now: datetime | None = None,
) -> int:
    """已转线索: a new case (or ``case_id``, joined) receives the alert's finding with its
    evidence subgraph; the alert is closed pointing at the case. Returns the case id."""
    alerts, cases = AlertStore(settings), CaseStore(settings)
    alert = alerts.require_open(alert_id)
    if case_id is None:
        summary = f"由预警 {alert.number}（{alert.department_name}）转入。{alert.summary}"
        case_id = cases.create(alert.title, summary, actor=actor)
    else:
        cases.get(case_id)
    cases.add_evidence(case_id, alerts.finding(alert_id), actor=actor)
    alerts.mark_case(alert_id, case_id, actor=actor, comment=comment, now=now)
    return case_id
