"""A chunk of bid rows' facts at once, for a bulk first load's write pass: the facts
``build_bids.bid_facts`` yields row by row, built in one loop over the chunk (no generator
step nor ``Writer.add`` call per fact) straight into each statement's columns
(``bulk_facts.Chunk``) and handed to ``Writer.add_chunk``, each with its position in the
row-by-row order, so the Writer cuts exactly the same batches. The per-value rules are
the same functions through ``Builder.once``; rows of a consortium or from a notice (rare,
with facts of their own) take ``bid_facts`` itself."""

from __future__ import annotations

from collections.abc import Callable
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
    """The facts of ``records`` ((row number, record) of one bids file, in order), as columns
    (appended through bound ``append`` methods: no call per fact)."""
    chunk = Chunk()
    once = builder.once
    bidders, managers = builder.memo(_bidder, builder), builder.memo(manager_holds, builder)
    agents, ips, accounts = builder.memo(agent_end), builder.memo(identifier_end, "IP"), builder.memo(_account)
    devices = [(column, builder.memo(device_end, kind), place) for column, kind, place in DEVICES]
    edges = {statement: chunk.edges.setdefault(statement, ([], [], [], [], [])) for statement in EDGES.values()}
    ip_at, ip_bid, ip_key, ip_row, ip_init = _appends(edges[EDGES["IP"]])
    device_at, device_bid, device_key, device_row, device_init = _appends(edges[EDGES["Device"]])
    account_at, account_bid, account_key, account_row, account_init = _appends(edges[EDGES["BankAccount"]])
    bid_at, bid_key, bid_tender, bid_props, bid_prov = _appends(chunk.slot(BID_STATEMENT))
    win_at, win_key, win_price = _appends(chunk.slot(WIN_STATEMENT))
    pm_at, pm_bid, pm_key, pm_prov, pm_a_new, pm_init = _appends(chunk.slot(PM))
    agent_at, agent_bid, agent_key, agent_prov, agent_a_new, agent_init = _appends(chunk.slot(AGENT_STATEMENT))
    others = _Appends(chunk)  # SUBMITTED (by the bidder's label) and HOLDS
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
        bid_at(base)
        bid_key(key)
        bid_tender(tender_code)
        bid_props({**clean(props), **prov})
        bid_prov(prov)
        if get("won") and get("price") is not None:
            win_at(base + WIN)
            win_key(tender_code)
            win_price(record["price"])
        others[submitting_statement](base + SUBMITTED, side, key, prov, bidder_new, None)
        if value := get("upload_ip"):
            end = ips[(value,)]
            ip_at(base + IP)
            ip_bid(key)
            ip_key(end[1])
            ip_row(row)
            ip_init(end[2])
        for column, ends, place in devices:
            if value := get(column):
                end = ends[(value,)]
                device_at(base + place)
                device_bid(key)
                device_key(end[1])
                device_row(row)
                device_init(end[2])
        if value := get("deposit_account"):
            end = accounts[value, get("deposit_bank"), name]
            account_at(base + ACCOUNT)
            account_bid(key)
            account_key(end[1])
            account_row(row)
            account_init(end[2])
        pm = (get("pm_certificate"), get("pm_name"), get("pm_id_number"), get("pm_id_number_masked"), side)
        manager, holds = managers[pm]
        if manager:
            pm_at(base + MANAGER)
            pm_bid(key)
            pm_key(manager[1])
            pm_prov(prov)
            pm_a_new(None)
            pm_init(manager[2])
            for place, (statement, a, b, a_new, b_new) in enumerate(holds, base + MANAGER + 1):
                others[statement](place, a, b, prov, a_new, b_new)
        agent = agents[get("agent_id_number"), bool(get("agent_id_number_masked")), get("agent_name"), side]
        if agent:
            agent_at(base + AGENT)
            agent_bid(key)
            agent_key(agent[1])
            agent_prov(prov)
            agent_a_new(None)
            agent_init(agent[2])
    return chunk


def _appends(columns: tuple[list[Any], ...]) -> tuple[Callable[[Any], None], ...]:
    return tuple(column.append for column in columns)


class _Appends(dict):
    """statement -> a function appending one edge fact (position, then its row's five values)
    to the chunk's columns of that statement."""

    def __init__(self, chunk: Chunk) -> None:
        super().__init__()
        self.chunk = chunk

    def __missing__(self, statement: tuple[Any, ...]) -> Callable[..., None]:
        at, a, b, prov, a_new, b_new = _appends(self.chunk.slot(statement))

        def append(position: int, a_key: str, b_key: str, row: Any, a_values: Any, b_values: Any) -> None:
            at(position)
            a(a_key)
            b(b_key)
            prov(row)
            a_new(a_values)
            b_new(b_values)

        found = self[statement] = append
        return found


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
