"""Access rules (bidgraph.services.access) against the real embedded graph: one regression
test per leak of issue 12 — sector scope of saved queries, drawings, shared identifiers
and cases; expert identities for analysts; protected values out of the graph (free
Cypher in any form); landline and bank masking; full numbers for entitled exports."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from workbench_fixture import COMPANIES, ID_NUMBERS, PHONE, WANG, ZHANG, build_fixture

from bidgraph.cases import CaseStore
from bidgraph.cases.export import export_case
from bidgraph.graph import GraphStore
from bidgraph.protected import ACCOUNT, ProtectedStore, graph_key
from bidgraph.protected import PHONE as PHONE_KIND
from bidgraph.queries.library import save_user_query
from bidgraph.services import cases as case_service
from bidgraph.services import detectors
from bidgraph.services.access import AccessDenied
from bidgraph.services.common import facts_table
from bidgraph.services.cypher import result_table, run_cypher
from bidgraph.services.graphview import neighbourhood
from bidgraph.services.profiles import NotFound, get_node
from bidgraph.services.tender import tender_profile
from bidgraph.settings import Settings
from bidgraph.users import UserDirectory
from bidgraph.viewer import Role, Viewer
from bidgraph.viz import render_html

ROOT = Path(__file__).resolve().parents[1]
FANG = Viewer("fang", Role.INVESTIGATOR, frozenset({"房屋建筑"}))
WATER = Viewer("water", Role.INVESTIGATOR, frozenset({"水利"}))
INVESTIGATOR = Viewer("inv", Role.INVESTIGATOR)
ANALYST = Viewer("ana", Role.ANALYST)
LIAISON = Viewer("lia", Role.LIAISON)
LANDLINE, ACCOUNT_NO = "037166881234", "6222000011112222"
LANDLINE_KEY, ACCOUNT_KEY = graph_key(PHONE_KIND, LANDLINE), graph_key(ACCOUNT, ACCOUNT_NO)
CLEAR = (*ID_NUMBERS.values(), PHONE, LANDLINE, ACCOUNT_NO)
UNSCOPED_QUERY = """// id: all_tenders
// title: 全部标段
// description: 没有行业范围

MATCH (t:Tender) RETURN t.code AS code ORDER BY code
"""
SCOPED_QUERY = """// id: scoped_tenders
// title: 范围内标段
// description: 声明了行业范围
// parameters:
//   - {name: sectors, type: list, default: [], label: 行业}

MATCH (t:Tender) WHERE size($sectors) = 0 OR t.industry IN $sectors RETURN t.code AS code ORDER BY code
"""


@pytest.fixture(scope="module")
def settings(store: GraphStore, module_settings: Settings, data_dir: Path) -> Iterator[Settings]:
    """The workbench fixture, plus: the expert works for a bidder (an expert conflict on
    both tenders), a company landline and a bid's deposit account, loaded as the loader
    does (hash key and masked value in the graph, the numbers in the protected store)."""
    build_fixture(store, data_dir)
    ProtectedStore(data_dir).put({LANDLINE_KEY: (PHONE_KIND, LANDLINE), ACCOUNT_KEY: (ACCOUNT, ACCOUNT_NO)})
    first, second = COMPANIES[0]["key"], COMPANIES[1]["key"]
    store.write(
        "MATCH (e:Person {key: $e}), (c:Company {key: $c}) MERGE (e)-[:EMPLOYED_BY]->(c)", {"e": WANG, "c": first}
    )
    store.write(
        "MERGE (x:Phone {key: $k}) SET x.value = '037****1234' WITH x MATCH (c:Company {key: $c}) "
        "MERGE (c)-[:HAS_PHONE]->(x)",
        {"k": LANDLINE_KEY, "c": first},
    )
    store.write(
        "MERGE (a:BankAccount {key: $k}) SET a.value = '6222********2222' WITH a "
        "MATCH (b:Bid {bidder_key: $c}) MERGE (b)-[:DEPOSIT_FROM]->(a)",
        {"k": ACCOUNT_KEY, "c": second},
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BIDGRAPH_DATA_DIR", str(data_dir))
        patch.setenv("BIDGRAPH_GRAPH_NAME", module_settings.graph_name)
        patch.setenv("BIDGRAPH_GRAPH_URL", "")
        patch.setenv("BIDGRAPH_QUERY_DIR", str(module_settings.query_dir))
        yield module_settings


def tender_codes(text: str) -> set[str]:
    return set(re.findall(r"T2024-00\d", text))


# -- sector scope --------------------------------------------------------------------------------
def test_drawings_drop_the_bids_of_other_sector_tenders(store, settings):
    company = COMPANIES[0]["key"]
    everything = neighbourhood(store, "Company", company, INVESTIGATOR)
    assert {n.get("tender_code") for n in everything.nodes.values() if n.label == "Bid"} == {"T2024-001", "T2024-002"}
    scoped = neighbourhood(store, "Company", company, FANG)
    assert {n.get("tender_code") for n in scoped.nodes.values() if n.label == "Bid"} == {"T2024-001"}
    assert tender_codes(render_html(scoped, viewer=FANG)) == {"T2024-001"}


def test_the_profile_of_a_shared_ip_lists_only_tenders_in_scope(store, settings):
    for viewer, code in ((FANG, "T2024-001"), (WATER, "T2024-002")):
        graph = neighbourhood(store, "IP", "10.1.2.3", viewer)
        assert tender_codes(render_html(graph, viewer=viewer)) == {code}


def test_a_saved_plain_query_is_refused_to_a_scoped_viewer_unless_it_declares_its_scope(store, settings):
    unscoped = save_user_query(UNSCOPED_QUERY, settings, overwrite=True)
    with pytest.raises(AccessDenied, match="没有声明行业范围"):
        detectors.run_saved(store, unscoped, {}, FANG)
    assert detectors.run_saved(store, unscoped, {}, INVESTIGATOR).column("code") == ["T2024-001", "T2024-002"]
    scoped = save_user_query(SCOPED_QUERY, settings, overwrite=True)
    # the viewer's sectors win over whatever the form sent
    assert detectors.run_saved(store, scoped, {"sectors": ["水利"]}, FANG).column("code") == ["T2024-001"]


def test_the_detectors_page_refuses_an_unscoped_saved_query_to_a_scoped_investigator(store, settings, monkeypatch):
    save_user_query(UNSCOPED_QUERY, settings, overwrite=True)
    directory = UserDirectory(settings.data_dir)
    if directory.get("fang") is None:
        directory.add("fang", Role.INVESTIGATOR, actor="test", sectors=["房屋建筑"])
    monkeypatch.setenv("BIDGRAPH_USER", "fang")
    try:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        app.switch_page("workbench/pages/detectors.py").run()
        app.selectbox(key="detector:id").select("all_tenders").run()
        next(b for b in app.button if b.label == "运行").click().run()
        assert not app.exception, [e.message for e in app.exception]
        assert any("没有声明行业范围" in e.value for e in app.error)
        assert not any("T2024-002" in frame.value.to_string() for frame in app.dataframe)
    finally:
        directory.path.unlink(missing_ok=True)


def test_cases_are_listed_opened_and_exported_only_within_their_sectors(store, settings, tmp_path):
    cases = CaseStore(settings)
    water = cases.create("河道整治线索", "", actor="adm")
    cases.add_evidence(water, neighbourhood(store, "Tender", "T2024-002", INVESTIGATOR), actor="adm")
    assert cases.get(water).sectors == ("水利",)
    assert water not in {c.id for c in case_service.case_list(cases, FANG)}
    assert water in {c.id for c in case_service.case_list(cases, WATER)}
    with pytest.raises(AccessDenied, match="超出您的监管行业范围"):
        case_service.open_case(cases, water, FANG)
    with pytest.raises(AccessDenied):
        export_case(cases, water, recipient_name="内部", viewer=FANG, out_dir=tmp_path)
    assert not list(tmp_path.iterdir())
    assert case_service.open_case(cases, water, WATER)[1].title == "河道整治线索"


def test_case_export_checks_the_recipient_entitlement_itself(store, settings, tmp_path):
    cases = CaseStore(settings)
    case_id = cases.create("全号码线索", "", actor="lia")
    with pytest.raises(AccessDenied, match="无权导出给纪委监委"):
        export_case(cases, case_id, recipient_name="纪委监委", viewer=INVESTIGATOR, out_dir=tmp_path)


# -- expert identities ------------------------------------------------------------------------
def test_analysts_see_no_expert_name_in_summaries_entities_or_csv(store, settings):
    found = detectors.run(store, "expert_conflict", {}, ANALYST, settings)
    assert found and all("评标专家（E-001）" in f.summary for f in found)  # the graph knows only the alias
    frame = detectors.findings_frame(found, ANALYST)
    text = frame.to_string() + detectors.to_csv(frame).decode("utf-8-sig") + detectors.summary_text(found[0], ANALYST)
    assert "王五" not in text and "评标专家（E-001）" in text
    assert "王五" in detectors.findings_frame(found, INVESTIGATOR).to_string()


# -- protected values --------------------------------------------------------------------------
FORMS = {
    "list": "MATCH (p:Person) RETURN [p.id_number, p.id_masked] AS v",
    "map": "MATCH (p:Person) RETURN {id: p.id_number, masked: p.id_masked} AS v",
    "properties": "MATCH (p:Person) RETURN properties(p) AS v",
    "node": "MATCH (p:Person) RETURN p",
    "split": "MATCH (p:Person) RETURN split(p.id_masked, '01') AS v, split(p.id_number, '01') AS w",
    "reversed": "MATCH (p:Person) RETURN reverse(p.id_number) AS v, reverse(p.id_masked) AS w",
    "cast": "MATCH (p:Person) RETURN toInteger(substring(p.id_number, 0, 17)) AS v",
    "appended": "MATCH (p:Person) RETURN p.id_number + 'A' AS v, p.id_hash + 'A' AS w",
    "phones": "MATCH (x:Phone) RETURN [x.key, x.value] AS v, properties(x) AS w",
    "accounts": "MATCH (a:BankAccount) RETURN properties(a) AS v, [a.key, a.value] AS w",
    "expert": "MATCH (e:Expert) RETURN e.name AS v, [e.employer, e.id_masked] AS w, properties(e) AS x",
}


@pytest.mark.parametrize("form", FORMS)
def test_free_cypher_cannot_return_a_protected_value_in_any_form(store, settings, form):
    result = run_cypher(store, FORMS[form], {}, ANALYST)
    assert result.rows
    text = str(result.rows) + result_table(result, ANALYST).to_string()
    digits = [re.sub(r"[^0-9X]", "", line) for line in text.upper().splitlines()]
    assert "王五" not in text and "110101197003******" not in text  # who the expert is
    for value in CLEAR:
        needle = value[:17] if len(value) == 18 else value  # an ID's body survives a cast to integer
        assert all(needle not in d and needle[::-1] not in d for d in (text, *digits)), value


def test_landline_and_bank_account_are_masked_for_investigators_and_full_for_liaison(store, settings):
    for label, key, masked, full in (
        ("Phone", LANDLINE_KEY, "037****1234", LANDLINE),
        ("BankAccount", ACCOUNT_KEY, "6222********2222", ACCOUNT_NO),
    ):
        node = get_node(store, label, key)
        shown = facts_table(node, INVESTIGATOR).to_string()
        assert masked in shown and full not in shown
        assert full in facts_table(node, LIAISON).to_string()
    person = get_node(store, "Person", ZHANG)
    assert ID_NUMBERS[ZHANG] in facts_table(person, LIAISON).to_string()
    assert ID_NUMBERS[ZHANG] not in facts_table(person, INVESTIGATOR).to_string()


def test_a_liaison_export_gets_the_full_numbers_from_the_protected_store(store, settings, tmp_path):
    cases = CaseStore(settings)
    case_id = cases.create("号码线索", "", actor="lia")
    evidence = neighbourhood(store, "Person", WANG, INVESTIGATOR)
    evidence.merge(neighbourhood(store, "Company", COMPANIES[0]["key"], INVESTIGATOR))
    cases.add_evidence(case_id, evidence, actor="lia")
    stored = str([n.properties for n in cases.get(case_id).nodes.values()])
    assert ID_NUMBERS[WANG] not in stored and PHONE not in stored  # the case holds masked values only

    def package(recipient: str, viewer: Viewer) -> str:
        path = export_case(cases, case_id, recipient_name=recipient, viewer=viewer, out_dir=tmp_path).path
        with zipfile.ZipFile(path) as archive:
            return archive.read("graph.json").decode("utf-8") + archive.read("anb/entities.csv").decode("utf-8-sig")

    full = package("纪委监委", LIAISON)
    assert ID_NUMBERS[WANG] in full and PHONE in full and LANDLINE in full
    masked = package("内部", INVESTIGATOR)
    assert ID_NUMBERS[WANG] not in masked and PHONE not in masked and LANDLINE not in masked


def test_pages_read_cases_and_saved_queries_only_through_the_services():
    """The functions that bypass the access rules are not called from any page."""
    bypass = ("run_query", "export_case", "recipients_for", "mask_case", "user_queries", "cases.list(", "cases.view(")
    for page in (ROOT / "workbench").rglob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert not [name for name in bypass if name in text], page.name


def test_tender_profiles_and_findings_outside_the_sectors_are_not_shown(store, settings):
    with pytest.raises(NotFound, match="不在您的监管行业范围内"):
        tender_profile(store, "T2024-002", FANG)
    everyone = detectors.run(store, "shared_identifier", {}, INVESTIGATOR, settings)
    assert {c for f in everyone for c in f.tender_codes} >= {"T2024-001", "T2024-002"}
    scoped = detectors.run(store, "shared_identifier", {}, FANG, settings)
    assert scoped and {c for f in scoped for c in f.tender_codes} == {"T2024-001"}


def test_every_test_named_in_the_security_table_exists():
    table = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/test_\w+\.py)(?:::(\w+))?", table)
    named += [(prev, test) for prev, test in re.findall(r"`(tests/test_\w+\.py)::\w+[^`]*`, `::(\w+)", table)]
    assert len(named) > 10
    for path, test in named:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert not test or f"def {test}(" in source, f"{path}::{test}"
