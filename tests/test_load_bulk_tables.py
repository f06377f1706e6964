"""A bulk first load writes its large side tables from the graph model it sent
(``loaders.bulk_tables``): they are exactly what the queries read back from the committed
graph — ids (GRAPH.BULK's order through the staging key and its RENAME), every column,
dtype and row order — and they are not queried; a later MERGE load, or known tables of
another data version, read the graph again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import settings_for

from bidgraph import loaders
from bidgraph.analysis import bidtable, linktables
from bidgraph.graph import GraphStore, open_store
from bidgraph.graph.schema import apply_schema
from bidgraph.loaders import bulk_model, bulk_tables
from bidgraph.queries.library import builtin_query
from bidgraph.settings import Settings

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
pytestmark = pytest.mark.skipif(not (SAMPLE / "ground_truth.json").exists(), reason="data/sample 尚未生成")


class Spy:
    """What the load computed from the model, and which tables it queried."""

    def __init__(self, patch: pytest.MonkeyPatch) -> None:
        self.model: dict[str, pd.DataFrame] | None = None
        self.queried: list[str] = []
        from_model, extract, rows = bulk_tables.from_model, linktables.extract, bidtable._rows

        def computed(model: bulk_model.GraphModel) -> dict[str, pd.DataFrame] | None:
            self.model = from_model(model)
            return self.model

        def extracted(store: GraphStore, name: str) -> pd.DataFrame:
            self.queried.append(name)
            return extract(store, name)

        def read(store: GraphStore, query: Any) -> pd.DataFrame:
            self.queried.append(query.id)
            return rows(store, query)

        patch.setattr(bulk_tables, "from_model", computed)
        patch.setattr(linktables, "extract", extracted)
        patch.setattr(bidtable, "_rows", read)


@pytest.fixture(scope="module")
def loaded(base_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GraphStore, Path, Spy]]:
    store = open_store(settings_for(base_settings, "bulk_tables", bulk_first_load=True))
    store.clear()
    apply_schema(store)
    data_dir = tmp_path_factory.mktemp("bulk_tables")
    with pytest.MonkeyPatch.context() as patch:
        spy = Spy(patch)
        report = loaders.load_paths(store, [SAMPLE], data_dir=data_dir, skip_invalid=True)
    assert report.written and not [w for w in report.warnings if "列式表" in w]
    yield store, data_dir, spy
    store.clear()
    store.close()


def _queried(store: GraphStore, name: str) -> pd.DataFrame:
    return bidtable._rows(store, builtin_query(name)) if name == "market_bids" else linktables.extract(store, name)


def _files(store: GraphStore, data_dir: Path) -> dict[str, pd.DataFrame]:
    directory = bidtable.table_dir(store, data_dir)
    return {str(p.relative_to(directory)): pd.read_parquet(p) for p in sorted(directory.glob("**/*.parquet"))}


def _same_files(store: GraphStore, data_dir: Path, tmp_path: Path) -> None:
    """The Parquet files of ``data_dir`` are those a rebuild from the graph writes."""
    bidtable.refresh(store, tmp_path)
    linktables.side_tables(store, rebuild=True, data_dir=tmp_path)
    got, want = _files(store, data_dir), _files(store, tmp_path)
    assert got.keys() == want.keys() and len(got) == len(bidtable.TABLES) + len(linktables.QUERIES)
    for name, frame in want.items():
        pd.testing.assert_frame_equal(got[name], frame, check_exact=True, obj=name)


def test_the_model_gives_exactly_the_queried_tables(loaded: tuple[GraphStore, Path, Spy]) -> None:
    store, _, spy = loaded
    assert spy.model is not None
    assert set(spy.model) == {*bulk_tables.FROM_MODEL}
    for name, frame in spy.model.items():
        queried = _queried(store, name)
        assert len(queried) > 0, name
        pd.testing.assert_frame_equal(frame, queried, check_exact=True, obj=name)  # ids, order, dtypes
    assert spy.model["scored"]["s"].nunique() == len(spy.model["scored"]) > 100  # relationship ids too


def test_the_load_queries_only_the_small_tables(loaded: tuple[GraphStore, Path, Spy], tmp_path: Path) -> None:
    store, data_dir, spy = loaded
    assert spy.queried and not set(spy.queried) & set(bulk_tables.FROM_MODEL)
    stamp = bidtable.table_dir(store, data_dir) / "version.json"
    assert pd.read_json(stamp, typ="series")["version"] == bidtable.data_version(store)
    _same_files(store, data_dir, tmp_path)


def test_a_later_merge_load_reads_the_graph(
    loaded: tuple[GraphStore, Path, Spy], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, data_dir, _ = loaded
    spy = Spy(monkeypatch)
    again = loaders.load_paths(store, [SAMPLE / "tenders.csv"], data_dir=data_dir)
    assert again.written and spy.model is None  # MERGE: no model
    assert set(bulk_tables.FROM_MODEL) <= set(spy.queried)
    _same_files(store, data_dir, tmp_path)


def test_known_tables_of_another_version_are_not_used(loaded: tuple[GraphStore, Path, Spy], tmp_path: Path) -> None:
    store, _, spy = loaded
    assert spy.model is not None
    wrong = {name: frame.iloc[:1] for name, frame in spy.model.items()}
    report = loaders.LoadReport(load_id="L-stale")
    report.written = True
    loaders._refresh_side_tables(store, tmp_path / "a", report, bidtable.Known("1:1:L-old", wrong))
    assert not report.warnings
    _same_files(store, tmp_path / "a", tmp_path / "b")


def test_a_value_not_modelled_leaves_the_tables_to_the_queries() -> None:
    model = bulk_model.GraphModel()
    model.labels, model.node_props = [["Bid"]], [{"key": "B1", "tender_code": "T1", "bidder_key": 7}]
    assert bulk_tables.from_model(model) is None  # toString(7): read from the graph instead
    model.node_props[0]["bidder_key"] = "C1"
    assert len(bulk_tables.from_model(model)["bids"]) == 1  # type: ignore[index]
