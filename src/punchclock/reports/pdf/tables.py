"""The report tables: rows drawn one at a time, page breaks with the header repeated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from reportlab.lib import colors

from punchclock.reports.pdf.layout import (
    BOLD,
    BOTTOM,
    FONT,
    INK,
    LEADING,
    LEFT,
    PAD,
    RIGHT,
    RULE,
    SHADE,
    SIZE,
    WIDTH,
    Document,
    clip,
    width_of,
    wrap,
)


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width: float
    align: Literal["left", "right"] = "left"
    #: Lines a long value may wrap onto before it is cut with an ellipsis.
    lines: int = 1


RowKind = Literal["plain", "group", "member"]


@dataclass(slots=True)
class Table:
    """Rows drawn one at a time; a row that does not fit starts a new page with the header repeated.

    A ``group`` row (a project with its users…) is kept with its first member row, and members that
    spill onto a new page are preceded by the group's title marked "(continued)".
    """

    doc: Document
    title: str
    columns: list[Column]
    header_lines: int = field(init=False)
    group: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.header_lines = max(len(c.title.split("\n")) for c in self.columns)

    def start(self, min_rows: int = 3) -> None:
        """The section title and header; on a new page unless a few rows still fit on this one."""
        needed = 18 + self.header_lines * LEADING + PAD * 2 + min_rows * (LEADING + PAD * 2)
        if self.doc.y - needed < BOTTOM:
            self.doc.new_page()
        self.doc.text(LEFT, self.doc.y - 9, self.title, font=BOLD, size=9)
        self.doc.y -= 18
        self._header()

    def _header(self) -> None:
        doc, c = self.doc, self.doc.canvas
        height = self.header_lines * LEADING + PAD * 2
        c.setFillColor(INK)
        c.rect(LEFT, doc.y - height, WIDTH, height, stroke=0, fill=1)
        x = LEFT
        for col in self.columns:
            for n, line in enumerate(col.title.split("\n")):
                y = doc.y - PAD - LEADING * (n + 1) + 2
                tx = x + col.width - 3 if col.align == "right" else x + 3
                doc.text(tx, y, line, font=BOLD, color=colors.white, align=col.align)
            x += col.width
        doc.y -= height

    def row(self, cells: Sequence[str], *, bold: bool = False, indent: float = 0.0, shade: bool = False,
            rule: bool = False, kind: RowKind = "plain", lines: int | None = None) -> None:
        """One row; ``lines`` overrides how many lines every cell may take."""
        font = BOLD if bold else FONT
        wrapped = [
            wrap(text, col.width - 6 - (indent if i == 0 else 0), lines or col.lines, font)
            for i, (col, text) in enumerate(zip(self.columns, cells, strict=True))
        ]
        height = max(len(w) for w in wrapped) * LEADING + PAD * 2
        keep = LEADING + PAD * 2 if kind == "group" else 0.0
        doc = self.doc
        if doc.y - height - keep < BOTTOM:
            doc.new_page()
            self._header()
            if kind == "member" and self.group is not None:
                self._draw([[clip(f"{self.group} (continued)", self.columns[0].width - 6, BOLD)],
                            *[[""] for _ in self.columns[1:]]], LEADING + PAD * 2, BOLD, 0.0, True, False)
        if kind == "group":
            self.group = cells[0]
        elif kind == "plain":
            self.group = None
        self._draw(wrapped, height, font, indent, shade, rule)

    def _draw(self, wrapped: list[list[str]], height: float, font: str, indent: float, shade: bool,
              rule: bool) -> None:
        doc, c = self.doc, self.doc.canvas
        if shade:
            c.setFillColor(SHADE)
            c.rect(LEFT, doc.y - height, WIDTH, height, stroke=0, fill=1)
        if rule:
            c.setStrokeColor(INK)
            c.setLineWidth(0.8)
            c.line(LEFT, doc.y, RIGHT, doc.y)
        # One text object per row, font and colour set once: drawString would re-measure every
        # string and open a text object each, which dominated the time of a large detailed PDF.
        text = c.beginText()
        text.setFont(font, SIZE, LEADING)
        text.setFillColor(INK)
        x = LEFT
        for i, (col, lines) in enumerate(zip(self.columns, wrapped, strict=True)):
            for n, line in enumerate(lines):
                if not line:
                    continue
                y = doc.y - PAD - LEADING * (n + 1) + 2
                if col.align == "right":
                    text.setTextOrigin(x + col.width - 3 - width_of(line, font), y)
                else:
                    text.setTextOrigin(x + 3 + (indent if i == 0 else 0), y)
                text.textLine(line)  # unlike textOut, does not measure the string again
            x += col.width
        c.drawText(text)
        doc.y -= height
        c.setStrokeColor(RULE)
        c.setLineWidth(0.3)
        c.line(LEFT, doc.y, RIGHT, doc.y)


def fill(fixed: list[Column], flexible: str, position: int, lines: int = 1) -> list[Column]:
    """``fixed`` plus a column taking the rest of the page width at ``position``."""
    rest = WIDTH - sum(c.width for c in fixed)
    return [*fixed[:position], Column(flexible, rest, lines=lines), *fixed[position:]]


def duration_title(display_hours: str) -> str:
    return "Hours" if display_hours == "decimal" else "Duration"

