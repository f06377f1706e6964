"""Risk-score timings on the current graph: the bid table read once, the continuous scores
of every tender and firm, and their triage findings — wall and CPU seconds, best of a few
runs, with a reference measured in the same run (one pandas pass that ranks every bid's
price within its tender) so figures from busy and quiet machines compare as ratios."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bidgraph.analysis import risk, riskfindings, riskservice
from bidgraph.graph.store import GraphStore


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


@dataclass(frozen=True)
class RiskBenchmark:
    bids: int
    tenders: int
    firms: int
    read: Timing
    scores: Timing
    findings: Timing
    reference: Timing  # one ranking pass over the bids

    @property
    def ratio(self) -> float:
        """Scores + findings in units of the reference pass (CPU)."""
        return (self.scores.cpu + self.findings.cpu) / self.reference.cpu if self.reference.cpu else float("inf")


def best_of(runs: int, action: Callable[[], Any]) -> tuple[Timing, Any]:
    """The fastest of ``runs`` runs (wall and CPU each) and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(min(walls), min(cpus)), result


def run_risk_benchmark(store: GraphStore, runs: int = 3) -> RiskBenchmark:
    read, market = best_of(1, lambda: riskservice.read_bids(store))
    reference, _ = best_of(runs, lambda: market.bids.groupby("tender")["price"].rank())
    scores_timing, scores = best_of(runs, lambda: risk.compute(market))
    names = dict(zip(market.members["company"], market.members["company"], strict=True))
    findings, _ = best_of(runs, lambda: riskfindings.risk_findings(market, scores, names))
    return RiskBenchmark(
        bids=len(market.bids),
        tenders=len(scores.tenders),
        firms=len(scores.firms),
        read=read,
        scores=scores_timing,
        findings=findings,
        reference=reference,
    )
