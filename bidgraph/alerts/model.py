"""The alert model: states, the stable fingerprint that deduplicates findings across
loads, severity → deadline, and the rules for closing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from bidgraph.analysis.findings import Finding
from bidgraph.errors import BidgraphError
from bidgraph.services.access import may_see_sectors
from bidgraph.settings import Settings
from bidgraph.viewer import Viewer

PENDING, CHECKING, TO_CASE, DISMISSED = "待处理", "核查中", "已转线索", "已排除"
STATES: tuple[str, ...] = (PENDING, CHECKING, TO_CASE, DISMISSED)
OPEN: tuple[str, ...] = (PENDING, CHECKING)
CLOSED: tuple[str, ...] = (TO_CASE, DISMISSED)
DISMISS_REASONS: tuple[str, ...] = ("正常竞争", "数据错误", "已有处理", "其他")
HANDLED = DISMISS_REASONS[2]  # dismissed because already handled: the alert was right
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}
ACTION_ZH = {"raise": "生成", "assign": "分派", "to_case": "转线索", "dismiss": "排除", "grow": "证据增加",
             "reopen": "证据增加，重新打开"}  # fmt: skip


class AlertError(BidgraphError):
    """An alert operation the rules do not allow (the message says why, in Chinese)."""


def entity_keys(finding: Finding) -> tuple[str, ...]:
    return tuple(sorted({f"{label}:{key}" for label, key, _ in finding.entities}))


def fingerprint(finding: Finding) -> str:
    """Rule + sorted entity keys + sorted tenders: the same finding from a later load
    (new node ids, new load id) has the same fingerprint."""
    parts = [finding.detector, *entity_keys(finding), "|", *sorted(set(finding.tender_codes))]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def severity(score: float) -> str:
    return "high" if score >= 70 else "medium" if score >= 40 else "low"


def deadline(raised_at: datetime, level: str, settings: Settings) -> datetime:
    days = {"high": settings.alert_days_high, "medium": settings.alert_days_medium, "low": settings.alert_days_low}
    return raised_at + timedelta(days=days[level])


def check_dismissal(reason: str, comment: str) -> None:
    if reason not in DISMISS_REASONS:
        raise AlertError(f"排除预警必须选择排除理由：{'、'.join(DISMISS_REASONS)}（收到「{reason or '空'}」）")
    if not comment.strip():
        raise AlertError("排除预警必须填写说明（为什么排除、依据是什么）")


@dataclass(frozen=True)
class Alert:
    id: int
    fingerprint: str
    detector: str
    title: str
    summary: str
    score: float
    level: str
    department: str  # queue: the supervising department's code (or 行业|地区 when none is recorded)
    department_name: str
    sectors: tuple[str, ...]  # industries of the alert's tenders
    region: str
    tenders: tuple[str, ...]
    entities: tuple[str, ...]
    status: str
    assignee: str
    raised_at: datetime
    deadline: datetime
    closed_at: datetime | None
    reason: str
    comment: str
    case_id: int | None
    version: int

    @property
    def number(self) -> str:
        return f"YJ-{self.id:05d}"

    def is_open(self) -> bool:
        return self.status in OPEN

    def overdue(self, now: datetime) -> bool:
        return self.is_open() and now > self.deadline

    def on_time(self) -> bool:
        return self.closed_at is not None and self.closed_at <= self.deadline

    def visible_to(self, viewer: Viewer | None) -> bool:
        """按权限, the access layer's rule for findings: every sector the alert's tenders
        lie in must be the viewer's (an alert without tenders is in no sector)."""
        return viewer is None or may_see_sectors(viewer, self.sectors)
