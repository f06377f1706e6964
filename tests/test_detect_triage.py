"""Risk scoring and triage (documented noisy-OR of rule weights), the sector filter of
the viewer, and the ``bidgraph detect`` / ``triage`` commands."""

from __future__ import annotations

import gc
import json

import pytest
from detectgraph import Builder
from typer.testing import CliRunner

from bidgraph.analysis import run_detector, triage
from bidgraph.analysis.scoring import WEIGHTS, combine
from bidgraph.cli import app
from bidgraph.graph.store import GraphStore
from bidgraph.settings import Settings, get_settings
from bidgraph.viewer import Viewer


@pytest.fixture(scope="module")
def g(store: GraphStore) -> Builder:
    b = Builder(store)
    a, c, d, e = (b.company(k, n) for k, n in [("A", "甲"), ("C", "丙"), ("D", "丁"), ("E", "戊")])
    t1, t2 = b.tender("T1"), b.tender("T2", industry="水利")
    bids = {x[1]: b.bid(x, t1) for x in (a, c, d)}
    b.bid(d, t2)
    b.bid(e, t2)
    zhang = b.person("id:zhang", "张三")
    b.rel(zhang, "LEGAL_REP_OF", a)
    b.rel(zhang, "OFFICER_OF", c, position="监事")
    account = ("BankAccount", b.node("BankAccount", "6222", value="6222"))
    b.rel(bids["A"], "DEPOSIT_FROM", account)
    b.rel(bids["C"], "DEPOSIT_FROM", account)
    li, wang = b.person("id:li", "李四"), b.person("id:wang", "王五")
    b.rel(li, "LEGAL_REP_OF", d)
    b.rel(wang, "LEGAL_REP_OF", e)
    b.rel(li, "KIN_OF", wang, relation="兄弟")
    return b


def test_triage_ranks_groups_and_tenders(store: GraphStore, g: Builder) -> None:
    result = triage(store)
    # every firm and tender also carries its continuous score (risk_score), which only adds
    assert [(i.key, tuple(r for r in i.rules if r != "risk_score")) for i in result.groups[:2]] == [
        ("A+C", ("shared_identifier", "cross_appointment")),
        ("D+E", ("kinship",)),
    ]
    assert {i.key for i in result.groups[2:]} <= {"A", "C", "D", "E"}  # no firm left unranked
    top = result.groups[0]
    by_rules = combine([f for f in top.findings if f.detector != "risk_score"])[0]
    assert by_rules == pytest.approx(100 * (1 - (1 - 0.95) * (1 - 0.85))) and top.score >= by_rules
    assert "保证金" not in top.name
    kinship = combine([f for f in result.groups[1].findings if f.detector != "risk_score"])[0]
    assert kinship == pytest.approx(100 * WEIGHTS["kinship"] * 0.75)
    assert [i.key for i in result.tenders] == ["T1", "T2"] and result.tenders[0].name == "T1 T1标段"


def test_the_explanation_names_each_rule_strongest_first(store: GraphStore, g: Builder) -> None:
    before = gc.get_threshold()
    top = triage(store).groups[0]
    assert gc.get_threshold() == before  # the run's collector thresholds end with it
    assert "explanation" not in vars(top)  # written when read: the list ranks every tender and firm
    strongest = combine(top.findings)[1]
    assert top.explanation.startswith(f"命中{len(strongest)}类规则、{len(top.findings)}条发现：")
    assert [top.explanation.index(f.title) for f in strongest] == sorted(
        top.explanation.index(f.title) for f in strongest
    )
    assert "（严重度95×权重1.0；" in top.explanation and "（严重度85×权重1.0；" in top.explanation


def test_combine_counts_each_rule_once(store: GraphStore, g: Builder) -> None:
    findings = run_detector(store, "cross_appointment")
    score, strongest = combine(findings + findings)
    assert score == pytest.approx(85.0) and len(strongest) == 1


def test_viewer_sees_only_own_sectors(store: GraphStore, g: Builder) -> None:
    water = Viewer(user="水利监督", sectors=frozenset({"水利"}))
    assert run_detector(store, "cross_appointment", viewer=water) == []
    assert [f.tender_codes for f in run_detector(store, "kinship", viewer=water)] == [("T2",)]
    groups = triage(store, viewer=water).groups
    assert groups[0].key == "D+E" and not {"A", "C", "D", "A+C"} & {i.key for i in groups}  # D bid on T1 too


@pytest.fixture()
def cli_env(module_settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BIDGRAPH_DATA_DIR", str(module_settings.data_dir))
    monkeypatch.setenv("BIDGRAPH_GRAPH_NAME", module_settings.graph_name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_detect_command_json_and_params(store: GraphStore, g: Builder, cli_env: None) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["detect", "--detector", "cross_appointment", "--format", "json"])
    assert done.exit_code == 0, done.output
    [finding] = json.loads(done.output)
    assert finding["query_id"] == "cross_appointment" and finding["tender_codes"] == ["T1"]
    assert {e["key"] for e in finding["entities"]} == {"A", "C", "id:zhang"}
    csv_out = runner.invoke(app, ["detect", "-d", "kinship", "-p", "industry=房建市政", "--format", "csv"])
    assert csv_out.exit_code == 0 and csv_out.output.strip() == "规则,严重度,标段,涉及主体,说明"
    bad = runner.invoke(app, ["detect", "-d", "kinship", "-p", "nope=1"])
    assert bad.exit_code != 0


def test_triage_command(store: GraphStore, g: Builder, cli_env: None) -> None:
    done = CliRunner().invoke(app, ["triage", "--top", "5"])
    assert done.exit_code == 0, done.output
    assert "企业团伙" in done.output and "甲、丙" in done.output
    as_json = CliRunner().invoke(app, ["triage", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.output)
    assert (rows[0]["kind"], rows[0]["key"], rows[0]["rank"]) == ("group", "A+C", 1)
    assert {r["key"] for r in rows if r["kind"] == "tender"} == {"T1", "T2"}
    scores = CliRunner().invoke(app, ["scores", "--level", "tender", "--format", "json"])
    assert scores.exit_code == 0 and {r["key"] for r in json.loads(scores.output)} == {"T1", "T2"}
    none = CliRunner().invoke(app, ["detect", "-d", "kinship", "-p", "industry=房建市政", "--format", "json"])
    assert none.exit_code == 0 and json.loads(none.output) == []


def test_bench_risk_times_scores_for_every_tender_and_firm(g: Builder, store: GraphStore) -> None:
    from bidgraph.bench.risk import run_risk_benchmark

    result = run_risk_benchmark(store, runs=1)
    assert (result.bids, result.tenders, result.firms) == (5, 2, 4)
    assert result.scores.cpu > 0 and result.reference.cpu >= 0 and result.ratio > 0
