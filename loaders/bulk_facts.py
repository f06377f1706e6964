"""A chunk of bid rows' facts as columns, from ``bid_chunk`` to the bulk model: one list
per field of a statement's rows instead of a row object per fact. In a bulk first load
the worker builds them (``Chunk``), the Writer cuts them into the batches adding them one
by one would make and tags them with their batch numbers (``Collected``), and the chunk
goes down the pipe as ONE message — a bid key, a bidder or a person is then pickled
once per chunk, not once per statement that names it — to be applied here (``Staged``)
batch by batch in flush order, a column slice per (batch, statement)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bidgraph.graph.schema import KEY

if TYPE_CHECKING:
    from bidgraph.loaders.bulk_model import GraphModel

# An edge row is a list: [a key, b key, edge properties (with the row number),
# a's properties if new, b's properties if new, the merge_on values...].
MERGE_ON = 5
# The columns of a map row, by name (an edge row's are its list's places).
FIELDS = {"bid": (KEY, "tender", "props", "prov"), "win": (KEY, "price")}
Runs = list[list[int]]  # [batch number, facts] of consecutive facts, in order


def width(statement: tuple[Any, ...]) -> int:
    """How many columns a statement's rows have."""
    names = FIELDS.get(statement[0])
    return MERGE_ON + len(statement[4]) if names is None else len(names)


def columns(statement: tuple[Any, ...], rows: list[Any]) -> list[Any]:
    """A batch of rows as ``Writer.add`` takes them, as columns."""
    names = FIELDS.get(statement[0])
    if names is None:
        return list(zip(*rows, strict=True))
    return [[row[name] for row in rows] for name in names]


class Chunk:
    """Facts of a chunk of rows for ``Writer.add_chunk``, per statement, each with its
    position in row-by-row order (any number that grows with that order): ``facts``
    statement -> (positions, *its columns); ``edges`` the identifier edges
    (``bulk_columns.EDGES``) -> (positions, bid keys, identifier keys, row numbers,
    ON CREATE maps)."""

    def __init__(self) -> None:
        self.facts: dict[tuple[Any, ...], tuple[list[Any], ...]] = {}
        self.edges: dict[tuple[Any, ...], tuple[list[Any], ...]] = {}

    def slot(self, statement: tuple[Any, ...]) -> tuple[list[Any], ...]:
        """(positions, *columns) of a statement, to append to."""
        found = self.facts.get(statement)
        if found is None:
            found = self.facts[statement] = tuple([] for _ in range(1 + width(statement)))
        return found

    def add(self, statement: tuple[Any, ...], position: int, row: Any) -> None:
        """One fact as ``Writer.add`` takes it."""
        found = self.slot(statement)
        found[0].append(position)
        names = FIELDS.get(statement[0])
        for into, value in zip(found[1:], row if names is None else [row[n] for n in names], strict=True):
            into.append(value)

    def edge(self, statement: tuple[Any, ...], position: int, bid: str, key: str, row: Any, init: Any) -> None:
        found = self.edges.get(statement)
        if found is None:
            found = self.edges[statement] = ([], [], [], [], [])
        for into, value in zip(found, (position, bid, key, row, init), strict=True):
            into.append(value)


class Collected:
    """What the Writer has cut from chunks and not handed over yet, per statement: the
    batch numbers as runs, and the columns. ``facts`` are applied in flush order by
    ``Staged``, ``edges`` (the identifier edges) by ``bulk_columns.Pending``."""

    def __init__(self) -> None:
        self.facts: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.edges: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.size = 0  # identifier edges held

    def slot(self, group: dict[tuple[Any, ...], tuple[Any, ...]], statement: tuple[Any, ...], n: int) -> tuple:
        found = group.get(statement)
        if found is None:
            found = group[statement] = ([], *([] for _ in range(n)))
        return found

    def take(self, order: dict[tuple[Any, ...], Any]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """(facts as (statement, its place in a flush, runs, *columns), identifier edges as
        (statement, runs, *columns)), and forget them."""
        facts = [(statement, order[statement], *found) for statement, found in self.facts.items() if found[0]]
        edges = [(statement, *found) for statement, found in self.edges.items() if found[0]]
        self.facts, self.edges, self.size = {}, {}, 0
        return facts, edges


def extend_runs(runs: Runs, batch: int, n: int) -> None:
    if runs and runs[-1][0] == batch:
        runs[-1][1] += n
    else:
        runs.append([batch, n])


class Staged:
    """The model's side: the facts received for the current file. Each chunk's complete
    batches (below the number the Writer had reached: every statement of them has been
    cut) are applied at once, in the order a flush sends them — by batch, then by the
    statement's place in the flush — and the rest are held for the next chunk."""

    def __init__(self, model: GraphModel) -> None:
        self.model = model
        self.held: dict[tuple[Any, ...], tuple[Any, Runs, list[list[Any]]]] = {}

    def add(self, complete: int | None, facts: list[tuple[Any, ...]], prov: dict[str, Any]) -> None:
        """``complete``: the batches below it are complete (None: all of them)."""
        held = self.held
        for statement, place, runs, *values in facts:
            found = held.get(statement)
            if found is None:
                held[statement] = (place, runs, values)
                continue
            for batch, n in runs:
                extend_runs(found[1], batch, n)
            for into, column in zip(found[2], values, strict=True):
                into.extend(column)
        slices, done = [], {}
        for statement, (place, runs, _) in held.items():
            start = 0
            for batch, n in runs:
                if complete is not None and batch >= complete:
                    break
                slices.append((batch, place, statement, start, start + n))
                start += n
            done[statement] = start
        slices.sort(key=lambda s: s[:2])
        for _, _, statement, start, end in slices:
            self.model.apply_columns(statement, [column[start:end] for column in held[statement][2]], prov)
        for statement, start in done.items():
            place, runs, values = held[statement]
            if start == len(values[0]):
                del held[statement]
            elif start:
                held[statement] = (place, [r for r in runs if r[0] >= complete], [c[start:] for c in values])
