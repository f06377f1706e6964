"""What the sector report says, gathered from one detector run and the alert store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bidgraph.alerts import AlertStore
from bidgraph.alerts.stats import QueueFigures, RuleFigures, by_department, by_rule
from bidgraph.alerts.store import utcnow
from bidgraph.analysis import run_all
from bidgraph.analysis.findings import Finding
from bidgraph.errors import BidgraphError
from bidgraph.graph.store import GraphStore
from bidgraph.loaders.history import load_history
from bidgraph.settings import Settings

# Report section -> the detectors whose findings it lists.
SECTIONS: dict[str, tuple[str, ...]] = {
    "抱团关系分析": ("cobid_ring", "rotation"),
    "交易价格离散度分析": ("price_screen",),
    "中标率分析": ("high_win_rate", "cover_bidder"),
}
TENDERS = """
MATCH (t:Tender) WHERE t.industry = $sector AND t.bid_open >= $start AND t.bid_open <= $end
RETURN t.code
"""


class ReportError(BidgraphError):
    """The report cannot be made as asked (bad period, unknown sector)."""


@dataclass
class SectorReport:
    sector: str
    start: date
    end: date
    generated_at: datetime
    data_version: str  # the newest load id: with the parameters, what reproduces the report
    tenders: int
    sections: dict[str, list[Finding]] = field(default_factory=dict)
    departments: list[QueueFigures] = field(default_factory=list)
    rules: list[RuleFigures] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)


def build_report(
    graph: GraphStore,
    settings: Settings,
    sector: str,
    start: date,
    end: date,
    *,
    findings: list[Finding] | None = None,
    now: datetime | None = None,
) -> SectorReport:
    """Findings with at least one tender of ``sector`` opened in [start, end]; alerts of
    the period's tenders. ``findings`` skips the detector run."""
    if start > end:
        raise ReportError(f"报告期起始日 {start} 晚于截止日 {end}，请检查 --from 与 --to")
    codes = set(graph.run(TENDERS, {"sector": sector, "start": str(start), "end": str(end)}, limit=0).column("t.code"))
    if not codes:
        raise ReportError(f"行业「{sector}」在 {start} 至 {end} 没有开标的标段；请核对行业名称与报告期")
    failures: dict[str, str] = {}
    if findings is None:
        findings = run_all(graph, settings=settings, failures=failures)
    history = load_history(graph, limit=1)
    report = SectorReport(
        sector, start, end, now or utcnow(), history[0]["load_id"] if history else "", len(codes), failures=failures
    )
    for title, detectors in SECTIONS.items():
        hits = [f for f in findings if f.detector in detectors and codes & set(f.tender_codes)]
        report.sections[title] = sorted(hits, key=lambda f: -f.score)
    # the period's alerts are those about its tenders (loads often arrive after the fact)
    alerts = [a for a in AlertStore(settings).list() if codes & set(a.tenders)]
    report.departments, report.rules = by_department(alerts, report.generated_at), by_rule(alerts)
    return report
