"""The sector report as one self-contained HTML file: charts inlined as data URIs, no
scripts, fonts or requests, so it opens offline."""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bidgraph.report import tables
from bidgraph.report.build import SectorReport

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html"]))


def render_html(report: SectorReport, images: dict[str, bytes] | None = None) -> str:
    """``images``: the charts (``tables.images``) when the caller already drew them."""
    drawn = images if images is not None else tables.images(report)
    return _ENV.get_template("template.html").render(
        r=report,
        meta=tables.meta(report),
        overview=tables.overview(report),
        outline=tables.outline(report),
        images={k: base64.b64encode(v).decode("ascii") for k, v in drawn.items()},
    )
