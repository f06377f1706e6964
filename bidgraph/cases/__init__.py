"""Cases (线索): evidence collected from findings and graph views, the status loop
发现 → 移交 → 核查 → 处理 → 反馈, and the sealed export package for referral."""

from bidgraph.cases.evidence import CaseEvidence, Freshness, as_evidence, check_freshness
from bidgraph.cases.model import RECEIVING_BODIES, STATUSES, Case, CaseError
from bidgraph.cases.store import CaseStore, CaseSummary

__all__ = [
    "RECEIVING_BODIES",
    "STATUSES",
    "Case",
    "CaseError",
    "CaseEvidence",
    "CaseStore",
    "CaseSummary",
    "Freshness",
    "as_evidence",
    "check_freshness",
]
