"""The one place where access rules are decided: which tenders a viewer may see (sector
scope), what of a person a viewer may read (masking, expert identities), which saved
queries a scoped viewer may run, which cases it may open, and which export recipients
it may produce packages for. Services, pages, the CLI and case export call these
functions; none of them decides access on its own. docs/security.md lists every rule
with the function below that enforces it and the test that proves it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bidgraph import protected
from bidgraph.errors import BidgraphError
from bidgraph.graph import GraphStore
from bidgraph.graph.model import Result, Subgraph
from bidgraph.masking import EXPERT_ALIAS, mask_text
from bidgraph.protected import ProtectedStore
from bidgraph.queries.library import SavedQuery, run_query
from bidgraph.settings import Settings
from bidgraph.viewer import Viewer

# Appended to a WHERE on a tender ``t``: the viewer's sectors, or all when empty.
TENDER_SCOPE = "(size($sectors) = 0 OR t.industry IN $sectors)"
# A user query declares its scope by taking this parameter and filtering on it.
SCOPE_PARAM = "sectors"


class AccessDenied(BidgraphError):
    """The viewer's role or sector scope does not allow this read or export."""


def scope_params(viewer: Viewer, **params: Any) -> dict[str, Any]:
    return {SCOPE_PARAM: sorted(viewer.sectors), **params}


def may_see_sectors(viewer: Viewer, sectors: Iterable[str | None]) -> bool:
    """Whether every sector named is within the viewer's scope (no sectors: visible)."""
    return all(viewer.may_see_sector(s) for s in sectors)


def check_unscoped(viewer: Viewer, what: str) -> None:
    """Reads that cannot be confined to sectors are for unscoped viewers only."""
    if viewer.sectors:
        raise AccessDenied(f"{what}无法限定在您的监管行业范围内（{'、'.join(sorted(viewer.sectors))}），不能使用。")


# -- graphs --------------------------------------------------------------------------------
def scope_subgraph(store: GraphStore, graph: Subgraph, viewer: Viewer) -> Subgraph:
    """The subgraph without tenders outside the viewer's sectors, nor the bids for them
    (a bid names its tender, price and bidder), nor their relationships."""
    if not viewer.sectors:
        return graph
    codes = {str(n.get("tender_code")) for n in graph.nodes.values() if n.label == "Bid" and n.get("tender_code")}
    industry = {str(n.get("key")): n.get("industry") for n in graph.nodes.values() if n.label == "Tender"}
    missing = sorted(codes - set(industry))
    if missing:
        rows = store.run("MATCH (t:Tender) WHERE t.key IN $keys RETURN t.key, t.industry", {"keys": missing}, limit=0)
        industry.update({str(key): value for key, value in rows.rows})
    hidden = {
        nid
        for nid, n in graph.nodes.items()
        if (n.label == "Tender" and not viewer.may_see_sector(n.get("industry")))
        or (n.label == "Bid" and not viewer.may_see_sector(industry.get(str(n.get("tender_code")))))
    }
    return Subgraph(
        nodes={nid: n for nid, n in graph.nodes.items() if nid not in hidden},
        relationships={
            rid: r for rid, r in graph.relationships.items() if r.start not in hidden and r.end not in hidden
        },
    )


# -- saved queries ---------------------------------------------------------------------------
def declares_scope(query: SavedQuery) -> bool:
    return any(p.name == SCOPE_PARAM for p in query.parameters)


def run_saved_query(
    store: GraphStore, query: SavedQuery, values: Mapping[str, Any], viewer: Viewer, *, limit: int | None = None
) -> Result:
    """A user's saved plain query, run for ``viewer``. A sector-scoped viewer may run only
    queries that declare a ``sectors`` list parameter, which is then set to its sectors."""
    params = dict(values)
    if viewer.sectors:
        if not declares_scope(query):
            raise AccessDenied(
                f"查询「{query.title}」没有声明行业范围，您的账号限定了可见行业，不能运行。"
                f"请分析员在查询中加入列表参数 ${SCOPE_PARAM}（如 WHERE t.industry IN ${SCOPE_PARAM}）后再保存。"
            )
        params[SCOPE_PARAM] = sorted(viewer.sectors)
    return run_query(store, query, params, limit=limit)


# -- people ----------------------------------------------------------------------------------
class _FindingLike(Protocol):
    @property
    def evidence(self) -> Subgraph: ...


def expert_aliases(findings: Iterable[_FindingLike], viewer: Viewer) -> dict[str, str]:
    """Expert name -> anonymous caption, for viewers who may not know who the experts are."""
    if viewer.sees_expert_details:
        return {}
    aliases: dict[str, str] = {}
    for finding in findings:
        for node in finding.evidence.nodes.values():
            name = node.get("name")
            if "Expert" in node.labels and name:
                aliases[str(name)] = f"评标专家（{node.get('expert_no') or '编号未知'}）"
    return aliases


def readable(text: str, viewer: Viewer, aliases: Mapping[str, str] | None = None) -> str:
    """Free text as ``viewer`` may read it: numbers masked; experts named by their alias
    unless the viewer may see who they are (then by name, from the protected store)."""
    for name in sorted(aliases or {}, key=len, reverse=True):
        text = text.replace(name, (aliases or {})[name])
    if viewer.sees_expert_details and EXPERT_ALIAS.search(text):
        known = protected.experts(_vault(), EXPERT_ALIAS.findall(text))
        text = EXPERT_ALIAS.sub(lambda m: str(known.get(m.group(1), {}).get("name") or m.group()), text)
    return mask_text(text, viewer)


class _NodeLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def properties(self) -> Mapping[str, Any]: ...


N = TypeVar("N", bound=_NodeLike)


def _clear_keys(node: _NodeLike) -> tuple[str, str] | None:
    """(protected-store key, property to fill) for a node that has a protected number."""
    props = node.properties
    if "Person" in node.labels and props.get("id_hash"):
        return "id:" + str(props["id_hash"]), "id_number"
    if {"Phone", "BankAccount"} & set(node.labels) and props.get("key"):
        return str(props["key"]), "value"
    return None


def _vault(data_dir: Path | None = None) -> ProtectedStore:
    # read fresh like the pages' settings, so a page pointed elsewhere reads its own store
    return ProtectedStore(data_dir or Settings().data_dir)


def reveal(nodes: Iterable[N], viewer: Viewer, data_dir: Path | None = None, *, numbers: bool = True) -> list[N]:
    """The nodes with what the protected store keeps for them, as far as ``viewer`` is
    entitled: full ID, phone and account numbers (liaison, admin; not if ``numbers`` is
    False) and who an evaluation expert is (roles with expert details)."""
    nodes = list(nodes)
    vault = _vault(data_dir)
    wanted = {n.id: _clear_keys(n) for n in nodes} if viewer.sees_full_ids and numbers else {}
    clear = vault.get(k[0] for k in wanted.values() if k)
    numbers = [n.properties.get("expert_no") for n in nodes if "Expert" in n.labels]
    who = protected.experts(vault, [str(x) for x in numbers if x]) if viewer.sees_expert_details else {}
    out = []
    for node in nodes:
        extra: dict[str, Any] = (
            dict(who.get(str(node.properties.get("expert_no")), {})) if "Expert" in node.labels else {}
        )
        found = wanted.get(node.id)
        if found and found[0] in clear:
            extra[found[1]] = clear[found[0]]
        if extra:
            node = replace(node, properties={**node.properties, **extra})  # type: ignore[type-var]
        out.append(node)
    return out


def reveal_subgraph(graph: Subgraph, viewer: Viewer) -> Subgraph:
    """A drawing's nodes as ``viewer`` may see them (see ``reveal``)."""
    ids = list(graph.nodes)
    return Subgraph(
        nodes=dict(zip(ids, reveal(graph.nodes.values(), viewer), strict=True)), relationships=graph.relationships
    )


# -- cases -----------------------------------------------------------------------------------
class _CaseLike(Protocol):
    @property
    def sectors(self) -> tuple[str, ...]: ...


def may_see_case(case: _CaseLike, viewer: Viewer) -> bool:
    """A case carries the sectors of its tenders; it is visible within all of them."""
    return may_see_sectors(viewer, case.sectors)


def check_case(case: _CaseLike, viewer: Viewer) -> None:
    if not may_see_case(case, viewer):
        raise AccessDenied(
            f"该线索涉及 {'、'.join(case.sectors)} 行业，超出您的监管行业范围（{'、'.join(sorted(viewer.sectors))}）。"
        )


class _RecipientLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def full_identifiers(self) -> bool: ...


def may_export_to(viewer: Viewer, to: _RecipientLike) -> bool:
    """Packages with full ID, phone and account numbers only by roles that may see them."""
    return viewer.sees_full_ids or not to.full_identifiers


def check_export(viewer: Viewer, to: _RecipientLike) -> None:
    if not may_export_to(viewer, to):
        raise AccessDenied(
            f"用户「{viewer.user}」无权导出给{to.name}的移交包（含完整身份证号、电话号码、银行账号），"
            "请由纪检/公安联络或管理员导出，或选择脱敏的接收方。"
        )
