"""The account every load ends with: per file and table, rows read / written / dropped,
the reasons grouped with counts (root causes apart from the rows that fail only because
a row they refer to failed), and in Chinese which kinds of facts the graph now lacks."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

CASCADE = "连带"  # prefix of reasons that are consequences of another row's error
# what the graph lacks when rows of a table are dropped
FACTS = {
    "companies": "企业基本信息（注册资本、地址、电话等）",
    "tenderers": "招标人",
    "agencies": "招标代理机构",
    "departments": "行政监督部门",
    "persons": "自然人及其联系方式",
    "projects": "项目",
    "tenders": "标段（及其招标人、代理机构、监督部门关系）",
    "experts": "评标专家及其工作单位",
    "certificates": "执业资格证书（持证关系）",
    "roles": "任职与持股关系（法定代表人、股东、高管、员工）",
    "kinship": "亲属关系",
    "contacts": "联系方式（共用电话、邮箱、地址）",
    "penalties": "行政处罚与失信记录",
    "bids": "投标记录及其证据（报价、IP、设备、保证金账户、项目负责人）",
    "evaluations": "评标记录（专家评审关系）",
    "allowlist": "标识白名单",
}


@dataclass
class FileAccount:
    """One file (or sheet) of a load."""

    file: str
    table: str
    read: int = 0
    written: int = 0
    dropped: int = 0
    rejected: str = ""  # why the whole file was refused ("" if it was read)
    reasons: Counter[str] = field(default_factory=Counter)  # "column：reason" -> rows

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "table": self.table,
            "read": self.read,
            "written": self.written,
            "dropped": self.dropped,
            "rejected": self.rejected,
            "reasons": dict(self.reasons.most_common()),
        }


def reason_group(column: str, reason: str) -> str:
    """An error's reason without the row-specific details (the first row, the key)."""
    general = re.sub(r"（与 .+? 第 \d+ 行键相同：.*）$", "", reason)
    return f"{column}：{general}" if column else general


def missing_facts(accounts: list[FileAccount], nothing_written: bool) -> list[str]:
    """Per table with dropped rows (or a refused file): what the graph lacks, in Chinese.
    After a refused strict load every row of every file is missing."""
    lines = []
    by_table: dict[str, list[FileAccount]] = {}
    for account in accounts:
        by_table.setdefault(account.table, []).append(account)
    for table, group in by_table.items():
        dropped = sum(a.dropped for a in group)
        refused = [a.file for a in group if a.rejected]
        if nothing_written:
            dropped = sum(a.read for a in group)
        if not (dropped or refused):
            continue
        where = f"（{'、'.join(refused)} 整个文件未导入）" if refused else ""
        lines.append(f"图谱中缺少 {dropped:,} 行{FACTS.get(table, table)}{where}")
    return lines


def root_causes(accounts: list[FileAccount]) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """(root causes, consequences): (file, reason group, rows), largest first."""
    roots, cascades = [], []
    for account in accounts:
        if account.rejected:
            roots.append((account.file, f"整个文件未导入：{account.rejected}", account.read))
        for reason, count in account.reasons.most_common():
            (cascades if CASCADE in reason else roots).append((account.file, reason, count))
    return roots, cascades


def account_rows(accounts: list[FileAccount], dry_run: bool) -> list[dict[str, object]]:
    """The account as table rows with Chinese headers (for the Data page)."""
    rows = []
    for a in accounts:
        done = a.read - a.dropped if dry_run else a.written
        reasons = "；".join(f"{r}（{n:,} 行）" for r, n in a.reasons.most_common(5))
        rows.append(
            {
                "文件": a.file,
                "表": a.table or "—",
                "读取": a.read,
                "可写入" if dry_run else "已写入": done,
                "未导入": a.read - done,
                "原因": f"整个文件未导入：{a.rejected}" if a.rejected else reasons,
            }
        )
    return rows
