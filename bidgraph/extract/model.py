"""What the extractor finds in one notice. Every value is a ``Fact``: the text as printed
plus its character offsets in the notice's plain text (``Notice.text``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fact:
    value: str
    start: int
    end: int


@dataclass
class PersonFact:
    name: Fact
    role: str
    certificates: list[Fact] = field(default_factory=list)
    ids: list[Fact] = field(default_factory=list)
    types: list[str] = field(default_factory=list)


@dataclass
class BidFact:
    company: Fact
    rank: int | None = None
    price: Fact | None = None
    qualification: Fact | None = None
    persons: list[PersonFact] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # consortium members, lead first


@dataclass
class Representative:
    side: str  # 招标人 / 代理机构 / 监督人 …
    name: Fact


@dataclass
class Extraction:
    kind: str  # "award" | "candidates" | "unknown"
    tender_code: Fact | None = None
    tender_name: Fact | None = None
    tenderer: Fact | None = None
    agency: Fact | None = None
    date: str | None = None
    candidates: list[BidFact] = field(default_factory=list)
    winner: BidFact | None = None
    bidders: list[Fact] = field(default_factory=list)  # all admitted to evaluation, when listed
    rejected: list[tuple[Fact, str]] = field(default_factory=list)  # (company, reason sentence)
    representatives: list[Representative] = field(default_factory=list)
