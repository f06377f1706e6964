"""The check pass's reading and converting, as a stream of events per source that
touches no load state: the check loop (``pipeline.check``) replays them in order, so
the stream can come from this process or — for large files — from a forked worker
(``worker.stream``) that reads and converts while the loop checks the rows before.

Events: ``("open", source index)``, ``("header", header errors, unknown columns, fit
notes)``, then
either ``("skipped", rows)`` (a file refused for its header: rows counted only) or
``("rows", [(row, record, errors), …])`` per chunk (errors: a list, ``()`` when none) and
``("done", warning lines)``; ``("refused", error)`` whenever the file cannot be read further."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from operator import itemgetter
from typing import Any

from bidgraph.errors import DataError
from bidgraph.loaders.convert import RowConverter
from bidgraph.loaders.fit import fit
from bidgraph.loaders.mapping import FileSpec, Mapping
from bidgraph.loaders.read import CsvRows, Source, open_rows, shape_problem
from bidgraph.loaders.tables import tables

CHUNK_ROWS = 2_000
Event = tuple[Any, ...]


def spec_of(mapping: Mapping, source: Source) -> FileSpec | None:
    return mapping.spec_for(source.path.name, source.sheet, source.label)


def converted(sources: Sequence[Source], mapping: Mapping) -> Iterator[Event]:
    """The events of every source, in order (the module doc)."""
    for index, source in enumerate(sources):
        yield ("open", index)
        try:
            yield from _source(source, mapping)
        except DataError as e:
            yield ("refused", e)


def _source(source: Source, mapping: Mapping) -> Iterator[Event]:
    header, rows = open_rows(source)
    table = tables()[source.table]
    fitted = fit(table, spec_of(mapping, source), header, mapping.header_index(source.table), source.label)
    converter = RowConverter(table, fitted.header, fitted.index, source.label)
    header_errors = fitted.errors + converter.header_errors
    yield ("header", header_errors, fitted.unknown, fitted.notes)
    if header_errors:
        yield ("skipped", sum(1 for _ in rows))
        return
    shape, width = fitted.row, len(header)
    unusual = rows.unusual if isinstance(rows, CsvRows) else None
    for chunk in _chunked(rows):
        shaped = [(row, shape(cells)) for row, cells in chunk] if shape else chunk
        records, errors = converter.convert(shaped)
        for j, problem in _shape_problems(chunk, width, unusual).items() if unusual else ():
            errors[j].append(DataError(problem, file=source.label, row=chunk[j][0]))
        # a row without errors shares one empty tuple (nothing to build, pickle or unpickle)
        found = map(errors.get, range(len(chunk)), repeat(()))
        yield ("rows", [*zip(map(itemgetter(0), chunk), records, found, strict=True)])
    yield ("done", converter.warning_lines())


def _shape_problems(chunk: list[tuple[int, list[object]]], width: int, unusual: set[int]) -> dict[int, str]:
    """The CSV rows of a chunk that do not fit the header (``read.shape_problem``), by index
    in the chunk; only the rows the reader found unusual (``CsvRows.unusual``) can."""
    return {
        j: problem
        for j, (row, cells) in enumerate(chunk)
        if row in unusual and (problem := shape_problem(width, cells))
    }


def _chunked(rows: Iterable[tuple[int, list[object]]]) -> Iterator[list[tuple[int, list[object]]]]:
    """The rows in chunks of CHUNK_ROWS (converted column by column); a file refused
    mid-way still gives the rows read before."""
    chunk: list[tuple[int, list[object]]] = []
    try:
        for item in rows:
            chunk.append(item)
            if len(chunk) >= CHUNK_ROWS:
                yield chunk
                chunk = []
    except DataError:
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk
