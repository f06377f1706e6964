"""Cases for the workbench and the CLI, within the viewer's scope: the list, opening
one (audited, masked as the viewer may see it), export recipients and the export."""

from __future__ import annotations

from pathlib import Path

from bidgraph.cases import Case, CaseStore, CaseSummary
from bidgraph.cases.export import ExportResult, export_case
from bidgraph.cases.export.graphfiles import case_subgraph
from bidgraph.cases.masking import Recipient, mask_case, recipient, recipients_for
from bidgraph.graph import GraphStore
from bidgraph.graph.model import Subgraph
from bidgraph.services import access
from bidgraph.viewer import Viewer


def case_list(cases: CaseStore, viewer: Viewer, status: str | None = None) -> list[CaseSummary]:
    """The cases whose evidence lies within the viewer's sectors."""
    return [c for c in cases.list(status) if access.may_see_case(c, viewer)]


def open_case(cases: CaseStore, case_id: int, viewer: Viewer, *, audit: bool = True) -> tuple[Case, Case]:
    """The case and the case as ``viewer`` may see it (numbers masked unless entitled);
    refused outside the viewer's sectors. ``audit`` records the view."""
    case = cases.get(case_id)
    access.check_case(case, viewer)
    if audit:
        case = cases.view(case_id, actor=viewer.user)
    return case, case if viewer.sees_full_ids else mask_case(case, recipient("内部"))[0]


def drawing(case: Case, viewer: Viewer) -> Subgraph:
    """The case's graph as ``viewer`` may see it (experts named for roles entitled to it)."""
    return access.reveal_subgraph(case_subgraph(case), viewer)


def recipients(viewer: Viewer) -> list[Recipient]:
    return recipients_for(viewer)


def export(
    cases: CaseStore,
    case_id: int,
    recipient_name: str,
    viewer: Viewer,
    out_dir: Path,
    store: GraphStore | None = None,
) -> ExportResult:
    """The sealed package; ``export_case`` itself checks entitlement and scope."""
    return export_case(cases, case_id, recipient_name=recipient_name, viewer=viewer, out_dir=out_dir, graph_store=store)
