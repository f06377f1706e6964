"""Consortium bidders written as one name: "甲公司、乙公司联合体", "甲公司（牵头人）、乙公司",
"甲公司与乙公司（联合体）" -> the member names and which one leads.

Only a name whose every part reads like an organisation is split, so 和平建设有限公司 or a
single company with 联合 in its name stays one bidder."""

from __future__ import annotations

import re
import unicodedata

from bidgraph.loaders.resolve import ORG_SUFFIXES

_TAIL = re.compile(r"[(（]?\s*联合体\s*[)）]?\s*$")
_LEAD = re.compile(r"[(（]\s*(联合体)?\s*(牵头|主办)(人|方|单位)?\s*[)）]")
_MEMBER = re.compile(r"[(（]\s*(联合体)?\s*成员(方|单位)?\s*[)）]")
_SEPARATORS = re.compile(r"[、,;/＋+]|(?<=[司院厂局心所])\s*[与和及]\s*")


def split_consortium(name: str) -> tuple[list[str], int] | None:
    """(member names, index of the lead) or None when ``name`` is one organisation. The
    lead is the member marked 牵头人, else the first."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    marked = bool(_TAIL.search(text)) or bool(_LEAD.search(text))
    text = _TAIL.sub("", text)
    parts = [p.strip() for p in _SEPARATORS.split(text) if p and p.strip()]
    if len(parts) < 2 and not marked:
        return None
    lead = next((i for i, p in enumerate(parts) if _LEAD.search(p)), 0)
    members = [_MEMBER.sub("", _LEAD.sub("", p)).strip() for p in parts]
    if len(members) < 2 or not all(m.endswith(ORG_SUFFIXES) for m in members):
        return None
    return members, lead
