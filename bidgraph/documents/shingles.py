"""Passages and character shingles of bid documents, and what to subtract before
comparing them: the tender's own 招标文件 text and the base rate (shingles used by many
unrelated bidders — templates and stock phrases, like the identifier allow-list)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bidgraph.documents.read import Section

K = 5  # characters per shingle: long enough to be rare in Chinese prose, short enough to survive edits
_SPACE = re.compile(r"\s+")
_PASSAGE_END = re.compile(r"[。！？；\n]+")


def normalize(text: str) -> str:
    """Whitespace removed (PDF line wrapping and spacing must not matter)."""
    return _SPACE.sub("", text).replace("\u3000", "")


def shingles(text: str, k: int = K) -> set[str]:
    norm = normalize(text)
    return {norm[i : i + k] for i in range(len(norm) - k + 1)}


@dataclass(frozen=True)
class Passage:
    section: str
    start: int  # offsets into the document text
    end: int
    text: str
    shingles: frozenset[str]


def passages(text: str, sections: Sequence[Section], min_chars: int = 8) -> list[Passage]:
    """Sentences and lines of every section (the heading-less preamble included)."""
    out = []
    for section in sections:
        body = text[section.start : section.end]
        start = 0
        for m in [*_PASSAGE_END.finditer(body), None]:
            end = m.end() if m else len(body)
            chunk = body[start:end]
            if len(normalize(chunk)) >= min_chars:
                lead = len(chunk) - len(chunk.lstrip())
                out.append(
                    Passage(
                        section.name,
                        section.start + start + lead,
                        section.start + end,
                        chunk.strip(),
                        frozenset(shingles(chunk)),
                    )
                )
            start = end
    return out


@dataclass
class BaseRate:
    """How many distinct bidders use each shingle across the whole corpus."""

    bidders: Counter[str] = field(default_factory=Counter)
    n_bidders: int = 0

    @classmethod
    def of(cls, per_bidder: Iterable[set[str]]) -> BaseRate:
        rate = cls()
        for used in per_bidder:
            rate.bidders.update(used)
            rate.n_bidders += 1
        return rate

    def cap(self, min_bidders: int, share: float) -> int:
        """Shingles used by at least this many bidders are common, not evidence."""
        return max(min_bidders, int(share * self.n_bidders))


def residual(
    items: Sequence[Passage], tender: set[str], rate: BaseRate, cap: int, boilerplate: float
) -> tuple[list[Passage], set[str]]:
    """The passages left after subtraction and their telling shingles: a passage mostly
    made of the tender's own text is dropped whole; of the rest, shingles in the tender
    text or used by ``cap`` or more bidders are dropped."""
    kept, telling = [], set()
    for p in items:
        if p.shingles and len(p.shingles & tender) >= boilerplate * len(p.shingles):
            continue
        own = {s for s in p.shingles if s not in tender and rate.bidders[s] < cap}
        if own:
            kept.append(p)
            telling |= own
    return kept, telling
