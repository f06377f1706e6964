"""The protected store: full ID numbers, phone numbers and bank account numbers, kept
OUT of the queryable graph. The graph holds only the hash key it joins on and a masked
display value, so no Cypher (lists, maps, split, reversed, cast…) can return a clear
value. The clear values live here, in ``<data_dir>/protected.sqlite`` (mode 0600),
keyed by the graph's key; the loader writes them, and only the access layer
(``bidgraph.services.access``) reads them, for entitled roles and full-number exports.

While a load builds its facts, ``remember`` collects the clear values of the current
load (``collecting``); the loader writes them in one transaction with the graph's."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from bidgraph.masking import mask_account, mask_id_number, mask_phone

FILE = "protected.sqlite"
SCHEMA = "CREATE TABLE IF NOT EXISTS protected (key TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL)"
PHONE, ACCOUNT, ID_NUMBER = "phone", "account", "id_number"
# The graph key of each kind: the same SHA-256 the person key has always used.
_PREFIX = {PHONE: "tel:", ACCOUNT: "acct:", ID_NUMBER: "id:"}
_MASK = {PHONE: mask_phone, ACCOUNT: mask_account, ID_NUMBER: mask_id_number}

_pending: ContextVar[dict[str, tuple[str, str]] | None] = ContextVar("protected_pending", default=None)


def digest(value: str) -> str:
    return hashlib.sha256(value.upper().encode("utf-8")).hexdigest()[:24]


def graph_key(kind: str, value: str) -> str:
    """The key a phone or account node has in the graph (never the number itself)."""
    return _PREFIX[kind] + digest(value)


def masked(kind: str, value: str) -> str:
    return _MASK[kind](value)


def remember(key: str, kind: str, value: str) -> None:
    """Note a clear value for the load being built (no-op outside ``collecting``)."""
    pending = _pending.get()
    if pending is not None:
        pending[key] = (kind, value)


@contextmanager
def collecting() -> Iterator[dict[str, tuple[str, str]]]:
    """Collect the clear values ``remember``-ed while the block runs."""
    pending: dict[str, tuple[str, str]] = {}
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)


class ProtectedStore:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists()
        db = sqlite3.connect(self.path, timeout=10)
        if fresh:
            os.chmod(self.path, 0o600)  # readable by the service account only
        try:
            with db:
                db.execute(SCHEMA)
                yield db
        finally:
            db.close()

    def put(self, values: dict[str, tuple[str, str]]) -> int:
        """Write key -> (kind, clear value) in one transaction; loading twice is a no-op."""
        if not values:
            return 0
        with self._db() as db:
            db.executemany(
                "INSERT OR REPLACE INTO protected VALUES (?,?,?)", [(k, kind, v) for k, (kind, v) in values.items()]
            )
        return len(values)

    def get(self, keys: Iterable[str]) -> dict[str, str]:
        """The clear values of the keys that have one."""
        wanted = sorted({k for k in keys if k})
        if not wanted or not self.path.exists():
            return {}
        out: dict[str, str] = {}
        with self._db() as db:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(f"SELECT key, value FROM protected WHERE key IN ({marks})", chunk)
                out.update(dict(rows.fetchall()))
        return out
