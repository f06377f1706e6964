"""Raising alerts from a detector run, turning an alert into a case (线索), and the
督办 board the page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from bidgraph.alerts.model import Alert
from bidgraph.alerts.routing import route, tender_routes
from bidgraph.alerts.stats import QueueFigures, RuleFigures, by_department, by_person, by_rule
from bidgraph.alerts.store import AlertStore, RaiseResult, utcnow
from bidgraph.analysis import list_detectors, run_all
from bidgraph.analysis.findings import Finding
from bidgraph.cases import CaseStore
from bidgraph.graph.store import GraphStore
from bidgraph.settings import Settings
from bidgraph.viewer import Viewer


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


@dataclass(frozen=True)
class Board:
    """What the 预警督办 page shows: the viewer's queue and the 督办 figures over it."""

    alerts: list[Alert]
    now: datetime
    departments: list[QueueFigures]
    people: list[QueueFigures]
    rules: list[RuleFigures]

    def overdue(self) -> int:
        return sum(a.overdue(self.now) for a in self.alerts)


@cache
def rule_titles() -> dict[str, str]:
    """detector id → its Chinese title (built-in catalogue), for the 督办 figures."""
    return {q.detector or q.id: q.title for q in list_detectors()}


def rule_precision(settings: Settings, viewer: Viewer | None = None) -> dict[str, RuleFigures]:
    """Per detector, what handling its alerts says about it (the 研判 page shows it)."""
    return {r.detector: r for r in by_rule(AlertStore(settings).list(viewer))}


def board(settings: Settings, viewer: Viewer | None, *, now: datetime | None = None) -> Board:
    at = now or utcnow()
    # 督办 order: overdue first, then open by deadline, then the closed ones
    alerts = sorted(AlertStore(settings).list(viewer), key=lambda a: (not a.is_open(), not a.overdue(at), a.deadline))
    return Board(alerts, at, by_department(alerts, at), by_person(alerts, at), by_rule(alerts))
