"""Measured accuracy against a generated data set's planted ground truth
(``ground_truth.json``: schemes with detector, variant, decoy, tenders, companies,
persons as ID numbers).

Matching rule: a finding matches a scheme when it names at least min(2, n) of the
scheme's n companies (or, for schemes without companies, one of its persons) and, when
both list tenders, shares a tender. Recall of a detector = its planted (non-decoy)
schemes matched by one of its findings. Precision = its findings that match some
planted scheme (of any detector: planted collusion found by another rule is still
collusion) over all its findings; a finding on a decoy or on nothing planted is a false
positive. Ranking: a company group is relevant when it matches a planted scheme;
precision@k over the triage list, and the best rank of any decoy."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bidgraph.analysis.findings import Finding, RankedItem
from bidgraph.loaders.identity import person_key


@dataclass(frozen=True)
class Scheme:
    id: str
    detector: str
    variant: str
    decoy: bool
    tenders: frozenset[str]
    companies: frozenset[str]
    persons: frozenset[str]  # person keys as the loader makes them


def load_truth(path: Path) -> list[Scheme]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Scheme(
            id=s["id"],
            detector=s["detector"],
            variant=s.get("variant", ""),
            decoy=bool(s.get("decoy")),
            tenders=frozenset(s.get("tenders") or ()),
            companies=frozenset(s.get("companies") or ()),
            persons=frozenset(person_key(p, False, None)[0] for p in s.get("persons") or ()),
        )
        for s in data["schemes"]
    ]


def matches(companies: set[str], persons: set[str], tenders: set[str], scheme: Scheme) -> bool:
    if scheme.companies:
        if len(companies & scheme.companies) < min(2, len(scheme.companies)):
            return False
    elif not persons & scheme.persons:
        return False
    return not (scheme.tenders and tenders) or bool(tenders & scheme.tenders)


def finding_matches(finding: Finding, scheme: Scheme) -> bool:
    return matches(finding.entity_keys("Company"), finding.entity_keys("Person"), set(finding.tender_codes), scheme)


@dataclass(frozen=True)
class DetectorScore:
    detector: str
    findings: int
    true_positives: int
    planted: int
    found: int
    decoys_hit: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.findings if self.findings else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0


def score_detectors(findings: Sequence[Finding], schemes: Sequence[Scheme]) -> list[DetectorScore]:
    planted = [s for s in schemes if not s.decoy]
    decoys = [s for s in schemes if s.decoy]
    detectors = sorted({f.detector for f in findings} | {s.detector for s in schemes})
    out = []
    for detector in detectors:
        mine = [f for f in findings if f.detector == detector]
        tp = sum(1 for f in mine if any(finding_matches(f, s) for s in planted))
        own = [s for s in planted if s.detector == detector]
        found = sum(1 for s in own if any(finding_matches(f, s) for f in mine))
        hit = sum(1 for s in decoys if s.detector == detector and any(finding_matches(f, s) for f in mine))
        out.append(DetectorScore(detector, len(mine), tp, len(own), found, hit))
    return out


def _group_matches(item: RankedItem, scheme: Scheme) -> bool:
    companies = {key for label, key, _ in item.entities if label == "Company"}
    persons = {key for f in item.findings for key in f.entity_keys("Person")}
    tenders = {code for f in item.findings for code in f.tender_codes}
    return matches(companies, persons, tenders, scheme)


def ranking(
    groups: Sequence[RankedItem], schemes: Sequence[Scheme], ks: Sequence[int] = (10, 20, 50)
) -> dict[str, Any]:
    """precision@k of the group ranking and the first rank at which a decoy appears."""
    relevant = [any(_group_matches(g, s) for s in schemes if not s.decoy) for g in groups]
    decoy_ranks = [
        rank
        for rank, g in enumerate(groups, 1)
        if not relevant[rank - 1] and any(_group_matches(g, s) for s in schemes if s.decoy)
    ]
    out: dict[str, Any] = {f"P@{k}": (sum(relevant[:k]) / min(k, len(groups)) if groups else 0.0) for k in ks}
    out["groups"] = len(groups)
    out["first_decoy_rank"] = decoy_ranks[0] if decoy_ranks else None
    return out
