"""services: search, profiles, overview, graph expansion and the Cypher library on a real graph."""

from __future__ import annotations

import pytest
from workbench_fixture import COMPANIES, LI, WANG, ZHANG, build_fixture

from bidgraph.errors import ReadOnlyViolation
from bidgraph.graph.model import Node
from bidgraph.queries.params import QueryParam
from bidgraph.services.cypher import (
    QueryDraft,
    delete_query,
    parameter_names,
    result_table,
    run_cypher,
    save_query,
    saved_queries,
)
from bidgraph.services.graphview import GraphView, expand, neighbourhood
from bidgraph.services.overview import overview
from bidgraph.services.profiles import NotFound, company_profile, person_profile
from bidgraph.services.search import search
from bidgraph.services.tender import tender_profile
from bidgraph.viewer import DEMO_VIEWER, Role, Viewer

WATER_ONLY = Viewer(user="水利监管", sectors=frozenset({"水利"}))


@pytest.fixture(scope="module", autouse=True)
def fixture_graph(store):
    build_fixture(store)


@pytest.mark.parametrize("text", ["北京(东方)建设", "北京 （东方）", "91110000ma01aaaa1x"])
def test_company_search_tolerates_brackets_spaces_and_case(store, text):
    hits = search(store, text, DEMO_VIEWER)
    assert [(h.label, h.key) for h in hits] == [("Company", COMPANIES[0]["key"])]


def test_person_search_by_id_number_shows_it_masked(store):
    hits = search(store, "11010119900101123x", DEMO_VIEWER)
    assert [(h.label, h.key) for h in hits] == [("Person", ZHANG)]
    assert "110101199001******" in hits[0].detail and "11010119900101123X" not in hits[0].detail


def test_tender_search_respects_the_viewers_sectors(store):
    assert {h.key for h in search(store, "T2024", DEMO_VIEWER)} == {"T2024-001", "T2024-002"}
    assert {h.key for h in search(store, "T2024", WATER_ONLY)} == {"T2024-002"}


def test_overview_counts_and_value(store):
    stats = overview(store, DEMO_VIEWER)
    assert (stats.projects, stats.tenders, stats.bids, stats.companies) == (1, 2, 7, 4)
    assert stats.total_value == 4_500_000 + 1_850_000
    assert dict(zip(stats.by_industry["行业"], stats.by_industry["投标数"], strict=True)) == {"房屋建筑": 4, "水利": 3}
    assert overview(store, WATER_ONLY).bids == 3


def test_company_profile(store):
    profile = company_profile(store, COMPANIES[0]["key"], DEMO_VIEWER)
    assert profile.stats["投标次数"] == 2 and profile.stats["中标次数"] == 1
    assert list(profile.tables["people"]["姓名/名称"]) == ["张三"]
    co = profile.tables["co_bidders"]
    assert co.iloc[0]["同场次数"] == 2 and "独立施工有限公司" in set(co["共同投标企业"])


def test_person_profile_masks_and_lists_kin_and_bid_roles(store):
    profile = person_profile(store, LI, DEMO_VIEWER)
    assert list(profile.tables["kin"]["亲属"]) == ["张三"]
    assert list(profile.tables["bid_roles"]["投标人"]) == ["华北路桥有限公司"]
    facts = dict(zip(profile.facts["项目"], profile.facts["内容"], strict=True))
    assert facts["身份证号"] == "110101198502******"
    expert = person_profile(store, WANG, DEMO_VIEWER)
    assert len(expert.tables["evaluations"]) == 2


def test_tender_profile_has_bids_screens_and_parties(store):
    profile = tender_profile(store, "T2024-001", DEMO_VIEWER)
    assert profile.tables["bids"]["投标人"].iloc[0] == "独立施工有限公司"  # cheapest first
    assert profile.stats["有效报价数"] == 4 and 0 < profile.stats["变异系数CV"] < 0.1
    assert set(profile.tables["parties"]["角色"]) == {"招标人", "招标代理机构", "所属项目"}
    with pytest.raises(NotFound):
        tender_profile(store, "T2024-001", WATER_ONLY)


def test_neighbourhood_expand_hide_pin(store):
    start = neighbourhood(store, "Company", COMPANIES[2]["key"], DEMO_VIEWER)
    labels = {n.label for n in start.nodes.values()}
    assert {"Company", "Bid", "Tender", "Person"} <= labels
    view = GraphView()
    view.add(start)
    person: Node = next(n for n in start.nodes.values() if n.get("key") == LI)
    added = view.add(expand(store, person, DEMO_VIEWER, rel_types=["KIN_OF"]))
    assert added == 1 and any(n.get("key") == ZHANG for n in view.graph.nodes.values())
    view.pin([person.id])
    view.hide([person.id])  # pinned nodes cannot be hidden
    assert person.id in view.visible().nodes
    other = next(nid for nid in view.graph.nodes if nid != person.id)
    view.hide([other])
    assert other not in view.visible().nodes and other not in view.choices(DEMO_VIEWER)
    view.keep_pinned_only()
    assert set(view.graph.nodes) == {person.id}


def test_cypher_runs_read_only_and_queries_round_trip(store, module_settings):
    text = "MATCH (c:Company) WHERE c.name CONTAINS $kw RETURN c.name AS name ORDER BY name"
    assert parameter_names(text + " // $not_a_param") == ["kw"]
    assert run_cypher(store, text, {"kw": "北京"}, DEMO_VIEWER).column("name") == [
        "北京西山工程有限公司",
        "北京（东方）建设有限公司",
    ]
    with pytest.raises(ReadOnlyViolation):
        run_cypher(store, "MATCH (c:Company) SET c.x = 1", {}, DEMO_VIEWER)
    draft = QueryDraft(
        "beijing_firms", "北京企业", "名称含关键词的企业", text, (QueryParam("kw", "str", "北京", "关键词"),), ("示例",)
    )
    saved = save_query(draft, module_settings)
    assert [q.id for q in saved_queries(module_settings)] == ["beijing_firms"]
    assert saved.bind({})["kw"] == "北京" and saved.tags == ("示例",)
    delete_query("beijing_firms", module_settings)
    assert saved_queries(module_settings) == []


def test_cypher_returns_only_masked_id_numbers_even_to_admins(store):
    """The full number is not in the graph (it lives in the protected store)."""
    query = "MATCH (p:Person {name: '张三'}) RETURN p.id_number AS full, p.id_masked AS id"
    result = run_cypher(store, query, {}, DEMO_VIEWER)
    admin = Viewer(user="管理员", role=Role.ADMIN)
    for viewer in (DEMO_VIEWER, admin):
        assert result_table(result, viewer)[["full", "id"]].values.tolist() == [[None, "110101199001******"]]
