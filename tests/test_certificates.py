"""Certificate numbers parsed from free text (loaders/certificates.py)."""

from __future__ import annotations

import pytest

from bidgraph.extract.patterns import find_entities
from bidgraph.loaders.certificates import (
    CONSTRUCTOR,
    MASKED_ID,
    SAFETY,
    TITLE,
    find_certificates,
    person_text,
    safety_sector,
)


@pytest.mark.parametrize(
    ("text", "kind", "number", "province", "level"),
    [
        ("王五,二级建造师,鄂242151649845", CONSTRUCTOR, "鄂242151649845", "鄂", "二级"),
        ("一级建造师：京111060800001。", CONSTRUCTOR, "京111060800001", "京", "一级"),
        ("安全考核B证 鄂建安B（2022）0003573", SAFETY, "鄂建安B(2022)0003573", "鄂", "B"),
        ("鄂水安B20150000061", SAFETY, "鄂水安B(2015)0000061", "鄂", "B"),
        ("湘交安C2(2019)12345", SAFETY, "湘交安C2(2019)12345", "湘", "C2"),
        ("身份证 420521199007******", MASKED_ID, "420521199007******", None, None),
        ("郑维,职称证,鄂高职字2019001", TITLE, "鄂高职字2019001", None, None),
    ],
)
def test_each_format(text: str, kind: str, number: str, province: str | None, level: str | None) -> None:
    (hit,) = find_certificates(text)
    assert (hit.kind, hit.number, hit.province, hit.level, hit.problems) == (kind, number, province, level, ())
    assert 0 <= hit.span[0] < hit.span[1] <= len(text)


def test_span_points_into_the_text_and_problems_are_reported() -> None:
    text = "项目负责人:李四,鄂242151649845;安全员:赵六,沃建安C(2021)0001234"
    hits = find_certificates(text)
    assert [h.kind for h in hits] == [CONSTRUCTOR, SAFETY]
    assert text[hits[0].span[0] : hits[0].span[1]] == "鄂242151649845"
    assert hits[1].problems == ("未知的省份简称「沃」",)
    assert safety_sector(hits[1]) == "住建"


def test_not_certificates() -> None:
    assert find_certificates("联系电话13812345678，报价1234567.00元") == []


def test_person_text_masked_id_with_wrong_length() -> None:
    name, hits = person_text("郑维,其他,4205281********0031")
    assert name == "郑维"
    assert hits[0].kind == MASKED_ID and hits[0].problems == ("部分隐藏的身份证号应为 18 位（此处 19 位）",)


# Where the loader and the notice extractor once read a form differently, both now take the
# stricter reading from bidgraph/certnumbers.py.


def test_constructor_number_with_wrong_province_code_or_year_is_reported_with_problems() -> None:
    (wrong_code,) = find_certificates("鄂225151649845")  # 25 is no province; 鄂 is 42
    assert wrong_code.kind == CONSTRUCTOR
    assert wrong_code.problems == ("级别数字后的两位应为「鄂」的省份代码 42（此处 25）",)
    (wrong_year,) = find_certificates("鄂242991649845")
    assert len(wrong_year.problems) == 1 and "年份 2099" in wrong_year.problems[0]
    assert find_certificates("滇253151649845") == []  # 云 is printed on certificates, never 滇


def test_document_numbers_and_phones_after_a_kind_word_are_not_certificates() -> None:
    assert find_certificates("赵一,职称证,豫人社职[2022]9号") == []
    assert find_certificates("赵一,其他,0371-6688123") == []
    assert [c.kind for c in find_certificates("赵一,职称证,豫高职字2019001")] == [TITLE]


def test_short_starred_numbers_are_not_masked_ids() -> None:
    # a masked certificate: kept as the number named by its kind word, not taken for an ID
    assert [c.kind for c in find_certificates("李华,其他,2422****582")] == [TITLE]
    assert find_certificates("李华,其他,410105199203******")[0].kind == MASKED_ID


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("鄂建安B(2021)0012", "鄂建安B(2021)0012"),  # 4-digit serials occur on published pages
        ("鄂建安B(2021)001234567", None),  # 9 digits: not a serial
        ("鄂住安B(2021)0012345", None),  # only 建安/水安/交安
        ("鄂建安B7(2021)0012345", None),  # categories are A/B/C with 1-3
    ],
)
def test_safety_number_bounds_agree_with_the_notice_extractor(text: str, number: str | None) -> None:
    hits = [c.number for c in find_certificates(text) if c.kind == SAFETY]
    assert hits == ([number] if number else [])
    tags = [(text[s:e], label) for s, e, label in find_entities(text) if label == "CERT_SAFETY"]
    assert tags == ([(text, "CERT_SAFETY")] if number else [])
