"""OCDS (Open Contracting Data Standard) release and record packages -> rows of the
canonical tables (companies, tenderers, agencies, tenders, bids), so they take the same
checks and writes as CSV. Parties by role: buyer -> tenderer, procuringEntity ->
agency, tenderer/supplier -> company; bids from the bids extension (``bids.details``),
else from ``tender.tenderers``; ``won`` from active awards.

A package is read whole (json); OCDS exports are per-procedure files, not bulk tables."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from bidgraph.errors import DataError
from bidgraph.loaders import normalize
from bidgraph.loaders.read import Source
from bidgraph.loaders.tables import tables

OCDS_TABLES = ("companies", "tenderers", "agencies", "tenders", "bids")
CATEGORY = {"goods": "政府采购货物", "services": "政府采购服务", "works": "房建市政"}
UNKNOWN_REGION = "未注明"


def is_ocds(path: Path) -> bool:
    try:
        doc = _document(path, path.stat().st_mtime)
    except DataError:
        return True  # let the read step report why it cannot be read
    return isinstance(doc, dict) and ("releases" in doc or "records" in doc)


def ocds_sources(path: Path) -> list[Source]:
    found = {table for release in _releases(path) for table, _ in _release_rows(release)}
    return [Source(path, table, "ocds", table) for table in OCDS_TABLES if table in found]


def ocds_rows(path: Path, table: str) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    header = list(tables()[table].columns)

    def rows() -> Iterator[tuple[int, list[object]]]:
        for number, release in enumerate(_releases(path), start=1):
            for row_table, row in _release_rows(release):
                if row_table == table:
                    yield number, [row.get(c) for c in header]

    return header, rows()


@lru_cache(maxsize=4)
def _document(path: Path, mtime: float) -> Any:
    try:
        with path.open("rb") as handle:
            return json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DataError(f"无法解析 JSON：{e}", file=path.name) from None
    except RecursionError:  # 200,000 nested [ ... ]: not data, and json.load cannot follow
        raise DataError("无法解析 JSON：嵌套层数过深（不是正常的 OCDS 文件）", file=path.name) from None


def _releases(path: Path) -> list[dict[str, Any]]:
    """One compiled release per procedure (ocid): a record's compiledRelease, or the
    releases of a release package merged in date order."""
    doc = _document(path, path.stat().st_mtime)
    if "records" in doc:
        out = []
        for record in doc.get("records") or []:
            compiled = record.get("compiledRelease")
            out.append(compiled if compiled else _merge(record.get("releases") or []))
        return out
    by_ocid: dict[str, list[dict[str, Any]]] = {}
    for release in doc.get("releases") or []:
        by_ocid.setdefault(str(release.get("ocid", "")), []).append(release)
    return [_merge(group) for group in by_ocid.values()]


def _merge(releases: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {"parties": {}, "tender": {}, "bids": {}, "awards": {}}
    for release in sorted(releases, key=lambda r: str(r.get("date", ""))):
        merged["ocid"] = release.get("ocid")
        for party in release.get("parties") or []:
            merged["parties"].setdefault(party.get("id"), {}).update(party)
        merged["tender"].update(release.get("tender") or {})
        for bid in (release.get("bids") or {}).get("details") or []:
            merged["bids"].setdefault(bid.get("id"), {}).update(bid)
        for award in release.get("awards") or []:
            merged["awards"].setdefault(award.get("id"), {}).update(award)
    return {
        "ocid": merged.get("ocid"),
        "parties": list(merged["parties"].values()),
        "tender": merged["tender"],
        "bids": {"details": list(merged["bids"].values())},
        "awards": list(merged["awards"].values()),
    }


def _uscc(party: dict[str, Any]) -> str | None:
    for identifier in [party.get("identifier") or {}, *(party.get("additionalIdentifiers") or [])]:
        try:
            return normalize.parse_uscc(str(identifier.get("id", "")))
        except ValueError:
            continue
    return None


def _release_rows(release: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    parties = {p.get("id"): p for p in release.get("parties") or []}
    ref = {pid: _uscc(p) or p.get("name") for pid, p in parties.items()}
    buyer = agency = None
    for pid, party in parties.items():
        roles = set(party.get("roles") or [])
        row = {
            "uscc": _uscc(party),
            "name": party.get("name"),
            "region": (party.get("address") or {}).get("region") or (party.get("address") or {}).get("locality"),
        }
        if "buyer" in roles:
            buyer = pid
            yield "tenderers", row
        if "procuringEntity" in roles and "buyer" not in roles:
            agency = pid
            yield "agencies", row
        if roles & {"tenderer", "supplier"}:
            yield "companies", row
    tender = release.get("tender") or {}
    code = tender.get("id") or release.get("ocid")
    buyer_row = parties.get(buyer) or {}
    yield (
        "tenders",
        {
            "code": code,
            "name": tender.get("title"),
            "industry": CATEGORY.get(tender.get("mainProcurementCategory", ""), tender.get("mainProcurementCategory")),
            "region": (buyer_row.get("address") or {}).get("region") or UNKNOWN_REGION,
            "tenderer": ref.get(buyer),
            "agency": ref.get(agency),
            "method": tender.get("procurementMethodDetails") or tender.get("procurementMethod"),
            "ceiling_price": (tender.get("value") or {}).get("amount"),
            "published": _day(tender.get("datePublished")),
            "bid_open": _day(
                (tender.get("bidOpening") or {}).get("date") or (tender.get("tenderPeriod") or {}).get("endDate")
            ),
            "awarded": _day(next((a.get("date") for a in release.get("awards") or [] if a.get("date")), None)),
        },
    )
    yield from _bid_rows(release, code, parties, ref)


def _bid_rows(
    release: dict[str, Any], code: str, parties: dict[str, Any], ref: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any]]]:
    winners = {
        s.get("id")
        for a in release.get("awards") or []
        if a.get("status", "active") == "active"
        for s in a.get("suppliers") or []
    }
    details = (release.get("bids") or {}).get("details") or []
    if not details:
        details = [{"tenderers": [t]} for t in (release.get("tender") or {}).get("tenderers") or []]
    for bid in details:
        bidders = [t.get("id") for t in bid.get("tenderers") or []]
        if not bidders:
            continue
        lead = parties.get(bidders[0]) or {"name": (bid["tenderers"][0]).get("name")}
        status = str(bid.get("status", "")).lower()
        yield (
            "bids",
            {
                "tender_code": code,
                "bidder_uscc": _uscc(lead),
                "bidder_name": lead.get("name"),
                "consortium_members": ";".join(str(ref.get(b) or "") for b in bidders) if len(bidders) > 1 else None,
                "price": (bid.get("value") or {}).get("amount"),
                "won": bidders[0] in winners,
                "valid": None if not status else status not in ("disqualified", "withdrawn", "invalid"),
                "submitted": str(bid["date"])[:19] if bid.get("date") else None,
            },
        )


def _day(value: object) -> str | None:
    return str(value)[:10] if value else None
