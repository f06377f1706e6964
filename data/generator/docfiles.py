"""Bid documents on disk: a folder per tender (its 招标文件 and one file per bidder as
text, .docx or PDF with the compiler's metadata) and ``documents/manifest.csv``
(标段编号, 投标人, 文件路径); the planted pairs are added to ``ground_truth.json``."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bidgraph.data.generator.biddocs import DocSet, DocTender, GenDoc, plan_documents

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("标段编号", "投标人", "文件路径")
TENDER_FILE = "招标文件.txt"
FONT = "STSong-Light"  # the manifest lists it with an empty 投标人


def write_docset(docset: DocSet, folder: Path) -> Path:
    """Write every document and the manifest under ``folder``; return the manifest path."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for code, tender in docset.tenders.items():
        (folder / code).mkdir(exist_ok=True)
        (folder / code / TENDER_FILE).write_text(tender.text(), encoding="utf-8")
        rows.append((code, "", f"{code}/{TENDER_FILE}"))
    for doc in docset.docs:
        rel = f"{doc.tender}/{doc.bidder}.{doc.fmt}"
        WRITERS[doc.fmt](doc, folder / rel)
        rows.append((doc.tender, doc.bidder, rel))
    manifest = folder / MANIFEST
    with manifest.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows(rows)
    return manifest


def _txt(doc: GenDoc, path: Path) -> None:
    path.write_text(doc.text, encoding="utf-8")


def _docx(doc: GenDoc, path: Path) -> None:
    import docx  # python-docx; imported here so reading text files needs no lxml

    d = docx.Document()
    for line in doc.text.splitlines():
        d.add_paragraph(line)
    props = d.core_properties
    props.author = doc.meta["author"]
    props.last_modified_by = doc.meta["author"]
    props.title = f"{doc.name}投标文件"
    props.subject = doc.meta["company"]
    props.category = doc.meta["template_id"]
    props.identifier = doc.meta["machine_code"]
    props.created = datetime.fromisoformat(doc.meta["created"])
    props.modified = datetime.fromisoformat(doc.meta["modified"])
    d.save(str(path))


def _pdf(doc: GenDoc, path: Path) -> None:
    from pypdf import PdfReader, PdfWriter
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    # A standard CID font, not embedded: quick to write, and its text extracts exactly
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    y = 800
    for line in doc.text.splitlines():
        for start in range(0, max(len(line), 1), 38):  # wrap long lines
            if y < 50:
                canvas.showPage()
                y = 800
            canvas.setFont(FONT, 10)
            canvas.drawString(40, y, line[start : start + 38])
            y -= 15
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    stamp = {k: "D:" + doc.meta[k].replace("-", "").replace(":", "").replace("T", "") for k in ("created", "modified")}
    writer.add_metadata(
        {
            "/Author": doc.meta["author"],
            "/Title": f"{doc.name}投标文件",
            "/Subject": doc.meta["company"],
            "/Creator": doc.meta["creator"],
            "/Producer": "ReportLab PDF Library",
            "/CreationDate": stamp["created"],
            "/ModDate": stamp["modified"],
            "/TemplateID": doc.meta["template_id"],
            "/MachineCode": doc.meta["machine_code"],
        }
    )
    with path.open("wb") as f:
        writer.write(f)


WRITERS = {"txt": _txt, "docx": _docx, "pdf": _pdf}


def sample_documents(data: Path, seed: int, tenders: int) -> tuple[Path, int]:
    """Documents for ``tenders`` tenders of a generated data set in ``data`` (bidders
    from its bids.csv); the planted pairs join its ground_truth.json. Returns the
    manifest path and the number of bid documents."""
    names = {}
    with (data / "tenders.csv").open(encoding="utf-8") as f:
        names = {row["code"]: row["name"] for row in csv.DictReader(f)}
    bidders: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with (data / "bids.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["bidder_uscc"] and not row["consortium_members"]:
                bidders[row["tender_code"]].append((row["bidder_uscc"], row["bidder_name"]))
    rng = random.Random(seed)
    eligible = [code for code in sorted(bidders) if 3 <= len(bidders[code]) <= 15]
    chosen = sorted(rng.sample(eligible, min(tenders, len(eligible))))
    docset = plan_documents(rng, [DocTender(c, names[c], tuple(bidders[c])) for c in chosen])
    manifest = write_docset(docset, data / "documents")
    _add_truth(data / "ground_truth.json", docset.schemes)
    return manifest, len(docset.docs)


def _add_truth(path: Path, schemes: list[dict[str, Any]]) -> None:
    truth = json.loads(path.read_text(encoding="utf-8"))
    kept = [s for s in truth["schemes"] if s["detector"] != "bid_similarity"]  # regenerating replaces them
    truth["schemes"] = kept + schemes
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
