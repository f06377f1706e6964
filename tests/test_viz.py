"""viz: the graph drawing is one offline HTML page, styled per label, masked per viewer."""

from __future__ import annotations

import json
import re

import pytest
from workbench_fixture import build_fixture

from bidgraph.graph.model import Node, Relationship, Subgraph
from bidgraph.viewer import DEMO_VIEWER, Role, Viewer
from bidgraph.viz import cap_subgraph, render_html

ADMIN = Viewer(user="管理员", role=Role.ADMIN)


@pytest.fixture(scope="module")
def graph(store):
    build_fixture(store)
    return store.run("MATCH p=()-[]->() RETURN p", limit=0).to_subgraph()


def _data(html: str, name: str) -> list[dict]:
    match = re.search(rf"var {name} = new vis\.DataSet\((.*?)\);\n", html, re.DOTALL)
    assert match, name
    return json.loads(match.group(1))


def test_page_is_offline(graph):
    html = render_html(graph)
    assert "http://" not in html and "https://" not in html
    assert "<script src" not in html and "<link" not in html
    assert "new vis.Network" in html


def test_every_node_and_relationship_is_drawn_with_chinese_captions(graph):
    html = render_html(graph)
    nodes, edges = _data(html, "nodes"), _data(html, "edges")
    assert len(nodes) == len(graph.nodes)
    assert len(edges) == len(graph.relationships)
    assert {"任职·董事", "亲属·配偶", "上传IP"} <= {e["label"] for e in edges}
    companies = [n for n in nodes if n["title"].startswith("【企业】")]
    assert len(companies) == 4 and len({n["color"] for n in companies}) == 1
    assert "企业（4）" in html  # legend


def test_graph_drawings_carry_no_full_numbers_for_any_role(graph):
    """The graph holds masked numbers only; full ones come from the protected store."""
    for viewer in (DEMO_VIEWER, ADMIN):
        html = render_html(graph, viewer=viewer)
        assert "11010119900101123X" not in html and "110101199001******" in html
        assert "13812345678" not in html and "138****5678" in html


def test_highlight_marks_the_evidence_and_dims_the_rest(graph):
    rel = next(r for r in graph.relationships.values() if r.type == "KIN_OF")
    evidence = Subgraph(nodes={i: graph.nodes[i] for i in (rel.start, rel.end)}, relationships={rel.id: rel})
    html = render_html(graph, highlight=evidence)
    nodes = {n["id"]: n for n in _data(html, "nodes")}
    assert nodes[rel.start]["borderWidth"] == 4
    assert sum(1 for n in nodes.values() if n.get("opacity")) == len(nodes) - 2
    assert next(e for e in _data(html, "edges") if e["id"] == rel.id)["width"] == 4


def test_node_cap_keeps_the_best_connected_and_says_so():
    hub = Node("0", ("Company",), {"name": "中心公司", "key": "c0"})
    nodes = {"0": hub} | {str(i): Node(str(i), ("Person",), {"name": f"人{i}", "key": f"p{i}"}) for i in range(1, 600)}
    rels = {f"r{i}": Relationship(f"r{i}", "OFFICER_OF", str(i), "0") for i in range(1, 600)}
    big = Subgraph(nodes=nodes, relationships=rels)
    capped, dropped = cap_subgraph(big, 100, keep={"599"})
    assert dropped == 500 and "0" in capped.nodes and "599" in capped.nodes
    html = render_html(big, max_nodes=300)
    assert len(_data(html, "nodes")) == 300
    assert "超过显示上限 300" in html
    assert '"smooth": false' in html  # big graphs: straight edges, frozen layout
