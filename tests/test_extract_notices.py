"""Reading generated notices (table and prose layouts, award tables) and the other formats:
every field scores 1.00 against the generator's truth, offsets point at the stated text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bidgraph.bench.extract import FIELDS, run_extract_benchmark
from bidgraph.data.generator.notices import GeneratedTender, write_notices
from bidgraph.errors import DataError
from bidgraph.extract import Extraction, Notice, extract, read_notice_file, read_notices


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[GeneratedTender]]:
    out = tmp_path_factory.mktemp("notices")
    return out, write_notices(out, count=8, seed=11, plant_every=4)


def _read(folder: Path) -> dict[str, tuple[Notice, Extraction]]:
    return {n.notice_id: (n, extract(n)) for n in read_notices([folder])}


def test_every_field_scores_one_on_generated_notices(generated: tuple[Path, list[GeneratedTender]]) -> None:
    bench = run_extract_benchmark(generated[0])
    assert bench.notices == 16
    scores = bench.scores()
    assert {f: scores[f]["f1"] for f in FIELDS} == dict.fromkeys(FIELDS, 1.0), bench.disagreements
    assert scores["person_name"]["tp"] > 16 and scores["certificate"]["tp"] > 16


def test_table_and_prose_layouts_give_the_same_facts(generated: tuple[Path, list[GeneratedTender]]) -> None:
    out, tenders = generated
    found = _read(out / "candidates")
    for i, tender in enumerate(tenders):
        _, ex = found[f"candidates-{i:04d}"]
        assert ("<table" in (out / "candidates" / f"candidates-{i:04d}.html").read_text()) == (i % 2 == 0)
        assert [b.company.value for b in ex.candidates] == [c.name for c in tender.candidates]
        assert [b.rank for b in ex.candidates] == [1, 2, 3]
        assert [b.price.value.removesuffix("元") for b in ex.candidates] == [c.price for c in tender.candidates]
        assert ex.tender_code.value == tender.code
        for bid, cand in zip(ex.candidates, tender.candidates, strict=True):
            assert sorted((p.name.value, p.role) for p in bid.persons) == sorted((s.name, s.role) for s in cand.staff)
            assert bid.members == cand.members


def test_offsets_point_at_the_source_text(generated: tuple[Path, list[GeneratedTender]]) -> None:
    out, _ = generated
    facts = 0
    for notice, ex in [*_read(out / "candidates").values(), *_read(out / "award").values()]:
        bids = [*ex.candidates, *([ex.winner] if ex.winner else [])]
        spans = [ex.tender_code, ex.tenderer, ex.agency] + [b.company for b in bids] + [b.price for b in bids]
        spans += [f for b in bids for p in b.persons for f in (p.name, *p.certificates, *p.ids)]
        for fact in filter(None, spans):
            assert notice.text[fact.start : fact.end] == fact.value
            facts += 1
    assert facts > 200


def test_award_notice_consortium_fee_rate_and_masked_id(generated: tuple[Path, list[GeneratedTender]]) -> None:
    out, tenders = generated
    found = _read(out / "award")
    consortium = next(i for i, t in enumerate(tenders) if t.candidates[0].members)
    _, ex = found[f"award-{consortium:04d}"]
    assert ex.kind == "award" and ex.winner.members == tenders[consortium].candidates[0].members
    for i, tender in enumerate(tenders):
        _, ex = found[f"award-{i:04d}"]
        assert ex.winner.price.value == tender.candidates[0].price  # amounts, 下浮率 and 收费标准 sentences
        lead = ex.winner.persons[0]
        assert (
            lead.role == "项目负责人" and [c.value for c in lead.certificates] == tender.candidates[0].staff[0].numbers
        )
        technical = [p for p in ex.winner.persons if p.role == "技术负责人"]
        assert all(len(p.ids) == 1 and "*" in p.ids[0].value and not p.certificates[1:] for p in technical)
    assert {t.candidates[0].price[:2] for t in tenders} >= {"下浮", "按《"}  # rate and fee-rate prices were read
    _, first = found["award-0000"]
    assert "投诉电话" in found["award-0000"][0].text and "-" not in first.winner.price.value  # a phone is no price


def test_json_rows_text_and_docx(tmp_path: Path, generated: tuple[Path, list[GeneratedTender]]) -> None:
    out, tenders = generated
    html = (out / "candidates" / "candidates-0000.html").read_text(encoding="utf-8")
    rows = tmp_path / "site.jsonl"
    rows.write_text(json.dumps({"infoid": "x1", "title": "某工程中标候选人公示", "content": html}, ensure_ascii=False))
    (notice,) = read_notice_file(rows)
    assert notice.notice_id == "x1" and "watermark" not in notice.text and "水印" not in notice.text
    assert [b.company.value for b in extract(notice).candidates] == [c.name for c in tenders[0].candidates]

    prose = (out / "candidates" / "candidates-0001.html").read_text(encoding="utf-8")
    text_file = tmp_path / "notice.txt"
    (html_notice,) = read_notice_file(out / "candidates" / "candidates-0001.html")
    text_file.write_text(html_notice.text, encoding="utf-8")
    (text_notice,) = read_notice_file(text_file)
    assert "<p>" in prose
    assert [b.company.value for b in extract(text_notice).candidates] == [c.name for c in tenders[1].candidates]

    import docx

    document = docx.Document()
    document.add_paragraph("中标结果公告")
    winner = tenders[2].candidates[0]
    table = document.add_table(rows=0, cols=2)
    for label, value in (("标段(包)编号", tenders[2].code), ("中标人", winner.name), ("中标价(元)", winner.price),
                         ("项目负责人", winner.staff[0].cell())):  # fmt: skip
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    path = tmp_path / "award.docx"
    document.save(str(path))
    (docx_notice,) = read_notice_file(path)
    ex = extract(docx_notice)
    assert ex.winner.company.value == winner.name and ex.tender_code.value == tenders[2].code
    assert [c.value for c in ex.winner.persons[0].certificates] == winner.staff[0].numbers


def test_unreadable_inputs_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "rows.json"
    bad.write_text('[{"title": "无正文"}]', encoding="utf-8")
    with pytest.raises(DataError, match="找不到公告正文"):
        read_notice_file(bad)
    with pytest.raises(DataError, match="不支持的公告文件类型"):
        read_notice_file(tmp_path / "x.xls")
