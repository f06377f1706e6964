"""``bidgraph bench extract``: field-level precision/recall/F1 of the notice extractor against a
reference.jsonl (one line per notice: infoid, title, infodate, reference = a third party's
parse of the same page), plus notices per second on one core.

Every field is compared as a set per notice (micro-averaged over notices):
tender_code, tender_name, tenderer, agency — the value; bidders — the candidate companies;
rank — (company, rank); price — (company, price: amount or rate text); winner — the award's
winner; person_name — names; person_role — (name, role); certificate — (name, number), ID
numbers excluded on both sides (they are identity, not certificates).
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bidgraph.certnumbers import id_kind
from bidgraph.extract import extract, read_notices
from bidgraph.extract.model import BidFact, Extraction
from bidgraph.extract.nlp import annotate, entities, get_nlp
from bidgraph.extract.personnel import parse_personnel

FIELDS = ("tender_code", "tender_name", "tenderer", "agency", "bidders", "rank", "price", "winner",
          "person_name", "person_role", "certificate")  # fmt: skip
_AWARD_KEYS = {
    "招标人", "建设地点", "招标机构", "标段(包)编号", "标段(包)名称", "中标人", "中标范围和内容", "投诉电话",
    "履约期限(天)", "质量目标", "资质证书名称及编号", "安全生产许可证名称及编号", "公告发布日期", "备注",
}  # fmt: skip


def norm(value: str) -> str:
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


def norm_price(value: str) -> str:
    text = norm(value)
    if re.fullmatch(r"[\d,]+(\.\d+)?(元)?", text):  # amounts compare as numbers: 1,000.00 = 1000
        return f"{float(text.replace(',', '').removesuffix('元')):.2f}"
    return text


def _cert_set(name: str, numbers: list[str]) -> set[tuple]:
    out = set()
    for n in numbers:
        number = re.sub(r"^[^:]*[:：]|[(][^)]*[)]$", "", norm(n))  # 证书编码:… / …(工程师)
        if number and not id_kind(re.sub(r"^[A-Za-z]", "", number)):  # T4205…**** is an ID with a typo
            out.add((name, number))
    return out


def _persons_from_reference(ref: dict) -> list[tuple[str, str, list[str]]]:
    out = []
    for key, value in ref.items():
        if key in _AWARD_KEYS or key.startswith("中标价") or not value or "," not in value:
            continue
        parts = value.split(",")
        if len(parts) == 3:  # the usual 姓名,类别,编号 — read independently of the extractor
            out.append((parts[0].strip(), key, re.split(r"[、/]", parts[2])))
        else:  # several people in one cell
            ents = entities(annotate([(value, True)])[0])
            out.extend((p.name, key, [c[0] for c in p.certificates]) for p in parse_personnel(value, ents))
    return out


def reference_sets(row: dict) -> dict[str, set]:
    ref, sets = row["reference"], defaultdict(set)
    if "bidders_and_prices" in ref or "project_name" in ref:
        if ref.get("project_name"):
            sets["tender_name"].add(norm(ref["project_name"]))
        for i, b in enumerate(ref.get("bidders_and_prices") or [], 1):
            company = norm(b.get("bidder", ""))
            sets["bidders"].add(company)
            sets["rank"].add((company, i))
            if b.get("price"):
                sets["price"].add((company, norm_price(b["price"])))
        for p in ref.get("personnel") or []:  # generated notices: every candidate's staff
            _add_person(sets, p["name"], p["role"], p["certificates"])
        return sets
    for field_name, key in (("tender_code", "标段(包)编号"), ("tender_name", "标段(包)名称"), ("tenderer", "招标人"),
                            ("agency", "招标机构"), ("winner", "中标人")):  # fmt: skip
        if ref.get(key):
            sets[field_name].add(norm(ref[key]))
    price = next((v for k, v in ref.items() if k.startswith("中标价") and v), None)
    if price and ref.get("中标人"):
        sets["price"].add((norm(ref["中标人"]), norm_price(price)))
    for name, role, numbers in _persons_from_reference(ref):
        _add_person(sets, name, role, numbers)
    return sets


def _add_person(sets: dict, name: str, role: str, numbers: list[str]) -> None:
    sets["person_name"].add(name)
    sets["person_role"].add((name, norm(role)))
    sets["certificate"] |= _cert_set(name, numbers)


def predicted_sets(ex: Extraction, kind: str, with_staff: bool = False) -> dict[str, set]:
    """``with_staff``: also candidates' personnel (scored only where the reference lists it)."""
    sets: dict[str, set] = defaultdict(set)
    for field_name in ("tender_code", "tender_name", "tenderer", "agency"):
        fact = getattr(ex, field_name)
        if fact and not (kind == "candidates" and field_name != "tender_name"):
            sets[field_name].add(norm(fact.value))
    bids: list[BidFact] = ex.candidates if kind == "candidates" else [ex.winner] if ex.winner else []
    for bid in bids:
        company = norm(bid.company.value)
        if kind == "candidates":
            sets["bidders"].add(company)
            sets["rank"].add((company, bid.rank))
            for p in bid.persons if with_staff else []:
                _add_person(sets, p.name.value, p.role, [c.value for c in p.certificates])
        else:
            sets["winner"].add(company)
            for p in bid.persons:
                _add_person(sets, p.name.value, p.role, [c.value for c in p.certificates])
        if bid.price:
            sets["price"].add((company, norm_price(bid.price.value)))
    return sets


@dataclass
class ExtractBench:
    counts: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0, 0] for f in FIELDS})  # tp fp fn
    disagreements: list[dict] = field(default_factory=list)
    notices: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # process CPU time: the one-core rate on a machine shared with others
    warmup_seconds: float = 0.0

    def scores(self) -> dict[str, dict[str, float]]:
        out = {}
        for f, (tp, fp, fn) in self.counts.items():
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            out[f] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "tp": tp, "fp": fp, "fn": fn}
        return out

    def as_json(self) -> dict:
        rate = round(self.notices / self.seconds, 2) if self.seconds else None
        cpu_rate = round(self.notices / self.cpu_seconds, 2) if self.cpu_seconds else None
        return {"fields": self.scores(), "notices_per_s": rate, "notices_per_cpu_s": cpu_rate,
                "notices": self.notices, "warmup_s": round(self.warmup_seconds, 2)}  # fmt: skip


def _set_aside(path: Path | None) -> dict[tuple[str, str], list]:
    """Verified reference errors: [{"infoid", "field", "item"?}] (no item: the whole field)."""
    if path is None:
        return {}
    out: dict[tuple[str, str], list] = defaultdict(list)
    for row in json.loads(path.read_text(encoding="utf-8")):
        item = row.get("item")
        out[(row["infoid"], row["field"])].append(tuple(item) if isinstance(item, list) else item)
    return out


def run_extract_benchmark(data: Path, set_aside: Path | None = None) -> ExtractBench:
    folders = [p for p in [data, *sorted(data.iterdir())] if (p / "reference.jsonl").exists()] if data.is_dir() else []
    bench, aside = ExtractBench(), _set_aside(set_aside)
    t = time.perf_counter()
    get_nlp()
    annotate([("预热", True)])
    bench.warmup_seconds = time.perf_counter() - t
    for folder in folders:
        rows = {r["infoid"]: r for r in map(json.loads, (folder / "reference.jsonl").read_text("utf-8").splitlines())}
        t, cpu = time.perf_counter(), time.process_time()
        results = [(n.notice_id, extract(n)) for n in read_notices([folder])]
        bench.seconds += time.perf_counter() - t
        bench.cpu_seconds += time.process_time() - cpu
        for notice_id, ex in results:
            row = rows.get(notice_id)
            if row is None:
                continue
            bench.notices += 1
            kind = "candidates" if "候选人" in row.get("categoryname", row.get("title", "")) else "award"
            ref, pred = reference_sets(row), predicted_sets(ex, kind, "personnel" in row["reference"])
            for f in FIELDS:
                skip = aside.get((notice_id, f), [])
                if None in skip:
                    continue
                r = {x for x in ref.get(f, set()) if x not in skip}
                p = {x for x in pred.get(f, set()) if x not in skip}
                c = bench.counts[f]
                c[0], c[1], c[2] = c[0] + len(r & p), c[1] + len(p - r), c[2] + len(r - p)
                if r != p:
                    bench.disagreements.append({"infoid": notice_id, "field": f, "missing": sorted(map(str, r - p)),
                                                "extra": sorted(map(str, p - r))})  # fmt: skip
    return bench
