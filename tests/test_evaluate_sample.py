"""End to end on the committed sample: load it, run every detector, score the findings
against the planted ground truth. This is the accuracy claim the README makes, as a test."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_coalition import per_group_screens

from bidgraph.analysis import evaluate as ev
from bidgraph.analysis import patterns, riskservice, run_all
from bidgraph.analysis.detectors import python_params
from bidgraph.analysis.scoring import triage_list
from bidgraph.graph import GraphStore
from bidgraph.loaders import load_paths

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def scored(store: GraphStore, data_dir: Path) -> tuple[list[ev.DetectorScore], dict]:
    report = load_paths(store, [SAMPLE], actor="test", data_dir=data_dir)
    assert report.errors == []
    schemes = ev.load_truth(SAMPLE / "ground_truth.json")
    findings = run_all(store)
    return ev.score_detectors(findings, schemes), ev.ranking(triage_list(findings).groups, schemes)


def test_every_planted_scheme_is_found_and_findings_are_precise(scored) -> None:
    scores, _ = scored
    by_detector = {s.detector: s for s in scores}
    assert len(by_detector) >= 13
    for score in scores:
        assert score.planted > 0, f"{score.detector}: nothing planted"
        assert score.recall == 1.0, f"{score.detector}: recall {score.recall:.2f}"
        assert score.precision >= 0.9, f"{score.detector}: precision {score.precision:.2f}"
        assert score.decoys_hit == 0, f"{score.detector}: hit {score.decoys_hit} decoys"


def test_no_decoy_among_the_ranked_groups(scored) -> None:
    _, ranking = scored
    assert ranking["P@10"] == 1.0
    assert ranking["first_decoy_rank"] is None


def test_scores_cover_every_tender_and_bidding_firm(scored, store: GraphStore) -> None:
    """Continuous scores from the graph: every tender and every firm that bid has one,
    with its market; the second call is served from the cache (same data version)."""
    market, result = riskservice.scores(store)
    tenders = {code for (code,) in store.run("MATCH (t:Tender) RETURN t.code", limit=0).rows}
    assert set(result.tenders.index) == set(market.bids["tender"]) == tenders
    assert set(result.firms.index) == set(market.members["company"])
    assert result.firms["market"].str.len().gt(0).all()
    assert riskservice.scores(store)[1] is result


def test_ring_screens_of_all_rings_at_once_equal_one_ring_at_a_time(scored, store: GraphStore) -> None:
    run = patterns.Analysis(store, python_params(None))
    assert any(len(ring.members) > 2 for ring in run.rings)  # the subgroup screens are exercised
    members, z = run.market.members, run.market_z
    for ring, got in zip(run.rings, patterns.ring_screens(run), strict=True):
        expected = per_group_screens(members, z, list(ring.members))
        assert repr(got) == repr(expected), ring.members  # bit-identical figures, nan included
