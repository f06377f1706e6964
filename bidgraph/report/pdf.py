"""The sector report as PDF (reportlab): the first page says what reproduces it (data
version, parameters, command); the charts are the same PNGs as the HTML's; the CJK font
is embedded as in the case report, so it reads the same on a machine without it."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus import Table as Grid

from bidgraph.cases.export.pdf import FONT, _page_footer, _styles, _table, register_font
from bidgraph.report import tables
from bidgraph.report.build import SectorReport

WIDTH = A4[0] - 36 * mm


def render_pdf(report: SectorReport, images: dict[str, bytes] | None = None) -> bytes:
    """``images``: the charts (``tables.images``) when the caller already drew them."""
    drawn = images if images is not None else tables.images(report)
    register_font()
    s = _styles()

    def p(text: str, style: str = "body") -> Paragraph:
        return Paragraph(escape(text), s[style])

    meta, overview = tables.meta(report), tables.overview(report)
    story: list[Flowable] = [p(f"{report.sector} 行业交易监督分析报告", "title")]
    story += [_table([meta.header, *meta.rows], s["cell"], [52 * mm, WIDTH - 52 * mm]), p("本期概况", "h3")]
    story += [_table([overview.header, *overview.rows], s["cell"], [52 * mm, WIDTH - 52 * mm]), PageBreak()]
    for section in tables.outline(report):
        story += [p(section.title, "h2"), p(section.lead)]
        rings = [_image(drawn[n], caption, s, WIDTH / 2 - 4 * mm) for n, caption in section.images if n[:5] == "ring-"]
        if rings:  # two to a row
            rows = [rings[i : i + 2] for i in range(0, len(rings), 2)]
            rows[-1] += [""] * (2 - len(rows[-1]))
            story.append(Grid(rows, colWidths=[WIDTH / 2] * 2, style=[("FONTNAME", (0, 0), (-1, -1), FONT)]))
        for name, caption in section.images:
            story += [] if name[:5] == "ring-" else _image(drawn[name], caption, s, WIDTH)
        for caption, table in section.tables:
            grid = _table([table.header, *table.rows], s["cell"], _widths(table))
            for row in table.late:  # overdue rows red, as on the page
                grid.setStyle([("TEXTCOLOR", (0, row + 1), (-1, row + 1), colors.HexColor("#a30d0d"))])
            story += [Spacer(1, 4), p(caption, "h3"), grid]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{report.sector} 行业交易监督分析报告（{report.start} 至 {report.end}）",
        author="bidgraph",
        initialFontName=FONT,  # else the canvas names Helvetica, unembedded
    )
    doc.build(story, onFirstPage=_page_footer, onLaterPages=_page_footer)
    return buf.getvalue()


def _widths(table: tables.Table) -> list[float]:
    """Columns as wide as their longest text (within limits), filling the page width."""
    weights = [
        min(30, max(6, *(len(str(row[i])) for row in [table.header, *table.rows]))) for i in range(len(table.header))
    ]
    return [WIDTH * w / sum(weights) for w in weights]


def _image(png: bytes, caption: str, s: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    """The chart scaled down to ``width``, with its caption below."""
    picture = Image(io.BytesIO(png))
    scale = min(1.0, width / picture.imageWidth)
    picture.drawWidth, picture.drawHeight = picture.imageWidth * scale, picture.imageHeight * scale
    return [picture, Paragraph(escape(caption), s["cell"])]
