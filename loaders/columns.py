"""Whole-column fast paths of the check pass. In a chunk's column, the cells of the common
well-formed shape (plain decimal amounts, ISO dates) are told from the others by one
regex over the joined column and parsed without the per-cell rules; any other cell, and
any the fast path is not sure of (an impossible date, an amount over the limit), is
marked ``SLOW`` and goes through those rules (``convert.py``), so records, errors and
warnings are the same as cell by cell. Callers use these only on text cells that are
already stripped and hold no control character, line break or formula lead: the screens
``suspect`` and ``leading`` tell those columns apart. ID numbers and USCCs valid as written
are told apart in one go (``valid_codes``)."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Callable, Iterable
from itertools import compress, repeat

from stdnum.cn import ric

from bidgraph.loaders import normalize

SLOW = object()  # this cell goes through the per-cell rules
# C0 controls except tab/newline/CR, DEL, bidi overrides/isolates (U+202E shows a name
# reversed): refused, since a stripped copy would differ from what the source shows.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UNDECODED = re.compile("[\udc80-\udcff]")  # bytes read.py could not decode (surrogateescape)
SUSPECT = re.compile(CONTROL.pattern[:-1] + "\udc80-\udcff]")  # either of the two above
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\r"  # ASCII that SUSPECT does not find
_VISIBLE_ASCII = bytes(range(0x21, 0x7F))  # ASCII but spaces and controls
_LEAD_AFTER_BREAK = re.compile("\n[=+\\-@]")  # a literal first: found by a quick search for line breaks

_AMOUNT = "[0-9]+(?:\\.[0-9]+)?"  # what normalize._MONEY reads as a plain amount in 元
_ISO = "[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}:[0-9]{2})?"  # normalize.parse_datetime's quick case


def suspect(joined: str) -> bool:
    """Whether the cells joined by line breaks hold a control or undecodable character
    (``SUSPECT``); ASCII text (most columns) by a byte table, quicker than the regex."""
    if joined.isascii():
        return bool(joined.encode().translate(None, _PRINTABLE_ASCII).strip(b"\n"))
    return SUSPECT.search(joined) is not None


def leading(joined: str) -> bool:
    """Whether a cell (or a line of one) of the cells joined by line breaks starts with a
    formula lead (= + - @); quicker than the multi-line ``^[=+\\-@]``, which has no literal."""
    return joined[:1] in ("=", "+", "-", "@") or _LEAD_AFTER_BREAK.search(joined) is not None


def others(cell: str) -> re.Pattern[str]:
    """Finds the filled lines of a column joined by line breaks that are not such a cell."""
    return re.compile(f"^(?!(?:{cell})$).+$", re.MULTILINE)


def _amounts(values: list[str], others: set[str]) -> list[object]:
    out: list[object] = []
    for value in values:
        if not value:
            out.append(None)
        elif value in others:
            out.append(SLOW)
        else:
            amount = float(value)
            out.append(amount if amount <= normalize.MONEY_MAX else SLOW)  # over: the rules refuse it
    return out


def _dates(values: list[str], others: set[str], *, date_only: bool) -> list[object]:
    out: list[object] = []
    low, high = normalize.YEARS
    for value in values:
        if not value or value in others:
            out.append(SLOW if value else None)
            continue
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:  # 2024-02-30: the per-cell rules say why
            out.append(SLOW)
            continue
        # a valid date of this shape is its own isoformat() (zero-padded, no fraction)
        usable = low <= parsed.year <= high  # else refused by the per-cell rules
        out.append((value[:10] if date_only else value) if usable else SLOW)
    return out


_FAST: dict[str, tuple[re.Pattern[str], Callable[[list[str], set[str]], list[object]]]] = {
    "money": (others(_AMOUNT), _amounts),
    "date": (others(_ISO), lambda values, others: _dates(values, others, date_only=True)),
    "datetime": (others(_ISO), lambda values, others: _dates(values, others, date_only=False)),
}


_CODES = {"id_number": re.compile("[0-9]{17}[0-9X]"), "uscc": re.compile("[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}")}
_MASKED = re.compile("[0-9]{6}[0-9*]{11}[0-9X*]")  # with a * (normalize._MASKED_ID of 18 characters)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # stdnum.cn.uscc's, a character's value is its index
_AS_BASE_34 = str.maketrans(_USCC_ALPHABET, "0123456789abcdefghijklmnopqrstu")


def valid_codes(kind: str, texts: Iterable[str]) -> dict[str, tuple[object, ...]]:
    """The texts of an ``id_number`` or ``uscc`` column that are valid codes exactly as
    written, with what ``normalize.parse_id_number`` (number, masked) or ``parse_uscc``
    (code) return for them: the usual shape with the right check character — for a full ID
    number a birth date that exists and is past; a masked one of 18 characters — checked
    without the per-cell rules. Empty for other kinds."""
    shape = _CODES.get(kind)
    if shape is None:
        return {}
    texts = list(texts)
    if kind == "uscc":
        return {code: (code,) for code in filter(shape.fullmatch, texts) if _uscc_check(code) == code[17]}
    today, valid = dt.date.today(), {}
    for number in filter(shape.fullmatch, texts):
        if ric.calc_check_digit(number) == number[17]:
            try:
                if normalize.birth_date(number) <= today:
                    valid[number] = (number, False)
            except ValueError:  # no such date: the rules say why
                continue
    valid.update((number, (number, True)) for number in filter(_MASKED.fullmatch, texts) if "*" in number)
    return valid


def _uscc_check(code: str) -> str:
    """stdnum's USCC check character: the sum of value × 3^i (i from the left) mod 31, here
    as the first 17 characters read backwards in base 34 (34 ≡ 3 mod 31) by ``int``."""
    return _USCC_ALPHABET[-int(code[16::-1].translate(_AS_BASE_34), 34) % 31]


def parsed(kind: str, values: list[str], joined: str) -> list[object] | None:
    """Per cell of the column: the parsed value (what ``convert._put`` would store under the
    column, nothing else), None for a blank cell, or ``SLOW`` for a cell of another shape;
    None for a kind without a fast path (``joined`` = the cells joined by line breaks)."""
    fast = _FAST.get(kind)
    if fast is None or joined.count("\n") != len(values) - 1:  # a cell holds a line break
        return None
    others, distinct = set(fast[0].findall(joined)), [*{*values}]
    if len(distinct) * 2 > len(values):
        return fast[1](values, others)
    by_text = dict(zip(distinct, fast[1](distinct, others), strict=True))  # dates of a tender: each parsed once
    return [*map(by_text.__getitem__, values)]


def stripped(raws: tuple[object, ...]) -> tuple[list[str], str, bool]:
    """A column's cells as stripped text (full-width spaces too), joined by line breaks,
    and whether every cell was text stripped already (then a cell's text is its value)."""
    try:
        joined: str | None = "\n".join(raws)  # type: ignore[arg-type]
    except TypeError:  # a spreadsheet's numbers, dates, empty cells
        joined = None
    if joined is not None and joined.isascii() and len(joined.encode().translate(None, _VISIBLE_ASCII)) < len(raws):
        # only the line breaks between cells are left: no space or control in any cell (codes,
        # dates, amounts), nothing to strip
        return list(raws), joined, True  # type: ignore[return-value]
    if joined is not None and "\u3000" not in joined:
        values = [*map(str.strip, raws)]  # type: ignore[arg-type]
        text = "\n".join(values)
        return values, text, text == joined
    values = [r.strip() if type(r) is str and "\u3000" not in r else normalize.text(r) for r in raws]
    return values, "\n".join(values), False


def fill(records: list[dict[str, object]], column: str, values: list[str], parsed: Iterable[object]) -> None:
    """``record[column] = parsed value`` for each filled cell, in one loop run by C (most
    cells of a load go this way)."""
    fill_filled(records, column, values, compress(parsed, values))


def fill_filled(records: list[dict[str, object]], column: str, values: list[str], parsed: Iterable[object]) -> None:
    """``fill`` from the parsed values of the filled cells only (in order)."""
    deque(map(dict.__setitem__, compress(records, values), repeat(column), parsed), maxlen=0)
