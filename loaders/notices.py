"""Published notices (HTML, text, PDF, .docx, JSON rows with HTML) → rows of the canonical
tables, so they take the same checks and idempotent writes as CSV: documents, tenderers,
agencies, tenders, bids (rank, price or price text, won), bid_staff (proposed persons with
role and certificates). Every row names its Document and the spans it was read from."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from stdnum.cn import ric

from bidgraph.certnumbers import id_kind, number_kind
from bidgraph.errors import DataError
from bidgraph.extract import Extraction, Fact, Notice, extract, read_notice_file
from bidgraph.extract.model import BidFact
from bidgraph.loaders.read import Source
from bidgraph.loaders.tables import tables

NOTICE_TABLES = ("documents", "tenderers", "agencies", "tenders", "bids", "bid_staff")
UNKNOWN = "未注明"
_BID_OPEN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[^。，,]{0,20}开标")


def is_notice_json(path: Path) -> bool:
    """A JSON/JSONL file of notice rows (objects with an HTML/text body field)."""
    try:
        return bool(_extracted(path, path.stat().st_mtime))
    except DataError:
        return False


def notice_sources(path: Path) -> list[Source]:
    rows = _rows(path)
    return [Source(path, table, "notice", table) for table in NOTICE_TABLES if rows.get(table)]


def notice_rows(path: Path, table: str) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    header = list(tables()[table].columns)
    rows = _rows(path).get(table, [])
    return header, ((number, [row.get(c) for c in header]) for number, row in rows)


def _rows(path: Path) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    return _table_rows(path, path.stat().st_mtime)


@lru_cache(maxsize=8)
def _extracted(path: Path, mtime: float) -> list[tuple[Notice, Extraction]]:
    try:
        return [(n, extract(n)) for n in read_notice_file(path)]
    except (ValueError, OSError) as exc:
        raise DataError(f"无法读取公告：{exc}", file=path.name) from None


@lru_cache(maxsize=8)
def _table_rows(path: Path, mtime: float) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    out: dict[str, list[tuple[int, dict[str, Any]]]] = {t: [] for t in NOTICE_TABLES}
    for number, (notice, ex) in enumerate(_extracted(path, mtime), start=1):
        for table, row in notice_table_rows(notice, ex):
            out[table].append((number, row))
    return out


def _spans(**facts: Fact | None) -> str:
    return json.dumps({k: [f.start, f.end] for k, f in facts.items() if f is not None and f.start >= 0})


def _date(text: str) -> str | None:
    m = re.search(r"((?:19|20)\d{2})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})", text or "")
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


def _loadable_id(value: str) -> bool:
    """A masked ID, or a full one whose check digit is right (a mistyped one stays in the text)."""
    return id_kind(value) == "masked" or (id_kind(value) == "id" and ric.is_valid(value))


def certificate_value(number: str) -> str:
    """kind:number as the Certificate key expects (kind from the number's own form)."""
    return f"{number_kind(number) or '证书'}:{number}"


def notice_table_rows(notice: Notice, ex: Extraction) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) pairs of one notice."""
    doc = notice.content_hash
    published = _date(notice.date or ex.date or "")
    title = notice.title
    if ex.tender_name and ex.tender_name.value not in title:  # a page without its title: name it as the site would
        title = ex.tender_name.value + ("中标候选人公示" if ex.kind == "candidates" else "中标结果公告")
    yield "documents", {"key": doc, "source": notice.source, "url": notice.url, "title": title,
                        "published": published, "kind": ex.kind, "text": notice.text}  # fmt: skip
    if ex.tender_code is None:
        return  # without a code there is no tender to attach bids to; the Document still records the notice
    code = ex.tender_code.value
    opened = _BID_OPEN.search(notice.text)
    # 开标 date if the notice gives it, else its publication date, else its first date
    bid_open = f"{opened.group(1)}-{int(opened.group(2)):02d}-{int(opened.group(3)):02d}" if opened else None
    bid_open = bid_open or published or _date(notice.text)
    for table, fact in (("tenderers", ex.tenderer), ("agencies", ex.agency)):
        if fact:
            yield table, {"name": fact.value}
    name = ex.tender_name.value if ex.tender_name else code
    yield "tenders", {
        "code": code, "name": name, "industry": UNKNOWN, "region": UNKNOWN,
        "tenderer": ex.tenderer.value if ex.tenderer else None, "agency": ex.agency.value if ex.agency else None,
        "published": published if ex.kind == "candidates" else None, "bid_open": bid_open,
        "awarded": published if ex.kind == "award" else None, "document": doc,
        "spans": _spans(code=ex.tender_code, name=ex.tender_name, tenderer=ex.tenderer, agency=ex.agency),
    }  # fmt: skip
    bids = [(b, False) for b in ex.candidates] + ([(ex.winner, True)] if ex.winner else [])
    for bid, won in bids:
        yield from _bid_rows(code, doc, bid, won)


def _bid_rows(code: str, doc: str, bid: BidFact, won: bool) -> Iterator[tuple[str, dict[str, Any]]]:
    side = {"tender_code": code, "bidder_name": bid.company.value, "consortium_members": ";".join(bid.members)}
    yield "bids", {
        **side, "price": bid.price.value if bid.price else None, "rank": bid.rank, "won": "是" if won else None,
        "document": doc, "spans": _spans(bidder=bid.company, price=bid.price, qualification=bid.qualification),
    }  # fmt: skip
    for person in bid.persons:
        # the loader keys persons on 18-character masked numbers; other forms stay in the text only
        masked = next((i.value for i in person.ids if len(i.value) == 18 and _loadable_id(i.value)), None)
        yield "bid_staff", {
            **side, "person_name": person.name.value, "person_id_number": masked, "role": person.role,
            "certificates": ";".join(certificate_value(c.value) for c in person.certificates),
            "document": doc,
            "spans": _spans(name=person.name, **{f"certificate{i}": c for i, c in enumerate(person.certificates)}),
        }  # fmt: skip
