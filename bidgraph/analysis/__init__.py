"""Detection and analytics services: detectors (saved Cypher + Python analytics on the
subgraph a query returns), findings, risk scoring and triage, evaluation."""

from bidgraph.analysis.detectors import list_detectors, run_detector
from bidgraph.analysis.findings import Finding, RankedItem, TriageList
from bidgraph.analysis.service import run_all, triage

__all__ = ["Finding", "RankedItem", "TriageList", "list_detectors", "run_all", "run_detector", "triage"]
