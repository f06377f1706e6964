"""Facts of one bid row: the Bid, its bidder (a company or a consortium), and the
evidence around it (upload IP, device fingerprints, deposit account, project manager
and agent)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from bidgraph.loaders import identity
from bidgraph.loaders.build import clean
from bidgraph.loaders.certificates import MASKED_ID, find_certificates, person_text
from bidgraph.loaders.consortium import split_consortium

if TYPE_CHECKING:
    from bidgraph.loaders.build import Builder, End, Fact

PM_CERTIFICATE_KIND = "注册建造师"

BID_PROPS = ("price", "price_text", "rank", "won", "valid", "disqualified_reason", "submitted")


def bidder(builder: Builder, record: dict[str, Any]) -> tuple[End, list[End], int]:
    """(the submitting side, consortium members, index of the lead). Members come from
    the consortium_members column (lead first), else from a consortium name."""
    members = [builder.org(*builder.resolver.org_ref(m)) for m in record.get("consortium_members") or []]
    lead = 0
    split = None if members or record.get("bidder_uscc") else split_consortium(record["bidder_name"])
    if split:
        members = [builder.org(None, name) for name in split[0]]
        lead = split[1]
    if len(members) > 1:
        key = identity.consortium_key(record["tender_code"], [m[1] for m in members])
        side = ("Consortium", key, {"name": record["bidder_name"], "tender_code": record["tender_code"]})
        return side, members, lead
    return builder.org(record.get("bidder_uscc"), record["bidder_name"]), [], 0


def bid_facts(builder: Builder, record: dict[str, Any], prov: dict[str, Any]) -> Iterator[Fact]:
    side, members, lead = bidder(builder, record)
    tender_code = record["tender_code"]
    key = identity.bid_key(tender_code, side[1])
    props = {k: record.get(k) for k in BID_PROPS}
    props["price_text"] = record.get("price_text")
    props.update(tender_code=tender_code, bidder_key=side[1])
    if not members:
        props.update(builder.resolver.match(record.get("bidder_uscc"), record["bidder_name"]))
    yield ("bid",), {"key": key, "tender": tender_code, "props": {**clean(props), **prov}, "prov": prov}
    bid = ("Bid", key, {})
    if record.get("won") and record.get("price") is not None:
        yield ("win",), {"key": tender_code, "price": record["price"]}
    yield builder.edge(side, "SUBMITTED", bid, prov)
    for position, member in enumerate(members):
        yield builder.edge(member, "MEMBER_OF", side, prov, {"lead": position == lead})
    if record.get("upload_ip"):
        yield builder.identifier_edge(bid, "UPLOADED_FROM", "IP", record["upload_ip"], prov)
    for column, kind in identity.DEVICE_COLUMNS.items():
        if record.get(column):
            device_key, value = identity.device_key(kind, record[column])
            yield builder.edge(bid, "MADE_ON", ("Device", device_key, {"kind": kind, "value": value}), prov)
    if record.get("deposit_account"):
        account, shown = identity.identifier("BankAccount", record["deposit_account"])
        init = {"value": shown, "bank": record.get("deposit_bank"), "holder": record["bidder_name"]}
        yield builder.edge(bid, "DEPOSIT_FROM", ("BankAccount", account, init), prov)
    manager, certificates = project_manager(builder, record, side[1])
    if manager:
        yield builder.edge(bid, "PROJECT_MANAGER", manager, prov)
        for kind, number, props in certificates:
            yield builder.edge(manager, "HOLDS", ("Certificate", f"{kind}:{number}", props), prov)
    agent = builder.person(record, "agent_", context=side[1])
    if agent:
        yield builder.edge(bid, "AGENT", agent, prov)
    from bidgraph.loaders.build_notices import mention

    yield from mention(builder, record, bid, prov)


def project_manager(builder: Builder, record: dict[str, Any], bidder_key: str) -> tuple[End | None, list]:
    """The project manager and the certificates (kind, number, properties) they hold. The
    name and certificate cells may be free text ("郑维,二级建造师,鄂242151649845;职称证,…"
    or a masked ID number): the numbers in it are parsed, the person is identified by
    ID number, else masked ID + name, else name + first certificate number."""
    text = record.get("pm_certificate") or ""
    name, found = person_text(record.get("pm_name") or "")
    found += find_certificates(text)
    if not found:  # a plain number (or none): the column's own meaning
        numbers = [(PM_CERTIFICATE_KIND, text, {"kind": PM_CERTIFICATE_KIND, "number": text})] if text else []
        return builder.person(record, "pm_", context=text or bidder_key), numbers
    masked = next((c.number for c in found if c.kind == MASKED_ID), None)
    held = [c for c in found if c.kind != MASKED_ID]
    number = record.get("pm_id_number") or masked
    is_masked = bool(record.get("pm_id_number_masked")) if record.get("pm_id_number") else bool(masked)
    name = name or record.get("pm_name")
    context = held[0].number if held else bidder_key
    key, confidence = identity.person_key(number, is_masked, name, context)
    person = ("Person", key, identity.person_props(number, is_masked, name, confidence))
    props = [(c.kind, c.number, {"kind": c.kind, "number": c.number, "level": c.level}) for c in held]
    return person, props
