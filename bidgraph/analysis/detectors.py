"""The detector catalogue and the service that runs it. A detector is one or more saved
queries whose rows become findings (``queries/*.cypher`` with a ``detector`` header),
or a Python analysis over the bid table (``analysis.patterns``) with its own declared
parameters. User-saved queries with a ``finding`` header run the same way, by query id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bidgraph.analysis import anchors, patterns
from bidgraph.analysis.findings import Finding
from bidgraph.analysis.rows import findings_from_rows
from bidgraph.errors import QueryError
from bidgraph.graph.store import GraphStore
from bidgraph.queries.library import SavedQuery, builtin_query, list_queries
from bidgraph.queries.params import ParameterError, QueryParam, bind, param_from_spec
from bidgraph.services.access import may_see_sectors
from bidgraph.settings import Settings
from bidgraph.viewer import Viewer

Runner = Callable[[patterns.Analysis], list[Finding]]


def _p(name: str, kind: str, default: Any, label: str, **limits: Any) -> QueryParam:
    return param_from_spec({"name": name, "type": kind, "default": default, "label": label, **limits})


MARKET = _p(
    "market_level",
    "str",
    "city",
    "市场范围（行业+地区层级）",
    choices={"province": "省", "city": "市", "district": "县区"},
)
RING_PARAMS = (
    MARKET,
    _p("min_cobids", "int", 5, "三家成员共同投标的最少标段数", min=2),
    _p("min_lift", "float", 3.0, "三家共同投标次数/预期次数（提升度）下限", min=1),
    # capture grades a ring's severity; as a gate it lost every ring where members win 18–46%
    _p("ring_min_capture", "float", 0.0, "团伙中标占比下限（默认0：只作为严重度证据）", min=0, max=1),
)


@dataclass(frozen=True)
class PythonDetector:
    id: str
    title: str
    description: str
    legal_ground: str
    runner: Runner
    parameters: tuple[QueryParam, ...]

    def as_query(self) -> SavedQuery:
        """The detector described like a saved query (its data query is ``market_bids``)."""
        data = builtin_query("market_bids")
        return replace(
            data,
            id=self.id,
            title=self.title,
            description=self.description,
            legal_ground=self.legal_ground,
            parameters=(*data.parameters, *self.parameters),
            detector=self.id,
            tags=("Python分析", *data.tags),
        )


PYTHON_DETECTORS = {
    d.id: d
    for d in (
        PythonDetector(
            "cobid_ring",
            "抱团投标",
            "按同一行业、地区市场内各企业的投标频率计算三家企业共同投标的次数与提升度（对预期次数的倍数），"
            "强关联的三元组构成的网络用 Leiden 社区发现划分团伙。严重度是提升度、紧密度、持续年数、组内中标占比、"
            "中标均匀度和组内报价指标的连续函数，不设单一门槛。",
            patterns.LAW_RING,
            patterns.ring_findings,
            RING_PARAMS,
        ),
        PythonDetector(
            "rotation",
            "轮流中标",
            "抱团团伙在共同投标的标段中由成员轮流中标：组内中标占比高、中标份额均匀。",
            patterns.LAW_RING,
            patterns.rotation_findings,
            (
                *RING_PARAMS,
                _p("min_captured", "int", 4, "组内最少中标次数", min=2),
                _p("min_capture", "float", 0.6, "组内中标占比下限", min=0, max=1),
                _p("min_evenness", "float", 0.6, "中标均匀度下限", min=0, max=1),
            ),
        ),
        PythonDetector(
            "cover_bidder",
            "陪标专业户",
            "投标次数多、几乎不中标，且多数输给同样一两家企业。",
            patterns.LAW_RING,
            patterns.cover_findings,
            (
                _p("min_bids", "int", 8, "最少投标次数", min=2),
                _p("max_win_rate", "float", 0.05, "中标率上限", min=0, max=1),
                _p("min_same", "float", 0.5, "输给同样企业的比例下限", min=0, max=1),
            ),
        ),
        PythonDetector(
            "high_win_rate",
            "中标率异常（标王）",
            "在同一行业、地区市场内，中标次数显著高于按每次竞争人数（1/投标人数）预期的次数。",
            patterns.LAW_WIN,
            patterns.win_rate_findings,
            (_p("min_wins", "int", 5, "最少中标次数", min=1), _p("min_z", "float", 4.0, "标准分 z 下限", min=0)),
        ),
        PythonDetector(
            "price_screen",
            "报价离散度异常",
            "每个标段的有效报价：变异系数、极差率、RD、峰度、偏度、均匀分布 KS、报价阶梯、限价98%–100%内报价占比，"
            "在同一市场（行业×地区×规模档）内排百分位；某项指标是本市场的离群值（修正z≥3.5且居本市场前5%）才列为发现。"
            "报价高于最高限价属数据质量问题，不算贴近限价。",
            patterns.LAW_PRICE,
            patterns.price_findings,
            (_p("min_price_bids", "int", 3, "最少有效报价数", min=3),),
        ),
    )
}


def python_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every Python detector's parameters bound at once: they share one ``Analysis``."""
    declared = {p.name: p for d in PYTHON_DETECTORS.values() for p in d.as_query().parameters}
    return bind(tuple(declared.values()), {k: v for k, v in (params or {}).items() if k in declared})


def detector_queries(settings: Settings | None = None) -> list[SavedQuery]:
    """Every query that yields findings: built-in detector queries and user queries with
    a ``finding`` header."""
    return [q for q in list_queries(settings) if q.finding is not None]


def list_detectors(settings: Settings | None = None) -> list[SavedQuery]:
    """The catalogue as saved queries: Cypher detectors, Python detectors, user queries."""
    return [*detector_queries(settings), *(d.as_query() for d in PYTHON_DETECTORS.values())]


def detector_ids(settings: Settings | None = None) -> list[str]:
    ids = [q.detector or q.id for q in detector_queries(settings)] + list(PYTHON_DETECTORS)
    return list(dict.fromkeys(ids))


def run_detector(
    store: GraphStore,
    detector_id: str,
    params: Mapping[str, Any] | None = None,
    *,
    viewer: Viewer | None = None,
    settings: Settings | None = None,
    analysis: patterns.Analysis | None = None,
) -> list[Finding]:
    """Findings of one detector (by detector id or by a saved query's id), most severe
    first; ``params`` may hold any parameter declared by any of its queries."""
    params = dict(params or {})
    if detector_id in PYTHON_DETECTORS:
        detector = PYTHON_DETECTORS[detector_id]
        bind(detector.as_query().parameters, params)  # refuses names this detector does not declare
        run = analysis if analysis is not None and not params else patterns.Analysis(store, python_params(params))
        findings = detector.runner(run)
    else:
        queries = [q for q in detector_queries(settings) if detector_id in (q.detector, q.id)]
        if not queries:
            raise QueryError(f"没有检测规则 {detector_id!r}；可用：{', '.join(detector_ids(settings))}")
        declared = {p.name for q in queries for p in q.parameters}
        unknown = sorted(set(params) - declared)
        if unknown:
            raise ParameterError(f"检测规则 {detector_id} 没有参数：{', '.join(unknown)}")
        findings = []
        for query in queries:
            own = {k: v for k, v in params.items() if k in {p.name for p in query.parameters}}
            bound = query.bind(own)
            findings += findings_from_rows(query, bound, anchors.run_detector_query(store, query, bound))
    if viewer is not None:
        findings = [f for f in findings if visible(f, viewer)]
    return sorted(findings, key=lambda f: -f.score)


def visible(finding: Finding, viewer: Viewer) -> bool:
    """A finding is shown only if the viewer may see the sector of every tender in it."""
    industries = [n.get("industry") for n in finding.evidence.nodes.values() if "Tender" in n.labels]
    if not industries:
        return not viewer.sectors
    return may_see_sectors(viewer, industries)
