"""Charts drawn on the server as SVG: no JavaScript, no chart library, nothing to load.

Each chart is an image with a name and a description (`role="img"`, `<title>` and
`<desc>` referenced by `aria-labelledby`); the page puts the same figures in a table
beside it, which is what a screen reader reads. Every bar carries its number as
text too, so no value is told by length alone. Text is escaped here.

A bar's label is never cut where it would hide its meaning: a long name (a library's,
"Thư viện Đại học Quốc gia Hà Nội") wraps onto a second line (`<tspan>`); only a name
longer than two lines loses its end, and then the text carries the full name in a
`<title>`, and the table beside the chart has it too.
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
LINE_CHARS = 22  # characters of a label line: 22 wide Vietnamese letters at 15px fit 190px
LINE_HEIGHT = 17
CHAR_WIDTH = 9.0  # the widest a digit or letter of FONT is drawn, roughly
LABEL_LINES = 2


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
    label_width: int = 200,
    bar_height: int = 20,
    gap: int = 8,
    maximum: float | None = None,
) -> Markup:
    """One bar per category, longest scale `maximum` (default: the largest value). A row
    is as tall as its label: one line or two."""
    top = maximum if maximum else max((b.value for b in bars), default=0) or 1
    value_room = 70
    scale = (width - label_width - value_room) / top
    labels = [wrap(b.label) for b in bars]
    rows = [max(bar_height, len(lines) * LINE_HEIGHT) for lines in labels]
    height = sum(rows) + gap * (len(rows) + 1) if rows else bar_height + 2 * gap
    parts = [_line(label_width, 0, label_width, height)]
    y = gap
    for bar, lines, row in zip(bars, labels, rows, strict=True):
        length = max(0.0, bar.value * scale)
        middle = y + row / 2
        parts.append(_label(label_width - 8, middle, lines, bar.label))
        parts.append(_rect(label_width, middle - bar_height / 2, length, bar_height))
        parts.append(_text(label_width + length + 6, middle, bar.text or _number(bar.value)))
        y += row + gap
    return _svg(chart_id, title, description, width, height, parts)


def columns(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    width: int = 560,
    height: int = 150,
    label_every: int = 7,
    described_by: str = "",
) -> Markup:
    """One column per period (days), left to right; the last one is labelled, and every
    `label_every`-th counting back from it (so no two labels meet). The tallest
    column's value is written above it."""
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
        if (len(bars) - 1 - i) % label_every == 0:
            at, anchor = _within(x + slot / 2, bar.label, width)
            parts.append(_text(at, height - 6, bar.label, anchor=anchor, middle=False))
        if top and bar.value == top:
            value = bar.text or _number(bar.value)
            at, anchor = _within(x + slot / 2, value, width)
            parts.append(_text(at, max(12.0, y - 4), value, anchor=anchor, middle=False))
    return _svg(chart_id, title, description, width, height, parts, described_by)


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


def _within(centre: float, text: str, width: int, margin: float = 2) -> tuple[float, str]:
    """Where to anchor `text` centred on `centre` so that it stays inside the chart: a
    label at either edge is aligned to that edge instead of running past it."""
    half = len(text) * CHAR_WIDTH / 2
    if centre + half > width - margin:
        return width - margin, "end"
    if centre - half < margin:
        return margin, "start"
    return centre, "middle"


def _label(x: float, middle: float, lines: list[str], full: str) -> Markup:
    """A right-aligned label of one or two lines, centred on `middle`; when shortened,
    the full text rides along as its `<title>`."""
    first = middle - (len(lines) - 1) * LINE_HEIGHT / 2
    spans = Markup("").join(
        Markup('<tspan x="{:.1f}" y="{:.1f}">{}</tspan>').format(x, first + i * LINE_HEIGHT, line)
        for i, line in enumerate(lines)
    )
    shortened = " ".join(lines) != " ".join(full.split())
    title = Markup("<title>{}</title>").format(full) if shortened else Markup("")
    return Markup(
        '<text x="{:.1f}" y="{:.1f}" text-anchor="end" dominant-baseline="middle" '
        'fill="{}" style="{}">{}{}</text>'
    ).format(x, first, TEXT_COLOUR, FONT, title, spans)


def wrap(label: str, chars: int = LINE_CHARS, lines: int = LABEL_LINES) -> list[str]:
    """`label` in at most `lines` lines of at most `chars` characters, broken between
    words (a word longer than a line is broken inside); what does not fit ends in "…"."""
    out: list[str] = []
    words = label.split() or [""]
    current = ""
    for word in words:
        while len(word) > chars:  # a long code or address: break it where it must
            if current:
                out.append(current)
                current = ""
            out.append(word[:chars])
            word = word[chars:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= chars:
            current = candidate
        else:
            out.append(current)
            current = word
    if current or not out:
        out.append(current)
    if len(out) <= lines:
        return out
    kept = out[:lines]
    last = kept[-1]
    if len(last) >= chars:  # room for the "…": drop the last word, or its last letter
        last = last.rsplit(" ", 1)[0] if " " in last else last[: chars - 1]
    kept[-1] = last + "…"
    return kept


def _rect(x: float, y: float, width: float, height: float) -> Markup:
    return Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>').format(
        x, y, width, height, BAR_COLOUR
    )


def _line(x1: float, y1: float, x2: float, y2: float) -> Markup:
    return Markup(
        '<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="1"/>'
    ).format(x1, y1, x2, y2, AXIS_COLOUR)


def _svg(
    chart_id: str,
    title: str,
    description: str,
    width: int,
    height: int,
    parts: list[Markup],
    described_by: str = "",
) -> Markup:
    """`described_by`: the id of text on the page that sums the chart up (its figures in
    words), read after the chart's name and how it is drawn."""
    extra = Markup(' aria-describedby="{}"').format(described_by) if described_by else ""
    return Markup(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc"{extra} '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(
        id=chart_id,
        extra=extra,
        w=width,
        h=height,
        title=title,
        desc=description,
        body=Markup("").join(parts),
    )


def _number(value: float) -> str:
    """In the reader's locale: 1.234 in Vietnamese, 1,234 in English."""
    return str(format_decimal(value, format="#,##0.#"))
