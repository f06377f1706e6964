"""The columnar bid table: written after a load, rebuilt when the data version changes
(never read stale), and the tabular detectors find the same on it as on the graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bidgraph import loaders
from bidgraph.analysis import bidtable, columnar, patterns
from bidgraph.analysis.detectors import PYTHON_DETECTORS, python_params
from bidgraph.analysis.market import forget_markets, load_market
from bidgraph.analysis.markets import MarketSpec
from bidgraph.graph import GraphStore
from bidgraph.queries.library import builtin_query, run_query

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def loaded(store: GraphStore, data_dir: Path) -> GraphStore:
    report = loaders.load_paths(store, [SAMPLE], skip_invalid=True, actor="test", data_dir=data_dir)
    assert report.written
    return store


def _findings(store: GraphStore, *, columnar: bool) -> list[tuple[Any, ...]]:
    run = patterns.Analysis(store, python_params(None))
    run.__dict__["market"] = load_market(store, run.params, columnar=columnar)  # the source under test
    out = []
    for detector in PYTHON_DETECTORS.values():
        for f in detector.runner(run):
            out.append((f.detector, tuple(e[:2] for e in f.entities), f.tender_codes, round(f.score, 6)))
    return sorted(out)


def test_the_load_wrote_the_table_of_its_version(loaded: GraphStore) -> None:
    directory = bidtable.table_dir(loaded)
    assert (directory / "bids.parquet").exists()
    tables = bidtable.bid_tables(loaded)
    assert tables.version == bidtable.data_version(loaded)
    assert len(tables.bids) == loaded.run("MATCH (b:Bid) RETURN count(b)").value(0)
    # the link tables too: the first detector run (the alerts a load raises) reads, never extracts
    stamp = json.loads((directory / "links" / "version.json").read_text(encoding="utf-8"))
    assert stamp["version"] == bidtable.data_version(loaded)
    managers = pd.read_parquet(directory / "links" / "PROJECT_MANAGER.parquet")
    assert len(managers) == loaded.run("MATCH (:Bid)-[r:PROJECT_MANAGER]->() RETURN count(r)").value(0) > 0


def test_detectors_find_the_same_on_the_side_table_and_the_graph(loaded: GraphStore) -> None:
    from_table = _findings(loaded, columnar=True)
    assert len({f[0] for f in from_table}) == len(PYTHON_DETECTORS)  # every detector fires on the sample
    assert from_table == _findings(loaded, columnar=False)


@pytest.mark.parametrize(("query_id", "typed"), [("market_tenders", "_typed_tenders"), ("market_bids", "_typed_bids")])
def test_the_columnar_read_is_the_saved_querys_rows(loaded: GraphStore, query_id: str, typed: str) -> None:
    query = builtin_query(query_id)
    as_columns = getattr(bidtable, typed)(bidtable._rows(loaded, query))
    as_rows = getattr(bidtable, typed)(bidtable._frame(run_query(loaded, query, limit=0), query.columns))
    assert len(as_columns) == len(as_rows) > 0
    pd.testing.assert_frame_equal(as_columns.astype(object), as_rows.astype(object))  # values, nulls and order


def test_a_value_holding_the_separator_is_read_row_by_row(loaded: GraphStore) -> None:
    code = f"T{columnar.SEP}odd"
    loaded.write("CREATE (t:Tender {code: $code})<-[:FOR]-(:Bid {key: 'bid:odd', tender_code: $code})", {"code": code})
    try:
        assert code in set(bidtable._rows(loaded, builtin_query("market_bids"))["tender"])
    finally:
        loaded.write("MATCH (t:Tender {code: $code})<-[:FOR]-(b:Bid) DETACH DELETE t, b", {"code": code})


def test_a_new_data_version_rebuilds_the_table(loaded: GraphStore) -> None:
    before = bidtable.bid_tables(loaded)
    tender = before.bids["tender"].iloc[0]
    loaded.write(
        "MATCH (t:Tender {code: $tender}) CREATE (b:Bid {key: 'bid:new', tender_code: $tender, "
        "bidder_key: 'co:new', price: 1.0, won: false, valid: true})-[:FOR]->(t)",
        {"tender": tender},
    )
    after = bidtable.bid_tables(loaded)
    assert after.version != before.version
    assert "co:new" in set(after.bids["bidder"]) and "co:new" not in set(before.bids["bidder"])
    assert bidtable.bid_tables(loaded).version == after.version  # read back, not rebuilt again


def test_bids_of_a_tender_without_an_opening_date_are_in_the_table(loaded: GraphStore) -> None:
    # real exports miss dates: such a tender is in every date range (market_tenders), so its bids are too
    loaded.write(
        "CREATE (t:Tender {code: 'T-undated', name: '未注明开标日期'}) "
        "CREATE (:Bid {key: 'bid:undated', tender_code: 'T-undated', bidder_key: 'co:undated', price: 2.0, "
        "won: true, valid: true})-[:FOR]->(t)"
    )
    tables = bidtable.bid_tables(loaded)
    assert "co:undated" in set(tables.bids["bidder"])
    market = load_market(loaded, python_params({"date_from": "2020-01-01", "date_to": "2020-12-31"}))
    assert "co:undated" in set(market.members["company"])


def test_threads_that_find_the_table_stale_rebuild_it_once_and_all_read_it(loaded: GraphStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    directory = bidtable.table_dir(loaded)
    (directory / "version.json").unlink()  # stale: as after a write outside a load
    with ThreadPoolExecutor(3) as pool:  # triage reads it on the detector and the score threads
        versions = {t.version for t in pool.map(lambda _: bidtable.bid_tables(loaded), range(3))}
    assert versions == {bidtable.data_version(loaded)}
    assert not list(directory.glob(".*.tmp"))  # every temporary file renamed into place


def test_one_triage_reads_the_market_once_and_prices_it_once(loaded: GraphStore) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from bidgraph.analysis import riskservice

    forget_markets()
    riskservice._CACHE.clear()
    run = patterns.Analysis(loaded, python_params(None))
    with ThreadPoolExecutor(2) as pool:  # as triage: the detectors' prices beside the risk scores
        ours, (market, scores) = pool.map(lambda f: f(), [lambda: run.price_table, lambda: riskservice.scores(loaded)])
    assert market is run.market  # one bid table
    assert ours is market.derived[("price_table", MarketSpec().key(), 3)]  # one price table for both
    assert scores.tenders["own_p"].equals(ours["price_p"].reindex(scores.tenders.index))
    loaded.write("MATCH (t:Tender) WITH t LIMIT 1 CREATE (:Bid {key: 'bid:other', tender_code: t.code})-[:FOR]->(t)")
    assert load_market(loaded, python_params(None)) is not market  # a new data version: read again
