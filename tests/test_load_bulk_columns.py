"""The bid rows' identifier edges applied to the bulk model as columns
(loaders/bulk_columns.py) give the same model as batch by batch: every node and
relationship with its properties and ends, and the counters, for batch sizes that cut
rows in many places. The data: the first rows of the sample, its bids split into two
files, plus rows made to hit the rules (an account and devices repeated in one batch
with another bank, a free-text project manager, a consortium bid)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from bidgraph import protected
from bidgraph.graph.schema import KEY
from bidgraph.loaders import bulk, bulk_columns, pipeline, worker
from bidgraph.loaders.mapping import load_mapping

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
ROWS = 500
LOAD_TIMES = ("load_id", "loaded_at", "first_load")
pytestmark = pytest.mark.skipif(not (SAMPLE / "bids.csv").exists(), reason="data/sample 尚未生成")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The folder and a second bids file (named explicitly: a folder takes one per table)."""
    target = tmp_path_factory.mktemp("columns")
    (target / "more").mkdir()
    for path in SAMPLE.glob("*.csv"):
        if path.name != "bids.csv":
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            (target / path.name).write_text("".join(lines[:ROWS]), encoding="utf-8")
    with (SAMPLE / "bids.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    tenders = {line.split(",", 1)[0] for line in (target / "tenders.csv").read_text(encoding="utf-8").splitlines()}
    mine = [r for r in rows if r["tender_code"] in tenders][:1000]
    consortium = [r for r in rows if r["consortium_members"]][:1]
    made = []
    for n, row in enumerate(mine[:40]):  # the same account and devices again, next to the first, other bank
        other = dict(row, tender_code=mine[n + 60]["tender_code"], deposit_bank=f"另一银行{n}支行")
        if n % 3 == 0:
            free_text = "郑维,二级建造师,鄂242151649845;职称证,高级工程师"
            other.update(pm_id_number="", pm_name="郑维", pm_certificate=free_text)
        made += [row, other] if n % 2 else [other]
    half = len(mine) // 2
    second = target / "more" / "bids_2024.csv"
    for path, part in ((target / "bids.csv", mine[:half]), (second, mine[half:] + consortium + made)):
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(part)
    return [target, second]


@pytest.fixture(scope="module")
def plan(data: list[Path]) -> Iterator[pipeline.Plan]:
    plan = pipeline.check(data, load_mapping(None), None, keep=True)
    assert not plan.report.errors and plan.report.accounts["bids_2024.csv"].read > 500
    yield plan
    plan.close()


def _model(plan: pipeline.Plan, batch: int, columnar: bool) -> tuple:
    """The model the kept rows give (the rows can be written again from the same plan)."""
    sender = bulk.BulkSender(None, plan.report.load_id)
    sender.columnar = columnar
    with protected.collecting() as clear:
        pipeline.write_plan(None, plan, batch, sender=sender)
    model = sender.model
    key = [p[KEY] for p in model.node_props]
    nodes = sorted(repr((labels, _plain(p))) for labels, p in zip(model.labels, model.node_props, strict=True))
    rels = sorted(
        repr((t, key[a], key[b], _plain(p)))
        for t, (a, b), p in zip(model.rel_types, model.ends, model.rel_props, strict=True)
    )
    return nodes, rels, model.counters, dict(clear)


def _plain(props: dict) -> list:
    return sorted((k, v) for k, v in props.items() if k not in LOAD_TIMES)


@pytest.mark.parametrize(("batch", "chunk"), [(7, 50), (60, 1000)])
def test_columns_give_the_same_model(
    plan: pipeline.Plan, batch: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when a file's columns come in many chunks (each applied up to its last batch)."""
    monkeypatch.setattr(worker, "available", lambda: False)
    monkeypatch.setattr(bulk_columns, "CHUNK_FACTS", chunk)
    by_batches = _model(plan, batch, columnar=False)
    by_columns = _model(plan, batch, columnar=True)
    assert by_columns[2] == by_batches[2]
    assert by_columns[0] == by_batches[0]
    assert by_columns[1] == by_batches[1]
    assert by_columns[3] == by_batches[3]
    rels = "".join(by_columns[1])
    assert rels.count("'MADE_ON'") > 1000 and rels.count("'DEPOSIT_FROM'") > 100 and "郑维" in "".join(by_columns[0])
