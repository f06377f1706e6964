"""Plain text with character offsets, and tables as grids of cells that point into that text.

Every reader (HTML, PDF, .docx, plain text) produces a ``Layout``: the notice as one string
(whitespace normalized, so offsets are stable and shown spans look like the page) plus its
tables, each cell knowing where its text sits. Provenance offsets of extracted facts refer
to ``Layout.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_PIECES = re.compile(r"\s+|\S+")


@dataclass
class Cell:
    text: str
    start: int
    end: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)

    def grid(self) -> list[list[Cell]]:
        """Rows expanded so a cell spanning rows/columns appears in every slot it covers."""
        grid: list[list[Cell | None]] = []
        for r, row in enumerate(self.rows):
            while len(grid) <= r:
                grid.append([])
            c = 0
            for cell in row:
                while c < len(grid[r]) and grid[r][c] is not None:
                    c += 1
                for dr in range(cell.rowspan):
                    while len(grid) <= r + dr:
                        grid.append([])
                    line = grid[r + dr]
                    while len(line) < c + cell.colspan:
                        line.append(None)
                    for dc in range(cell.colspan):
                        line[c + dc] = cell
                c += cell.colspan
        empty = Cell("", 0, 0)
        return [[x or empty for x in line] for line in grid[: len(self.rows)]]


@dataclass
class Layout:
    text: str
    tables: list[Table]


class TextBuilder:
    """Appends text while collapsing whitespace; a space between two CJK characters (a line
    wrap in the source) is dropped, so names broken across lines come out whole."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.last = "\n"
        self.pending_space = False

    def add(self, text: str) -> None:
        for m in _PIECES.finditer(text.replace("\xa0", " ").replace("\u3000", " ")):
            piece = m.group()
            if piece.isspace():
                self.pending_space = True
                continue
            if self.pending_space and self.last not in "\n\t " and not (_CJK.match(self.last) and _CJK.match(piece[0])):
                self._put(" ")
            self.pending_space = False
            self._put(piece)

    def breakline(self, sep: str = "\n") -> None:
        self.pending_space = False
        if self.last != "\n":
            self._put(sep)

    def _put(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)
        self.last = s[-1]

    def text(self) -> str:
        return "".join(self.parts)


def layout_from_text(text: str) -> Layout:
    """Plain text: lines kept, whitespace inside a line collapsed; no tables."""
    b = TextBuilder()
    for line in text.splitlines():
        b.add(line)
        b.breakline()
    return Layout(b.text(), [])
