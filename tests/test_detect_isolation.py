"""One failing detector never stops the others: ``run_all`` and ``triage`` report it by
id and rank what the rest found (a user query that fails at run time stands in for a
detector that hits its timeout)."""

from __future__ import annotations

import pytest
from detectgraph import Builder

from bidgraph.analysis import run_all, triage
from bidgraph.errors import QueryError
from bidgraph.graph.store import GraphStore
from bidgraph.settings import Settings

BROKEN = """// id: broken_rule
// title: 会失败的规则
// description: 运行时出错的规则
// columns: [tender, score]
// finding:
//   group_by: [tender]
//   score: 50
//   summary: "{tender}"
MATCH (t:Tender) RETURN t.code AS tender, 1 / 0 AS score
"""


@pytest.fixture(scope="module")
def graph(store: GraphStore, module_settings: Settings) -> Settings:
    b = Builder(store)
    a, c = b.company("A", "甲"), b.company("C", "丙")
    t1 = b.tender("T1")
    bids = [b.bid(x, t1) for x in (a, c)]
    account = ("BankAccount", b.node("BankAccount", "6222", value="6222"))
    for bid in bids:
        b.rel(bid, "DEPOSIT_FROM", account)
    module_settings.user_query_dir.mkdir(parents=True, exist_ok=True)
    (module_settings.user_query_dir / "broken_rule.cypher").write_text(BROKEN, encoding="utf-8")
    return module_settings


def test_run_all_reports_the_failure_and_keeps_the_rest(store: GraphStore, graph: Settings) -> None:
    failures: dict[str, str] = {}
    findings = run_all(store, settings=graph, failures=failures)
    assert list(failures) == ["broken_rule"]
    assert {f.detector for f in findings} >= {"shared_identifier"}
    with pytest.raises(QueryError):  # without a failures dict the error is raised, as before
        run_all(store, settings=graph)


def test_triage_never_aborts_as_a_whole(store: GraphStore, graph: Settings) -> None:
    result = triage(store, settings=graph)
    assert "broken_rule" in result.failures
    assert result.groups or result.tenders
