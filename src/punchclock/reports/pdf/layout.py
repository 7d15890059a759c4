"""Fonts, page geometry, text measuring and wrapping, and the document every report draws on.

reportlab is imported by this package only.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Literal

import reportlab
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from punchclock.reports.csv import duration
from punchclock.reports.pdf.model import Meta
from punchclock.reports.results import Money

# Binary (deflated) page streams without the ASCII85 layer: a quarter smaller and faster to write. Global
# to reportlab, which nothing but this package uses.
rl_config.useA85 = 0

FONT, BOLD = "PunchclockSans", "PunchclockSans-Bold"
#: DejaVu Sans covers far more scripts than Vera (which reportlab ships); both have the same Latin metrics.
_DEJAVU, _VERA = Path("/usr/share/fonts/truetype/dejavu"), Path(reportlab.__file__).parent / "fonts"
_FONT_FILES = ((_DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"),
               (_VERA / "Vera.ttf", _VERA / "VeraBd.ttf"))

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 36.0
LEFT, RIGHT = MARGIN, PAGE_W - MARGIN
WIDTH = RIGHT - LEFT
TOP = PAGE_H - MARGIN
#: The lowest baseline a table row may use; the footer sits below it.
BOTTOM = MARGIN + 8
FOOTER_Y = MARGIN - 14

SIZE = 7.5
LEADING = 9.0
PAD = 2.5

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#cbd2d9")
SHADE = colors.HexColor("#f0f4f8")
ACCENT = colors.HexColor("#268bb5")


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the two faces once per process (the registry is global)."""
    regular, bold = next(pair for pair in _FONT_FILES if pair[0].is_file() and pair[1].is_file())
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))


@lru_cache(maxsize=16384)
def width_of(text: str, font: str = FONT, size: float = SIZE) -> float:
    """Cached: table cells repeat (names, projects, descriptions), and measuring is pure Python."""
    return pdfmetrics.stringWidth(text, font, size)  # type: ignore[no-any-return]


def clip(text: str, width: float, font: str = FONT, size: float = SIZE) -> str:
    """``text`` cut to ``width`` with an ellipsis (binary search on the length: long texts stay cheap)."""
    if width_of(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width_of(text[:mid].rstrip() + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def _wrap_words(text: str, width: float, max_lines: int, font: str, size: float) -> tuple[list[str], bool]:
    """Greedy word wrap of one paragraph into at most ``max_lines`` lines; True when text was left over."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        if width_of(rest, font, size) <= width:
            lines.append(rest)
            return lines, False
        words, line, taken = rest.split(" "), "", 0
        for word in words:
            candidate = f"{line} {word}" if line else word
            if width_of(candidate, font, size) > width:
                break
            line, taken = candidate, taken + 1
        if taken == 0:  # a word wider than the column: break it inside
            line = clip(words[0], width, font, size).removesuffix("…") or words[0][:1]
            rest = rest[len(line):].lstrip()
        else:
            rest = " ".join(words[taken:])
        lines.append(line)
    return lines, bool(rest)


def wrap(text: str, width: float, max_lines: int, font: str = FONT, size: float = SIZE) -> list[str]:
    """``text`` on at most ``max_lines`` lines (its own line breaks kept); a cut shows as an ellipsis."""
    if "\n" not in text and width_of(text, font, size) <= width:
        return [text]  # the common case, one measurement
    paragraphs = [" ".join(p.split()) for p in text.split("\n")]
    paragraphs = [p for p in paragraphs if p] or [""]
    out: list[str] = []
    cut = False
    for index, paragraph in enumerate(paragraphs):
        lines, cut = _wrap_words(paragraph, width, max_lines - len(out), font, size)
        out += lines
        if len(out) >= max_lines:
            cut = cut or index < len(paragraphs) - 1
            break
    if cut:
        out[-1] = clip(out[-1] + "…", width, font, size)
    return out


def amount_text(amount: Decimal, currency: str) -> str:
    """An amount as a reader expects it: thousands separated, two decimals, its currency."""
    return f"{amount:,.2f} {currency}"


def amounts_text(items: Iterable[Money], sep: str = ", ") -> str:
    return sep.join(amount_text(m.amount, m.currency) for m in items)


def time_text(seconds: int, display_hours: str) -> str:
    """A duration standing alone (cards, breakdown): decimal hours carry their unit."""
    text = duration(seconds, display_hours)
    return f"{text} h" if display_hours == "decimal" else text


def bar_label(seconds: int, display_hours: str) -> str:
    if not seconds:
        return ""
    if display_hours == "decimal":
        return duration(seconds, display_hours)
    minutes = (seconds + 30) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


# -- the document: pages, running header, footer, deferred page total -----------------------------------

class Document:
    """A canvas with the page furniture every report shares; ``y`` is the top of the free space."""

    def __init__(self, out: IO[bytes], meta: Meta) -> None:
        register_fonts()
        self.meta = meta
        self.canvas = Canvas(out, pagesize=(PAGE_W, PAGE_H), pageCompression=1)
        self.canvas.setTitle(f"{meta.title} — {meta.workspace} — {meta.period}")
        self.canvas.setAuthor("punchclock")
        self.canvas.setCreator("punchclock")
        self.page = 1
        self.y = TOP

    def text(self, x: float, y: float, text: str, *, font: str = FONT, size: float = SIZE,
             color: colors.Color = INK, align: Literal["left", "right", "center"] = "left") -> None:
        c = self.canvas
        c.setFont(font, size)
        c.setFillColor(color)
        if align == "right":
            c.drawRightString(x, y, text)
        elif align == "center":
            c.drawCentredString(x, y, text)
        else:
            c.drawString(x, y, text)

    def _footer(self) -> None:
        c, meta = self.canvas, self.meta
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(LEFT, FOOTER_Y + 9, RIGHT, FOOTER_Y + 9)
        stamp = meta.generated.strftime("%Y-%m-%d %H:%M %Z").strip()
        self.text(LEFT, FOOTER_Y, f"{meta.title} · {meta.workspace} · {meta.period} · generated {stamp} by punchclock",
                  size=6.5, color=MUTED)
        label = f"Page {self.page} of "
        x = RIGHT - 60
        self.text(x, FOOTER_Y, label, size=6.5, color=MUTED)
        c.saveState()
        c.translate(x + width_of(label, FONT, 6.5), FOOTER_Y)
        c.doForm("page_total")
        c.restoreState()

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        meta = self.meta
        self.text(LEFT, TOP - 8, meta.title, font=BOLD, size=9)
        self.text(LEFT + width_of(meta.title, BOLD, 9) + 8, TOP - 8, f"{meta.workspace} · {meta.period}",
                  size=8, color=MUTED)
        self.y = TOP - 24

    def finish(self) -> None:
        self._footer()
        self.canvas.showPage()
        # The total every footer refers to: defined once, now that it is known.
        self.canvas.beginForm("page_total")
        self.text(0, 0, str(self.page), size=6.5, color=MUTED)
        self.canvas.endForm()
        self.canvas.save()

