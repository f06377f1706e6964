"""Alerts persist in SQLite (``<data_dir>/alerts.sqlite``) beside cases, so a reload of
the graph does not forget what was handled. Every fingerprint an alert ever had points
to it; each step is an event in the alert's history and an entry in the audit log."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bidgraph import audit
from bidgraph.alerts import codec
from bidgraph.alerts.model import (
    CHECKING,
    DISMISSED,
    OPEN,
    PENDING,
    TO_CASE,
    Alert,
    AlertError,
    check_dismissal,
    deadline,
    entity_keys,
    fingerprint,
    severity,
)
from bidgraph.alerts.routing import Route
from bidgraph.analysis.findings import Finding
from bidgraph.cases.store import to_json
from bidgraph.settings import Settings
from bidgraph.sqlitedb import transaction
from bidgraph.viewer import Viewer

SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, fingerprint TEXT NOT NULL,
  detector TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL, score REAL NOT NULL, level TEXT NOT NULL,
  department TEXT NOT NULL, department_name TEXT NOT NULL, sectors TEXT NOT NULL, region TEXT NOT NULL,
  tenders TEXT NOT NULL, entities TEXT NOT NULL, status TEXT NOT NULL, assignee TEXT NOT NULL,
  raised_at TEXT NOT NULL, deadline TEXT NOT NULL, closed_at TEXT, reason TEXT NOT NULL, comment TEXT NOT NULL,
  case_id INTEGER, version INTEGER NOT NULL, finding TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alert_fingerprints (fingerprint TEXT PRIMARY KEY, alert_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS alert_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, alert_id INTEGER NOT NULL,
  at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL,
  details TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alerts_department ON alerts (department, status);
"""
SEP = "\x1f"


@dataclass
class RaiseResult:
    new: list[int] = field(default_factory=list)
    grown: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        return (
            f"新预警 {len(self.new)} 条，证据增加 {len(self.grown)} 条，重新打开 {len(self.reopened)} 条，"
            f"未变化 {self.unchanged} 条"
        )


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class AlertStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self.path = self.data_dir / "alerts.sqlite"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path)

    def raise_findings(
        self, routed: Sequence[tuple[Finding, Route]], *, actor: str, now: datetime | None = None
    ) -> RaiseResult:
        """New findings become alerts; a finding seen before (same fingerprint) changes
        nothing; a finding whose entities and tenders contain an earlier alert's is that
        alert grown: it gets a new evidence version, and is reopened if it was dismissed."""
        at = now or utcnow()
        result = RaiseResult()
        with self._db() as db:
            known = dict(db.execute("SELECT fingerprint, alert_id FROM alert_fingerprints").fetchall())
            # Alerts whose finding is still there this run cannot be "grown" by another
            # finding: a larger finding next to a smaller one is a second finding.
            taken = {known[fingerprint(f)] for f, _ in routed if fingerprint(f) in known}
            seen: set[str] = set()
            # the alerts a finding may grow from existed before this run (the run's own
            # are taken), read once: not every alert row per new finding
            earlier: dict[str, list[tuple[int, set[str], set[str]]]] = {}
            for row in db.execute("SELECT id, detector, entities, tenders FROM alerts ORDER BY id"):
                earlier.setdefault(row["detector"], []).append(
                    (row["id"], set(_split(row["entities"])), set(_split(row["tenders"])))
                )
            for finding, route in routed:
                fp = fingerprint(finding)
                if fp in known or fp in seen:
                    result.unchanged += fp in known
                    continue
                seen.add(fp)
                grown = self._grown_from(db, finding, taken, earlier.get(finding.detector, []))
                if grown is None:
                    alert_id = self._insert(db, finding, route, fp, at, actor)
                    result.new.append(alert_id)
                else:
                    alert_id = grown["id"]
                    reopened = self._grow(db, grown, finding, fp, at, actor)
                    (result.reopened if reopened else result.grown).append(alert_id)
                taken.add(alert_id)
        details = {"new": result.new, "grown": result.grown, "reopened": result.reopened, "unchanged": result.unchanged}
        audit.record(self.data_dir, "alert.raise", actor=actor, target="alerts", details=details)
        return result

    def _grown_from(
        self,
        db: sqlite3.Connection,
        finding: Finding,
        taken: set[int],
        earlier: list[tuple[int, set[str], set[str]]],
    ) -> sqlite3.Row | None:
        entities, tenders = set(entity_keys(finding)), set(finding.tender_codes)
        for alert_id, its_entities, its_tenders in earlier:
            if alert_id not in taken and its_entities <= entities and its_tenders <= tenders:
                return db.execute("SELECT * FROM alerts WHERE id=?", (alert_id,)).fetchone()
        return None

    def _insert(self, db: sqlite3.Connection, f: Finding, route: Route, fp: str, at: datetime, actor: str) -> int:
        level = severity(f.score)
        values = (
            fp, f.detector, f.title, f.summary, f.score, level, route.department, route.department_name,
            SEP.join(route.sectors), route.region, SEP.join(sorted(set(f.tender_codes))), SEP.join(entity_keys(f)),
            PENDING, "", _iso(at), _iso(deadline(at, level, self.settings)), None, "", "", None, 1, codec.dump(f),
        )  # fmt: skip
        cur = db.execute(f"INSERT INTO alerts VALUES (NULL{',?' * len(values)})", values)
        alert_id = int(cur.lastrowid or 0)
        db.execute("INSERT INTO alert_fingerprints VALUES (?,?)", (fp, alert_id))
        _event(db, alert_id, at, actor, "raise", "", PENDING, {"fingerprint": fp, "score": f.score})
        return alert_id

    def _grow(self, db: sqlite3.Connection, row: sqlite3.Row, f: Finding, fp: str, at: datetime, actor: str) -> bool:
        reopen = row["status"] == DISMISSED
        status = PENDING if reopen else row["status"]
        due = _iso(deadline(at, row["level"], self.settings)) if reopen else row["deadline"]
        db.execute(
            "UPDATE alerts SET fingerprint=?, summary=?, score=?, tenders=?, entities=?, finding=?, version=version+1,"
            " status=?, deadline=?, closed_at=CASE WHEN ? THEN NULL ELSE closed_at END WHERE id=?",
            (fp, f.summary, f.score, SEP.join(sorted(set(f.tender_codes))), SEP.join(entity_keys(f)), codec.dump(f),
             status, due, reopen, row["id"]),
        )  # fmt: skip
        db.execute("INSERT INTO alert_fingerprints VALUES (?,?)", (fp, row["id"]))
        added = sorted(set(f.tender_codes) - set(_split(row["tenders"])))
        _event(
            db, row["id"], at, actor, "reopen" if reopen else "grow", row["status"], status, {"tenders_added": added}
        )
        return reopen

    def assign(self, alert_id: int, person: str, *, actor: str, now: datetime | None = None) -> Alert:
        """Name the person who checks it; a pending alert moves to 核查中."""
        alert = self.get(alert_id)
        if not alert.is_open():
            raise AlertError(f"预警 {alert.number} 已{alert.status}，不能再分派")
        if not person.strip():
            raise AlertError("请填写承办人（登录名）")
        return self._move(alert, CHECKING, actor, now, "assign", assignee=person.strip())

    def dismiss(self, alert_id: int, reason: str, comment: str, *, actor: str, now: datetime | None = None) -> Alert:
        alert = self.require_open(alert_id)
        check_dismissal(reason, comment)
        return self._move(alert, DISMISSED, actor, now, "dismiss", reason=reason, comment=comment)

    def mark_case(
        self, alert_id: int, case_id: int, *, actor: str, comment: str = "", now: datetime | None = None
    ) -> Alert:
        return self._move(self.require_open(alert_id), TO_CASE, actor, now, "to_case", case_id=case_id, comment=comment)

    def require_open(self, alert_id: int) -> Alert:
        alert = self.get(alert_id)
        if not alert.is_open():
            raise AlertError(f"预警 {alert.number} 已{alert.status}，无需再办结")
        return alert

    def _move(self, alert: Alert, target: str, actor: str, now: datetime | None, action: str, **changes: Any) -> Alert:
        at = now or utcnow()
        if target not in OPEN:
            changes["closed_at"] = _iso(at)
        sets = ", ".join(f"{k}=?" for k in ["status", *changes])
        with self._db() as db:
            db.execute(f"UPDATE alerts SET {sets} WHERE id=?", (target, *changes.values(), alert.id))
            _event(db, alert.id, at, actor, action, alert.status, target, changes)
        details = {"from": alert.status, "to": target, **changes}
        audit.record(self.data_dir, f"alert.{action}", actor=actor, target=f"alert:{alert.id}", details=details)
        return self.get(alert.id)

    def get(self, alert_id: int) -> Alert:
        with self._db() as db:
            row = db.execute("SELECT * FROM alerts WHERE id=?", (alert_id,)).fetchone()
        if row is None:
            raise AlertError(f"没有编号为 {alert_id} 的预警")
        return _alert(row)

    def finding(self, alert_id: int) -> Finding:
        """The alert's finding as last raised, evidence included."""
        with self._db() as db:
            row = db.execute("SELECT finding FROM alerts WHERE id=?", (alert_id,)).fetchone()
        if row is None:
            raise AlertError(f"没有编号为 {alert_id} 的预警")
        return codec.load(row["finding"])

    def list(
        self, viewer: Viewer | None = None, *, status: str | None = None, department: str | None = None
    ) -> list[Alert]:
        """Alerts the viewer may see (按权限), newest first."""
        query, args = "SELECT * FROM alerts WHERE 1=1", []
        if status:
            query, args = query + " AND status=?", [*args, status]
        if department:
            query, args = query + " AND department=?", [*args, department]
        with self._db() as db:
            rows = db.execute(query + " ORDER BY raised_at DESC, id DESC", args).fetchall()
        return [a for a in map(_alert, rows) if a.visible_to(viewer)]

    def history(self, alert_id: int) -> list[dict[str, Any]]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM alert_events WHERE alert_id=? ORDER BY seq", (alert_id,)).fetchall()
        return [{**dict(r), "details": json.loads(r["details"])} for r in rows]


def _event(db: sqlite3.Connection, alert_id: int, at: datetime, actor: str, action: str, src: str, dst: str,
           details: dict[str, Any]) -> None:  # fmt: skip
    db.execute(
        "INSERT INTO alert_events (alert_id, at, actor, action, from_status, to_status, details)"
        " VALUES (?,?,?,?,?,?,?)",
        (alert_id, _iso(at), actor, action, src, dst, to_json(details)),
    )


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def _split(text: str) -> tuple[str, ...]:
    return tuple(s for s in text.split(SEP) if s)


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _alert(row: sqlite3.Row) -> Alert:
    data = {k: row[k] for k in row.keys() if k != "finding"}  # noqa: SIM118 (a Row iterates values)
    for key in ("sectors", "tenders", "entities"):
        data[key] = _split(data[key])
    data["raised_at"], data["deadline"] = _time(data["raised_at"]), _time(data["deadline"])
    data["closed_at"] = _time(data["closed_at"])
    return Alert(**data)
