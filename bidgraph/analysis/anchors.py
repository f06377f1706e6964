"""A fast path for the built-in Cypher detectors whose opening pattern scans every bid's
links ("two bids of one tender share a person / an identifier"): the node ids that
pattern binds are computed in pandas from side tables of bid links (``linktables``:
extracted once per data version), and the query's own text runs
from those ids on — its opening lines are replaced by an ``UNWIND`` of the ids; all that
follows (evidence paths, date and consortium rules, scores) is the saved query as it
is. Rows, and so findings, are the plain query's (``tests/test_detect_speed.py`` checks
that on the sample).

Only on FalkorDB (``id()`` seeks; Neo4j runs the plain query), and only when the query
text still holds the lines a shortcut replaces (a changed query runs plain)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bidgraph.analysis.linktables import IDENTIFIERS, STAFF, side_tables
from bidgraph.graph.model import Result
from bidgraph.graph.store import GraphStore
from bidgraph.queries.library import SavedQuery, quote_names, run_query

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Shortcut:
    """``original`` (lines of the saved query) is replaced by ``body`` after an
    ``UNWIND $<param>`` of the rows made by ``anchors`` (node ids, named ``names``);
    ``body`` binds the same variables, with the same multiplicity, as ``original``."""

    original: str
    param: str
    names: tuple[str, ...]
    body: str
    anchors: Callable[[Tables, Mapping[str, Any]], list[list[Any]]]

    @property
    def anchored(self) -> str:
        # FalkorDB seeks a node by id only from a plain variable, not from ``row[0]``
        ids = ", ".join(f"anchor[{i}] AS anchor_{name}" for i, name in enumerate(self.names))
        return f"UNWIND ${self.param} AS anchor\nWITH {ids}\n{self.body}"


def _pairs(links: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """Every pair of link rows (one per relationship: the multiplicity of ``collect`` and
    two ``UNWIND``s) that agree on ``on``, with ``key_a < key_b``. Only rows whose values
    of ``on`` repeat can pair: the others are dropped before the self-join (most of them)."""
    links = links[links.duplicated(on, keep=False)]
    pairs = links.merge(links, on=on, suffixes=("_a", "_b"))
    return pairs[pairs["key_a"] < pairs["key_b"]]


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    ordered = frame.sort_values(columns, kind="stable")  # the plain query's scan order, by node id
    return [[int(v) for v in row] for row in ordered[columns].itertuples(index=False)]


def _shared(links: pd.DataFrame, rels: tuple[str, ...], max_base: int, where: pd.Series | None = None) -> pd.DataFrame:
    """Links (of ``rels``, among ``where``) to identifiers used by 2..max_base distinct
    bidders and not allow-listed. Masks first, rows last: a province has ~10 M links."""
    used = links["rel"].isin(rels)
    if where is not None:
        used &= where
    allowed = links["allowed"]
    open_ = used & (allowed.isna() | allowed.eq("false")) & links["bidder_no"].ge(0)
    base = links.loc[open_, ["target", "bidder_no"]].drop_duplicates()["target"].value_counts()
    keep = base[(base >= 2) & (base <= max_base)]
    shared = links[used & links["target"].isin(keep.index)]
    return shared.assign(base=shared["target"].map(keep))


def staff_pairs(tables: Tables, params: Mapping[str, Any]) -> list[list[Any]]:
    links = tables["links"]
    staff = links[links["rel"].isin(STAFF) & links["typed"]]
    return _rows(_pairs(staff, ["target", "tender"]), ["target", "bid_a", "bid_b"])


def _placed(rels: tuple[str, ...], table: str) -> Callable[[Tables, Mapping[str, Any]], list[list[Any]]]:
    """(bid, person, company): the bid's person (by one of ``rels``) is tied, through the
    side table ``table``, to a company other than the bidder."""

    def anchors(tables: Tables, params: Mapping[str, Any]) -> list[list[Any]]:
        links = tables["links"]
        staff = links[links["rel"].isin(rels) & links["typed"]].merge(tables[table], on="target")
        other = staff["company_key"].notna() & staff["bidder"].notna() & (staff["company_key"] != staff["bidder"])
        return _rows(staff[other].drop_duplicates(["bid", "target", "company"]), ["bid", "target", "company"])

    return anchors


def contact_pairs(tables: Tables, params: Mapping[str, Any]) -> list[list[Any]]:
    contacts = tables["contacts"]
    contacts = contacts[contacts["allowed"].isna() | (contacts["allowed"] == "false")]
    base = contacts.drop_duplicates(["target", "company"])["target"].value_counts()
    keep = base[(base >= 2) & (base <= int(params["max_base"]))]
    shared = contacts[contacts["target"].isin(keep.index)].assign(base=contacts["target"].map(keep))
    pairs = shared.merge(shared, on=["target", "base"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["company_key_a"] < pairs["company_key_b"]].drop_duplicates(["target", "company_a", "company_b"])
    return _rows(pairs, ["target", "base", "company_a", "company_b"])


def identifier_pairs(tables: Tables, params: Mapping[str, Any]) -> list[list[Any]]:
    shared = _shared(tables["links"], IDENTIFIERS, int(params["max_base"]))
    return _rows(_pairs(shared, ["target", "tender", "base"]), ["target", "base", "bid_a", "bid_b"])


def fingerprint_pairs(tables: Tables, params: Mapping[str, Any]) -> list[list[Any]]:
    links = tables["links"]
    shared = _shared(links, ("MADE_ON",), int(params["max_base"]), where=links["typed"])
    pairs = _pairs(shared[shared["tender"].notna()], ["target", "tender"])
    pairs = pairs[pairs["bidder_a"].notna() & pairs["bidder_b"].notna() & (pairs["bidder_a"] != pairs["bidder_b"])]
    return _rows(pairs, ["target", "bid_a", "bid_b"])


def top_scores(tables: Tables, params: Mapping[str, Any]) -> list[list[Any]]:
    """(expert, company, bid, SCORED, FOR, times, scored): each bid the expert gave the top
    score of its tender, for (expert, submitting side) pairs with at least ``min_times``
    such tenders making at least ``min_share`` of the tenders where the expert scored them."""
    scored = tables["scored"]
    opened = scored["bid_open"]  # a tender without an opening date is in every range, as in the query
    scored = scored[opened.isna() | opened.fillna("").between(params["date_from"], params["date_to"])]
    top = scored["score"] == scored.groupby(["expert", "tender"])["score"].transform("max")
    pair = scored.assign(top=top).groupby(["expert", "company"])["top"]
    counts = pd.DataFrame({"times": pair.sum(), "scored": pair.size()}).reset_index()
    counts = counts[
        (counts["times"] >= int(params["min_times"]))
        & (counts["times"] / counts["scored"] >= float(params["min_share"]))
    ]
    hits = scored[top].merge(counts, on=["expert", "company"])
    return _rows(hits, ["expert", "company", "bid", "s", "f", "times", "scored"])


_PAIR = "MATCH (ba), (bb) WHERE id(ba) = anchor_ba AND id(bb) = anchor_bb\n"
_COLLECTED = "UNWIND bids AS ba\nUNWIND bids AS bb\n"
_BASE = "WHERE base >= 2 AND base <= $max_base AND coalesce(x.allowed, false) = false\n"
_STAFF_PATH = "MATCH staff = (ba:Bid)-[ra:PROJECT_MANAGER|AGENT]->(person:Person)-[e:EMPLOYED_BY]->(b:Company)\n"
_CONTACTS = (
    "MATCH shared = (a:Company)-[ra:HAS_PHONE|HAS_EMAIL|REGISTERED_AT]->(x)"
    "<-[:HAS_PHONE|HAS_EMAIL|REGISTERED_AT]-(b:Company)\n"
)


def _seeded(
    match: str, where: str, param: str, names: tuple[str, ...], anchors: Callable[..., list[list[Any]]]
) -> Shortcut:
    """``MATCH <pattern> WHERE <where>`` run from given ids of its ``names`` nodes (the
    condition is kept: the ids may be a superset)."""
    match = match.rstrip("\n")
    seek = " AND ".join(f"id({name}) = anchor_{name}" for name in names)
    return Shortcut(f"{match}\nWHERE {where}\n", param, names, f"{match}\nWHERE {seek} AND {where}\n", anchors)


SHORTCUTS: dict[str, tuple[Shortcut, ...]] = {
    "shared_staff": (
        Shortcut(
            "MATCH (person:Person)<-[:PROJECT_MANAGER|AGENT]-(bid:Bid)\n"
            "WITH person, bid.tender_code AS code, collect(bid) AS bids\nWHERE size(bids) >= 2\n"
            f"{_COLLECTED}WITH person, ba, bb\nWHERE ba.key < bb.key\n",
            "anchors_staff",
            ("person", "ba", "bb"),
            f"MATCH (person) WHERE id(person) = anchor_person\n{_PAIR}WITH person, ba, bb\n",
            staff_pairs,
        ),
        _seeded(
            _STAFF_PATH, "b.key <> ba.bidder_key", "anchors_employee", ("ba", "person", "b"), _placed(STAFF, "employed")
        ),
    ),
    "shared_certificate": (
        _seeded(
            "MATCH staff = (ba:Bid)-[:PROJECT_MANAGER]->(person:Person)-[:HOLDS]->(:Certificate)"
            "-[:REGISTERED_WITH]->(b:Company)",
            "b.key <> ba.bidder_key",
            "anchors_certified",
            ("ba", "person", "b"),
            _placed(("PROJECT_MANAGER",), "certified"),
        ),
        _seeded(
            "MATCH staff = (ba:Bid)-[:PROJECT_MANAGER]->(person:Person)-[e:EMPLOYED_BY]->(b:Company)",
            "b.key <> ba.bidder_key AND e.basis = 'social_insurance'",
            "anchors_insured",
            ("ba", "person", "b"),
            _placed(("PROJECT_MANAGER",), "employed"),
        ),
    ),
    "shared_contact": (
        Shortcut(
            "MATCH (x)<-[:HAS_PHONE|HAS_EMAIL|REGISTERED_AT]-(holder:Company)\n"
            "WHERE coalesce(x.allowed, false) = false\nWITH x, count(DISTINCT holder) AS base\n"
            f"WHERE base >= 2 AND base <= $max_base\n{_CONTACTS}WHERE a.key < b.key\n",
            "anchors_shared_contact",
            ("x", "base", "a", "b"),
            f"{_CONTACTS}WHERE id(x) = anchor_x AND id(a) = anchor_a AND id(b) = anchor_b AND a.key < b.key\n"
            "WITH shared, a, ra, x, b, anchor_base AS base\n",
            contact_pairs,
        ),
    ),
    "shared_identifier": (
        Shortcut(
            "MATCH (used:Bid)-[:UPLOADED_FROM|MADE_ON|DEPOSIT_FROM]->(x)\n"
            f"WITH x, count(DISTINCT used.bidder_key) AS base\n{_BASE}"
            "MATCH (x)<-[:UPLOADED_FROM|MADE_ON|DEPOSIT_FROM]-(bid:Bid)\n"
            "WITH x, base, bid.tender_code AS code, collect(bid) AS bids\nWHERE size(bids) >= 2\n"
            f"{_COLLECTED}WITH x, base, ba, bb\nWHERE ba.key < bb.key\n",
            "anchors_identifier",
            ("x", "base", "ba", "bb"),
            f"MATCH (x) WHERE id(x) = anchor_x\n{_PAIR}WITH x, anchor_base AS base, ba, bb\n",
            identifier_pairs,
        ),
    ),
    "file_fingerprint": (
        Shortcut(
            f"MATCH (used:Bid)-[:MADE_ON]->(x:Device)\nWITH x, count(DISTINCT used.bidder_key) AS base\n{_BASE}"
            "MATCH (ba:Bid)-[:MADE_ON]->(x)<-[:MADE_ON]-(bb:Bid)\n"
            "WHERE ba.tender_code = bb.tender_code AND ba.key < bb.key AND ba.bidder_key <> bb.bidder_key\n",
            "anchors_fingerprint",
            ("x", "ba", "bb"),
            f"MATCH (x) WHERE id(x) = anchor_x\n{_PAIR}WITH x, ba, bb\n",
            fingerprint_pairs,
        ),
    ),
    "expert_top_score": (
        Shortcut(
            "MATCH (expert:Expert)-[s:SCORED]->(bid:Bid)-[:FOR]->(t:Tender)\n"
            "WHERE (t.bid_open IS NULL OR (t.bid_open >= $date_from AND t.bid_open <= $date_to))\n"
            "WITH expert, t, max(s.score) AS top, collect(DISTINCT bid) AS bids\n"
            "UNWIND bids AS bid\n"
            "MATCH (expert)-[s:SCORED]->(bid)-[f:FOR]->(t), (company)-[:SUBMITTED]->(bid)\n"
            "WITH expert, company, t, s.score = top AS is_top, [id(s), bid, id(f)] AS top_path\n"
            "WITH expert, company, count(t) AS scored, count(CASE WHEN is_top THEN 1 END) AS times,\n"
            "     collect(CASE WHEN is_top THEN top_path END) AS top_paths\n"
            "WHERE times >= $min_times AND toFloat(times) / scored >= $min_share\n"
            "UNWIND top_paths AS top_path\n"
            "WITH expert, company, times, scored, top_path[0] AS scored_id, top_path[1] AS bid, "
            "top_path[2] AS for_id\n",
            "anchors_top_score",
            ("expert", "company", "bid", "s", "f", "times", "scored"),
            "MATCH (expert), (company), (bid)\n"
            "WHERE id(expert) = anchor_expert AND id(company) = anchor_company AND id(bid) = anchor_bid\n"
            "WITH expert, company, anchor_times AS times, anchor_scored AS scored, anchor_s AS scored_id, bid,\n"
            "     anchor_f AS for_id\n",
            top_scores,
        ),
    ),
}


def anchored(query: SavedQuery, store: GraphStore) -> bool:
    """Whether ``query`` runs through its shortcuts on this store."""
    shortcuts = SHORTCUTS.get(query.id, ())
    return (
        bool(shortcuts)
        and store.backend == "falkordb"
        and all(query.text.count(s.original) == 1 for s in shortcuts)  # exactly the lines it stands for
    )


def run_detector_query(store: GraphStore, query: SavedQuery, params: Mapping[str, Any]) -> Result:
    """The rows of a detector query: through its shortcuts when it has them, else plain."""
    if not anchored(query, store):
        return run_query(store, query, dict(params), limit=0)
    tables = side_tables(store)
    text, bound = query.text, query.bind(dict(params))
    for shortcut in SHORTCUTS[query.id]:
        text = text.replace(shortcut.original, shortcut.anchored)
        bound[shortcut.param] = shortcut.anchors(tables, bound)
    return store.run(quote_names(text), bound, read_only=True, limit=0)
