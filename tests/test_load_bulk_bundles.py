"""A bid row's identifier edges reach the Writer as one fact (``bulk_columns.IDENTIFIERS``):
a bulk sender gets them as columns tagged with their batch numbers, a MERGE sender as
edges buffered one by one. On generated facts made to hit the MERGE rules (the same
identifier several times in a batch with other ON CREATE values, bids and identifiers
repeated across batches, rows whose edges straddle a flush, two files), the columns must
give the same model as the edges applied batch by batch, and every other statement must
be cut into the same batches. Fast: no server, no check pass."""

from __future__ import annotations

import random
from typing import Any

import pytest
from modeldump import elements, recording_sender

from bidgraph.graph.schema import KEY
from bidgraph.loaders import bulk_columns
from bidgraph.loaders.build import Builder
from bidgraph.loaders.bulk_columns import EDGES, IDENTIFIERS
from bidgraph.loaders.write import Writer

FILES = (
    {"source": "bids.csv", "load_id": "L", "loaded_at": "t"},
    {"source": "more.csv", "load_id": "L", "loaded_at": "t"},
)


def _facts(seed: int, rows: int) -> list[tuple[Any, ...]]:
    """Tenders, then bid rows: the bid, its SUBMITTED edge, 0–8 identifier edges drawn
    from a few keys (each with this row's ON CREATE values), a project manager; the
    second half of the rows in a second file (None marks the change)."""
    rng = random.Random(seed)
    facts: list[tuple[Any, ...]] = [
        (("node", "Tender", ""), {KEY: f"T{t}", "props": {"name": f"标段{t}", "row": t + 2}}) for t in range(4)
    ]
    for n in range(rows):
        if n == rows // 2:
            facts.append(None)
        prov = {"row": n + 2}
        bid = f"B{rng.randrange(rows // 3)}"
        facts.append(
            (("bid",), {KEY: bid, "tender": f"T{rng.randrange(4)}", "props": {"price": n, **prov}, "prov": prov})
        )
        facts.append(
            Builder.edge(("Company", f"C{rng.randrange(5)}", {"name": f"公司{n}"}), "SUBMITTED", ("Bid", bid, {}), prov)
        )
        edges = []
        for _ in range(rng.randrange(9)):
            label = rng.choice(sorted(EDGES))
            edges.append((EDGES[label], f"{label}:{rng.randrange(6)}", {"value": f"v{n}", "seen": n}))
        if edges:
            facts.append((IDENTIFIERS, (bid, prov, edges)))
        if rng.random() < 0.5:
            facts.append(
                Builder.matched_edge(
                    ("Bid", bid, {}), "PROJECT_MANAGER", ("Person", f"P{n % 7}", {"name": f"人{n}"}), prov
                )
            )
    return facts


def _written(facts: list[tuple[Any, ...]], batch: int, columnar: bool) -> tuple[Any, ...]:
    """The model (every element with labels or type, end keys and properties; counters)
    and the batches of every statement other than the identifier edges, as sent."""
    sender, sent = recording_sender(columnar)
    files = iter(FILES)
    with Writer(None, batch, sender=sender) as writer:
        writer.provenance(next(files))
        for fact in facts:
            if fact is None:
                writer.provenance(next(files))
            else:
                writer.add(*fact)
    return (*elements(sender.model), sent)


@pytest.mark.parametrize(("batch", "chunk"), [(1, 5), (2, 5), (3, 1000), (7, 13), (50, 200_000)])
def test_identifier_columns_give_the_batches_model(batch: int, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk_columns, "CHUNK_FACTS", chunk)
    facts = _facts(seed=batch, rows=300)
    by_columns = _written(facts, batch, columnar=True)
    by_batches = _written(facts, batch, columnar=False)
    assert by_columns[3] == by_batches[3]  # the other statements cut into the same batches
    assert by_columns[2] == by_batches[2]
    assert by_columns[0] == by_batches[0]
    assert by_columns[1] == by_batches[1]
    made = "".join(by_columns[1])
    assert all(f"'{t}'" in made for t in ("MADE_ON", "UPLOADED_FROM", "DEPOSIT_FROM", "PROJECT_MANAGER"))
