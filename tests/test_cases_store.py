"""Cases: status rules, persistence across restarts, evidence snapshots that say when
newer data exists (on the real embedded graph), the audit trail, and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner
from workbench_fixture import ZHANG, build_fixture

from bidgraph import audit
from bidgraph.cases import CaseError, CaseStore, as_evidence, check_freshness
from bidgraph.cases.export import export_case
from bidgraph.cases.export.manifest import verify
from bidgraph.cli import app, identity
from bidgraph.graph import GraphStore
from bidgraph.graph.model import Node, Relationship
from bidgraph.graph.model import Path as GraphPath
from bidgraph.services import detectors
from bidgraph.settings import Settings, get_settings
from bidgraph.users import UserDirectory
from bidgraph.viewer import DEMO_VIEWER, Role, Viewer

COMPANY = Node("c1", ("Company",), {"key": "91330100MA27XXXX1A", "name": "杭州甲建设有限公司", "load_id": "L1"})
PERSON = Node("p1", ("Person",), {"key": "id:abc", "name": "张三", "load_id": "L1"})
REP = Relationship("r1", "LEGAL_REP_OF", "p1", "c1", {"load_id": "L1"})


@pytest.fixture()
def cases(tmp_path: Path) -> CaseStore:
    return CaseStore(Settings(data_dir=tmp_path))


def test_status_moves_forward_and_needs_reasons_to_go_back_or_skip(cases: CaseStore) -> None:
    case_id = cases.create("线索一", "", actor="甲")
    assert cases.get(case_id).status == "发现"
    with pytest.raises(CaseError, match="接收单位"):
        cases.transition(case_id, "移交", actor="甲")
    cases.transition(case_id, "移交", actor="甲", receiving_body="公安机关经侦部门", comment="请核查")
    with pytest.raises(CaseError, match=r"跳过了「核查」.*跳步理由"):
        cases.transition(case_id, "处理", actor="乙")
    with pytest.raises(CaseError, match="回退理由"):
        cases.transition(case_id, "发现", actor="乙")
    with pytest.raises(CaseError, match="已处于"):
        cases.transition(case_id, "移交", actor="乙")
    with pytest.raises(CaseError, match="未知的线索状态"):
        cases.transition(case_id, "结案", actor="乙")
    cases.transition(case_id, "发现", actor="乙", reason="接收单位要求补充证据")
    cases.transition(case_id, "核查", actor="乙", reason="已当面移交，补录", receiving_body="市纪委监委")
    case = cases.get(case_id)
    assert case.status == "核查"
    assert [(t.from_status, t.to_status, t.actor) for t in case.transitions] == [
        ("发现", "移交", "甲"),
        ("移交", "发现", "乙"),
        ("发现", "核查", "乙"),
    ]
    assert case.transitions[0].receiving_body == "公安机关经侦部门" and case.transitions[1].reason


def test_cases_persist_across_restarts(tmp_path: Path) -> None:
    first = CaseStore(Settings(data_dir=tmp_path))
    case_id = first.create("线索二", "概要", actor="甲")
    first.add_evidence(case_id, GraphPath((PERSON, COMPANY), (REP,)), actor="甲")
    first.add_note(case_id, "待核实", actor="甲")
    first.transition(case_id, "移交", actor="甲", receiving_body="市纪委监委")
    again = CaseStore(Settings(data_dir=tmp_path)).get(case_id)
    assert (again.title, again.summary, again.status) == ("线索二", "概要", "移交")
    assert set(again.nodes) == {"p1", "c1"} and set(again.relationships) == {"r1"}
    assert again.nodes["c1"].properties["name"] == "杭州甲建设有限公司"
    assert [n.text for n in again.notes] == ["待核实"]
    summaries = CaseStore(Settings(data_dir=tmp_path)).list("移交")
    assert [(s.id, s.nodes) for s in summaries] == [(case_id, 2)]
    assert CaseStore(Settings(data_dir=tmp_path)).list("反馈") == []


def test_evidence_keeps_its_first_snapshot(cases: CaseStore) -> None:
    case_id = cases.create("线索三", "", actor="甲")
    cases.add_evidence(case_id, [COMPANY], actor="甲")
    renamed = Node("c1", ("Company",), {**COMPANY.properties, "name": "改名后的公司"})
    counts = cases.add_evidence(case_id, [renamed, PERSON], actor="甲")
    assert counts == {"findings": 0, "nodes": 1, "relationships": 0}
    assert cases.get(case_id).nodes["c1"].properties["name"] == "杭州甲建设有限公司"
    with pytest.raises(CaseError, match="没有可加入线索的证据"):
        cases.add_evidence(case_id, [], actor="甲")
    with pytest.raises(CaseError, match="没有编号为 99"):
        cases.get(99)


def test_views_and_changes_are_audited(cases: CaseStore) -> None:
    case_id = cases.create("线索四", "", actor="甲")
    cases.view(case_id, actor="乙")
    cases.transition(case_id, "移交", actor="甲", receiving_body="市纪委监委")
    actions = [(e["action"], e["actor"]) for e in audit.entries(cases.data_dir)]
    assert actions == [("case.create", "甲"), ("case.view", "乙"), ("case.transition", "甲")]
    assert audit.verify(cases.data_dir) is None


def test_as_evidence_gathers_paths_and_lists() -> None:
    evidence = as_evidence([GraphPath((PERSON, COMPANY), (REP,)), [PERSON]])
    assert set(evidence.graph.nodes) == {"p1", "c1"} and set(evidence.graph.relationships) == {"r1"}
    assert "2 个节点" in evidence.describe()


@pytest.fixture(scope="module")
def loaded(store: GraphStore) -> GraphStore:
    store.write(
        "CREATE (p:Person {key: $person, name: '李四', load_id: 'L1'})"
        "-[:LEGAL_REP_OF {load_id: 'L1'}]->(c:Company {key: $company, name: '丙公司', load_id: 'L1'}),"
        " (:Company {key: $other, name: '丁公司', load_id: 'L1'})",
        {"person": "id:p-fresh", "company": "C-FRESH", "other": "C-OTHER"},
    )
    return store


def test_snapshot_says_when_newer_data_exists(loaded: GraphStore, cases: CaseStore) -> None:
    found = loaded.run(
        "MATCH (p:Person {key: $k})-[r:LEGAL_REP_OF]->(c:Company)"
        " OPTIONAL MATCH (o:Company {key: $o}) RETURN p, r, c, o",
        {"k": "id:p-fresh", "o": "C-OTHER"},
    ).to_subgraph()
    case_id = cases.create("线索五", "", actor="甲")
    cases.add_evidence(case_id, found, actor="甲")
    fresh = check_freshness(cases.get(case_id), loaded)
    assert fresh.checked == 3 and not fresh.newer_data and "一致" in fresh.message()
    loaded.write("MATCH (c:Company {key: $k}) SET c.name = '丙公司（更名）', c.load_id = 'L2'", {"k": "C-FRESH"})
    loaded.write("MATCH (c:Company {key: $k}) DELETE c", {"k": "C-OTHER"})
    stale = check_freshness(cases.get(case_id), loaded)
    assert stale.changed == ("Company:C-FRESH",) and stale.missing == ("Company:C-OTHER",)
    assert "已有更新的数据" in stale.message() and "已不存在" in stale.message()
    shown = {n.properties["name"] for n in cases.get(case_id).nodes.values()}
    assert shown == {"李四", "丙公司", "丁公司"}  # the case still shows what it showed


@pytest.fixture()
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("BIDGRAPH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_cli_lists_shows_and_exports(cli_env: Path) -> None:
    cases = CaseStore(Settings(data_dir=cli_env))
    case_id = cases.create("命令行线索", "概要文字", actor="甲")
    cases.add_evidence(case_id, GraphPath((PERSON, COMPANY), (REP,)), actor="甲")
    runner = CliRunner()
    listed = runner.invoke(app, ["case", "list", "--status", "发现"])
    assert listed.exit_code == 0 and "XS-00001" in listed.output and "命令行线索" in listed.output
    assert "没有符合条件" in runner.invoke(app, ["case", "list", "--status", "反馈"]).output
    shown = runner.invoke(app, ["case", "show", str(case_id), "--no-check", "--user", "丙"])
    assert shown.exit_code == 0 and "概要文字" in shown.output and "2 个节点" in shown.output
    assert ("case.view", "丙") in [(e["action"], e["actor"]) for e in audit.entries(cli_env)]
    out = cli_env / "out"
    exported = runner.invoke(app, ["case", "export", str(case_id), "-r", "行政监督部门", "-o", str(out), "--no-check"])
    assert exported.exit_code == 0, exported.output
    package = next(out.glob("XS-00001_行政监督部门_*.zip"))
    assert runner.invoke(app, ["verify", str(package)]).exit_code == 0
    missing = runner.invoke(app, ["case", "show", "42", "--no-check"])
    assert missing.exit_code != 0 and isinstance(missing.exception, CaseError)


def test_a_real_detector_finding_goes_into_a_case_and_exports(
    store: GraphStore, cases: CaseStore, module_settings: Settings
) -> None:
    build_fixture(store)
    found = detectors.run(store, "cross_appointment", {}, DEMO_VIEWER, module_settings)
    assert found, "the fixture plants a cross-appointment"
    case_id = cases.create("真实规则线索", "", actor="甲")
    cases.add_evidence(case_id, found[0], actor="甲")
    case = cases.get(case_id)
    assert any(n.key == ZHANG for n in case.nodes.values())
    assert "MATCH" in case.findings[0].query_text and case.findings[0].data["legal_ground"]
    result = export_case(
        cases, case_id, recipient_name="内部", viewer=Viewer("甲"), out_dir=cases.data_dir, graph_store=store
    )
    check = verify(result.path)
    assert check.ok and check.header["snapshot"]["current_data_check"].startswith("证据与当前数据一致")


def test_cli_export_with_full_numbers_needs_an_entitled_role(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once users exist, the CLI acts as the user mapped to the operating-system account and
    applies the page's rule: only liaison/admin export packages with full ID and phone numbers;
    ``--user`` naming someone else is refused."""
    case_id = CaseStore(Settings(data_dir=cli_env)).create("权限线索", "", actor="甲")
    directory = UserDirectory(cli_env)
    directory.add("inv", Role.INVESTIGATOR, actor="test")
    directory.add("liaison", Role.LIAISON, actor="test")
    out = cli_env / "out"
    runner = CliRunner()
    export = ["case", "export", str(case_id), "-r", "公安机关", "-o", str(out), "--no-check"]
    monkeypatch.setattr(identity, "os_login", lambda: "inv")
    refused = runner.invoke(app, export)
    assert refused.exit_code != 0 and "无权导出给公安机关" in str(refused.exception)
    posing = runner.invoke(app, [*export, "--user", "liaison"])
    assert posing.exit_code != 0 and "不能以「liaison」的身份操作" in str(posing.exception)
    assert not list(out.glob("*.zip"))
    masked = runner.invoke(app, [*export[:4], "行政监督部门", *export[5:]])
    assert masked.exit_code == 0, masked.output
    monkeypatch.setattr(identity, "os_login", lambda: "liaison")
    assert runner.invoke(app, [*export, "--user", "liaison"]).exit_code == 0
    monkeypatch.setattr(identity, "os_login", lambda: "nobody")
    unmapped = runner.invoke(app, ["case", "show", str(case_id), "--no-check"])
    assert unmapped.exit_code != 0 and "没有对应的启用用户" in str(unmapped.exception)
    assert len(list(out.glob("*.zip"))) == 2


def test_cli_lists_shows_and_exports_cases_only_within_the_users_sectors(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(identity, "os_login", lambda: "fang")  # the CLI acts as the mapped OS account
    cases = CaseStore(Settings(data_dir=cli_env))
    water = cases.create("水利线索", "", actor="甲")
    tender = Node("t9", ("Tender",), {"key": "W-1", "code": "W-1", "industry": "水利"})
    cases.add_evidence(water, tender, actor="甲")
    UserDirectory(cli_env).add("fang", Role.INVESTIGATOR, actor="test", sectors=["房建市政"])
    runner = CliRunner()
    assert "水利线索" not in runner.invoke(app, ["case", "list", "--user", "fang"]).output
    shown = runner.invoke(app, ["case", "show", str(water), "--no-check", "--user", "fang"])
    assert shown.exit_code != 0 and "超出您的监管行业范围" in str(shown.exception)
    out = cli_env / "out"
    export = ["case", "export", str(water), "-r", "内部", "-o", str(out), "--no-check", "--user", "fang"]
    assert runner.invoke(app, export).exit_code != 0 and not out.exists()
