"""Notice files → ``Notice``: HTML files and folders, JSON/JSONL rows with the HTML in a field
(as trading-centre sites serve them), plain text, PDF (pypdf) and .docx (python-docx)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bidgraph.errors import DataError
from bidgraph.extract.html import layout_from_html
from bidgraph.extract.layout import Cell, Layout, Table, TextBuilder, layout_from_text

SUFFIXES = {".html", ".htm", ".txt", ".pdf", ".docx", ".json", ".jsonl"}
_BODY_KEYS = ("content", "infocontent", "html", "body", "text", "detail")
_TITLE_KEYS = ("title", "infotitle", "name", "标题")
_URL_KEYS = ("infourl", "url", "link", "href")
_DATE_KEYS = ("infodate", "date", "publish_date", "pubdate", "发布日期")
_ID_KEYS = ("infoid", "id", "guid")


@dataclass
class Notice:
    source: str  # file path (and #row for JSON rows)
    notice_id: str
    title: str
    url: str
    date: str
    content_hash: str
    layout: Layout

    @property
    def text(self) -> str:
        return self.layout.text


def _notice(source: str, raw: str | bytes, layout: Layout, **meta: str) -> Notice:
    data = raw.encode() if isinstance(raw, str) else raw
    digest = hashlib.sha256(data).hexdigest()
    title = meta.get("title") or ""
    if not title:  # the first non-empty line, as a reader would
        title = next((line.strip() for line in layout.text.splitlines() if line.strip()), "")[:120]
    return Notice(source, meta.get("notice_id") or digest[:16], title, meta.get("url", ""), meta.get("date", ""),
                  digest, layout)  # fmt: skip


def _first(row: dict, keys: tuple[str, ...]) -> str:
    return next((str(row[k]) for k in keys if row.get(k)), "")


def _json_rows(path: Path) -> Iterator[tuple[int, dict]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".jsonl":
        for i, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield i, json.loads(line)
        return
    data = json.loads(text)
    rows = data if isinstance(data, list) else next((v for v in data.values() if isinstance(v, list)), [data])
    yield from enumerate(rows, 1)


def _from_json(path: Path) -> Iterator[Notice]:
    try:
        rows = list(_json_rows(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}：不是有效的 JSON 公告文件（{exc}），请检查文件内容") from exc
    for i, row in rows:
        if not isinstance(row, dict):
            raise DataError(f"{path} 第 {i} 行：应为对象（含公告正文字段），实际为 {type(row).__name__}")
        # the body field by name, else the longest field that holds HTML (a title is not a notice)
        html = (v for v in row.values() if isinstance(v, str) and "<" in v and ">" in v)
        body = _first(row, _BODY_KEYS) or max(html, key=len, default="")
        if not body.strip():
            raise DataError(f"{path} 第 {i} 行：找不到公告正文（字段 {'/'.join(_BODY_KEYS)}）")
        layout = layout_from_html(body) if "<" in body else layout_from_text(body)
        yield _notice(f"{path}#{i}", body, layout, title=_first(row, _TITLE_KEYS), url=_first(row, _URL_KEYS),
                      date=_first(row, _DATE_KEYS), notice_id=_first(row, _ID_KEYS))  # fmt: skip


def _from_docx(path: Path) -> Layout:
    import docx

    document = docx.Document(str(path))
    b = TextBuilder()
    tables: list[Table] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            b.add("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
            b.breakline()
        elif tag == "tbl":
            table = Table()
            for row in docx.table.Table(block, document).rows:
                table.rows.append([])
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # python-docx repeats merged cells
                        continue
                    seen.add(id(cell._tc))
                    start = b.length
                    b.add(cell.text)
                    table.rows[-1].append(Cell(b.text()[start:].strip(), start, b.length))
                    b.breakline("\t")
                b.breakline()
            tables.append(table)
    return Layout(b.text(), tables)


def read_notice_file(path: Path) -> list[Notice]:
    """One file → its notices (a JSON file may hold many)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError(f"{path}：不支持的公告文件类型（支持 {' '.join(sorted(SUFFIXES))}）")
    if suffix in (".json", ".jsonl"):
        return list(_from_json(path))
    raw = path.read_bytes()
    if suffix in (".html", ".htm"):
        layout = layout_from_html(raw.decode("utf-8", errors="replace"))
    elif suffix == ".txt":
        layout = layout_from_text(raw.decode("utf-8", errors="replace"))
    elif suffix == ".pdf":
        from pypdf import PdfReader

        layout = layout_from_text("\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages))
    else:
        layout = _from_docx(path)
    return [_notice(str(path), raw, layout, notice_id=path.stem)]


def _metadata(files: list[Path]) -> tuple[dict[str, dict], list[Path]]:
    """JSON rows without a body (a site's listing: id, title, url, date) describe the HTML files
    of the same folder named by id; they are metadata, not notices."""
    meta: dict[str, dict] = {}
    rest = []
    for file in files:
        if file.suffix.lower() in (".json", ".jsonl"):
            rows = [row for _, row in _json_rows(file) if isinstance(row, dict)]
            if rows and not any(_first(r, _BODY_KEYS) for r in rows) and all(_first(r, _ID_KEYS) for r in rows):
                meta.update({_first(r, _ID_KEYS): r for r in rows})
                continue
        rest.append(file)
    return meta, rest


def read_notices(paths: list[Path]) -> Iterator[Notice]:
    """Files and folders (every notice file directly inside, sorted by name)."""
    for path in paths:
        if not path.exists():
            raise DataError(f"{path}：文件不存在，请检查路径")
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES) if path.is_dir() else [path]
        meta, files = _metadata(files)
        for file in files:
            for notice in read_notice_file(file):
                row = meta.get(notice.notice_id)
                if row:
                    notice.title = _first(row, _TITLE_KEYS) or notice.title
                    notice.url = _first(row, _URL_KEYS) or notice.url
                    notice.date = _first(row, _DATE_KEYS) or notice.date
                yield notice
