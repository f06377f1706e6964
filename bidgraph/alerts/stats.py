"""督办 figures: per department and per person — open, overdue, handled within the
deadline, median handling time — and per rule how many alerts became cases, the figure
that says whether a rule earns its false positives."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from statistics import median

from bidgraph.alerts.model import DISMISSED, HANDLED, TO_CASE, Alert


@dataclass(frozen=True)
class QueueFigures:
    name: str
    total: int
    open: int
    overdue: int
    closed: int
    on_time: int
    median_days: float | None  # raise → close, over closed alerts

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class RuleFigures:
    detector: str
    total: int
    to_case: int
    dismissed: int
    dismiss_reasons: dict[str, int]

    @property
    def confirmation_rate(self) -> float | None:
        """Cases over decided alerts; None until one is decided."""
        decided = self.to_case + self.dismissed
        return self.to_case / decided if decided else None

    @property
    def precision(self) -> float | None:
        """Share of decided alerts that were real: turned into a case, or dismissed as
        已有处理 (handled elsewhere — true, only not ours to pursue); 正常竞争, 数据错误
        and 其他 count against the rule. None until one is decided."""
        decided = self.to_case + self.dismissed
        return (self.to_case + self.dismiss_reasons.get(HANDLED, 0)) / decided if decided else None

    def precision_text(self) -> str:
        """「精确率 80%（已处置 5 条）」 for the 研判 page, or 「尚无处置」."""
        if self.precision is None:
            return "尚无处置"
        return f"精确率 {self.precision:.0%}（已处置 {self.to_case + self.dismissed} 条）"

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "confirmation_rate": self.confirmation_rate, "precision": self.precision}


def queue_figures(alerts: Iterable[Alert], key: Callable[[Alert], str], now: datetime) -> list[QueueFigures]:
    groups: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        groups[key(alert)].append(alert)
    figures = [_figures(name, group, now) for name, group in groups.items()]
    return sorted(figures, key=lambda f: (-f.overdue, -f.open, f.name))  # who is late comes first


def _figures(name: str, alerts: list[Alert], now: datetime) -> QueueFigures:
    closed = [a for a in alerts if a.closed_at is not None]
    days = [(a.closed_at - a.raised_at).total_seconds() / 86400 for a in closed if a.closed_at]
    return QueueFigures(
        name=name,
        total=len(alerts),
        open=sum(a.is_open() for a in alerts),
        overdue=sum(a.overdue(now) for a in alerts),
        closed=len(closed),
        on_time=sum(a.on_time() for a in closed),
        median_days=round(median(days), 2) if days else None,
    )


def by_department(alerts: Iterable[Alert], now: datetime) -> list[QueueFigures]:
    return queue_figures(alerts, lambda a: a.department_name, now)


def by_person(alerts: Iterable[Alert], now: datetime) -> list[QueueFigures]:
    return queue_figures(alerts, lambda a: a.assignee or "（未分派）", now)


def by_rule(alerts: Iterable[Alert]) -> list[RuleFigures]:
    groups: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        groups[alert.detector].append(alert)
    out = []
    for detector, group in sorted(groups.items()):
        reasons: dict[str, int] = defaultdict(int)
        for a in group:
            if a.status == DISMISSED:
                reasons[a.reason] += 1
        to_case = sum(a.status == TO_CASE for a in group)
        out.append(RuleFigures(detector, len(group), to_case, sum(reasons.values()), dict(reasons)))
    return out
