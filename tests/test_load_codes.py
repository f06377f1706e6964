"""The column-at-once USCC and ID-number checks (loaders/codes.py) take exactly the texts
that ``normalize.parse_uscc`` / ``parse_id_number`` return unchanged as valid, on
generated valid codes and on every way of getting one wrong or odd: a wrong check
character, lower case, full-width, spaces, masked, short and long, empty, letters
outside the alphabet, impossible and future birth dates, leap days."""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc

from bidgraph.loaders import codes, normalize

TODAY = dt.date.today()


def _usccs(rng: random.Random, count: int) -> list[str]:
    made = []
    for _ in range(count):
        body = "".join(rng.choices("0123456789", k=8) + rng.choices(codes.USCC_ALPHABET, k=9))
        made.append(body + uscc.calc_check_digit(body + "0"))
    return made


def _id_numbers(rng: random.Random, count: int) -> list[str]:
    made = []
    for n in range(count):
        born = dt.date(1900, 1, 1) + dt.timedelta(days=rng.randrange((TODAY - dt.date(1900, 1, 1)).days + 1))
        if n % 50 == 0:
            born = TODAY  # the last day that is not in the future
        body = f"{rng.randrange(110000, 660000)}{born:%Y%m%d}{rng.randrange(1000):03d}"
        made.append(body + ric.calc_check_digit(body + "0"))
    return made


def _odd(rng: random.Random, valid: list[str], extra: list[str]) -> list[str]:
    """Each valid text made wrong or odd in one of many ways, plus some texts of no shape."""
    texts = [*valid, *extra, "", " ", "x", "0" * 17, "0" * 19, "中" * 18]
    for n, text in enumerate(valid):
        way = n % 9
        if way == 0:
            texts.append(text[:-1] + rng.choice([c for c in "0123456789AX" if c != text[-1]]))
        elif way == 1:
            texts.append(text.lower())
        elif way == 2:
            texts.append("".join(chr(ord(c) + 0xFEE0) for c in text))  # full-width
        elif way == 3:
            texts.append(text[:6] + " " + text[6:])
        elif way == 4:
            texts.append(text[:10] + "*" * 8)
        elif way == 5:
            texts.append(text[: rng.randrange(18)])
        elif way == 6:
            texts.append(text + rng.choice("0X"))
        elif way == 7:
            position = rng.randrange(18)
            texts.append(text[:position] + rng.choice("IOSVZ-/é") + text[position + 1 :])
        else:
            texts.append(text[:17] + text[17].lower())
    return texts


def _id_body(born: str) -> str:
    body = f"410105{born}123"
    return body + ric.calc_check_digit(body + "0")


def _scalar_keeps(parse: object, text: str) -> bool:
    try:
        value = parse(text)  # type: ignore[operator]
    except ValueError:
        return False
    return value in (text, (text, False))


def test_uscc_column_equals_parse_uscc() -> None:
    rng = random.Random(11)
    valid = _usccs(rng, 3_000)
    texts = _odd(rng, valid, ["91110000600037341L", "A1110000600037341L"])
    taken = set(codes.valid_usccs(texts))
    for text in texts:
        assert (text in taken) is _scalar_keeps(normalize.parse_uscc, text), text
    assert set(valid) <= taken and len(taken) < len(set(texts))


def test_id_number_column_equals_parse_id_number() -> None:
    rng = random.Random(12)
    valid = _id_numbers(rng, 3_000)
    tomorrow = TODAY + dt.timedelta(days=1)
    dates = ["20000229", "19000229", "19960229", "20230229", "20241301", "20240001", "20240100", "20240431", "00000101"]
    dated = [_id_body(d) for d in (*dates, f"{tomorrow:%Y%m%d}", "20990701")]
    texts = _odd(rng, valid, dated)
    taken = set(codes.valid_id_numbers(texts))
    for text in texts:
        assert (text in taken) is _scalar_keeps(normalize.parse_id_number, text), text
    assert set(valid) <= taken and _id_body("20000229") in taken and _id_body("19000229") not in taken


def test_no_texts() -> None:
    assert codes.valid_usccs([]) == [] and codes.valid_id_numbers([]) == []
