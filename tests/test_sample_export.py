"""``bidgraph sample --style export``: the same world written as messy platform exports
loads through the committed mapping with nothing dropped, every planted scheme's facts
are in the graph, and every detector still scores as on the canonical tables."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bidgraph.analysis import evaluate as ev
from bidgraph.analysis import run_all
from bidgraph.data.generator import SMALL_SEED
from bidgraph.data.generator.export import generate_export
from bidgraph.graph import GraphStore
from bidgraph.loaders import load_paths
from bidgraph.loaders.normalize import parse_money

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def loaded(store: GraphStore, tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("export")
    generate_export("small", SMALL_SEED, out)
    report = load_paths(store, [out], mapping=out / "mapping.yaml", actor="test", data_dir=data_dir)
    assert report.ok and report.errors == [], report.errors[:5]
    assert all(a.dropped == 0 and not a.rejected for a in report.accounts.values())
    return out


def test_export_files_look_like_platform_exports(loaded: Path) -> None:
    names = {p.name for p in loaded.iterdir()}
    assert {"招标项目.csv", "投标明细.csv", "人员与股东.xlsx", "评标记录.csv", "mapping.yaml"} <= names
    with (loaded / "投标明细.csv").open(encoding="gbk") as handle:
        header = next(csv.reader(handle))
    assert "投标报价(万元)" in header and "联合体成员" not in header
    with (loaded / "企业信息.csv").open(encoding="gbk") as handle:
        assert "行业" not in next(csv.reader(handle))


def test_facts_match_the_canonical_tables(store: GraphStore, loaded: Path) -> None:
    with (SAMPLE / "bids.csv").open(encoding="utf-8") as handle:
        bids = list(csv.DictReader(handle))
    consortia = {(b["tender_code"], b["consortium_members"]) for b in bids if b["consortium_members"]}
    assert store.run("MATCH (b:Bid) RETURN count(b)").rows[0][0] == len(bids)
    assert store.run("MATCH (k:Consortium) RETURN count(k)").rows[0][0] == len(consortia)
    leads = store.run("MATCH (c:Company)-[m:MEMBER_OF {lead: true}]->(:Consortium) RETURN count(m)").rows[0][0]
    assert leads == len(consortia)
    prices = dict(store.run("MATCH (b:Bid) RETURN b.key, b.price", limit=0).rows)
    canonical = {f"{b['tender_code']}|{b['bidder_uscc']}": parse_money(b["price"])[0] for b in bids if b["bidder_uscc"]}
    assert all(prices[k] == v for k, v in canonical.items())  # 万元 read back exactly
    holders = store.run("MATCH (p:Person)-[:SHAREHOLDER_OF]->(:Company) RETURN count(*)").rows[0][0]
    assert holders > 0


def test_every_detector_scores_on_the_export(store: GraphStore, loaded: Path) -> None:
    scores = ev.score_detectors(run_all(store), ev.load_truth(loaded / "ground_truth.json"))
    assert len(scores) >= 13
    for score in scores:
        assert score.planted > 0 and score.recall >= 0.95, f"{score.detector}: recall {score.recall:.2f}"
        assert score.precision >= 0.9, f"{score.detector}: precision {score.precision:.2f}"
