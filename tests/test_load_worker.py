"""The forked worker of a load (reading in the check pass, facts in a bulk write pass):
messages in order, the result back, the child's exception raised in the parent as it
was, a dead child reported, a message sent ahead of the reader, and the same report
whoever reads the files."""

from __future__ import annotations

import fcntl
import gc
import multiprocessing
import os
import threading
from pathlib import Path

import pytest

from bidgraph import loaders, protected
from bidgraph.collector import few_collections
from bidgraph.errors import DataError
from bidgraph.loaders import bulk, pipeline, worker
from bidgraph.loaders.mapping import load_mapping

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
BAD = FIXTURES / "bad"

pytestmark = pytest.mark.skipif(not worker.can_fork(), reason="no fork on this platform")


def test_no_worker_for_a_load_on_another_thread() -> None:
    seen: list[bool] = []
    other = threading.Thread(target=lambda: seen.append(worker.available()))  # as in the workbench
    other.start()
    other.join()
    assert seen == [False] and worker.available()


def test_messages_arrive_in_order_and_the_result_comes_back() -> None:
    state = {"parent": "only here"}  # the child sees the parent's state without pickling it

    def produce(send: worker.Send) -> dict[str, int]:
        for n in range(5_000):
            send("item", n, {"n": n, "state": state["parent"]})
        return {"sent": 5_000}

    received: list[tuple[str, int]] = []
    result = worker.run(produce, lambda kind, n, row: received.append((kind, n)))
    assert result == {"sent": 5_000}
    assert received == [("item", n) for n in range(5_000)]


def test_an_error_in_the_child_is_raised_with_its_attributes() -> None:
    def produce(send: worker.Send) -> None:
        send("item", 1)
        raise DataError("日期无效", file="bids.csv", row=7, column="bid_open", value="2024-13-01")

    received: list[int] = []
    with pytest.raises(DataError) as caught:
        worker.run(produce, lambda kind, n: received.append(n))
    assert received == [1]
    error = caught.value
    assert (error.reason, error.file, error.row, error.column, error.value) == (
        "日期无效",
        "bids.csv",
        7,
        "bid_open",
        "2024-13-01",
    )
    assert "第 7 行" in str(error)


def test_a_child_that_dies_is_reported() -> None:
    def produce(send: worker.Send) -> None:
        send("item", 1)
        os._exit(3)  # as if killed (out of memory)

    with pytest.raises(worker.WorkerDied, match="退出码 3"):
        worker.run(produce, lambda kind, n: None)


@pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="pipe size is fixed on this platform")
def test_the_worker_runs_a_large_message_ahead() -> None:
    """A message bigger than a default pipe (64 KB) is sent while the parent still works
    on the one before (the two sides overlap instead of taking turns)."""
    ahead = multiprocessing.get_context("fork").Event()
    big = "x" * (512 << 10)

    def produce(send: worker.Send) -> None:
        send("item", 1, big)
        send("item", 2, big)
        ahead.set()  # the second message is in the pipe: nobody has read it yet

    seen: list[bool] = []

    def consume(kind: str, n: int, text: str) -> None:
        if n == 1:
            seen.append(ahead.wait(20))  # a 64 KB pipe: the child waits for us, never set

    worker.run(produce, consume)
    assert seen == [True]


def test_closing_the_stream_early_stops_the_child_and_the_reader() -> None:
    def produce(send: worker.Send) -> None:
        while True:  # far more than the pipe and the inbox hold
            send("item", "x" * 4096)

    messages = worker.stream(produce)
    assert [next(messages)[0] for _ in range(3)] == ["item"] * 3
    messages.close()
    assert not [t for t in threading.enumerate() if t.name == "bidgraph-load-inbox"]
    assert not multiprocessing.active_children()


def _checked(paths: list[Path]) -> tuple:
    report = loaders.validate_paths(paths)
    accounts = {k: (a.read, a.dropped, a.rejected, dict(a.reasons)) for k, a in report.accounts.items()}
    errors = [(e.file, e.row, e.column, e.value, e.reason) for e in report.errors]
    return errors, report.errors_total, report.warnings, accounts, report.rows_read, report.rows_loaded, report.tables


def test_reading_in_a_worker_gives_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every bad-input case at once (bad values, headers, encodings, cut and binary
    files): errors, warnings and accounts as when this process reads the files."""
    paths = sorted(p for p in BAD.iterdir() if p.is_dir())
    here = _checked(paths)  # small files: read here
    monkeypatch.setattr(pipeline, "WORKER_BYTES", 0)
    assert _checked(paths) == here
    assert here[1] > 20 and len(here[2]) > 2  # the cases do give errors and warnings


def _model_of(paths: list[Path]) -> tuple:
    plan = pipeline.check(paths, load_mapping(None), None, keep=True)
    sender = bulk.BulkSender(None, plan.report.load_id)
    try:
        with protected.collecting() as clear:
            pipeline.write_plan(None, plan, 50, sender=sender)
    finally:
        plan.close()
    model = sender.model
    nodes = sorted((tuple(labels), _plain(props)) for labels, props in zip(model.labels, model.node_props, strict=True))
    rels = sorted((t, _plain(p)) for t, p in zip(model.rel_types, model.rel_props, strict=True))
    written = {k: a.written for k, a in plan.report.accounts.items()}
    return nodes, rels, model.counters, written, plan.report.rows_loaded, dict(clear)


def _plain(props: dict) -> str:
    return repr(sorted((k, v) for k, v in props.items() if k not in ("load_id", "loaded_at", "first_load")))


def test_the_bulk_model_is_the_same_with_and_without_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Facts built in the worker (small batches: many messages) give the same model,
    counts and clear values for the vault as facts built here."""
    paths = [FIXTURES / "basic", FIXTURES / "resolution"]
    with_worker = _model_of(paths)
    monkeypatch.setattr(worker, "available", lambda: False)
    assert _model_of(paths) == with_worker
    assert with_worker[2]["relationships_created"] > 50 and with_worker[5]  # real graphs, clear values kept


def test_collector_thresholds_come_back() -> None:
    before = gc.get_threshold()
    with few_collections():
        with few_collections():
            assert gc.get_threshold()[2] > before[2]
        assert gc.get_threshold()[2] > before[2]  # still held: the outer pass runs
    assert gc.get_threshold() == before
