"""The check pass keeps its converted rows on disk for the write pass: the files are read
once, and what is written is exactly what was checked."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

from bidgraph.graph import GraphStore
from bidgraph.graph.schema import apply_schema
from bidgraph.loaders import worker
from bidgraph.loaders.mapping import load_mapping
from bidgraph.loaders.pipeline import check, write_plan
from bidgraph.loaders.spill import CHUNK, Spill

BASIC = Path(__file__).parent / "fixtures" / "loaders" / "basic"


def test_spill_gives_back_every_record_in_order_across_chunks() -> None:
    """Chunks pickled here and chunks the worker pickled (kept as they came), of two files."""
    spill = Spill()
    records = [
        ("bids.csv" if row < 900 else "more.csv", row, {"price": row * 1.5, "members": [str(row)], "won": row % 2 == 0})
        for row in range(2, 2_007)
    ]
    for start in range(0, len(records), 700):
        chunk = records[start : start + 700]
        for label in dict.fromkeys(label for label, _, _ in chunk):
            rows = [(row, record, []) for name, row, record in chunk if name == label]
            if start % 1_400:
                spill.add_packed(label, pickle.dumps(rows))
            else:
                spill.add_chunk(label, rows)
    assert list(spill) == records
    assert list(spill) == records  # again (a benchmark writes one plan twice)
    spill.close()


def test_spill_read_in_a_worker_stays_the_same_here() -> None:
    """A forked worker shares the file's offset and a reader may stop part-way: reading
    changes nothing, and a chunk added after it is appended, not written over what was
    read (a second write pass of the same plan once wrote records twice)."""
    spill = Spill()
    records = [("bids.csv", row, {"row": row}) for row in range(2, 2 * CHUNK + 500)]
    chunks = [[(row, record, []) for _, row, record in records[i : i + CHUNK]] for i in range(0, len(records), CHUNK)]
    for chunk in chunks[:2]:
        spill.add_chunk("bids.csv", chunk)
    for _ in range(2):
        assert worker.run(lambda _: len(list(spill)), lambda *_: None) == 2 * CHUNK
    assert next(iter(spill)) == records[0]  # a reader that stopped after the first chunk
    spill.add_chunk("bids.csv", chunks[2])
    assert worker.run(lambda _: len(list(spill)), lambda *_: None) == len(records)
    assert list(spill) == records
    spill.close()


def test_write_pass_uses_the_checked_rows_not_the_files(store: GraphStore, tmp_path: Path) -> None:
    store.clear()
    apply_schema(store)
    copy = tmp_path / "basic"
    shutil.copytree(BASIC, copy)
    plan = check([copy], load_mapping(None), store, keep=True)
    assert plan.report.ok and plan.rows_valid == 32
    shutil.rmtree(copy)  # the write pass must not need the files any more
    try:
        with store.atomic():
            write_plan(store, plan, batch_size=7)
    finally:
        plan.close()
    assert plan.report.rows_loaded == 32
    assert store.run("MATCH (b:Bid) RETURN count(b)").value(0) == 5
    assert store.run("MATCH (n) WHERE n.row IS NULL RETURN count(n)").value(0) == 0
