"""The case report as PDF (reportlab), with a CJK TrueType font embedded as a subset so
the report reads the same on a machine without Chinese fonts.

WenQuanYi Zen Hei / Micro Hei (Debian ``fonts-wqy-zenhei``, ``fonts-wqy-microhei``) have
TrueType outlines, which reportlab can embed; Noto CJK's CFF outlines it cannot."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bidgraph.cases.model import CaseError

FONT = "BidgraphCJK"
FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)


@cache
def register_font() -> Path:
    for path in FONT_FILES:
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            return path
    raise CaseError(
        "生成 PDF 报告需要中文 TrueType 字体，未找到：" + "、".join(map(str, FONT_FILES)) + "。"
        "请安装 fonts-wqy-zenhei（scripts/system-deps.sh）"
    )


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontSize=11, leading=15, spaceBefore=6),
        "legal": ParagraphStyle("legal", parent=base, textColor=colors.HexColor("#991b1b")),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5),
    }


def _table(rows: list[list[Any]], style: ParagraphStyle, widths: list[float] | None = None) -> Table:
    cells = [[Paragraph(escape(str(v if v is not None else "")), style) for v in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9ca3af")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f4f6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _page_footer(canvas: Any, doc: Any) -> None:
    """「第 N 页」 centred at the foot of every page, so a printed report can be cited by page."""
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")
    canvas.restoreState()


def report_pdf(context: dict[str, Any]) -> bytes:
    register_font()
    s = _styles()
    width = A4[0] - 36 * mm

    def p(text: Any, style: str = "body") -> Paragraph:
        return Paragraph(escape(str(text)), s[style])

    story: list[Flowable] = [p(context["title"], "title")]
    story.append(_table([["项目", "内容"], *map(list, context["facts"])], s["cell"], [40 * mm, width - 40 * mm]))
    story += [p("一、线索概要", "h2"), p(context["summary"] or "（无）")]
    story.append(
        p(
            f"证据共 {context['entity_count']} 个实体、{context['relationship_count']} 条关系、"
            f"{len(context['findings'])} 条研判发现。"
        )
    )
    drawing = context["graph_drawing"](FONT)
    if drawing is not None:
        story += [drawing, p(context["graph_caption"], "cell")]
    story.append(p("二、研判发现", "h2"))
    if not context["findings"]:
        story.append(p("（本线索未包含研判发现，仅含手工选取的节点与关系。）"))
    for f in context["findings"]:
        story.append(p(f"发现 {f['seq']}：{f['title']}", "h3"))
        story += [
            p(f"法律依据：{f['legal_ground'] or '—'}", "legal"),
            p(f"规则：{f['detector']}　风险分值：{f['score']}"),  # the rule's Chinese title (report.py)
        ]
        story += [p(f["summary"]), p(f"涉及实体：{f['entities'] or '—'}")]
        if f["tenders"]:
            story.append(p(f"涉及标段：{f['tenders']}"))
        if f["figures"]:
            story.append(_table([["数值依据", "值"], *map(list, f["figures"])], s["cell"], [60 * mm, width - 60 * mm]))
        story.append(p("证据：" + ("" if f["evidence"] else "（无图证据）")))
        story += [p(f"· {line}") for line in f["evidence"]]
        story.append(p("来源：" + ("" if f["sources"] else "（未记录）")))
        story += [p(f"· {line}") for line in f["sources"]]
        story.append(p(f"查询：{f['query_id'] or '—'}　参数：{f['params']}（查询全文见 queries/）"))
    story.append(p("三、事实来源", "h2"))
    heads = ["事实", "来源文件", "行号", "载入批次", "引用发现"]
    story.append(_table([heads, *([r[h] for h in heads] for r in context["sources"])], s["cell"]))
    story.append(p("四、办理过程", "h2"))
    heads = ["时间", "原状态", "新状态", "经办人", "接收单位", "意见", "回退/跳步理由"]
    story.append(_table([heads, *([t[h] for h in heads] for t in context["timeline"])], s["cell"]))
    if context["notes"]:
        story += [p("五、备注", "h2"), _table([["时间", "记录人", "内容"], *map(list, context["notes"])], s["cell"])]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=context["title"], initialFontName=FONT
    )
    doc.build([*story, Spacer(1, 4 * mm)], onFirstPage=_page_footer, onLaterPages=_page_footer)
    return buffer.getvalue()
