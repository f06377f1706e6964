"""Facts of one bid row: the Bid, its bidder (a company or a consortium), and the
evidence around it (upload IP, device fingerprints, deposit account, project manager
and agent)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from bidgraph.loaders import identity
from bidgraph.loaders.build import Builder, clean, clean_end, device_end, identifier_end
from bidgraph.loaders.build_notices import mention
from bidgraph.loaders.bulk_columns import EDGES, IDENTIFIERS
from bidgraph.loaders.certificates import MASKED_ID, find_certificates, person_text
from bidgraph.loaders.consortium import split_consortium

if TYPE_CHECKING:
    from bidgraph.loaders.build import End, Fact

PM_CERTIFICATE_KIND = "注册建造师"

BID_PROPS = ("price", "price_text", "rank", "won", "valid", "disqualified_reason", "submitted")


def bidder(builder: Builder, record: dict[str, Any]) -> tuple[End, list[End], int]:
    """(the submitting side, consortium members, index of the lead). Members come from
    the consortium_members column (lead first), else from a consortium name."""
    members = [builder.org(*builder.resolver.org_ref(m)) for m in record.get("consortium_members") or []]
    lead = 0
    uscc = record.get("bidder_uscc")
    split = None if members or uscc else builder.once(split_consortium, record["bidder_name"])
    if split:
        members = [builder.org(None, name) for name in split[0]]
        lead = split[1]
    if len(members) > 1:
        key = identity.consortium_key(record["tender_code"], [m[1] for m in members])
        side = ("Consortium", key, {"name": record["bidder_name"], "tender_code": record["tender_code"]})
        return side, members, lead
    return builder.once(builder.org, uscc, record["bidder_name"]), [], 0


def bid_facts(builder: Builder, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
    side, members, lead = bidder(builder, record)
    tender_code, uscc = record["tender_code"], record.get("bidder_uscc")
    key = identity.bid_key(tender_code, side[1])
    props = {k: record.get(k) for k in BID_PROPS}
    props["price_text"] = record.get("price_text")
    props.update(tender_code=tender_code, bidder_key=side[1])
    if not members:
        props.update(builder.once(builder.resolver.match, uscc, record["bidder_name"]))
    yield ("bid",), {"key": key, "tender": tender_code, "props": {**clean(props), **prov}, "prov": prov}
    bid = ("Bid", key, {})
    if record.get("won") and record.get("price") is not None:
        yield ("win",), {"key": tender_code, "price": record["price"]}
    if members:
        yield builder.edge(side, "SUBMITTED", bid, prov)
    else:  # the same fact, its bidder's part built once per bidder
        statement, bidder_key, bidder_new = builder.once(submitting, builder, uscc, record["bidder_name"])
        yield statement, [bidder_key, key, prov, bidder_new, None]
    for position, member in enumerate(members):
        yield builder.edge(member, "MEMBER_OF", side, prov, {"lead": position == lead})
    # the rules below run once per distinct value (builder.once); ends come back clean
    edges = []
    if record.get("upload_ip"):
        _, ip, shown = builder.once(identifier_end, "IP", record["upload_ip"])
        edges.append((EDGES["IP"], ip, shown))
    for column, kind in identity.DEVICE_COLUMNS.items():
        if record.get(column):
            _, device, shown = builder.once(device_end, kind, record[column])
            edges.append((EDGES["Device"], device, shown))
    if record.get("deposit_account"):
        _, account, shown = builder.once(identifier_end, "BankAccount", record["deposit_account"])
        init = {**shown, "bank": record.get("deposit_bank"), "holder": record["bidder_name"]}
        edges.append((EDGES["BankAccount"], account, clean(init)))
    if edges:
        yield IDENTIFIERS, (key, prov, edges)
    get = record.get
    pm = (get("pm_certificate"), get("pm_name"), get("pm_id_number"), get("pm_id_number_masked"))
    manager, holds = builder.once(manager_holds, builder, *pm, side[1])
    if manager:
        yield builder.matched_edge(bid, "PROJECT_MANAGER", manager, prov)
        for statement, a, b, a_new, b_new in holds:
            yield statement, [a, b, prov, a_new, b_new]
    masked = bool(record.get("agent_id_number_masked"))
    agent = builder.once(agent_end, record.get("agent_id_number"), masked, record.get("agent_name"), side[1])
    if agent:
        yield builder.matched_edge(bid, "AGENT", agent, prov)
    if record.get("document"):
        yield from mention(builder, record, bid, prov)


def project_manager(
    builder: Builder,
    certificate: str | None,
    pm_name: str | None,
    id_number: str | None,
    id_masked: bool | None,
    bidder_key: str,
) -> tuple[End | None, list]:
    """The project manager and the certificates (kind, number, properties) they hold. The
    name and certificate cells may be free text ("郑维,二级建造师,鄂242151649845;职称证,…"
    or a masked ID number): the numbers in it are parsed, the person is identified by
    ID number, else masked ID + name, else name + first certificate number."""
    text = certificate or ""
    name, found = person_text(pm_name or "")
    found += find_certificates(text)
    if not found:  # a plain number (or none): the column's own meaning
        numbers = [(PM_CERTIFICATE_KIND, text, {"kind": PM_CERTIFICATE_KIND, "number": text})] if text else []
        return clean_end(builder.person_end(id_number, bool(id_masked), pm_name, text or bidder_key)), numbers
    masked = next((c.number for c in found if c.kind == MASKED_ID), None)
    held = [c for c in found if c.kind != MASKED_ID]
    number = id_number or masked
    is_masked = bool(id_masked) if id_number else bool(masked)
    name = name or pm_name
    context = held[0].number if held else bidder_key
    key, confidence = identity.person_key(number, is_masked, name, context)
    person = ("Person", key, clean(identity.person_props(number, is_masked, name, confidence)))
    props = [(c.kind, c.number, {"kind": c.kind, "number": c.number, "level": c.level}) for c in held]
    return person, props


def submitting(builder: Builder, uscc: str | None, name: str) -> tuple[Any, ...]:
    """(statement, bidder key, its properties if new) of a company's SUBMITTED fact, as
    ``builder.edge(bidder, "SUBMITTED", bid, prov)`` makes it."""
    statement, row = builder.edge(builder.once(builder.org, uscc, name), "SUBMITTED", ("Bid", "", {}), {})
    return statement, row[0], row[3]


def manager_holds(builder: Builder, *pm: Any) -> tuple[End | None, list[tuple[Any, ...]]]:
    """The project manager and their HOLDS facts without the per-row provenance (the
    same as ``builder.edge(manager, "HOLDS", certificate, prov)`` once ``prov`` is put in)."""
    manager, certificates = project_manager(builder, *pm)
    holds = []
    for kind, number, props in certificates if manager else ():
        statement, row = builder.edge(manager, "HOLDS", ("Certificate", f"{kind}:{number}", props), {})
        holds.append((statement, row[0], row[1], row[3], row[4]))
    return manager, holds


def agent_end(number: str | None, masked: bool, name: str | None, bidder_key: str) -> End | None:
    return clean_end(Builder.person_end(number, masked, name, bidder_key))
