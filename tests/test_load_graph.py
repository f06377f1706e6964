"""Loading into the real embedded graph: counts, entity resolution, provenance,
idempotency, atomicity under an injected failure, strict vs --skip-invalid, history."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from bidgraph import audit, loaders
from bidgraph.graph import GraphStore
from bidgraph.protected import PHONE, ProtectedStore, experts, graph_key

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
BASIC = FIXTURES / "basic"
A, B, C = "91410100MA3X000008", "91410100MA3X000109", "91430100MA4L00020H"


def load(store: GraphStore, tmp_path: Path, *paths: Path, **options: object) -> loaders.LoadReport:
    return loaders.load_paths(store, list(paths), data_dir=tmp_path, **options)


def label_counts(store: GraphStore) -> dict[str, int]:
    rows = store.run("MATCH (n) WHERE NOT n:Load RETURN labels(n)[0] AS label, count(*) AS n", limit=0).rows
    return dict(rows)


def rel_counts(store: GraphStore) -> dict[str, int]:
    return dict(store.run("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n", limit=0).rows)


def snapshot(store: GraphStore) -> tuple:
    nodes = store.run("MATCH (n) RETURN n.key, labels(n), properties(n) ORDER BY n.key", limit=0).rows
    rels = store.run(
        "MATCH (a)-[r]->(b) RETURN a.key, type(r), b.key, properties(r) ORDER BY a.key, type(r), b.key", limit=0
    ).rows
    return json.dumps(nodes, sort_keys=True, default=str), json.dumps(rels, sort_keys=True, default=str)


def test_basic_set_counts(graph: GraphStore, tmp_path: Path) -> None:
    report = load(graph, tmp_path, BASIC)
    assert (report.status, report.rows_read, report.rows_loaded, report.errors_total) == ("已导入", 32, 32, 0)
    assert label_counts(graph) == {
        "Address": 4, "Agency": 1, "AllowedIdentifier": 1, "BankAccount": 2, "Bid": 5, "Certificate": 1,
        "Company": 3, "Consortium": 1, "Department": 1, "Device": 5, "Email": 2, "IP": 4, "Penalty": 1,
        "Person": 6, "Phone": 6, "Project": 1, "Tender": 2, "Tenderer": 1,
    }  # fmt: skip
    assert rel_counts(graph) == {
        "AGENT": 1, "AGENT_OF": 2, "DEPOSIT_FROM": 2, "EMPLOYED_BY": 2, "EVALUATED": 1, "FOR": 5, "HAS_EMAIL": 2,
        "HAS_PHONE": 7, "HOLDS": 1, "KIN_OF": 1, "LEGAL_REP_OF": 1, "MADE_ON": 6, "MEMBER_OF": 2, "OFFICER_OF": 1,
        "PART_OF": 2, "PROJECT_MANAGER": 2, "REGISTERED_AT": 5, "REGISTERED_WITH": 1, "SANCTIONED": 1, "SCORED": 2,
        "SHAREHOLDER_OF": 2, "SUBMITTED": 5, "SUPERVISES": 2, "TENDERED": 2, "UPLOADED_FROM": 5,
    }  # fmt: skip
    assert report.nodes_created == sum(label_counts(graph).values())  # the Load record is not data
    assert report.relationships_created == sum(rel_counts(graph).values())


def test_values_follow_the_graph_model(graph: GraphStore, tmp_path: Path) -> None:
    load(graph, tmp_path, BASIC)
    bids = dict(graph.run("MATCH (b:Bid) RETURN b.key, [b.price, b.price_text, b.won, b.bid_open, b.valid]").rows)
    assert bids[f"P2024001-1|{A}"] == [9850000.0, None, True, "2024-03-01", True]
    assert bids[f"P2024001-2|{A}"] == [None, "按收费标准的50%计取", True, "2024-03-02", True]
    assert bids[f"P2024001-1|{C}"][4] is False
    assert graph.run("MATCH (t:Tender {key: 'P2024001-1'}) RETURN t.win_price, t.ceiling_price").rows == (
        (9850000.0, 10000000.0),
    )
    officer = graph.run("MATCH (:Person)-[r:OFFICER_OF]->(c:Company) RETURN r.position, r.start, r.end, c.key").rows
    assert officer == (("董事", "2018-01-01", "2020-12-31", A),)
    assert graph.run("MATCH (:Person)-[r:SHAREHOLDER_OF]->(:Company) RETURN r.pct").value() == 35.0
    assert graph.run("MATCH (:Company {key: $a})-[r:SHAREHOLDER_OF]->(:Company) RETURN r.pct", {"a": A}).value() == 65.0
    allowed = graph.run("MATCH (i:IP {key: '10.1.2.6'}) RETURN i.allowed, i.allow_reason").rows
    assert allowed == ((True, "交易中心公共网络"),)
    consortium = graph.run(
        "MATCH (c:Company)-[m:MEMBER_OF]->(:Consortium)-[:SUBMITTED]->(b:Bid) RETURN c.key, m.lead ORDER BY c.key"
    ).rows
    assert consortium == ((B, False), (C, True))


def test_entity_resolution_in_the_basic_set(graph: GraphStore, tmp_path: Path) -> None:
    load(graph, tmp_path, BASIC)
    # one company per USCC although written three ways (companies, bids, contacts)
    assert graph.run("MATCH (c:Company {key: $b}) RETURN c.name", {"b": B}).rows == (("郑州（中原）路桥有限责任公司",),)
    # a bid naming its bidder without USCC finds the company by its (normalized) name
    assert (
        graph.run("MATCH (c:Company)-[:SUBMITTED]->(:Bid {key: 'P2024001-2|' + $a}) RETURN c.key", {"a": A}).value()
        == A
    )
    # one person per ID number across persons, roles, kinship, contacts and bids
    lina = graph.run("MATCH (p:Person {name: '李娜'}) RETURN p.key, p.key_confidence, p.id_hash").rows
    assert len(lina) == 1 and lina[0][0] == "id:" + lina[0][2] and lina[0][1] == "high"
    lina_rels = graph.run("MATCH (p:Person {name: '李娜'})-[r]-() RETURN type(r) ORDER BY type(r)").rows
    assert [r[0] for r in lina_rels] == [
        "AGENT",
        "HAS_EMAIL",
        "HAS_PHONE",
        "KIN_OF",
        "OFFICER_OF",
        "REGISTERED_AT",
        "SHAREHOLDER_OF",
    ]
    people = dict(graph.run("MATCH (p:Person) RETURN p.name, p.key_confidence").rows)
    expert = "评标专家（E001）"  # who the expert is (王强) stays out of the graph
    assert people == {"张伟": "high", "李娜": "high", "王芳": "medium", expert: "high", "赵磊": "high", "孙强": "low"}
    # the expert is the same node as a Person, with the Expert label, employed by C (named, not coded)
    assert (
        graph.run("MATCH (e:Person:Expert {expert_no: 'E001'})-[:EMPLOYED_BY]->(c:Company) RETURN c.key").value() == C
    )
    # the PM's certificate in bids and the certificates table are one node
    assert graph.run("MATCH (p:Person)-[:HOLDS]->(c:Certificate) RETURN p.name, c.key").rows == (
        ("赵磊", "注册建造师:豫141000000001"),
    )
    # phone written +86/0086/with dashes -> one Phone node shared by A and B
    phone = graph_key(PHONE, "037166881234")
    shared = graph.run("MATCH (c:Company)-[:HAS_PHONE]->(p:Phone {key: $k}) RETURN c.key ORDER BY c.key", {"k": phone})
    assert shared.column("c.key") == [A, B]
    # MAC written with - and : -> one Device
    assert graph.run("MATCH (b:Bid)-[:MADE_ON]->(d:Device {key: 'mac:AABBCCDDEE01'}) RETURN count(b)").value() == 2


def test_same_name_different_uscc_stay_two(graph: GraphStore, tmp_path: Path) -> None:
    report = load(graph, tmp_path, FIXTURES / "resolution")
    assert report.ok
    companies = dict(graph.run("MATCH (c:Company) RETURN c.key, c.name").rows)
    assert set(companies) == {
        "91410100MA3X00050D",
        "91410100MA3X00060E",
        "name:湖南(长沙)医疗设备有限公司",  # full-width brackets and 有限责任公司 written two ways: one node
        "name:河南宏达建筑有限公司",  # a bare name shared by two USCCs cannot be resolved: kept apart
    }
    assert graph.run("MATCH (c:Company)-[:SUBMITTED]->(:Bid) RETURN count(DISTINCT c)").value() == 4


def test_provenance_on_every_node_and_relationship(graph: GraphStore, tmp_path: Path) -> None:
    report = load(graph, tmp_path, BASIC)
    missing = "x.source IS NULL OR x.row IS NULL OR x.load_id IS NULL OR x.loaded_at IS NULL"
    assert graph.run(f"MATCH (x) WHERE {missing} RETURN count(x)").value() == 0
    assert graph.run(f"MATCH ()-[x]->() WHERE {missing} RETURN count(x)").value() == 0
    assert graph.run("MATCH (x) RETURN DISTINCT x.load_id").column("x.load_id") == [report.load_id]
    row = graph.run("MATCH (b:Bid {key: 'P2024001-1|' + $c}) RETURN b.source, b.row", {"c": C}).rows
    assert row == (("bids.csv", 4),)


def test_idempotent(graph: GraphStore, tmp_path: Path) -> None:
    load(graph, tmp_path, BASIC)
    before = label_counts(graph), rel_counts(graph)
    again = load(graph, tmp_path, BASIC)
    assert (label_counts(graph), rel_counts(graph)) == before
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert len(loaders.load_history(graph)) == 2


def test_failure_midway_leaves_graph_as_before(graph: GraphStore, tmp_path: Path) -> None:
    load(graph, tmp_path, BASIC)
    before = snapshot(graph)
    calls = []

    def fail_while_writing(done: int, total: int, message: str) -> None:
        if message.startswith("写入"):
            calls.append(done)
            raise RuntimeError("injected failure")

    with pytest.raises(RuntimeError, match="injected"):
        load(graph, tmp_path, FIXTURES / "zh", FIXTURES / "resolution", progress=fail_while_writing)
    assert calls  # the failure did happen in the write pass
    assert snapshot(graph) == before
    assert len(loaders.load_history(graph)) == 1
    outcomes = [e["details"]["outcome"] for e in audit.entries(tmp_path) if e["action"] == "data.load"]
    assert outcomes == ["已导入", "failed"]


def test_failure_on_first_load_leaves_graph_empty(graph: GraphStore, tmp_path: Path) -> None:
    def boom(done: int, total: int, message: str) -> None:
        if message.startswith("写入"):
            raise RuntimeError("injected failure")

    with pytest.raises(RuntimeError):
        load(graph, tmp_path, BASIC, progress=boom)
    assert graph.run("MATCH (n) RETURN count(n)").value() == 0


def test_strict_writes_nothing_skip_invalid_loads_valid_rows(graph: GraphStore, tmp_path: Path) -> None:
    strict = load(graph, tmp_path, FIXTURES / "bad" / "rows")
    assert (strict.status, strict.written, strict.rows_loaded) == ("未导入", False, 0)
    assert graph.run("MATCH (n) RETURN count(n)").value() == 0
    lenient = load(graph, tmp_path, FIXTURES / "bad" / "rows", skip_invalid=True)
    assert (lenient.status, lenient.rows_loaded, lenient.errors_total) == ("部分导入", lenient.rows_read - 13, 18)
    companies = dict(graph.run("MATCH (c:Company) RETURN c.key, c.reg_capital").rows)
    assert companies[A] == 50000000.0  # of a conflicting duplicate the first row is kept
    assert "91410100MA3X000001" not in companies
    assert graph.run("MATCH (b:Bid) RETURN b.key").column("b.key") == [f"T-1|{A}"]
    assert graph.run("MATCH (p:Person) RETURN p.name").column("p.name") == ["王芳"]


def test_references_are_checked_against_the_graph(graph: GraphStore, tmp_path: Path) -> None:
    assert load(graph, tmp_path, FIXTURES / "zh" / "标段.csv").ok
    bids = load(graph, tmp_path, FIXTURES / "zh" / "投标.csv")
    assert bids.ok and bids.rows_loaded == 2
    assert graph.run("MATCH (:Bid)-[:FOR]->(t:Tender {key: 'ZH-001'}) RETURN count(*)").value() == 2
    dry = loaders.validate_paths([FIXTURES / "zh" / "投标.csv"])  # no store: the tender is unknown
    assert {e.reason for e in dry.errors} == {"引用不存在：标段编号在本次文件和图谱中都找不到"}
    assert loaders.validate_paths([FIXTURES / "zh" / "投标.csv"], store=graph).ok


def test_history_and_audit(graph: GraphStore, tmp_path: Path) -> None:
    first = load(graph, tmp_path, BASIC, actor="张三")
    load(graph, tmp_path, FIXTURES / "bad" / "rows")  # rejected: audited, not in the graph's history
    history = loaders.load_history(graph)
    assert [h["load_id"] for h in history] == [first.load_id]
    assert history[0]["actor"] == "张三" and history[0]["rows_loaded"] == 32 and history[0]["status"] == "已导入"
    entries = [e for e in audit.entries(tmp_path) if e["action"] == "data.load"]
    assert (entries[0]["actor"], entries[0]["target"]) == ("张三", first.load_id)
    assert entries[0]["details"]["outcome"] == "已导入"
    assert entries[1]["details"]["outcome"] == "rejected" and entries[1]["details"]["errors"] == 18
    assert audit.verify(tmp_path) is None


def test_file_changed_between_check_and_write_is_refused(graph: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "companies.csv"
    target.write_bytes((BASIC / "companies.csv").read_bytes())

    def edit_once(done: int, total: int, message: str) -> None:
        if message.startswith("检查") and target.stat().st_size < 2_000:
            with target.open("a", encoding="utf-8") as handle:
                handle.write("91410100MA3X00030B,河南宏达建筑有限公司,,,,,,,,,\n" * 20)

    report = load(graph, tmp_path, folder, progress=edit_once)
    assert not report.written
    assert [e.reason for e in report.errors] == ["文件在检查过程中被修改，请在文件写完后重新导入"]
    assert graph.run("MATCH (n) RETURN count(n)").value() == 0


def test_labels_follow_the_schema(graph: GraphStore, tmp_path: Path) -> None:
    report = load(graph, tmp_path, FIXTURES / "labels")
    assert report.ok and report.rows_loaded == 7
    tenderer = "12410000MB0000000W"
    assert graph.run("MATCH (:Person)-[:LEGAL_REP_OF]->(t:Tenderer) RETURN t.key").value() == tenderer
    # SHAREHOLDER_OF may not point at a Tenderer: the same key as a Company instead
    assert graph.run("MATCH (:Person)-[:SHAREHOLDER_OF]->(c:Company) RETURN c.key").value() == tenderer
    sanctioned = graph.run("MATCH (x)-[:SANCTIONED]->(p:Penalty) RETURN p.key, labels(x)[0], x.key ORDER BY p.key")
    assert sanctioned.rows == (
        ("豫财罚〔2024〕3号", "Company", "91410100MA3X00050D"),
        ("豫财罚〔2024〕4号", "Company", "name:郑州市某某设计院"),
        ("豫财罚〔2024〕5号", "Person", "name:李四|"),
    )


def test_full_numbers_stay_out_of_the_graph_and_go_to_the_protected_store(graph: GraphStore, tmp_path: Path) -> None:
    """No property, key or list in the graph holds a full ID, phone or account number;
    the protected store (0600) has them keyed by the graph's key; reloading adds nothing."""
    load(graph, tmp_path, BASIC)
    every = graph.run("MATCH (n) RETURN n", limit=0).rows
    text = " ".join(str(v) for (node,) in every for v in node.properties.values())
    for clear in ("410521199007010014", "13800138000", "037166881234", "6222000011112222", "410521199205050041"):
        assert clear not in text
    for expert in ("王强", "高级工程师", "430102197811******"):
        assert expert not in text
    sealed = graph.run("MATCH (e:Expert) RETURN properties(e) AS p").value()
    assert sealed["name"] == "评标专家（E001）" and "employer" not in sealed and "id_masked" not in sealed
    assert "410521199007******" in text and "138****8000" in text and "6222********2222" in text
    store = ProtectedStore(tmp_path)
    zhang = graph.run("MATCH (p:Person {name: '张伟'}) RETURN p.key").value()
    account = graph.run("MATCH (a:BankAccount) RETURN a.key ORDER BY a.value LIMIT 1").value()
    assert store.get([zhang, account]) == {zhang: "410521199007010014", account: "6222000011112222"}
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert experts(store, ["E001"])["E001"]["name"] == "王强"
    assert experts(store, ["E001"])["E001"]["employer"] == "湖南湘江水利工程有限公司"
    before = len(store.get(graph.run("MATCH (n) RETURN n.key", limit=0).column("n.key")))
    load(graph, tmp_path, BASIC)
    assert len(store.get(graph.run("MATCH (n) RETURN n.key", limit=0).column("n.key"))) == before


def test_skip_invalid_skips_the_undecodable_row_only(graph: GraphStore, tmp_path: Path) -> None:
    report = load(graph, tmp_path, FIXTURES / "bad" / "encoding" / "companies.csv", skip_invalid=True)
    assert (report.status, report.rows_loaded) == ("部分导入", 6)
    assert [(e.row, e.column) for e in report.errors] == [(5, "name")]
    assert graph.run("MATCH (c:Company) RETURN count(c)").value() == 6


def test_a_load_that_writes_nothing_is_not_history(graph: GraphStore, tmp_path: Path) -> None:
    report = load(graph, tmp_path, FIXTURES / "bad" / "truncated", skip_invalid=True)
    assert (report.written, report.rows_loaded) == (False, 0)
    assert loaders.load_history(graph) == []
    assert graph.run("MATCH (n) RETURN count(n)").value() == 0


def test_a_known_uscc_with_another_name_is_reported(graph: GraphStore, tmp_path: Path) -> None:
    assert load(graph, tmp_path, BASIC / "companies.csv").ok
    report = load(graph, tmp_path, FIXTURES / "bad" / "renamed" / "companies.csv")
    assert [w for w in report.warnings if A in w] == [
        f"companies.csv 第 2 行：统一社会信用代码 {A} 在图谱中是「河南宏远建设工程有限公司」（郑州市），"
        "本次为「洛阳某某贸易有限公司」（洛阳市），导入后将更新为本次名称；如非更名，请核对该代码"
    ]
    again = load(graph, tmp_path, BASIC / "companies.csv")
    assert [w for w in again.warnings if "统一社会信用代码" in w and B in w] == []  # same names: no warning
