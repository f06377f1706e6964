"""Checks across the cells of a row, after its cells are converted: identifier columns
(devices, IPs, accounts, phones, the contact and allow-list values) must make their
identifier, and some tables need one column of each group filled. Run per chunk, column
by column, giving each row its errors in the order row by row would."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import compress, repeat
from operator import not_

from bidgraph.errors import DataError
from bidgraph.loaders import columns, identity, normalize

# Columns that become shared-identifier nodes: checked here so the write pass cannot fail.
IDENTIFIERS = {"phone": "Phone", "email": "Email", "upload_ip": "IP", "deposit_account": "BankAccount"}

# Row rules beyond single columns: at least one column of each group must be filled.
ONE_OF = {
    "roles": (("company_uscc", "company_name"), ("person_id_number", "person_name", "holder_uscc", "holder_name")),
    "contacts": (("owner_uscc", "owner_id_number", "owner_name"),),
    "penalties": (("subject_uscc", "subject_id_number", "subject_name"),),
}


# device kinds whose check never refuses a text (identity.device_key: a serial is only
# compacted): their columns are not checked at all
NEVER_REFUSED = {"cpu", "disk", "dongle", "file_id", "machine_code"}
# texts of these shapes surely pass their column's check (identity.device_key/identifier);
# other texts go through the check itself
_SURE = {
    "mac": "(?:[0-9A-Fa-f]{2}[-:]?){5}[0-9A-Fa-f]{2}",
    "Phone": "[0-9]{7,}|[0-9]{3,4}-[0-9]{7,8}",
    "Email": "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+",
    "IP": normalize.IPV4.pattern,
    "BankAccount": "[0-9]+",
}


class RowChecks:
    """The row checks of one source's rows (its columns, as mapped)."""

    def __init__(self, table: str, file: str, names: list[str], cached: int) -> None:
        self.table = table
        self.file = file
        self.cached = cached  # distinct texts remembered per column
        devices = {c for c, kind in identity.DEVICE_COLUMNS.items() if kind not in NEVER_REFUSED}
        checked = {*devices, *IDENTIFIERS, "value"}
        self.identifier_columns = [c for c in names if c in checked]
        # identifier columns whose check needs only the cell itself: text -> reason ('' if fine)
        self.checked: dict[str, dict[object, str]] = {
            c: {} for c in self.identifier_columns if c in identity.DEVICE_COLUMNS or c in IDENTIFIERS
        }
        self.unsure = {c: columns.others(_SURE[identity.DEVICE_COLUMNS.get(c) or IDENTIFIERS[c]]) for c in self.checked}

    def check(
        self,
        rows: list[tuple[int, list[object]]],
        records: list[dict[str, object]],
        errors: defaultdict[int, list[DataError]],
    ) -> None:
        """Identifier columns in order, then the one-of groups: per row in that order, as
        row by row. Where only the cell counts (a device, an IP: the same ones come back
        in many bids) each distinct text is checked once."""
        for column in self.identifier_columns:
            checked = self.checked.get(column)
            if checked is not None:  # identifier columns are text: never None when present
                texts = {*map(dict.get, records, repeat(column))} - {None}
                unsure = self._unsure(column, texts)
                bad = {text: reason for text in unsure if (reason := self._checked(checked, column, text))}
                if not bad:
                    continue
            for j, ((number, _), record) in enumerate(zip(rows, records, strict=True)):
                if column in record:
                    if checked is not None:
                        reason = bad.get(record[column], "")
                    else:
                        reason = _identifier_problem(self.table, column, record)
                    if reason:
                        errors[j].append(
                            DataError(reason, file=self.file, row=number, column=column, value=record[column])
                        )
        for group in ONE_OF.get(self.table, ()):
            wanted = f"以下列至少填写一项：{'、'.join(group)}"
            filled = map(any, zip(*(map(dict.get, records, repeat(c)) for c in group), strict=True))  # by C
            for j in compress(range(len(records)), map(not_, filled)):
                errors[j].append(DataError(wanted, file=self.file, row=rows[j][0]))

    def _unsure(self, column: str, texts: set[object]) -> Iterable[object]:
        """The texts whose check may fail: all but those of the column's usual shape, told
        apart by one regex over the texts joined by line breaks."""
        try:
            joined = "\n".join(texts)  # type: ignore[arg-type]
        except TypeError:
            return texts
        return self.unsure[column].findall(joined) if joined.count("\n") == len(texts) - 1 else texts

    def _checked(self, checked: dict[str, str], column: str, text: str) -> str:
        reason = checked.get(text)
        if reason is None:
            if len(checked) >= self.cached:
                checked.clear()
            reason = checked[text] = _identifier_problem(self.table, column, {column: text})
        return reason


def _identifier_problem(table: str, column: str, record: dict[str, object]) -> str:
    try:
        _check_identifier(table, column, record)
    except ValueError as e:
        return str(e)
    return ""


def _check_identifier(table: str, column: str, record: dict[str, object]) -> None:
    value = str(record[column])
    if column in identity.DEVICE_COLUMNS:
        identity.device_key(identity.DEVICE_COLUMNS[column], value)
    elif column in IDENTIFIERS:
        identity.identifier(IDENTIFIERS[column], value)
    elif table == "contacts" and column == "value" and record.get("kind"):
        identity.identifier(identity.IDENTIFIER_LABELS[str(record["kind"])], value)
    elif table == "allowlist" and column == "value" and record.get("label"):
        label = str(record["label"])
        if label == "Device":
            kind, _, serial = value.partition(":")
            if kind not in identity.DEVICE_COLUMNS.values() or not serial:
                raise ValueError("设备标识应写成 种类:值（如 mac:AA-BB-CC-DD-EE-FF、dongle:123456）")
            identity.device_key(kind, serial)
        else:
            identity.identifier(label, value)
