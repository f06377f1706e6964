"""USCC (GB 32100-2015) and ID-number (GB 11643) check characters over a column of texts
at once (numpy), for the check pass: a company or person column holds tens of thousands
of distinct codes, each checked by a Python call in ``normalize.parse_uscc`` /
``parse_id_number``. Only the texts these decide are valid as they are — ASCII, 18
characters, upper case, already compact, with the right check character (and, for an ID
number, a real birth date not in the future) — are taken here; every other text (lower
case, full-width, spaces, masked, a wrong length, character or check) is left to those
functions, so verdicts, values and reasons stay theirs."""

from __future__ import annotations

import datetime as dt

import numpy as np

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # stdnum.cn.uscc's: no I, O, S, V, Z
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)  # 7, 9, 10, 5, …
_LENGTH = 18
_UNKNOWN = 99  # a byte outside the alphabet


def _table(alphabet: str) -> np.ndarray:
    table = np.full(256, _UNKNOWN, dtype=np.int64)
    table[np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)] = np.arange(len(alphabet))
    return table


_USCC_VALUES = _table(USCC_ALPHABET)
_ID_VALUES = _table("0123456789X")  # X is 10, the check digit only


def _codes(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """The texts of 18 ASCII characters and their bytes, a row each."""
    taken = [t for t in texts if len(t) == _LENGTH and t.isascii()]
    data = np.frombuffer("".join(taken).encode("ascii"), dtype=np.uint8).reshape(-1, _LENGTH)
    return taken, data


def valid_usccs(texts: list[str]) -> list[str]:
    """The texts that ``normalize.parse_uscc`` returns unchanged (valid, already compact)."""
    taken, data = _codes(texts)
    values = _USCC_VALUES[data]
    shaped = (values[:, :8] < 10).all(axis=1) & (values < _UNKNOWN).all(axis=1)  # 8 digits, then the alphabet
    check = -(values[:, :17] @ _USCC_WEIGHTS) % 31
    return [t for t, ok in zip(taken, shaped & (check == values[:, 17]), strict=True) if ok]


def valid_id_numbers(texts: list[str], today: dt.date | None = None) -> list[str]:
    """The texts that ``normalize.parse_id_number`` returns unchanged as a full number
    (17 digits and a check digit or X, the check right, a birth date that exists and is
    not after ``today``)."""
    taken, data = _codes(texts)
    values = _ID_VALUES[data]
    digits = values[:, :17]
    shaped = (digits < 10).all(axis=1) & (values[:, 17] < _UNKNOWN)
    check = (12 - digits @ _ID_WEIGHTS % 11) % 11
    year = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    month = digits[:, 10] * 10 + digits[:, 11]
    day = digits[:, 12] * 10 + digits[:, 13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)] + (leap & (month == 2))
    born = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)
    today = today or dt.date.today()
    past = year * 10_000 + month * 100 + day <= today.year * 10_000 + today.month * 100 + today.day
    ok = shaped & (check == values[:, 17]) & born & past
    return [t for t, good in zip(taken, ok, strict=True) if good]
