"""Facts from tables: key–value tables (award notices: 标签 | 值 | 标签 | 值) and candidate
tables, in either orientation (a column per candidate, or a row per candidate)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bidgraph.extract.labels import classify, may_be_personnel, normalize
from bidgraph.extract.layout import Cell, Table


@dataclass
class CandidateColumns:
    """A candidate table read as labelled rows of values, one value per candidate."""

    companies: list[Cell]
    rows: list[tuple[str, str, list[Cell]]] = field(default_factory=list)  # (kind, role label, values)


def key_values(table: Table) -> list[tuple[Cell, Cell]]:
    """(label, value) pairs of a key–value table: in each row, a label cell followed by its value."""
    pairs = []
    for row in table.rows:
        i = 0
        while i + 1 < len(row):
            label, value = row[i], row[i + 1]
            personnel = may_be_personnel(label.text) and len(normalize(label.text)) <= 20
            if classify(label.text) or personnel or (not label.text and len(row) == 2):  # unlabelled person row
                pairs.append((label, value))
                i += 2
            else:
                i += 1
    return pairs


def _row_label(row: list[Cell], width: int) -> tuple[str, str]:
    """Main label and sub-label (role) of a row whose first ``width`` slots are headers."""
    first = row[0].text
    sub = row[width - 1].text if width > 1 and row[width - 1] is not row[0] else ""
    return first, sub


def _columns_per_candidate(grid: list[list[Cell]]) -> CandidateColumns | None:
    for r, row in enumerate(grid):
        if not row or classify(row[0].text) != "candidate":
            continue
        width = sum(1 for c in row if c is row[0])
        companies = _distinct(row[width:])
        if not companies:
            continue
        result = CandidateColumns(companies)
        for other in grid[r + 1 :]:
            if len(other) < width + len(companies):
                continue
            first, sub = _row_label(other, width)
            kind = classify(first) or ("personnel" if may_be_personnel(first) else None)
            if kind == "personnel" or (sub and classify(first) == "personnel"):
                kind, role = "personnel", sub or first
            else:
                role = ""
            if kind:
                result.rows.append((kind, role, other[width : width + len(companies)]))
        return result
    return None


def _rows_per_candidate(grid: list[list[Cell]]) -> CandidateColumns | None:
    """Header row names the columns; each following row is one candidate (transposed)."""
    for r, header in enumerate(grid[:3]):
        kinds = [classify(c.text) or ("personnel" if may_be_personnel(c.text) else None) for c in header]
        if "candidate" not in kinds:
            continue
        col = kinds.index("candidate")
        body = [row for row in grid[r + 1 :] if len(row) == len(header) and row[col].text]
        if not body:
            continue
        result = CandidateColumns([row[col] for row in body])
        for j, kind in enumerate(kinds):
            if kind and j != col:
                role = header[j].text if kind == "personnel" else ""
                result.rows.append((kind, role, [row[j] for row in body]))
        return result
    return None


def _distinct(cells: list[Cell]) -> list[Cell]:
    out: list[Cell] = []
    for c in cells:
        if c.text and all(c is not o for o in out):
            out.append(c)
    return out


def candidate_table(tables: list[Table]) -> CandidateColumns | None:
    for table in tables:
        grid = table.grid()
        found = _columns_per_candidate(grid) or _rows_per_candidate(grid)
        if found:
            return found
    return None
