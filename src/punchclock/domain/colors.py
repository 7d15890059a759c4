"""The v8-era project colour palette (30-clients-projects-tags-tasks §2.2)."""

PALETTE = (
    "#4dc3ff", "#bc85e6", "#df7baa", "#f68d38", "#b27636",
    "#8ab734", "#14a88e", "#268bb5", "#6668b4", "#a4506c",
    "#67412c", "#3c6526", "#094558", "#bc2d07", "#999999",
)


def hex_color(color: int) -> str:
    return PALETTE[color % len(PALETTE)]
