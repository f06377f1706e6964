"""Alerts from every load: the end of a successful ``bidgraph load`` (and of the 数据
page's load) runs the detectors and raises alerts. Raising is the load's epilogue, not
part of it: whatever goes wrong here becomes a warning on the load report, never a
failed load (the data is written; ``bidgraph alerts raise`` can be run again)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from bidgraph.alerts.service import raise_alerts
from bidgraph.alerts.store import RaiseResult
from bidgraph.graph.store import GraphStore
from bidgraph.loaders.report import LoadReport
from bidgraph.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadAlerts:
    result: RaiseResult
    seconds: float

    def summary(self) -> str:
        return f"预警：{self.result.summary()}（用时 {self.seconds:.1f} 秒）"


def alerts_after_load(graph: GraphStore, settings: Settings, report: LoadReport, *, actor: str) -> LoadAlerts | None:
    """Raise alerts when the load wrote something and ``alerts_on_load`` is on; failures
    of single detectors and of the whole step go to ``report.warnings``."""
    if not (settings.alerts_on_load and report.written):
        return None
    started = time.perf_counter()
    failures: dict[str, str] = {}
    try:
        result = raise_alerts(graph, settings, actor=actor, failures=failures)
    except Exception as e:  # any failure here must leave the written load a success
        log.exception("raising alerts after load %s failed", report.load_id)
        report.warnings.append(f"数据已导入，但生成预警失败：{e}。请排除原因后运行 bidgraph alerts raise")
        return None
    report.warnings += [f"生成预警时规则 {d} 未完成：{error}" for d, error in failures.items()]
    return LoadAlerts(result, time.perf_counter() - started)
