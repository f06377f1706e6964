"""What the sector report says: the sector's tenders opened in the period, the five
market detectors run once on one shared bid table, the three analyses drawn from it,
and the alert handling and open cases of those tenders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from bidgraph.alerts import AlertStore
from bidgraph.alerts.stats import QueueFigures, RuleFigures, by_department, by_rule
from bidgraph.alerts.store import utcnow
from bidgraph.analysis import run_detector
from bidgraph.analysis.bidtable import data_version
from bidgraph.analysis.detectors import python_params
from bidgraph.analysis.findings import Finding
from bidgraph.analysis.patterns import Analysis
from bidgraph.cases import CaseStore
from bidgraph.cases.model import STATUSES
from bidgraph.cases.store import CaseSummary
from bidgraph.errors import BidgraphError
from bidgraph.graph.store import GraphStore
from bidgraph.report import sections
from bidgraph.settings import Settings

# the market detectors the three analyses draw on (all share one bid table)
DETECTORS = ("cobid_ring", "rotation", "price_screen", "high_win_rate", "cover_bidder")
TENDERS = """
MATCH (t:Tender) WHERE t.industry = $sector AND t.bid_open >= $start AND t.bid_open <= $end
RETURN t.code
"""


SECTORS = """
MATCH (t:Tender) WHERE t.industry IS NOT NULL AND t.bid_open IS NOT NULL
RETURN t.industry AS sector, max(t.bid_open) AS last ORDER BY sector
"""


class ReportError(BidgraphError):
    """The report cannot be made as asked (bad period, unknown sector)."""


@dataclass
class SectorReport:
    sector: str
    start: date
    end: date
    generated_at: datetime
    data_version: str  # nodes:relationships:newest load — with params, what reproduces the report
    params: dict[str, Any]  # every detector parameter as bound
    changed: dict[str, Any]  # those given by the caller (the rest are defaults)
    tenders: int
    groups: list[sections.Group] = field(default_factory=list)
    prices: pd.DataFrame = field(default_factory=pd.DataFrame)
    wins: pd.DataFrame = field(default_factory=pd.DataFrame)
    departments: list[QueueFigures] = field(default_factory=list)
    rules: list[RuleFigures] = field(default_factory=list)
    cases: list[CaseSummary] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def file_stem(self) -> str:
        return f"{self.sector}-{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def latest_half_years(graph: GraphStore) -> dict[str, tuple[date, date]]:
    """Each sector with the half-year (1–6 or 7–12) of its newest opened tender: the
    period a report is usually asked for."""
    out = {}
    for sector, last in graph.run(SECTORS, limit=0).rows:
        day = date.fromisoformat(str(last)[:10])
        first = date(day.year, 1 if day.month <= 6 else 7, 1)
        out[str(sector)] = (first, date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31))
    return out


def build_report(
    graph: GraphStore,
    settings: Settings,
    sector: str,
    start: date,
    end: date,
    *,
    params: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> SectorReport:
    """Findings with at least one tender of ``sector`` opened in [start, end]; alerts and
    open cases of the period's tenders. ``params``: detector parameters (defaults)."""
    if start > end:
        raise ReportError(f"报告期起始日 {start} 晚于截止日 {end}，请检查 --from 与 --to")
    codes = set(graph.run(TENDERS, {"sector": sector, "start": str(start), "end": str(end)}, limit=0).column("t.code"))
    if not codes:
        raise ReportError(f"行业「{sector}」在 {start} 至 {end} 没有开标的标段；请核对行业名称与报告期")
    # the sector's market only (all years): rings, price percentiles and win rates are
    # computed per industry × region, so the sector's figures are the same, in a fraction of the time
    bound = python_params({"industry": sector, **(params or {})})
    run = Analysis(graph, bound)
    findings: list[Finding] = []
    failures: dict[str, str] = {}
    for detector in DETECTORS:
        try:
            findings += run_detector(graph, detector, analysis=run)
        except BidgraphError as e:  # one detector's failure is stated in the report, not fatal
            failures[detector] = str(e)
    at = now or utcnow()
    changed = {k: bound[k] for k in params or {}}
    report = SectorReport(sector, start, end, at, data_version(graph), bound, changed, len(codes), failures=failures)
    report.groups = sections.groups(run, findings, codes)
    report.prices = sections.price_screens(run, codes)
    report.wins = sections.win_rates(run, codes, findings)
    # the period's alerts are those about its tenders (loads often arrive after the fact)
    alerts = [a for a in AlertStore(settings).list() if codes & set(a.tenders)]
    report.departments, report.rules = by_department(alerts, at), by_rule(alerts)
    report.cases = [c for c in CaseStore(settings).list() if sector in c.sectors and c.status != STATUSES[-1]]
    return report
