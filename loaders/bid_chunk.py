"""A chunk of bid rows' facts at once, for a bulk first load's write pass: the facts
``build_bids.bid_facts`` yields row by row, built in one loop over the chunk (no generator
step nor ``Writer.add`` call per fact) straight into each statement's columns
(``bulk_facts.Chunk``) and handed to ``Writer.add_chunk``, each with its position in the
row-by-row order, so the Writer cuts exactly the same batches. The per-value rules are
the same functions through ``Builder.once``; rows of a consortium or from a notice (rare,
with facts of their own) take ``bid_facts`` itself."""

from __future__ import annotations

from typing import Any

from bidgraph.loaders import identity
from bidgraph.loaders.build import Builder, clean, device_end, identifier_end
from bidgraph.loaders.build_bids import BID_PROPS, agent_end, bid_facts, manager_holds, submitting
from bidgraph.loaders.bulk_columns import EDGES, IDENTIFIERS
from bidgraph.loaders.bulk_facts import Chunk
from bidgraph.loaders.consortium import split_consortium

# A fact's position: its row's index in the chunk × ROW_SLOTS + its place in the row, in
# the order bid_facts yields them (the manager's HOLDS follow the manager, the agent last).
ROW_SLOTS = 1 << 16
BID, WIN, SUBMITTED, IP = range(4)
DEVICES = tuple((column, kind, IP + 1 + i) for i, (column, kind) in enumerate(identity.DEVICE_COLUMNS.items()))
ACCOUNT = IP + 1 + len(DEVICES)
MANAGER = ACCOUNT + 1
AGENT = ROW_SLOTS - 1
BID_STATEMENT, WIN_STATEMENT = ("bid",), ("win",)
PM, AGENT_STATEMENT = (("edge", "Bid", rel, "Person", (), True, False) for rel in ("PROJECT_MANAGER", "AGENT"))


def bid_chunk(builder: Builder, records: list[tuple[int, dict[str, Any]]]) -> Chunk:
    """The facts of ``records`` ((row number, record) of one bids file, in order), as columns."""
    chunk = Chunk()
    once, slot = builder.once, chunk.slot
    bidders, managers = builder.memo(_bidder, builder), builder.memo(manager_holds, builder)
    agents, ips, accounts = builder.memo(agent_end), builder.memo(identifier_end, "IP"), builder.memo(_account)
    devices = [(column, builder.memo(device_end, kind), place) for column, kind, place in DEVICES]
    edges = {statement: chunk.edges.setdefault(statement, ([], [], [], [], [])) for statement in EDGES.values()}
    ip_edges, device_edges, account_edges = edges[EDGES["IP"]], edges[EDGES["Device"]], edges[EDGES["BankAccount"]]
    bids, wins, pms, agent_facts = slot(BID_STATEMENT), slot(WIN_STATEMENT), slot(PM), slot(AGENT_STATEMENT)
    for index, (row, record) in enumerate(records):
        base = index * ROW_SLOTS
        get = record.get
        uscc, name = get("bidder_uscc"), record["bidder_name"]
        if get("consortium_members") or get("document") or (not uscc and once(split_consortium, name)):
            _row_facts(chunk, builder, record, row, base)
            continue
        side, submitting_statement, bidder_new, matched = bidders[uscc, name]
        tender_code = record["tender_code"]
        key = identity.bid_key(tender_code, side)
        props = {k: get(k) for k in BID_PROPS}
        props.update(tender_code=tender_code, bidder_key=side)
        props.update(matched)
        prov = {"row": row}
        _append(bids, base, key, tender_code, {**clean(props), **prov}, prov)
        if get("won") and get("price") is not None:
            _append(wins, base + WIN, tender_code, record["price"])
        _append(slot(submitting_statement), base + SUBMITTED, side, key, prov, bidder_new, None)
        if value := get("upload_ip"):
            _edge(ip_edges, base + IP, key, ips[(value,)], row)
        for column, ends, place in devices:
            if value := get(column):
                _edge(device_edges, base + place, key, ends[(value,)], row)
        if value := get("deposit_account"):
            _edge(account_edges, base + ACCOUNT, key, accounts[value, get("deposit_bank"), name], row)
        pm = (get("pm_certificate"), get("pm_name"), get("pm_id_number"), get("pm_id_number_masked"), side)
        manager, holds = managers[pm]
        if manager:
            _append(pms, base + MANAGER, key, manager[1], prov, None, manager[2])
            for place, (statement, a, b, a_new, b_new) in enumerate(holds, base + MANAGER + 1):
                _append(slot(statement), place, a, b, prov, a_new, b_new)
        agent = agents[get("agent_id_number"), bool(get("agent_id_number_masked")), get("agent_name"), side]
        if agent:
            _append(agent_facts, base + AGENT, key, agent[1], prov, None, agent[2])
    return chunk


def _append(columns: tuple[list[Any], ...], *values: Any) -> None:
    """One fact (its position, then its values) onto a statement's columns."""
    for into, value in zip(columns, values, strict=True):
        into.append(value)


def _edge(columns: tuple[list[Any], ...], position: int, bid: str, end: tuple[Any, ...], row: int) -> None:
    positions, bids, keys, rows, inits = columns
    positions.append(position)
    bids.append(bid)
    keys.append(end[1])
    rows.append(row)
    inits.append(end[2])


def _bidder(builder: Builder, uscc: str | None, name: str) -> tuple[Any, ...]:
    """(bidder key, its SUBMITTED statement, its properties if new, how it was matched)
    of a company bidder."""
    side = builder.once(builder.org, uscc, name)
    statement, _, new = builder.once(submitting, builder, uscc, name)
    return side[1], statement, new, builder.once(builder.resolver.match, uscc, name)


def _account(value: str, bank: str | None, holder: str) -> tuple[str, str, dict[str, Any]]:
    label, key, shown = identifier_end("BankAccount", value)
    return label, key, clean({**shown, "bank": bank, "holder": holder})


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
