"""Masking by recipient (PIPL data minimisation): ID and phone numbers appear in full only
in packages for recipients entitled to them. Masking runs once over the whole case
before any file is written, so no export format can leak what another one hides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bidgraph.cases.model import Case, CaseError, FindingSnapshot, Transition
from bidgraph.graph.schema import schema
from bidgraph.masking import ID_NUMBER, MASK_RULE, MOBILE, mask_id_number, mask_numbers, mask_phone
from bidgraph.services.access import may_export_to
from bidgraph.viewer import Viewer


@dataclass(frozen=True)
class Recipient:
    name: str
    full_identifiers: bool
    description: str


RECIPIENTS: dict[str, Recipient] = {
    r.name: r
    for r in (
        Recipient("纪委监委", True, "纪检监察机关：完整身份证号与电话号码"),
        Recipient("公安机关", True, "公安机关（经侦部门）：完整身份证号与电话号码"),
        Recipient("行政监督部门", False, "行业行政监督部门：身份证号、电话号码脱敏"),
        Recipient("内部", False, "内部研判留存：身份证号、电话号码脱敏"),
    )
}

# The ID number's property (schema.yaml: Person protected) and names it has in free-form data.
ID_PROPERTIES = frozenset({*schema().sensitive("Person", "protected"), "id_no", "idcard"})
PHONE_PROPERTIES = frozenset({"phone", "mobile", "tel", "telephone"})


def recipients_for(viewer: Viewer) -> list[Recipient]:
    """The recipients ``viewer`` may export for: packages with full ID and phone numbers
    only by those who may see them (liaison, admin)."""
    return [r for r in RECIPIENTS.values() if may_export_to(viewer, r)]


def recipient(name: str) -> Recipient:
    try:
        return RECIPIENTS[name]
    except KeyError:
        raise CaseError(f"未知的接收方「{name}」；可选：{'、'.join(RECIPIENTS)}") from None


@dataclass(frozen=True)
class MaskReport:
    recipient: str
    full_identifiers: bool
    masked_values: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "recipient": self.recipient,
            "full_identifiers": self.full_identifiers,
            "rule": "不脱敏（接收方有权获取完整信息）" if self.full_identifiers else MASK_RULE,
            "masked_values": self.masked_values,
        }


def mask_case(case: Case, to: Recipient) -> tuple[Case, MaskReport]:
    """A copy of ``case`` as ``to`` may see it."""
    if to.full_identifiers:
        return case, MaskReport(to.name, True, 0)
    literals = _sensitive_literals(case)
    scrub = _scrubber(literals)
    masked = replace(
        case,
        title=scrub(case.title),
        summary=scrub(case.summary),
        nodes={k: replace(n, properties=_deep(n.properties, scrub)) for k, n in case.nodes.items()},
        relationships={k: replace(r, properties=_deep(r.properties, scrub)) for k, r in case.relationships.items()},
        findings=[_mask_finding(f, scrub) for f in case.findings],
        notes=[replace(n, text=scrub(n.text)) for n in case.notes],
        transitions=[_mask_transition(t, scrub) for t in case.transitions],
    )
    return masked, MaskReport(to.name, False, len(literals) + _regex_hits(case, literals))


def _mask_finding(finding: FindingSnapshot, scrub: Callable[[str], str]) -> FindingSnapshot:
    return replace(finding, data=_deep(finding.data, scrub), query_text=scrub(finding.query_text))


def _mask_transition(step: Transition, scrub: Callable[[str], str]) -> Transition:
    return replace(step, comment=scrub(step.comment), reason=scrub(step.reason))


def _sensitive_literals(case: Case) -> dict[str, str]:
    """Exact values known to be ID or phone numbers, with their masked form."""
    out: dict[str, str] = {}
    for node in case.nodes.values():
        for prop, value in node.properties.items():
            text = str(value) if value is not None else ""
            if not text or "*" in text:
                continue
            if prop in ID_PROPERTIES:
                out[text] = mask_id_number(text)
            elif prop in PHONE_PROPERTIES or (node.label == "Phone" and prop in ("key", "value")):
                out[text] = mask_phone(text)
    return out


def _scrubber(literals: dict[str, str]) -> Callable[[str], str]:
    ordered = sorted(literals, key=len, reverse=True)

    def scrub(text: str) -> str:
        for literal in ordered:
            if literal in text:
                text = text.replace(literal, literals[literal])
        return mask_numbers(text)

    return scrub


def _deep(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _deep(v, scrub) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_deep(v, scrub) for v in value]
    return value


def _regex_hits(case: Case, literals: dict[str, str]) -> int:
    """Numbers found only by pattern (in notes, summaries, figures), for the manifest."""
    texts: list[str] = [case.title, case.summary, *(n.text for n in case.notes)]
    found = {m.group() for t in texts for m in (*ID_NUMBER.finditer(t), *MOBILE.finditer(t))}
    return len(found - set(literals))
