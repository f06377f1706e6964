"""Detectors that scale, on the sample (one load for the module):
- the fast path of the Cypher detectors (``analysis.anchors``): each shortcut has ids
  to start from, and every query gives exactly the findings of the plain saved query;
- the link side tables (``analysis.linktables``) read as joined texts equal the rows of
  the plain queries;
- the detector-result cache: a second run reads it (no detector runs again), another
  parameter or data version misses it, and a load drops it (these tests write: last)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from bidgraph import loaders
from bidgraph.analysis import anchors, columnar, linktables
from bidgraph.analysis.detectors import detector_ids
from bidgraph.analysis.resultcache import ResultCache
from bidgraph.analysis.rows import findings_from_rows
from bidgraph.analysis.service import SHARED, run_all, triage
from bidgraph.errors import QueryError
from bidgraph.graph import GraphStore
from bidgraph.queries.library import builtin_query, run_query

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def loaded(store: GraphStore, data_dir: Path) -> GraphStore:
    assert loaders.load_paths(store, [SAMPLE], skip_invalid=True, actor="test", data_dir=data_dir).written
    return store


def _canonical(store: GraphStore, query_id: str, *, fast: bool) -> list[tuple[Any, ...]]:
    query = builtin_query(query_id)
    bound = query.bind({})
    rows = anchors.run_detector_query(store, query, bound) if fast else run_query(store, query, bound, limit=0)
    return sorted(
        (
            f.summary,
            f.entities,
            f.tender_codes,
            round(f.score, 6),
            repr(sorted(f.figures.items())),
            tuple(sorted(f.evidence.nodes)),
            tuple(sorted(f.evidence.relationships)),
        )
        for f in findings_from_rows(query, bound, rows)
    )


@pytest.mark.parametrize("query_id", sorted(anchors.SHORTCUTS))
def test_the_fast_path_finds_exactly_what_the_saved_query_finds(loaded: GraphStore, query_id: str) -> None:
    query = builtin_query(query_id)
    assert anchors.anchored(query, loaded)
    tables = linktables.side_tables(loaded)
    for shortcut in anchors.SHORTCUTS[query_id]:
        assert shortcut.anchors(tables, query.bind({})), shortcut.param  # the sample exercises every shortcut
    fast = _canonical(loaded, query_id, fast=True)
    assert fast  # findings on the sample
    assert fast == _canonical(loaded, query_id, fast=False)


def test_expert_top_scores_fast_path_keeps_the_date_range(loaded: GraphStore) -> None:
    query = builtin_query("expert_top_score")
    bound = query.bind({"date_from": "2022-01-01", "date_to": "2023-12-31", "min_times": 2})

    def findings(rows: Any) -> list[tuple[Any, ...]]:
        return sorted(
            (f.summary, f.tender_codes, repr(sorted(f.figures.items()))) for f in findings_from_rows(query, bound, rows)
        )

    fast = findings(anchors.run_detector_query(loaded, query, bound))
    everything = anchors.run_detector_query(loaded, query, query.bind({"min_times": 2}))
    assert fast == findings(run_query(loaded, query, bound, limit=0))
    assert 0 < len(fast) < len(everything.rows)  # the range removes some, not all


@pytest.mark.parametrize("name", sorted(linktables.TABLES))
def test_each_side_table_read_as_joined_texts_equals_the_rows_of_the_graph(
    loaded: GraphStore, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linktables, "CHUNK", 997)  # several slices of bid ids on the sample
    match, columns, distinct = linktables.TABLES[name]
    plain = f"{match} RETURN {'DISTINCT ' if distinct else ''}" + ", ".join(expr for expr, _ in columns.values())
    rows = loaded.run(plain, limit=0).rows
    extracted = linktables.extract(loaded, name)
    assert list(extracted.columns) == list(columns)
    extracted = extracted.astype(object).where(extracted.notna(), None)  # a missing text is NaN in pandas
    assert len(rows) > 0 and sorted(map(tuple, extracted.itertuples(index=False)), key=repr) == sorted(rows, key=repr)


def test_a_missing_value_stays_missing_and_a_separator_inside_a_value_is_refused(loaded: GraphStore) -> None:
    bidders = linktables.extract(loaded, "bids")["bidder"]
    nulls = loaded.run("MATCH (b:Bid) WHERE b.bidder_key IS NULL RETURN count(b)").value(0)
    assert bidders.isna().sum() == nulls and (bidders != "").all()
    loaded.write("CREATE (:Bid {key: $key, bidder_key: 'co:x'})", {"key": f"bid:a{columnar.SEP}b"})
    try:
        with pytest.raises(QueryError, match="控制字符"):
            linktables.extract(loaded, "bids")
    finally:
        loaded.write("MATCH (b:Bid {bidder_key: 'co:x'}) DELETE b")


def test_an_edited_query_runs_plain(loaded: GraphStore) -> None:
    query = builtin_query("shared_staff")
    edited = dataclasses.replace(query, text=query.text.replace("WHERE size(bids) >= 2", "WHERE size(bids) >= 3"))
    assert not anchors.anchored(edited, loaded)


def _summaries(store: GraphStore, cache: ResultCache) -> list[tuple[str, str, float]]:
    return sorted((f.detector, f.summary, f.score) for f in run_all(store, cache=cache))


def test_a_second_run_reads_every_detector_from_the_cache(loaded: GraphStore) -> None:
    first = ResultCache(loaded)
    found = _summaries(loaded, first)
    assert first.misses == detector_ids() and first.hits == []
    second = ResultCache(loaded)
    assert _summaries(loaded, second) == found
    assert second.hits == detector_ids() and second.misses == []


def test_detectors_side_by_side_find_what_they_find_one_after_the_other(loaded: GraphStore) -> None:
    timings: dict[str, float] = {}
    alone = sorted((f.detector, f.summary, f.score) for f in run_all(loaded, cache=False, workers=1, timings=timings))
    assert alone and alone == sorted((f.detector, f.summary, f.score) for f in run_all(loaded, cache=False))
    assert set(timings) == {*detector_ids(), SHARED}  # the Python detectors' shared inputs timed on their own


def test_triage_and_a_changed_parameter(loaded: GraphStore) -> None:
    run_all(loaded)
    cache = ResultCache(loaded)
    run_all(loaded, params={"min_confidence": 0.9}, cache=cache)
    # only the detectors that declare the parameter run again
    assert sorted(cache.misses) == ["expert_conflict", "kinship", "kinship_conflict"]
    assert triage(loaded).tenders  # triage answers from the cache too
    assert ResultCache(loaded).get("risk_score", {"sectors": "*"}, []), "the risk-score findings are kept as well"


def test_a_load_or_another_data_version_is_never_answered_from_the_cache(
    loaded: GraphStore, data_dir: Path, tmp_path: Path
) -> None:
    stored = run_all(loaded)[:1]  # from the cache of the tests above when they ran
    ResultCache(loaded).put("kinship", {"min_confidence": 0.5}, ["query"], stored)
    assert ResultCache(loaded).get("kinship", {"min_confidence": 0.5}, ["query"]) == stored
    assert ResultCache(loaded).get("kinship", {"min_confidence": 0.5}, ["edited query"]) is None
    shutil.copy(SAMPLE / "agencies.csv", tmp_path / "agencies.csv")
    assert loaders.load_paths(loaded, [tmp_path], actor="test", data_dir=data_dir).rows_loaded
    after_load = ResultCache(loaded)
    assert not after_load.path.exists()  # the load dropped the file
    ResultCache(loaded).put("kinship", {"min_confidence": 0.5}, ["query"], stored)
    loaded.write("CREATE (:Company {key: 'co:cache-test', name: '缓存测试公司'})")  # no load: the version moves
    after_write = ResultCache(loaded)
    assert after_write.get("kinship", {"min_confidence": 0.5}, ["query"]) is None
    assert after_write.misses == ["kinship"]


def test_a_graph_written_without_loads_is_never_cached(graph: GraphStore) -> None:
    graph.write("CREATE (:Company {key: 'co:no-load', name: '未导入公司'})")
    cache = ResultCache(graph)
    cache.put("kinship", {}, ["query"], [])
    assert not cache.enabled and cache.get("kinship", {}, ["query"]) is None
