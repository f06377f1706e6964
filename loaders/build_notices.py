"""Facts of rows that come from published notices: the Document node, the proposed staff of a
bid (role and certificates), and the provenance edge from the Document to every node a row
states, carrying the character spans of the statement in the notice text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from bidgraph.loaders import identity

if TYPE_CHECKING:
    from bidgraph.loaders.build import Builder, End, Fact

DOCUMENT_PROPS = ("title", "url", "published", "kind", "source", "text")
# The person who leads the bid's work: also written as PROJECT_MANAGER, so the detectors on
# project managers (shared_staff, shared_certificate) see notices too.
LEAD_ROLES = re.compile(r"项目负责人|项目经理|总监理工程师$|项目总负责人|设计负责人$|项目总监")


def document_facts(builder: Builder, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
    yield builder.node("Document", record["key"], {k: record.get(k) for k in DOCUMENT_PROPS}, prov)


def mention(builder: Builder, record: dict[str, Any], end: End, prov: dict[str, Any]) -> Iterator[Fact]:
    """(Document)-[:MENTIONS {spans}]->(node), one edge per distinct statement."""
    if record.get("document"):
        document = ("Document", record["document"], {"title": None})
        spans = record.get("spans") or "{}"
        yield builder.edge(document, "MENTIONS", end, prov, {"spans": spans}, merge_on=("spans",))


def certificate_end(value: str) -> End:
    kind, _, number = value.rpartition(":")
    kind = kind or "证书"
    return "Certificate", f"{kind}:{number}", {"kind": kind, "number": number}


def staff_facts(builder: Builder, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
    from bidgraph.loaders.build_bids import bidder

    side = bidder(builder, record)[0]
    bid = ("Bid", identity.bid_key(record["tender_code"], side[1]), {"tender_code": record["tender_code"]})
    certificates = [certificate_end(c) for c in record.get("certificates") or []]
    # Same name + same certificate (or masked ID) is one person across bids; a name alone
    # stays tied to its bidder, so namesakes of different companies are not merged.
    context = certificates[0][2]["number"] if certificates else side[1]
    person = builder.person(record, "person_", context=context)
    yield builder.edge(bid, "PROPOSED", person, prov, {"role": record.get("role")}, merge_on=("role",))
    if LEAD_ROLES.search(record.get("role") or ""):
        yield builder.edge(bid, "PROJECT_MANAGER", person, prov)
    for certificate in certificates:
        yield builder.edge(person, "HOLDS", certificate, prov)
        yield from mention(builder, record, certificate, prov)
    yield from mention(builder, record, person, prov)
