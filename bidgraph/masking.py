"""What a viewer or a recipient may see of personal identifiers (PIPL data
minimisation): full ID and phone numbers only for those entitled to them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from bidgraph.graph.schema import schema
from bidgraph.viewer import Viewer

# Properties never shown to anyone (the hash is a join key, not a fact): schema.yaml.
HIDDEN = frozenset(p for label in schema().nodes for p in schema().sensitive(label, "hidden"))
# Who an evaluation expert is: shown only to roles that see expert details (the expert
# number and specialty stay, so analysts can still follow an expert across tenders).
EXPERT_PRIVATE = frozenset({*schema().sensitive("Expert", "expert"), *schema().sensitive("Person", "protected")})
MASK_RULE = "身份证号仅保留前12位（地区与出生年月），电话号码仅保留前3位与后4位，其余以*代替"

# Not preceded or followed by another letter or digit: Chinese text may touch the number.
_EDGE = r"(?<![0-9A-Za-z])"
_END = r"(?![0-9A-Za-z])"
ID_NUMBER = re.compile(_EDGE + r"\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]" + _END)
MOBILE = re.compile(_EDGE + r"1[3-9]\d{9}" + _END)


def mask_id_number(value: str) -> str:
    """``420521199007******``-style: keep the region and birth month, hide the rest."""
    text = str(value)
    if len(text) == 18:
        return text[:12] + "******"
    return text[:4] + "*" * max(len(text) - 4, 0)


def mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", str(value))
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(digits)


def mask_account(value: str) -> str:
    """A bank account number: the first and last four digits."""
    text = re.sub(r"\s", "", str(value))
    if len(text) > 8:
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    return "*" * len(text)


def mask_numbers(text: str) -> str:
    """Every ID or mobile number inside free text, masked."""
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    return MOBILE.sub(lambda m: mask_phone(m.group()), text)


def mask_text(text: str, viewer: Viewer | None) -> str:
    """``text`` as ``viewer`` may see it (masked unless the viewer is entitled)."""
    if viewer is not None and viewer.sees_full_ids:
        return text
    return mask_numbers(text)


def visible_properties(label: str, props: Mapping[str, Any], viewer: Viewer | None) -> dict[str, Any]:
    """The node's properties as this viewer may see them."""
    full = viewer is not None and viewer.sees_full_ids
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key in HIDDEN or value is None:
            continue
        if key == "id_number" and not full:
            continue  # id_masked (if loaded) or the masked form below says enough
        if label == "Phone" and key in ("value", "key") and not full:
            value = mask_phone(value)
        elif isinstance(value, str) and not full:
            value = mask_numbers(value)
        out[key] = value
    if not full and "id_number" in props and "id_masked" not in out and props["id_number"]:
        out["id_masked"] = mask_id_number(props["id_number"])
    return out


EXPERT_ALIAS = re.compile(r"评标专家（([^）]+)）")


def expert_alias(expert_no: str | None) -> str:
    """How an evaluation expert is named to those who may not know who it is (and in the graph)."""
    return f"评标专家（{expert_no or '编号未知'}）"


class _Element(Protocol):
    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def properties(self) -> Mapping[str, Any]: ...


E = TypeVar("E", bound=_Element)


def redact_expert(node: E, viewer: Viewer | None) -> E:
    """An evaluation expert (a node with the ``Expert`` label, a frozen dataclass) without
    name, employer and identity, unless the viewer may see expert details."""
    if "Expert" not in node.labels or (viewer is not None and viewer.sees_expert_details):
        return node
    props = {k: v for k, v in node.properties.items() if k not in EXPERT_PRIVATE}
    props["name"] = expert_alias(node.properties.get("expert_no"))
    return replace(node, properties=props)  # type: ignore[type-var]
