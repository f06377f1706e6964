"""The sector report as one self-contained HTML file (no scripts, fonts or requests)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bidgraph.report.build import SectorReport

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html"]))


def render_html(report: SectorReport) -> str:
    return _ENV.get_template("template.html").render(r=report)
