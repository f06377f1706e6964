"""Find the companies and people behind an identifier an investigator has at hand: a
certificate number, a whole phone or bank account number, an e-mail, an address fragment or an upload IP."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass

from bidgraph import protected
from bidgraph.graph import GraphStore
from bidgraph.loaders import normalize

_OWNER = "CASE WHEN o:Person THEN 'Person' WHEN o:Agency THEN 'Agency' ELSE 'Company' END AS label"
_RETURN = f"RETURN DISTINCT o.key AS key, o.name AS name, {_OWNER}, i.value AS value LIMIT $limit"


@dataclass(frozen=True)
class IdentifierKind:
    zh: str
    cypher: str


_CERT = IdentifierKind(
    "证书编号",
    "MATCH (i:Certificate) WHERE i.number CONTAINS $text "
    "OPTIONAL MATCH (p:Person)-[:HOLDS]->(i) OPTIONAL MATCH (i)-[:REGISTERED_WITH]->(c) "
    "WITH i, [x IN collect(DISTINCT p) + collect(DISTINCT c) WHERE x IS NOT NULL] AS owners "
    "UNWIND owners AS o "
    f"RETURN DISTINCT o.key AS key, o.name AS name, {_OWNER}, i.kind + ' ' + i.number AS value LIMIT $limit",
)
# the graph keeps a phone only as a hash of the whole number (bidgraph.protected): matched exactly
_PHONE = IdentifierKind("电话", f"MATCH (o)-[:HAS_PHONE]->(i:Phone) WHERE i.key = $text {_RETURN}")
_EMAIL = IdentifierKind("电子邮箱", f"MATCH (o)-[:HAS_EMAIL]->(i:Email) WHERE i.key CONTAINS $text {_RETURN}")
_ADDRESS = IdentifierKind(
    "地址", f"MATCH (o)-[:REGISTERED_AT]->(i:Address) WHERE i.key CONTAINS $text AND size($text) >= 4 {_RETURN}"
)
_IP = IdentifierKind(
    "投标上传IP",
    "MATCH (o:Company)-[:SUBMITTED]->(:Bid)-[:UPLOADED_FROM]->(i:IP) WHERE i.key = $text "
    "RETURN DISTINCT o.key AS key, o.name AS name, 'Company' AS label, i.value AS value LIMIT $limit",
)


# accounts are hashed like phones; the account paid a bid's deposit, so its owners are the bidders
_ACCOUNT = IdentifierKind(
    "保证金账户",
    "MATCH (o:Company)-[:SUBMITTED]->(:Bid)-[:DEPOSIT_FROM]->(i:BankAccount) WHERE i.key = $text "
    "RETURN DISTINCT o.key AS key, o.name AS name, 'Company' AS label, i.value AS value LIMIT $limit",
)


@dataclass(frozen=True)
class IdentifierHit:
    label: str
    key: str
    name: str
    reason: str


def _variants(text: str) -> list[tuple[IdentifierKind, str]]:
    """Which identifier kinds ``text`` can be, each with the value as the loader normalised it."""
    raw = unicodedata.normalize("NFKC", text).strip()
    try:
        return [(_IP, str(ipaddress.ip_address(raw)))]
    except ValueError:
        pass
    digits = re.sub(r"\D", "", raw)
    if "@" in raw:
        return [(_EMAIL, raw.lower())]
    found: list[tuple[IdentifierKind, str]] = [(_CERT, re.sub(r"\s+", "", raw).upper())]
    if len(digits) >= 7 and re.fullmatch(r"[\d\s()+\-]+", raw):
        found.append((_PHONE, protected.graph_key(protected.PHONE, normalize.phone(raw))))
    if len(digits) >= 8 and re.fullmatch(r"[\d\s\-]+", raw):
        found.append((_ACCOUNT, protected.graph_key(protected.ACCOUNT, normalize.bank_account(raw))))
    if not raw.isascii():
        found.append((_ADDRESS, re.sub(r"\s+", "", raw)))
    return found


def search_identifiers(store: GraphStore, text: str, *, limit: int = 20) -> list[IdentifierHit]:
    """Owners of certificates, phones, e-mails, addresses and IPs matching ``text``."""
    hits: list[IdentifierHit] = []
    for kind, value in _variants(text):
        if not value:
            continue
        for row in store.run(kind.cypher, {"text": value, "limit": limit}).records():
            if row["key"]:
                reason = f"{kind.zh} {row['value']}"
                hits.append(IdentifierHit(row["label"], row["key"], row["name"] or row["key"], reason))
    return hits
