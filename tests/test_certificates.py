"""Certificate numbers parsed from free text (loaders/certificates.py)."""

from __future__ import annotations

import pytest

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
