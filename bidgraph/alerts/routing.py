"""按权限 routing: an alert goes to the queue of the department that supervises its
tenders (the ``SUPERVISES`` relationship), with the tenders' industries as its sectors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bidgraph.analysis.findings import Finding
from bidgraph.graph.store import GraphStore

UNROUTED = "未分派"

ROUTES = """
UNWIND $codes AS code
MATCH (t:Tender {code: code})
OPTIONAL MATCH (d:Department)-[:SUPERVISES]->(t)
RETURN t.code, t.industry, t.region, d.key, d.name
"""


@dataclass(frozen=True)
class Route:
    department: str
    department_name: str
    sectors: tuple[str, ...]
    region: str


@dataclass(frozen=True)
class TenderRoute:
    industry: str
    region: str
    department: str
    department_name: str


def tender_routes(store: GraphStore, codes: Iterable[str]) -> dict[str, TenderRoute]:
    """One read for all tenders of a run."""
    rows = store.run(ROUTES, {"codes": sorted(set(codes))}, limit=0).rows
    out: dict[str, TenderRoute] = {}
    for code, industry, region, dept, dept_name in rows:
        industry, region = industry or "", region or ""
        queue = dept or (f"{industry}|{region}" if industry else UNROUTED)
        out[str(code)] = TenderRoute(industry, region, str(queue), str(dept_name or queue))
    return out


def route(finding: Finding, tenders: dict[str, TenderRoute]) -> Route:
    """The department supervising most of the finding's tenders (ties: the first in
    code order); findings without tenders go to the 未分派 queue."""
    known = [tenders[c] for c in sorted(set(finding.tender_codes)) if c in tenders]
    if not known:
        return Route(UNROUTED, UNROUTED, (), "")
    counts = Counter(t.department for t in known)
    top = max(counts, key=lambda d: (counts[d], -[t.department for t in known].index(d)))
    first = next(t for t in known if t.department == top)
    sectors = tuple(sorted({t.industry for t in known if t.industry}))
    return Route(top, first.department_name, sectors, first.region)
