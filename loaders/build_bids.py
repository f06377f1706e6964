"""Facts of one bid row: the Bid, its bidder (a company or a consortium), and the
evidence around it (upload IP, device fingerprints, deposit account, project manager
and agent)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from bidgraph.loaders import identity
from bidgraph.loaders.build import clean

if TYPE_CHECKING:
    from bidgraph.loaders.build import Builder, End, Fact

PM_CERTIFICATE_KIND = "注册建造师"

BID_PROPS = ("price", "price_text", "rank", "won", "valid", "disqualified_reason", "submitted")


def bidder(builder: Builder, record: dict[str, Any]) -> tuple[End, list[End]]:
    """(the submitting side, consortium members lead first)."""
    members = [builder.org(*builder.resolver.org_ref(m)) for m in record.get("consortium_members") or []]
    if len(members) > 1:
        key = identity.consortium_key(record["tender_code"], [m[1] for m in members])
        return ("Consortium", key, {"name": record["bidder_name"], "tender_code": record["tender_code"]}), members
    return builder.org(record.get("bidder_uscc"), record["bidder_name"]), []


def bid_facts(builder: Builder, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
    side, members = bidder(builder, record)
    tender_code = record["tender_code"]
    key = identity.bid_key(tender_code, side[1])
    props = {k: record.get(k) for k in BID_PROPS}
    props["price_text"] = record.get("price_text")
    props.update(tender_code=tender_code, bidder_key=side[1])
    yield ("bid",), {"key": key, "tender": tender_code, "props": {**clean(props), **prov}, "prov": prov}
    bid = ("Bid", key, {})
    if record.get("won") and record.get("price") is not None:
        yield ("win",), {"key": tender_code, "price": record["price"]}
    yield builder.edge(side, "SUBMITTED", bid, prov)
    for position, member in enumerate(members):
        yield builder.edge(member, "MEMBER_OF", side, prov, {"lead": position == 0})
    if record.get("upload_ip"):
        yield builder.identifier_edge(bid, "UPLOADED_FROM", "IP", record["upload_ip"], prov)
    for column, kind in identity.DEVICE_COLUMNS.items():
        if record.get(column):
            device_key, value = identity.device_key(kind, record[column])
            yield builder.edge(bid, "MADE_ON", ("Device", device_key, {"kind": kind, "value": value}), prov)
    if record.get("deposit_account"):
        account, _ = identity.identifier("BankAccount", record["deposit_account"])
        init = {"value": account, "bank": record.get("deposit_bank"), "holder": record["bidder_name"]}
        yield builder.edge(bid, "DEPOSIT_FROM", ("BankAccount", account, init), prov)
    manager = builder.person(record, "pm_", context=record.get("pm_certificate") or side[1])
    if manager:
        yield builder.edge(bid, "PROJECT_MANAGER", manager, prov)
        if record.get("pm_certificate"):
            number = record["pm_certificate"]
            certificate = (
                "Certificate",
                f"{PM_CERTIFICATE_KIND}:{number}",
                {"kind": PM_CERTIFICATE_KIND, "number": number},
            )
            yield builder.edge(manager, "HOLDS", certificate, prov)
    agent = builder.person(record, "agent_", context=side[1])
    if agent:
        yield builder.edge(bid, "AGENT", agent, prov)
    from bidgraph.loaders.build_notices import mention

    yield from mention(builder, record, bid, prov)
