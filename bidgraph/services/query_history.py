"""Each analyst's query history on 查询: every statement run, kept in a small SQLite file in
the data dir so it survives page changes, restarts and new sessions. Per user: one analyst
never sees another's drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bidgraph.sqlitedb import transaction

FILE = "query_history.sqlite3"
KEEP = 200  # per user: older entries are dropped when a new one is written

_SCHEMA = """
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user TEXT NOT NULL,
    text TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    rows INTEGER,
    error TEXT
);
CREATE INDEX IF NOT EXISTS history_user ON history (user, id);
"""


@dataclass(frozen=True)
class HistoryEntry:
    text: str
    ran_at: str  # UTC ISO time
    rows: int | None  # None when the statement failed
    error: str | None


def record(data_dir: Path, user: str, text: str, *, rows: int | None = None, error: str | None = None) -> None:
    """Remember one run of ``text`` by ``user`` (successful with ``rows``, or failed with ``error``)."""
    with transaction(data_dir / FILE) as db:
        db.executescript(_SCHEMA)
        db.execute(
            "INSERT INTO history (user, text, ran_at, rows, error) VALUES (?, ?, ?, ?, ?)",
            (user, text, datetime.now(UTC).isoformat(timespec="seconds"), rows, error),
        )
        db.execute(
            "DELETE FROM history WHERE user = ? AND id NOT IN "
            "(SELECT id FROM history WHERE user = ? ORDER BY id DESC LIMIT ?)",
            (user, user, KEEP),
        )


def recent(data_dir: Path, user: str, limit: int = 20) -> list[HistoryEntry]:
    """The user's latest runs, newest first, one entry per distinct statement."""
    path = data_dir / FILE
    if not path.exists():
        return []
    with transaction(path) as db:
        db.executescript(_SCHEMA)
        rows = db.execute(
            "SELECT text, ran_at, rows, error FROM history WHERE user = ? AND id IN "
            "(SELECT max(id) FROM history WHERE user = ? GROUP BY text) ORDER BY id DESC LIMIT ?",
            (user, user, limit),
        ).fetchall()
    return [HistoryEntry(r["text"], r["ran_at"], r["rows"], r["error"]) for r in rows]
