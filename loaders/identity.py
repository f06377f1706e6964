"""Node keys exactly as docs/graph-model.md fixes them, so that the same company or
person written two ways (or in two files, or two loads) becomes one node."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from bidgraph import protected
from bidgraph.loaders import normalize

HIGH, MEDIUM, LOW = "high", "medium", "low"


def org_key(uscc: str | None, name: str | None) -> str | None:
    """Company/Tenderer/Agency key: the USCC, else ``name:`` + normalized name."""
    if uscc:
        return uscc.upper()
    if name:
        return "name:" + normalize.company_name(name)
    return None


@lru_cache(maxsize=1 << 16)  # asked twice per person reference (key, then properties)
def id_hash(id_number: str) -> str:
    return hashlib.sha256(id_number.upper().encode("ascii")).hexdigest()[:24]


def person_key(id_number: str | None, masked: bool, name: str | None, context: str | None = None) -> tuple[str, str]:
    """(key, key_confidence). ``context`` is a certificate number or the key of the
    company the person appears with, used only when there is no ID number at all."""
    if id_number and not masked:
        return "id:" + id_hash(id_number), HIGH
    clean = (name or "").strip()
    if id_number:
        return f"masked:{clean}|{id_number}", MEDIUM
    return f"name:{clean}|{context or ''}", LOW


def person_props(id_number: str | None, masked: bool, name: str | None, confidence: str) -> dict[str, object]:
    """The graph keeps the hash and a masked number; the full one goes to the protected store."""
    props: dict[str, object] = {"name": name, "key_confidence": confidence}
    if id_number and masked:
        props["id_masked"] = id_number
    elif id_number:
        props["id_masked"] = protected.masked(protected.ID_NUMBER, id_number)
        props["id_hash"] = id_hash(id_number)
        protected.remember("id:" + props["id_hash"], protected.ID_NUMBER, id_number)
    return props


def consortium_key(tender_code: str, member_keys: list[str]) -> str:
    return f"{tender_code}|" + "+".join(sorted(member_keys))


def bid_key(tender_code: str, bidder_key: str) -> str:
    return f"{tender_code}|{bidder_key}"


IDENTIFIER_LABELS = {"phone": "Phone", "email": "Email", "address": "Address"}


def identifier(label: str, value: str) -> tuple[str, str]:
    """(key, display value) of a shared-identifier node. Raises ValueError for values
    that cannot be that identifier."""
    raw = normalize.text(value)
    if label == "Phone":
        number = normalize.phone(raw)
        if len(number) < 7:
            raise ValueError("电话号码位数不足")
        return _protected(protected.PHONE, number)
    if label == "Email":
        key = normalize.email(raw)
        return key, key
    if label == "Address":
        return normalize.address(raw), raw
    if label == "IP":
        key = normalize.ip(raw)
        return key, key
    if label == "BankAccount":
        return _protected(protected.ACCOUNT, normalize.bank_account(raw))
    raise ValueError(f"未知的标识类型 {label}")


def _protected(kind: str, number: str) -> tuple[str, str]:
    """Phone and account numbers: hashed key and masked value in the graph, the number
    itself in the protected store."""
    key = protected.graph_key(kind, number)
    protected.remember(key, kind, number)
    return key, protected.masked(kind, number)


DEVICE_COLUMNS = {
    "mac": "mac",
    "cpu_serial": "cpu",
    "disk_serial": "disk",
    "dongle_serial": "dongle",
    "file_creation_id": "file_id",
    "machine_code": "machine_code",
}


def device_key(kind: str, value: str) -> tuple[str, str]:
    normalized = normalize.mac(value) if kind == "mac" else normalize.serial(value)
    return f"{kind}:{normalized}", normalized
