"""标书比对 for the workbench and exports: the two documents of a 标书雷同 finding side by
side, matched passages highlighted, shared errors listed (texts re-read from the files
the ``Document`` nodes point at)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from bidgraph.analysis.findings import Finding
from bidgraph.documents.read import read_document
from bidgraph.errors import DataError
from bidgraph.graph.model import Node, Subgraph, caption


@dataclass
class Comparison:
    bidder_a: str
    bidder_b: str
    file_a: str
    file_b: str
    score: float
    sections: dict[str, float]
    errors: list[str]
    passages: list[dict]
    html_a: str = ""
    html_b: str = ""
    problems: list[str] = field(default_factory=list)

    def passage_rows(self) -> list[dict[str, str]]:
        """The matched passages as quoted text with their offsets in each document."""
        return [
            {
                "章节": p["section"],
                "甲方位置": "–".join(map(str, p["a"])),
                "乙方位置": "–".join(map(str, p["b"])),
                "原文": p["text"],
            }
            for p in self.passages
        ]


def comparisons(finding: Finding) -> list[Comparison]:
    """One comparison per SIMILAR_TO relationship in the finding's evidence."""
    ev = finding.evidence
    out = []
    for rel in ev.relationships.values():
        if rel.type != "SIMILAR_TO":
            continue
        docs = {r.start: ev.nodes.get(r.end) for r in ev.relationships.values() if r.type == "HAS_DOCUMENT"}
        passages = json.loads(rel.get("passages") or "[]")
        c = Comparison(
            _bidder(ev, rel.start),
            _bidder(ev, rel.end),
            _file(docs.get(rel.start)),
            _file(docs.get(rel.end)),
            float(rel.get("score") or 0),
            json.loads(rel.get("sections") or "{}"),
            list(rel.get("shared_errors") or []),
            passages,
        )
        for side, doc in (("a", docs.get(rel.start)), ("b", docs.get(rel.end))):
            try:
                text = _text(doc)
            except DataError as e:
                c.problems.append(str(e))
                continue
            setattr(c, f"html_{side}", highlight(text, [tuple(p[side]) for p in passages], c.errors))
        out.append(c)
    return out


def _bidder(ev: Subgraph, bid: str) -> str:
    for r in ev.relationships.values():
        if r.type == "SUBMITTED" and r.end == bid and r.start in ev.nodes:
            return caption(ev.nodes[r.start])
    return bid


def _file(doc: Node | None) -> str:
    return str(doc.get("file_name") or "") if doc else ""


def _text(doc: Node | None) -> str:
    if doc is None or not doc.get("path"):
        raise DataError("证据中没有该投标文件的路径；请重新导入投标文件（bidgraph documents load）")
    return read_document(Path(str(doc.get("path")))).text


def highlight(text: str, spans: list[tuple[int, int]], errors: list[str]) -> str:
    """The text as HTML: matched spans in <mark>, with the shared errors' literal text
    (typo context, wrong figure, odd formatting) underlined in red inside or outside them."""
    out, at = [], 0
    for start, end in sorted(s for s in spans if 0 <= s[0] < s[1] <= len(text)):
        if start < at:
            continue
        out.append(_errors(text[at:start], errors))
        out.append(f"<mark>{_errors(text[start:end], errors)}</mark>")
        at = end
    out.append(_errors(text[at:], errors))
    return "".join(out).replace("\n", "<br>")


def needle(error: str) -> str:
    """The literal text of a shared error as it stands in the document."""
    kind, _, body = error.partition("：")
    body = body.split("（应为", 1)[0]
    return re.sub(r"^\D+", "", body) if kind == "错误数字" else body  # 工期210日历天 reads 工期为210日历天


def _errors(chunk: str, errors: list[str]) -> str:
    html = escape(chunk)
    for error in errors:
        literal = escape(needle(error))
        if literal:
            html = html.replace(literal, f'<u class="slip">{literal}</u>')
    return html
