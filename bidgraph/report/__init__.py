"""The half-year sector report (各级行业行政监督部门至少每半年 … 跟踪处置): 抱团关系、
价格离散度、中标率 findings for one sector and period, and how its alerts were handled."""

from bidgraph.report.build import SectorReport, build_report
from bidgraph.report.pdf import render_pdf
from bidgraph.report.render import render_html

__all__ = ["SectorReport", "build_report", "render_html", "render_pdf"]
