"""``bidgraph bench similarity``: pairwise precision/recall of 标书雷同 on generated bid
documents, time per 1,000 documents, and how time grows with documents per tender
(ratios within one run; LSH should keep time per document near flat)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from bidgraph.data.generator.biddocs import DocSet, DocTender, plan_documents
from bidgraph.documents.read import split_sections
from bidgraph.documents.similarity import DocRecord, Params, SimilarPair, compare

SIZES = {"small": 60, "medium": 400}  # tenders
GROWTH_DOCS = 1_200  # documents per growth step (same total, more per tender)
GROWTH_STEPS = (5, 10, 20, 40)


@dataclass
class Accuracy:
    planted: int
    flagged: int
    true_positives: int
    decoys_flagged: int
    documents: int
    seconds: float
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    by_text: int = 0  # planted pairs flagged by the overlap of telling text alone
    by_slips: int = 0  # … by two or more shared errors alone

    @property
    def precision(self) -> float:
        return self.true_positives / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.planted if self.planted else 1.0

    @property
    def seconds_per_1000(self) -> float:
        return 1000 * self.seconds / self.documents


def world(rng: random.Random, tenders: int, per_tender: tuple[int, int], pool: int) -> DocSet:
    """Tenders whose bidders come from one pool, so bidders meet across tenders."""
    specs = []
    for i in range(tenders):
        bidders = rng.sample(range(pool), rng.randint(*per_tender))
        specs.append(
            DocTender(f"T{i:05d}", f"示例县第{i}号道路工程", tuple((f"B{b:05d}", f"示例建设公司{b}") for b in bidders))
        )
    return plan_documents(rng, specs)


def run(docset: DocSet, params: Params) -> tuple[list[SimilarPair], float]:
    records = [
        DocRecord(f"{d.tender}|{d.bidder}", d.tender, d.bidder, d.text, tuple(split_sections(d.text)))
        for d in docset.docs
    ]
    texts = {code: t.text() for code, t in docset.tenders.items()}
    start = time.process_time()  # CPU time: the machine is shared, wall time is noisier
    pairs = compare(records, texts, params)
    return pairs, time.process_time() - start


def accuracy(size: str, seed: int, params: Params | None = None) -> Accuracy:
    params = params or Params()
    docset = world(random.Random(seed), SIZES[size], (3, 12), SIZES[size] * 2)
    pairs, seconds = run(docset, params)
    hits = [p for p in pairs if p.score >= params.min_score]
    # planted pairs are within one tender; a flagged pair across tenders counts against precision
    flagged = {_key(p) for p in hits if p.a.tender == p.b.tender}
    flagged |= {("×", p.a.id, p.b.id) for p in hits if p.a.tender != p.b.tender}
    planted, decoys = docset.pairs(), docset.pairs(decoy=True)
    return Accuracy(
        planted=len(planted),
        flagged=len(flagged),
        true_positives=len(flagged & planted),
        decoys_flagged=len(flagged & decoys),
        documents=len(docset.docs),
        seconds=seconds,
        missed=sorted(planted - flagged),
        by_text=sum(1 for p in hits if _key(p) in planted and 60 * min(1, p.containment / 0.5) >= params.min_score),
        by_slips=sum(1 for p in hits if _key(p) in planted and len(p.typos) + len(p.figures) + len(p.formatting) >= 2),
    )


def _key(p: SimilarPair) -> tuple[str, str, str]:
    return (p.a.tender, *sorted((p.a.bidder, p.b.bidder)))  # type: ignore[return-value]


def growth(seed: int, params: Params | None = None) -> list[tuple[int, int, float, int]]:
    """(documents per tender, documents, seconds, candidate pairs) per step, same total."""
    out = []
    for k in GROWTH_STEPS:
        docset = world(random.Random(seed), GROWTH_DOCS // k, (k, k), GROWTH_DOCS)
        pairs, seconds = run(docset, params or Params())
        out.append((k, len(docset.docs), seconds, len(pairs)))
    return out
