"""Bid rows a chunk at a time (``bid_chunk`` + ``Writer.add_chunk``, a bulk first load)
against the row path (``bid_facts`` one fact at a time, batch by batch): on generated
rows made to hit the rules — bids, bidders, identifiers and people repeated within and
across batches with other values, a project manager with free-text certificates,
consortium and notice rows (they take the row path inside a chunk), rows without
identifiers, two files — the model must be the same element for element, with the same
counters and protected values, and every statement but the identifier edges must be cut
into the same batches. Fast: no server, no check pass."""

from __future__ import annotations

import random
from typing import Any

import pytest
from modeldump import elements, recording_sender

from bidgraph import protected
from bidgraph.graph.schema import KEY
from bidgraph.loaders import identity
from bidgraph.loaders.bid_chunk import bid_chunk
from bidgraph.loaders.build import Builder
from bidgraph.loaders.bulk_model import GraphModel
from bidgraph.loaders.resolve import Resolver
from bidgraph.loaders.write import Writer

FILES = [{"source": name, "load_id": "L", "loaded_at": "t"} for name in ("bids.csv", "more.csv")]
USCCS = [f"9143000{k}MA4L0000{k}X" for k in range(4)]
BIDDERS = [*USCCS, "湖南甲建设有限公司", "湖南乙建设有限公司", "湖南甲建设有限公司、湖南乙建设有限公司联合体"]
CERTIFICATES = ["湘143140000042", "郑维,二级建造师,鄂242151649845", "", None, "湘143140000099"]
ID_NUMBERS = ["430400197506221198", "430121198111197664", "4304****1198", None]


def _records(seed: int, rows: int) -> list[tuple[int, dict[str, Any]]]:
    rng = random.Random(seed)

    def some(values: list[Any], empty: float = 0.2) -> Any:
        return None if rng.random() < empty else rng.choice(values)

    records = []
    for n in range(rows):
        bidder = rng.choice(BIDDERS)
        won = rng.random() < 0.3
        record: dict[str, Any] = {
            "tender_code": f"T{rng.randrange(3)}",
            "bidder_uscc": bidder if bidder in USCCS else None,
            "bidder_name": f"公司{bidder[-2:]}" if bidder in USCCS else bidder,
            "price": some([100.0 + n, 250.5, None]),
            "price_text": some(["约一百万", ""]),
            "rank": n % 5,
            "won": won,
            "valid": rng.random() < 0.9,
            "submitted": some(["2021-01-03T15:50:10", "2021-01-04T09:00:00"]),
            "upload_ip": some([f"10.0.0.{k}" for k in range(4)], 0.3),
            "deposit_account": some([f"43596913665009305{k}" for k in range(3)], 0.3),
            "deposit_bank": some(["中国建设银行娄底支行", "中原银行长沙支行"]),
            "pm_certificate": some(CERTIFICATES),
            "pm_name": some(["苏秀俊", "李刚"]),
            "pm_id_number": some(ID_NUMBERS),
            "agent_id_number": some(ID_NUMBERS, 0.4),
            "agent_name": some(["彭艳福", "田文斌"], 0.3),
        }
        record["pm_id_number_masked"] = "*" in (record["pm_id_number"] or "")
        record["agent_id_number_masked"] = "*" in (record["agent_id_number"] or "")
        for column in identity.DEVICE_COLUMNS:
            record[column] = some([f"84-40-27-B0-0A-D{k}" if column == "mac" else f"SN{column}{k}" for k in range(3)])
        if rng.random() < 0.05:  # a consortium given by its members
            record["consortium_members"] = [USCCS[0], "湖南乙建设有限公司"]
        if rng.random() < 0.05:  # a row from a notice
            record.update(document=f"D{rng.randrange(2)}", spans='{"bidder_name": [[0, 4]]}')
        records.append((n + 2, record))
    return records


def _written(records: list[tuple[int, dict[str, Any]]], batch: int, chunk: int) -> tuple[Any, ...]:
    """The model, the clear values and the batches of every statement other than the
    identifier edges; ``chunk`` 0: the row path."""
    sender, sent = recording_sender(bool(chunk))
    resolver = Resolver()
    resolver.learn_org(USCCS[1], "湖南甲建设有限公司")  # a name the files give a USCC for
    builder = Builder(resolver)
    half = len(records) // 2
    with protected.collecting() as clear, Writer(None, batch, sender=sender) as writer:
        writer.provenance({"source": "tenders.csv", "load_id": "L", "loaded_at": "t"})
        for t in range(3):
            writer.add(("node", "Tender", ""), {KEY: f"T{t}", "props": {"bid_open": f"2021-01-0{t + 1}"}})
        for prov, part in zip(FILES, (records[:half], records[half:]), strict=True):
            writer.provenance(prov)
            for start in range(0, len(part), chunk or len(part)):
                if chunk:
                    writer.add_chunk(bid_chunk(builder, part[start : start + chunk]))
                    continue
                for row, values in part:
                    for fact in builder.facts("bids", values, {"row": row}):
                        writer.add(*fact)
    return (*elements(sender.model), sorted(clear.items()), sent)


@pytest.mark.parametrize(("batch", "chunk"), [(1, 1), (2, 7), (3, 50), (7, 2000), (50, 13), (2000, 2000)])
def test_bid_chunks_give_the_row_paths_batches_and_model(batch: int, chunk: int) -> None:
    records = _records(seed=batch, rows=400)
    by_chunks = _written(records, batch, chunk)
    by_rows = _written(records, batch, 0)
    assert by_chunks[4] == by_rows[4]  # every other statement cut into the same batches
    assert by_chunks[2] == by_rows[2]  # counters
    assert by_chunks[0] == by_rows[0]  # nodes
    assert by_chunks[1] == by_rows[1]  # relationships
    assert by_chunks[3] == by_rows[3]  # protected values
    made = "".join(by_chunks[1])
    for rel in ("MADE_ON", "UPLOADED_FROM", "DEPOSIT_FROM", "PROJECT_MANAGER", "HOLDS", "AGENT", "MEMBER_OF"):
        assert f"'{rel}'" in made
    assert "'MENTIONS'" in made


@pytest.mark.parametrize(("batch", "chunk"), [(1, 1), (3, 50), (50, 13)])
def test_new_relationships_at_once_as_merge_then_set(batch: int, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """``GraphModel._new_rels`` (a batch of relationships all new, made at once) gives what
    MERGE then SET row by row (``_merge_rels``, ``_set_rels``) gives."""
    records = _records(seed=batch + 7, rows=400)
    at_once = _written(records, batch, chunk)
    monkeypatch.setattr(GraphModel, "_new_rels", lambda *_: False)
    row_by_row = _written(records, batch, chunk)
    assert at_once[:4] == row_by_row[:4]
