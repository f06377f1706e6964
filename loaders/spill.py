"""The converted records of the check pass, kept for the write pass in a temporary file
(pickled in chunks): the write pass then neither reads nor converts the files again,
and memory stays bounded however large the files are."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator
from typing import Any

CHUNK = 2_000  # records per pickle


class Spill:
    """Append ``(source label, row, record)`` while checking; iterate to write (as often as
    wanted: an iteration changes nothing, also when it runs in a forked worker, which
    shares the file's offset but not ``chunk``)."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="bidgraph-load-")  # noqa: SIM115 -- closed by close()
        self.chunk: list[tuple[str, int, dict[str, Any]]] = []

    def add(self, source: str, row: int, record: dict[str, Any]) -> None:
        self.chunk.append((source, row, record))
        if len(self.chunk) >= CHUNK:
            self._dump()

    def _dump(self) -> None:
        self.file.seek(0, os.SEEK_END)  # an iteration moved the offset
        pickle.dump(self.chunk, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.chunk = []

    def __iter__(self) -> Iterator[tuple[str, int, dict[str, Any]]]:
        self.file.seek(0)
        while True:
            try:
                chunk = pickle.load(self.file)
            except EOFError:
                break
            yield from chunk
        yield from self.chunk  # the last records, not dumped: an iteration in a worker is not seen here

    def close(self) -> None:
        self.file.close()
