"""The converted records of the check pass, kept for the write pass in a temporary file
(pickled a chunk at a time): the write pass then neither reads nor converts the files
again, and memory stays bounded however large the files are."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator
from typing import Any

CHUNK = 2_000  # records per chunk of the write pass's bid rows (the check pass's chunks are the converter's)
Rows = list[tuple[Any, ...]]  # (row, record, …) of one source, in order


class Spill:
    """Add the check pass's chunks of ``(row, record, …)`` of a source while checking;
    iterate as ``(source label, row, record)`` to write, as often as wanted: an iteration
    changes nothing (also in a forked worker, which shares the file's offset)."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="bidgraph-load-")  # noqa: SIM115 -- closed by close()

    def add_chunk(self, source: str, rows: Rows) -> None:
        self.add_packed(source, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))

    def add_packed(self, source: str, packed: bytes) -> None:
        """A chunk already pickled (by the worker that converted it): written as it came,
        not pickled again here."""
        self.file.seek(0, os.SEEK_END)  # an iteration moved the offset
        pickle.dump((source, packed), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def __iter__(self) -> Iterator[tuple[str, int, dict[str, Any]]]:
        self.file.seek(0)
        while True:
            try:
                source, packed = pickle.load(self.file)
            except EOFError:
                return
            for row, record, _errors in pickle.loads(packed):
                yield source, row, record

    def close(self) -> None:
        self.file.close()
