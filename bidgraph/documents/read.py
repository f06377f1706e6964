"""Reading bid documents: text, .docx (python-docx) and PDF (pypdf) into plain text,
sections and the file's metadata (author, company, creator/producer software, creation
and modification times, template id, machine code when the tool wrote one)."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bidgraph.errors import DataError

MANIFEST_COLUMNS = ("标段编号", "投标人", "文件路径")
# Canonical section names and the 目录 headings that open them.
SECTIONS = {
    "投标函": ("投标函",),
    "商务标": ("商务标", "商务文件", "商务部分"),
    "技术标": ("施工组织设计", "技术标", "技术文件", "技术部分"),
    "进度计划": ("施工进度计划", "进度计划", "工期计划"),
    "报价清单": ("报价清单", "已标价工程量清单", "工程量清单", "报价表"),
}
# A heading line: optional 第N部分/章 prefix, a known heading word, nothing long after.
_HEADING = re.compile(r"^\s*(?:第[一二三四五六七八九十\d]+[部分章节]+\s*)?(?P<title>\S{2,16})\s*$")


@dataclass(frozen=True)
class Section:
    name: str
    start: int  # character offsets into the document text
    end: int


@dataclass
class ReadDocument:
    path: Path
    text: str
    fmt: str
    meta: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def section_name(line: str) -> str | None:
    """The canonical section a heading line opens, or None for body text and the 目录
    entries (``1. 商务标``)."""
    m = _HEADING.match(line)
    if not m or re.match(r"^\s*\d+[.、]", line):
        return None
    title = m.group("title")
    for name, words in SECTIONS.items():
        if any(title.startswith(w) for w in words):
            return name
    return None


def split_sections(text: str) -> list[Section]:
    """Sections by heading lines; text before the first heading is ``正文``."""
    heads: list[tuple[str, int, int]] = []  # name, heading line start, body start
    offset = 0
    for line in text.splitlines(keepends=True):
        name = section_name(line)
        if name:
            heads.append((name, offset, offset + len(line)))
        offset += len(line)
    if not heads:
        return [Section("正文", 0, len(text))]
    out = [Section("正文", 0, heads[0][1])] if heads[0][1] > 0 else []
    ends = [h[1] for h in heads[1:]] + [len(text)]
    out += [Section(name, body, end) for (name, _, body), end in zip(heads, ends, strict=True)]
    return out


def read_document(path: Path) -> ReadDocument:
    suffix = path.suffix.lower().lstrip(".")
    reader = READERS.get(suffix)
    if reader is None:
        raise DataError(f"不支持的文件类型 .{suffix}；请提供 PDF、.docx 或 .txt", file=str(path))
    if not path.exists():
        raise DataError("文件不存在，请检查清单中的文件路径", file=str(path))
    try:
        text, meta = reader(path)
    except DataError:
        raise
    except Exception as e:  # a corrupt file is named, not swallowed
        raise DataError(f"无法读取文件（{type(e).__name__}: {e}）", file=str(path)) from e
    return ReadDocument(path, text, suffix, meta, split_sections(text))


def _txt(path: Path) -> tuple[str, dict[str, Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding), {}
        except UnicodeDecodeError:
            continue
    raise DataError("文本编码无法识别（应为 UTF-8 或 GB18030）", file=str(path))


def _docx(path: Path) -> tuple[str, dict[str, Any]]:
    import docx

    d = docx.Document(str(path))
    p = d.core_properties
    meta = {
        "author": p.author or p.last_modified_by or "",
        "company": p.subject or "",
        "creator": "",
        "created": p.created.isoformat(timespec="seconds") if p.created else "",
        "modified": p.modified.isoformat(timespec="seconds") if p.modified else "",
        "template_id": p.category or "",
        "machine_code": p.identifier or "",
    }
    return "\n".join(par.text for par in d.paragraphs) + "\n", {k: v.replace("+00:00", "") for k, v in meta.items()}


def _pdf_date(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")[:14]
    if len(digits) < 8:
        return ""
    iso = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
    return iso + (f"T{digits[8:10]}:{digits[10:12]}:{digits[12:14]}" if len(digits) >= 14 else "")


def _pdf(path: Path) -> tuple[str, dict[str, Any]]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    info = reader.metadata or {}
    # The generator (and many tools) wrap long lines; lines are re-joined per page.
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    meta = {
        "author": str(info.get("/Author", "") or ""),
        "company": str(info.get("/Subject", "") or ""),
        "creator": str(info.get("/Creator", "") or ""),
        "producer": str(info.get("/Producer", "") or ""),
        "created": _pdf_date(str(info.get("/CreationDate", "") or "")),
        "modified": _pdf_date(str(info.get("/ModDate", "") or "")),
        "template_id": str(info.get("/TemplateID", "") or ""),
        "machine_code": str(info.get("/MachineCode", "") or ""),
    }
    return text + "\n", meta


READERS = {"txt": _txt, "text": _txt, "docx": _docx, "pdf": _pdf}


@dataclass(frozen=True)
class ManifestEntry:
    tender: str
    bidder: str  # empty for the tender's own 招标文件
    path: Path
    row: int


def read_manifest(manifest: Path) -> list[ManifestEntry]:
    """Rows of a manifest CSV (标段编号, 投标人, 文件路径; paths relative to it)."""
    with manifest.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"清单缺少列：{'、'.join(missing)}", file=manifest.name, row=1)
        out = []
        for n, row in enumerate(reader, 2):
            tender, bidder, rel = (str(row[c] or "").strip() for c in MANIFEST_COLUMNS)
            if not tender:
                raise DataError("标段编号为空", file=manifest.name, row=n, column="标段编号")
            if not rel:
                raise DataError("文件路径为空", file=manifest.name, row=n, column="文件路径")
            out.append(ManifestEntry(tender, bidder, manifest.parent / rel, n))
    return out
