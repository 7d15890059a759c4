"""Project colours: the v8-era palette (30-clients-projects-tags-tasks §2.2) and v9's free hex (V-17).

v9 clients send any ``#rrggbb``; it is kept exactly (``projects.color_hex``) and the nearest palette id
goes to ``projects.color`` so that v8 clients keep a valid id.
"""

from __future__ import annotations

import re

PALETTE = (
    "#4dc3ff", "#bc85e6", "#df7baa", "#f68d38", "#b27636",
    "#8ab734", "#14a88e", "#268bb5", "#6668b4", "#a4506c",
    "#67412c", "#3c6526", "#094558", "#bc2d07", "#999999",
)
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def hex_color(color: int) -> str:
    return PALETTE[color % len(PALETTE)]


def project_hex(color: int, color_hex: str | None) -> str:
    """What v9 shows: the exact hex a client chose, else the palette entry's."""
    return color_hex if color_hex is not None else hex_color(color)


def is_hex(value: object) -> bool:
    return isinstance(value, str) and _HEX.fullmatch(value) is not None


def _rgb(value: str) -> tuple[int, int, int]:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def nearest_palette_id(value: str) -> int:
    """The palette entry with that exact hex, else the nearest by squared RGB distance, lower id on ties."""
    r, g, b = _rgb(value.lower())

    def distance(i: int) -> int:
        pr, pg, pb = _rgb(PALETTE[i])
        return (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2

    return min(range(len(PALETTE)), key=lambda i: (distance(i), i))
