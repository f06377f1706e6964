"""The daily digest per department: the alerts raised that day (Beijing time) and those
open past their deadline. Written as one Markdown file per department; sent by e-mail
only when an SMTP server is configured (``BIDGRAPH_SMTP_HOST``) — otherwise nothing
leaves the machine."""

from __future__ import annotations

import re
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path

from bidgraph.alerts.model import SEVERITY_ZH, Alert
from bidgraph.alerts.store import AlertStore, utcnow
from bidgraph.errors import BidgraphError
from bidgraph.settings import Settings
from bidgraph.viewer import Viewer
from bidgraph.viz.display import SHANGHAI

UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')  # not in a file name


@dataclass(frozen=True)
class Digest:
    day: date
    department: str  # queue code
    name: str
    new: list[Alert]
    overdue: list[Alert]

    @property
    def subject(self) -> str:
        return f"{self.name} 预警日报 {self.day}：新预警 {len(self.new)} 条，逾期 {len(self.overdue)} 条"

    def sections(self) -> list[tuple[str, list[str]]]:
        """(heading, one line per alert — or what there is instead) for new and overdue."""
        return [
            (f"新预警（{len(self.new)} 条）", [line(a) for a in self.new] or ["今日无新预警。"]),
            (f"逾期未办结（{len(self.overdue)} 条）", [line(a) for a in self.overdue] or ["无逾期预警。"]),
        ]

    def text(self) -> str:
        parts = [f"# {self.subject}", ""]
        for heading, lines in self.sections():
            parts += [f"## {heading}", "", *(f"- {x}" for x in lines), ""]
        return "\n".join(parts)


def line(a: Alert) -> str:
    local = a.deadline.astimezone(SHANGHAI)
    who = a.assignee or "未分派"
    return f"{a.number} [{SEVERITY_ZH[a.level]}] {a.title}：{a.summary}（{a.status}，{who}，时限 {local:%Y-%m-%d}）"


def digests(
    settings: Settings, day: date | None = None, *, viewer: Viewer | None = None, now: datetime | None = None
) -> list[Digest]:
    """One digest per department that has alerts (the viewer's, 按权限), for ``day``
    (default: today in Beijing time); overdue as at the end of that day (or now)."""
    current = now or utcnow()
    day = day or current.astimezone(SHANGHAI).date()
    end = datetime.combine(day + timedelta(days=1), time(), SHANGHAI)
    at = min(current, end)
    groups: dict[tuple[str, str], list[Alert]] = defaultdict(list)
    for alert in AlertStore(settings).list(viewer):
        groups[(alert.department, alert.department_name)].append(alert)
    out = []
    for (code, name), alerts in groups.items():
        new = [a for a in alerts if a.raised_at.astimezone(SHANGHAI).date() == day]
        overdue = sorted((a for a in alerts if a.raised_at < end and a.overdue(at)), key=lambda a: a.deadline)
        out.append(Digest(day, code, name, new, overdue))
    return sorted(out, key=lambda d: (-len(d.overdue), -len(d.new), d.name))  # who is late first


def write_digests(items: list[Digest], folder: Path) -> list[Path]:
    """``<folder>/<day>-<department>.md``, one per department."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for d in items:
        path = folder / f"{d.day}-{UNSAFE.sub('_', d.name)}.md"
        path.write_text(d.text(), encoding="utf-8")
        paths.append(path)
    return paths


def send_digests(items: list[Digest], settings: Settings) -> tuple[list[str], list[str]]:
    """E-mail each digest to its department's addresses (``BIDGRAPH_DIGEST_RECIPIENTS``,
    by code or name); returns (sent to, departments without an address). Nothing is sent
    without ``BIDGRAPH_SMTP_HOST``."""
    if not settings.smtp_host:
        return [], []
    sent, missing = [], []
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            for d in items:
                to = settings.digest_recipients.get(d.department) or settings.digest_recipients.get(d.name)
                if not to:
                    missing.append(d.name)
                    continue
                message = EmailMessage()
                message["Subject"], message["From"], message["To"] = d.subject, settings.smtp_sender, to
                message.set_content(d.text())
                smtp.send_message(message)
                sent.append(to)
    except (OSError, smtplib.SMTPException) as e:
        where = f"{settings.smtp_host}:{settings.smtp_port}"
        raise BidgraphError(f"发送预警日报失败（{where}）：{e}；日报文件已写出，请检查 BIDGRAPH_SMTP_HOST") from e
    return sent, missing
