"""Charts drawn on the server as SVG: no JavaScript, no chart library, nothing to load.

Each chart is an image with a name and a description (`role="img"`, `<title>` and
`<desc>` referenced by `aria-labelledby`); the page puts the same figures in a table
beside it, which is what a screen reader reads. Every bar carries its number as
text too, so no value is told by length alone. Text is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import format_decimal
from markupsafe import Markup

BAR_COLOUR = "#1d4f91"  # 8.6:1 on white: a graphical object well above 3:1
AXIS_COLOUR = "#595959"
TEXT_COLOUR = "#1a1a1a"
FONT = "font-family:inherit;font-size:15px"
LABEL_CHARS = 28


@dataclass(frozen=True)
class Bar:
    label: str  # the category, written beside the bar
    value: float
    text: str = ""  # the value as shown (default: the number)


def horizontal_bars(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    width: int = 560,
    label_width: int = 190,
    bar_height: int = 20,
    gap: int = 8,
    maximum: float | None = None,
) -> Markup:
    """One bar per category, longest scale `maximum` (default: the largest value)."""
    top = maximum if maximum else max((b.value for b in bars), default=0) or 1
    value_room = 70
    scale = (width - label_width - value_room) / top
    height = max(1, len(bars)) * (bar_height + gap) + gap
    parts = [_line(label_width, 0, label_width, height)]
    for i, bar in enumerate(bars):
        y = gap + i * (bar_height + gap)
        length = max(0.0, bar.value * scale)
        middle = y + bar_height / 2
        parts.append(_text(label_width - 8, middle, _short(bar.label), anchor="end"))
        parts.append(_rect(label_width, y, length, bar_height))
        parts.append(_text(label_width + length + 6, middle, bar.text or _number(bar.value)))
    return _svg(chart_id, title, description, width, height, parts)


def columns(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    width: int = 560,
    height: int = 180,
    label_every: int = 7,
) -> Markup:
    """One column per period (days), left to right; every `label_every`-th is labelled,
    the last one always. The tallest column's value is written above it."""
    top = max((b.value for b in bars), default=0)
    bottom_room, top_room, left = 24, 18, 8
    plot = height - bottom_room - top_room
    slot = (width - 2 * left) / max(1, len(bars))
    baseline = top_room + plot
    parts = [_line(left, baseline, width - left, baseline)]
    for i, bar in enumerate(bars):
        tall = plot * bar.value / top if top else 0
        x = left + i * slot
        y = baseline - tall
        parts.append(_rect(x + slot * 0.15, y, slot * 0.7, tall))
        if i % label_every == 0 or i == len(bars) - 1:
            parts.append(_text(x + slot / 2, height - 6, bar.label, anchor="middle", middle=False))
        if top and bar.value == top:
            value = bar.text or _number(bar.value)
            parts.append(
                _text(x + slot / 2, max(12.0, y - 4), value, anchor="middle", middle=False)
            )
    return _svg(chart_id, title, description, width, height, parts)


def _text(x: float, y: float, text: str, *, anchor: str = "start", middle: bool = True) -> Markup:
    if middle:
        template = Markup(
            '<text x="{:.1f}" y="{:.1f}" text-anchor="{}" dominant-baseline="middle" '
            'fill="{}" style="{}">{}</text>'
        )
    else:
        template = Markup(
            '<text x="{:.1f}" y="{:.1f}" text-anchor="{}" fill="{}" style="{}">{}</text>'
        )
    return template.format(x, y, anchor, TEXT_COLOUR, FONT, text)


def _rect(x: float, y: float, width: float, height: float) -> Markup:
    return Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>').format(
        x, y, width, height, BAR_COLOUR
    )


def _line(x1: float, y1: float, x2: float, y2: float) -> Markup:
    return Markup(
        '<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="1"/>'
    ).format(x1, y1, x2, y2, AXIS_COLOUR)


def _svg(
    chart_id: str, title: str, description: str, width: int, height: int, parts: list[Markup]
) -> Markup:
    return Markup(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(
        id=chart_id, w=width, h=height, title=title, desc=description, body=Markup("").join(parts)
    )


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _number(value: float) -> str:
    """In the reader's locale: 1.234 in Vietnamese, 1,234 in English."""
    return str(format_decimal(value, format="#,##0.#"))
