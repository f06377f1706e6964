"""The case (线索) model: evidence snapshots, notes and the status loop
发现 → 移交 → 核查 → 处理 → 反馈, with the rule that going back or skipping a step
needs a written reason (全过程留痕)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bidgraph.errors import BidgraphError

STATUSES: tuple[str, ...] = ("发现", "移交", "核查", "处理", "反馈")
INITIAL_STATUS = STATUSES[0]

# Bodies a case is usually handed to; the UI offers them, free text is allowed too.
RECEIVING_BODIES: tuple[str, ...] = (
    "市纪委监委",
    "区（县）纪委监委",
    "公安机关经侦部门",
    "行业行政监督部门",
    "公共资源交易监督管理办公室",
)


class CaseError(BidgraphError):
    """A case operation that the rules do not allow (the message says why, in Chinese)."""


@dataclass(frozen=True)
class NodeSnapshot:
    """A node as it was when it was added to the case (properties copied)."""

    id: str
    labels: tuple[str, ...]
    properties: dict[str, Any]
    added_at: str = ""
    added_by: str = ""

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else ""

    @property
    def key(self) -> str:
        return str(self.properties.get("key", self.id))


@dataclass(frozen=True)
class RelSnapshot:
    id: str
    type: str
    start: str
    end: str
    properties: dict[str, Any]
    added_at: str = ""
    added_by: str = ""


@dataclass(frozen=True)
class FindingSnapshot:
    """A finding as a plain dict (``Finding.to_dict()``) plus the query text behind it."""

    seq: int
    data: dict[str, Any]
    query_text: str
    added_at: str
    added_by: str


@dataclass(frozen=True)
class Note:
    seq: int
    text: str
    author: str
    at: str


@dataclass(frozen=True)
class Transition:
    seq: int
    from_status: str
    to_status: str
    actor: str
    at: str
    comment: str = ""
    receiving_body: str = ""
    reason: str = ""


@dataclass
class Case:
    id: int
    title: str
    summary: str
    status: str
    created_at: str
    created_by: str
    updated_at: str
    nodes: dict[str, NodeSnapshot] = field(default_factory=dict)
    relationships: dict[str, RelSnapshot] = field(default_factory=dict)
    findings: list[FindingSnapshot] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)

    @property
    def number(self) -> str:
        """The case number people quote (线索编号)."""
        return f"XS-{self.id:05d}"

    @property
    def sectors(self) -> tuple[str, ...]:
        """The industries of the tenders in the evidence: the case is scoped by them."""
        industries = {n.properties.get("industry") for n in self.nodes.values() if "Tender" in n.labels}
        return tuple(sorted(str(i) for i in industries if i))

    def load_ids(self) -> list[str]:
        """Every data load the evidence comes from, sorted."""
        ids = {str(e.properties["load_id"]) for e in self._elements() if e.properties.get("load_id")}
        return sorted(ids)

    def data_loaded_at(self) -> str:
        """The newest ``loaded_at`` among the evidence: the data snapshot time."""
        times = [str(e.properties["loaded_at"]) for e in self._elements() if e.properties.get("loaded_at")]
        return max(times, default="")

    def evidence_added_at(self) -> str:
        times = [e.added_at for e in self._elements()] + [f.added_at for f in self.findings]
        return max((t for t in times if t), default="")

    def _elements(self) -> list[NodeSnapshot | RelSnapshot]:
        return [*self.nodes.values(), *self.relationships.values()]


def check_transition(current: str, target: str, *, reason: str = "", receiving_body: str = "") -> None:
    """Raise ``CaseError`` unless moving from ``current`` to ``target`` is allowed."""
    if target not in STATUSES:
        raise CaseError(f"未知的线索状态「{target}」；可选：{' → '.join(STATUSES)}")
    if target == current:
        raise CaseError(f"线索已处于「{current}」状态，无需变更")
    step = STATUSES.index(target) - STATUSES.index(current)
    if step < 0 and not reason.strip():
        raise CaseError(f"从「{current}」退回到「{target}」属于回退，必须填写回退理由")
    if step > 1 and not reason.strip():
        skipped = "、".join(STATUSES[STATUSES.index(current) + 1 : STATUSES.index(target)])
        raise CaseError(f"从「{current}」直接到「{target}」跳过了「{skipped}」，必须填写跳步理由")
    if target == "移交" and not receiving_body.strip():
        raise CaseError("移交线索必须填写接收单位（如 市纪委监委、公安机关经侦部门）")
