"""Bid documents for the synthetic world: per tender its 招标文件 and one document per
bidder, where planted colluders copy each other's sections (keeping typos, wrong
figures and odd formatting), honest bidders share only the tender's boilerplate, and
one honest pair uses the same commercial template (the decoy). Ground truth: one
``bid_similarity`` scheme per copying pair."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from bidgraph.data.generator.doctext import (
    TEMPLATES,
    BidText,
    TenderText,
    bid_text,
    copy_bid,
    plant_errors,
    tender_text,
)

DETECTOR = "bid_similarity"
DECOY_TEMPLATE = "TPL-商务-01"
VARIANTS = {"heavy": 0.8, "partial": 0.55, "light": 0.35}  # share of sections copied
CREATORS = ("WPS Office", "Microsoft Office Word", "新点投标文件制作工具 V10.2", "广联达投标工具 V5")
COMPILERS = ("王磊", "李静", "张伟", "刘洋", "陈晨", "杨帆", "赵敏", "黄勇", "周婷", "吴刚", "徐丽", "孙鹏")


@dataclass(frozen=True)
class DocTender:
    code: str
    name: str
    bidders: tuple[tuple[str, str], ...]  # (bidder key as in bids.csv, name)


@dataclass
class GenDoc:
    tender: str
    bidder: str
    name: str
    text: str
    meta: dict[str, Any]
    fmt: str = "txt"


@dataclass
class DocSet:
    tenders: dict[str, TenderText] = field(default_factory=dict)
    docs: list[GenDoc] = field(default_factory=list)
    schemes: list[dict[str, Any]] = field(default_factory=list)

    def pairs(self, *, decoy: bool = False) -> set[tuple[str, str, str]]:
        """Planted pairs as (tender, bidder, bidder) with the bidders sorted."""
        return {
            (s["tenders"][0], *sorted(s["companies"]))  # type: ignore[misc]
            for s in self.schemes
            if bool(s.get("decoy")) == decoy
        }


def meta(rng: random.Random, bidder: str, template: str | None, when: str) -> dict[str, Any]:
    return {
        "author": rng.choice(COMPILERS),
        "company": bidder,
        "creator": rng.choice(CREATORS),
        "created": f"{when}T{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}:00",
        "modified": f"{when}T{rng.randint(20, 23):02d}:{rng.randint(0, 59):02d}:00",
        "template_id": template or "",
        "machine_code": "".join(rng.choice("0123456789ABCDEF") for _ in range(20)),
    }


def plan_documents(
    rng: random.Random, tenders: list[DocTender], *, collude: float = 0.3, template_share: float = 0.3
) -> DocSet:
    """Documents for every bidder of ``tenders``; a share ``collude`` of tenders get a
    copying pair (sometimes a trio); the first tender without one gets the decoy pair."""
    out = DocSet()
    decoy_done = False
    for n, tender in enumerate(tenders):
        tt = out.tenders[tender.code] = tender_text(rng, tender.code, tender.name)
        when = f"2024-{1 + n % 12:02d}-{1 + n % 27:02d}"
        bidders = list(tender.bidders)
        rng.shuffle(bidders)
        texts: dict[str, tuple[BidText, dict[str, Any]]] = {}
        if len(bidders) >= 3 and rng.random() < collude:
            source, *copiers = bidders[: 3 if rng.random() < 0.25 else 2]
            variant = rng.choice(list(VARIANTS))
            src = bid_text(rng, tt, source[1], None)
            plant_errors(rng, src, tt)
            src_meta = meta(rng, source[1], None, when)
            texts[source[0]] = (src, src_meta)
            for copier in copiers:
                m = meta(rng, copier[1], None, when)
                if variant == "heavy":  # compiled by the same person on the same machine
                    m.update(author=src_meta["author"], machine_code=src_meta["machine_code"])
                texts[copier[0]] = (copy_bid(rng, src, tt, copier[1], VARIANTS[variant]), m)
                out.schemes.append(_scheme(len(out.schemes), variant, tender.code, source[0], copier[0], decoy=False))
            if len(copiers) == 2:  # two copies of one source are copies of each other
                pair = (copiers[0][0], copiers[1][0])
                out.schemes.append(_scheme(len(out.schemes), "trio", tender.code, *pair, decoy=False))
        elif len(bidders) >= 2 and not decoy_done:
            decoy_done = True
            for key, name in bidders[:2]:
                texts[key] = (bid_text(rng, tt, name, DECOY_TEMPLATE), meta(rng, name, DECOY_TEMPLATE, when))
            out.schemes.append(
                _scheme(len(out.schemes), "same_template", tender.code, bidders[0][0], bidders[1][0], decoy=True)
            )
        for key, name in bidders:
            if key not in texts:
                template = rng.choice(list(TEMPLATES)) if rng.random() < template_share else None
                texts[key] = (bid_text(rng, tt, name, template), meta(rng, name, template, when))
        for key, name in tender.bidders:
            bid, m = texts[key]
            fmt = rng.choices(("txt", "docx", "pdf"), (0.6, 0.25, 0.15))[0]
            out.docs.append(GenDoc(tender.code, key, name, bid.text(), m, fmt))
    return out


def _scheme(n: int, variant: str, tender: str, a: str, b: str, *, decoy: bool) -> dict[str, Any]:
    return {
        "id": f"D{n + 1:04d}",
        "detector": DETECTOR,
        "variant": variant,
        "decoy": decoy,
        "tenders": [tender],
        "companies": sorted((a, b)),
        "persons": [],
    }
