"""Cases persist in SQLite (``<data_dir>/cases.sqlite``), beside the graph rather than
in it, so they survive reloads and work with any graph backend. Every change and every
view is written to the audit log."""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bidgraph import audit
from bidgraph.cases.evidence import EvidenceLike, as_evidence
from bidgraph.cases.model import (
    INITIAL_STATUS,
    Case,
    CaseError,
    FindingSnapshot,
    NodeSnapshot,
    Note,
    RelSnapshot,
    Transition,
    check_transition,
)
from bidgraph.errors import QueryError
from bidgraph.queries.library import get_query
from bidgraph.settings import Settings
from bidgraph.sqlitedb import transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, summary TEXT NOT NULL,
  status TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS case_nodes (case_id INTEGER NOT NULL, node_id TEXT NOT NULL, labels TEXT NOT NULL,
  properties TEXT NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL, PRIMARY KEY (case_id, node_id));
CREATE TABLE IF NOT EXISTS case_relationships (case_id INTEGER NOT NULL, rel_id TEXT NOT NULL, type TEXT NOT NULL,
  start_id TEXT NOT NULL, end_id TEXT NOT NULL, properties TEXT NOT NULL, added_at TEXT NOT NULL,
  added_by TEXT NOT NULL, PRIMARY KEY (case_id, rel_id));
CREATE TABLE IF NOT EXISTS case_findings (seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL,
  data TEXT NOT NULL, query_text TEXT NOT NULL, added_at TEXT NOT NULL, added_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS case_notes (seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL,
  text TEXT NOT NULL, author TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS case_transitions (seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL,
  from_status TEXT NOT NULL, to_status TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, comment TEXT NOT NULL,
  receiving_body TEXT NOT NULL, reason TEXT NOT NULL);
"""


@dataclass(frozen=True)
class CaseSummary:
    id: int
    title: str
    status: str
    updated_at: str
    created_by: str
    findings: int
    nodes: int
    sectors: tuple[str, ...] = ()  # industries of the tenders in the evidence (access scope)

    @property
    def number(self) -> str:
        return f"XS-{self.id:05d}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)


def _plain(value: Any) -> Any:
    """numpy scalars and the like become Python values; anything else its text."""
    return value.item() if hasattr(value, "item") else str(value)


class CaseStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self.path = self.data_dir / "cases.sqlite"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path)

    def create(self, title: str, summary: str, *, actor: str) -> int:
        if not title.strip():
            raise CaseError("线索标题不能为空")
        at = now()
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO cases (title, summary, status, created_at, created_by, updated_at) VALUES (?,?,?,?,?,?)",
                (title.strip(), summary, INITIAL_STATUS, at, actor, at),
            )
            case_id = int(cur.lastrowid or 0)
        audit.record(self.data_dir, "case.create", actor=actor, target=f"case:{case_id}", details={"title": title})
        return case_id

    def update(self, case_id: int, *, actor: str, title: str | None = None, summary: str | None = None) -> None:
        case = self.get(case_id)
        with self._db() as db:
            db.execute(
                "UPDATE cases SET title=?, summary=?, updated_at=? WHERE id=?",
                ((title or case.title).strip(), case.summary if summary is None else summary, now(), case_id),
            )
        audit.record(self.data_dir, "case.update", actor=actor, target=f"case:{case_id}")

    def add_evidence(self, case_id: int, value: EvidenceLike, *, actor: str) -> dict[str, int]:
        """Copy the evidence into the case as it is now. Elements already in the case keep
        their first snapshot, so what was shown when they were added stays as it was."""
        self.get(case_id)
        evidence = as_evidence(value)
        if evidence.empty:
            raise CaseError("没有可加入线索的证据（未选择任何发现、节点或路径）")
        at = now()
        with self._db() as db:
            nodes = sum(
                db.execute(
                    "INSERT OR IGNORE INTO case_nodes VALUES (?,?,?,?,?,?)",
                    (case_id, n.id, to_json(list(n.labels)), to_json(dict(n.properties)), at, actor),
                ).rowcount
                for n in evidence.graph.nodes.values()
            )
            rels = sum(
                db.execute(
                    "INSERT OR IGNORE INTO case_relationships VALUES (?,?,?,?,?,?,?,?)",
                    (case_id, r.id, r.type, r.start, r.end, to_json(dict(r.properties)), at, actor),
                ).rowcount
                for r in evidence.graph.relationships.values()
            )
            for finding in evidence.findings:
                db.execute(
                    "INSERT INTO case_findings (case_id, data, query_text, added_at, added_by) VALUES (?,?,?,?,?)",
                    (case_id, to_json(finding.to_dict()), self._query_text(finding.query_id), at, actor),
                )
            db.execute("UPDATE cases SET updated_at=? WHERE id=?", (at, case_id))
        counts = {"findings": len(evidence.findings), "nodes": nodes, "relationships": rels}
        audit.record(self.data_dir, "case.evidence", actor=actor, target=f"case:{case_id}", details=counts)
        return counts

    def _query_text(self, query_id: str) -> str:
        """The saved query's full source at the time the finding was added."""
        try:
            return get_query(query_id, self.settings).source if query_id else ""
        except QueryError:
            return ""

    def add_note(self, case_id: int, text: str, *, actor: str) -> None:
        self.get(case_id)
        if not text.strip():
            raise CaseError("备注内容不能为空")
        at = now()
        with self._db() as db:
            db.execute(
                "INSERT INTO case_notes (case_id, text, author, at) VALUES (?,?,?,?)", (case_id, text, actor, at)
            )
            db.execute("UPDATE cases SET updated_at=? WHERE id=?", (at, case_id))
        audit.record(self.data_dir, "case.note", actor=actor, target=f"case:{case_id}")

    def transition(
        self, case_id: int, target: str, *, actor: str, comment: str = "", receiving_body: str = "", reason: str = ""
    ) -> Transition:
        case = self.get(case_id)
        check_transition(case.status, target, reason=reason, receiving_body=receiving_body)
        at = now()
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO case_transitions (case_id, from_status, to_status, actor, at, comment, receiving_body,"
                " reason) VALUES (?,?,?,?,?,?,?,?)",
                (case_id, case.status, target, actor, at, comment, receiving_body, reason),
            )
            db.execute("UPDATE cases SET status=?, updated_at=? WHERE id=?", (target, at, case_id))
        details = {"from": case.status, "to": target, "receiving_body": receiving_body, "reason": reason}
        audit.record(self.data_dir, "case.transition", actor=actor, target=f"case:{case_id}", details=details)
        return Transition(int(cur.lastrowid or 0), case.status, target, actor, at, comment, receiving_body, reason)

    def list(self, status: str | None = None) -> list[CaseSummary]:
        query = (
            "SELECT c.*, (SELECT count(*) FROM case_findings f WHERE f.case_id=c.id) AS n_findings,"
            " (SELECT count(*) FROM case_nodes n WHERE n.case_id=c.id) AS n_nodes,"
            " (SELECT group_concat(DISTINCT json_extract(n.properties, '$.industry')) FROM case_nodes n"
            "  WHERE n.case_id=c.id AND n.labels LIKE '%\"Tender\"%') AS sectors FROM cases c"
        )
        args: tuple[Any, ...] = ()
        if status:
            query, args = query + " WHERE c.status=?", (status,)
        with self._db() as db:
            rows = db.execute(query + " ORDER BY c.updated_at DESC, c.id DESC", args).fetchall()
        return [
            CaseSummary(
                r["id"],
                r["title"],
                r["status"],
                r["updated_at"],
                r["created_by"],
                r["n_findings"],
                r["n_nodes"],
                tuple(sorted(s for s in (r["sectors"] or "").split(",") if s)),
            )
            for r in rows
        ]

    def view(self, case_id: int, *, actor: str) -> Case:
        """Read a case for a person to look at: the view is audited."""
        case = self.get(case_id)
        audit.record(self.data_dir, "case.view", actor=actor, target=f"case:{case_id}")
        return case

    def get(self, case_id: int) -> Case:
        with self._db() as db:
            row = db.execute("SELECT * FROM cases WHERE id=?", (case_id,)).fetchone()
            if row is None:
                raise CaseError(f"没有编号为 {case_id} 的线索")
            case = Case(**dict(row))
            for r in db.execute("SELECT * FROM case_nodes WHERE case_id=? ORDER BY added_at, node_id", (case_id,)):
                props = json.loads(r["properties"])
                case.nodes[r["node_id"]] = NodeSnapshot(
                    r["node_id"], tuple(json.loads(r["labels"])), props, r["added_at"], r["added_by"]
                )
            for r in db.execute(
                "SELECT * FROM case_relationships WHERE case_id=? ORDER BY added_at, rel_id", (case_id,)
            ):
                case.relationships[r["rel_id"]] = RelSnapshot(
                    r["rel_id"],
                    r["type"],
                    r["start_id"],
                    r["end_id"],
                    json.loads(r["properties"]),
                    r["added_at"],
                    r["added_by"],
                )
            case.findings = [
                FindingSnapshot(r["seq"], json.loads(r["data"]), r["query_text"], r["added_at"], r["added_by"])
                for r in db.execute("SELECT * FROM case_findings WHERE case_id=? ORDER BY seq", (case_id,))
            ]
            case.notes = [
                Note(r["seq"], r["text"], r["author"], r["at"])
                for r in db.execute("SELECT * FROM case_notes WHERE case_id=? ORDER BY seq", (case_id,))
            ]
            case.transitions = [
                Transition(**{k: r[k] for k in r.keys() if k != "case_id"})  # noqa: SIM118 (a Row iterates values)
                for r in db.execute("SELECT * FROM case_transitions WHERE case_id=? ORDER BY seq", (case_id,))
            ]
        return case
