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
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

from bidgraph.graph.schema import schema
from bidgraph.masking import expert_alias, mask_account, mask_id_number, mask_phone
from bidgraph.sqlitedb import transaction

if TYPE_CHECKING:
    from bidgraph.graph import GraphStore

FILE = "protected.sqlite"
SCHEMA = "CREATE TABLE IF NOT EXISTS protected (key TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL)"
PHONE, ACCOUNT, ID_NUMBER, EXPERT = "phone", "account", "id_number", "expert"
# Who an evaluation expert is: kept here (JSON under "expert:<expert_no>"); the graph
# names the expert by its alias 评标专家（编号）.
EXPERT_FIELDS = schema().sensitive("Expert", "expert")  # declared in graph/schema.yaml
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


def collected() -> dict[str, tuple[str, str]]:
    """The values ``remember``-ed so far in this ``collecting`` block (a load's worker
    process hands them back: they are its facts' clear values)."""
    return dict(_pending.get() or {})


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
        fresh = not self.path.exists()
        with transaction(self.path) as db:
            if fresh:
                os.chmod(self.path, 0o600)  # readable by the service account only
            db.execute(SCHEMA)
            yield db

    def put(self, values: dict[str, tuple[str, str]]) -> int:
        """Write key -> (kind, clear value) in one transaction; loading twice is a no-op."""
        if not values:
            return 0
        # in key order: SQLite appends to the key's B-tree instead of inserting all over it
        # (719k keys shaped as a load's: 3.5 -> 1.7 CPU-s to insert)
        rows = [(k, kind, v) for k, (kind, v) in sorted(values.items())]
        with self._db() as db:
            db.executemany("INSERT OR REPLACE INTO protected VALUES (?,?,?)", rows)
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


def expert_key(expert_no: str) -> str:
    return f"{EXPERT}:{expert_no}"


def experts(vault: ProtectedStore, expert_nos: Iterable[str]) -> dict[str, dict[str, object]]:
    """expert_no -> who the expert is (name, employer, …), for those the vault knows."""
    found = vault.get(expert_key(no) for no in expert_nos)
    return {key.split(":", 1)[1]: json.loads(value) for key, value in found.items()}


_OPEN_EXPERTS = f"""
MATCH (e:Expert) WHERE e.name IS NULL OR e.name <> $prefix + coalesce(e.expert_no, '编号未知') + '）'
   OR {" OR ".join(f"e.{f} IS NOT NULL" for f in EXPERT_FIELDS[1:])}
RETURN e.key AS key, e.expert_no AS expert_no, {", ".join(f"e.{f} AS {f}" for f in EXPERT_FIELDS)}
"""
_SEAL = "UNWIND $rows AS row MATCH (e:Expert {key: row.key}) SET e.name = row.alias"
# One property per statement: FalkorDB 4.16.3 removes the wrong properties when one
# clause removes several (measured: REMOVE e.employer, e.id_masked, e.title_level took
# `specialty` and left `title_level`).
_REMOVE_FIELD = "UNWIND $rows AS row MATCH (e:Expert {{key: row.key}}) WHERE e.{f} IS NOT NULL REMOVE e.{f}"


def seal_experts(store: GraphStore, vault: ProtectedStore) -> int:
    """Move who each evaluation expert is out of the graph into ``vault``, leaving the
    alias as its name. Run after every load: a row of another table (a company's staff,
    say) may have written the person's name again. Returns how many experts were sealed."""
    rows = store.run(_OPEN_EXPERTS, {"prefix": "评标专家（"}, limit=0).records()
    if not rows:
        return 0
    known = vault.get(expert_key(r["expert_no"]) for r in rows if r["expert_no"])
    values: dict[str, tuple[str, str]] = {}
    for row in rows:
        if not row["expert_no"]:
            continue
        key, alias = expert_key(row["expert_no"]), expert_alias(row["expert_no"])
        fresh = {f: row[f] for f in EXPERT_FIELDS if row[f] is not None and row[f] != alias}
        values[key] = (EXPERT, json.dumps({**json.loads(known.get(key, "{}")), **fresh}, ensure_ascii=False))
    vault.put(values)
    sealed = [{"key": r["key"], "alias": expert_alias(r["expert_no"])} for r in rows]
    store.write(_SEAL, {"rows": sealed})
    for field in EXPERT_FIELDS[1:]:
        store.write(_REMOVE_FIELD.format(f=field), {"rows": sealed})
    return len(sealed)
