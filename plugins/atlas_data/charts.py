"""Horizontal bar charts as plain SVG, written at build time; mirrored for right-to-left languages."""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

from markupsafe import Markup

WIDTH = 640
ROW = 26
BAR = 16
PAD = 6
FONT = 13
GAP = 8
MIN_BARS = 320
BAR_COLOUR = "#2a6f97"


def text_width(text: str) -> float:
    """A rough width of text in pixels at FONT size: wide (CJK) characters count double."""
    units = sum(1.05 if unicodedata.east_asian_width(c) in "WF" else 0.68 for c in text)
    return units * FONT


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(chart_id: str, title: str, desc: str, rows: list[tuple[str, float, str]], rtl: bool = False) -> Markup:
    """rows: (label, value, value as shown). The title and desc give the chart its accessible name."""
    label_w = max([text_width(label) for label, _, _ in rows] + [40]) + GAP * 2
    value_w = max([text_width(shown) for _, _, shown in rows] + [20]) + GAP
    # Long labels widen the drawing (it is scaled to the page), so the bars always keep room.
    width = max(WIDTH, label_w + value_w + MIN_BARS)
    bar_room = width - label_w - value_w - GAP
    top = max((value for _, value, _ in rows), default=0) or 1
    height = PAD * 2 + ROW * max(len(rows), 1)
    direction = ' direction="rtl"' if rtl else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_n(width)} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc"{direction}>',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<g font-size="{FONT}" fill="currentColor">',
    ]
    for i, (label, value, shown) in enumerate(rows):
        middle = PAD + ROW * i + ROW / 2
        length = bar_room * value / top
        if rtl:
            # Labels on the right, bars growing leftwards, values at their left end.
            label_x, label_anchor = width - GAP / 2, "start"
            bar_x = width - label_w - length
            value_x, value_anchor = bar_x - GAP / 2, "start"
        else:
            label_x, label_anchor = label_w - GAP, "end"
            bar_x = label_w
            value_x, value_anchor = label_w + length + GAP / 2, "start"
        parts.append(
            f'<text x="{_n(label_x)}" y="{_n(middle)}" dominant-baseline="central" '
            f'text-anchor="{label_anchor}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect class="chart__bar" x="{_n(bar_x)}" y="{_n(middle - BAR / 2)}" width="{_n(length)}" '
            f'height="{BAR}" fill="{BAR_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{_n(value_x)}" y="{_n(middle)}" dominant-baseline="central" '
            f'text-anchor="{value_anchor}">{escape(shown)}</text>'
        )
    parts.append("</g></svg>")
    return Markup("\n".join(parts))
