"""A chunk of bid rows' facts at once, for a bulk first load's write pass: the facts
``build_bids.bid_facts`` yields row by row, built in one loop over the chunk (no generator
step nor ``Writer.add`` call per fact) and handed to ``Writer.add_chunk`` per statement,
each with its position in the row-by-row order, so the Writer cuts exactly the same
batches. The per-value rules are the same functions through ``Builder.once``; rows of a
consortium or from a notice (rare, with facts of their own) take ``bid_facts`` itself."""

from __future__ import annotations

from typing import Any

from bidgraph.loaders import identity
from bidgraph.loaders.build import Builder, clean, device_end, identifier_end
from bidgraph.loaders.build_bids import BID_PROPS, agent_end, bid_facts, manager_holds, submitting
from bidgraph.loaders.bulk_columns import EDGES, IDENTIFIERS
from bidgraph.loaders.consortium import split_consortium
from bidgraph.loaders.write import Chunk

# A fact's position: its row's index in the chunk × ROW_SLOTS + its place in the row, in
# the order bid_facts yields them (the manager's HOLDS follow the manager, the agent last).
ROW_SLOTS = 1 << 16
BID, WIN, SUBMITTED, IP = range(4)
DEVICES = tuple((column, kind, IP + 1 + i) for i, (column, kind) in enumerate(identity.DEVICE_COLUMNS.items()))
ACCOUNT = IP + 1 + len(DEVICES)
MANAGER = ACCOUNT + 1
AGENT = ROW_SLOTS - 1
BID_STATEMENT, WIN_STATEMENT = ("bid",), ("win",)


def bid_chunk(builder: Builder, records: list[tuple[int, dict[str, Any]]]) -> Chunk:
    """The facts of ``records`` ((row number, record) of one bids file, in order)."""
    chunk = Chunk()
    add, edge = chunk.add, chunk.edge
    once, org, match = builder.once, builder.org, builder.resolver.match
    ip_edge, device_edge, account_edge = EDGES["IP"], EDGES["Device"], EDGES["BankAccount"]
    for index, (row, record) in enumerate(records):
        base = index * ROW_SLOTS
        get = record.get
        uscc, name = get("bidder_uscc"), record["bidder_name"]
        if get("consortium_members") or get("document") or (not uscc and once(split_consortium, name)):
            _row_facts(chunk, builder, record, row, base)
            continue
        prov = {"row": row}
        tender_code = record["tender_code"]
        side = once(org, uscc, name)
        key = identity.bid_key(tender_code, side[1])
        props = {k: get(k) for k in BID_PROPS}
        props.update(tender_code=tender_code, bidder_key=side[1])
        props.update(once(match, uscc, name))
        add(BID_STATEMENT, base, {"key": key, "tender": tender_code, "props": {**clean(props), **prov}, "prov": prov})
        if get("won") and get("price") is not None:
            add(WIN_STATEMENT, base + WIN, {"key": tender_code, "price": record["price"]})
        statement, bidder_key, bidder_new = once(submitting, builder, uscc, name)
        add(statement, base + SUBMITTED, [bidder_key, key, prov, bidder_new, None])
        if get("upload_ip"):
            _, ip, shown = once(identifier_end, "IP", record["upload_ip"])
            edge(ip_edge, base + IP, key, ip, row, shown)
        for column, kind, place in DEVICES:
            if get(column):
                _, device, shown = once(device_end, kind, record[column])
                edge(device_edge, base + place, key, device, row, shown)
        if get("deposit_account"):
            _, account, shown = once(identifier_end, "BankAccount", record["deposit_account"])
            init = clean({**shown, "bank": get("deposit_bank"), "holder": name})
            edge(account_edge, base + ACCOUNT, key, account, row, init)
        bid = ("Bid", key, {})
        pm = (get("pm_certificate"), get("pm_name"), get("pm_id_number"), get("pm_id_number_masked"))
        manager, holds = once(manager_holds, builder, *pm, side[1])
        if manager:
            statement, values = builder.matched_edge(bid, "PROJECT_MANAGER", manager, prov)
            add(statement, base + MANAGER, values)
            for place, (statement, a, b, a_new, b_new) in enumerate(holds, base + MANAGER + 1):
                add(statement, place, [a, b, prov, a_new, b_new])
        agent = once(agent_end, get("agent_id_number"), bool(get("agent_id_number_masked")), get("agent_name"), side[1])
        if agent:
            statement, values = builder.matched_edge(bid, "AGENT", agent, prov)
            add(statement, base + AGENT, values)
    return chunk


def _row_facts(chunk: Chunk, builder: Builder, record: dict[str, Any], row: int, base: int) -> None:
    """A row's facts from ``bid_facts``, in its order (the identifier edges one by one)."""
    place = base
    for statement, values in bid_facts(builder, record, {"row": row}):
        if statement == IDENTIFIERS:
            bid, _, edges = values
            for edge_statement, key, init in edges:
                chunk.edge(edge_statement, place, bid, key, row, init)
                place += 1
        else:
            chunk.add(statement, place, values)
            place += 1
    assert place - base < ROW_SLOTS
