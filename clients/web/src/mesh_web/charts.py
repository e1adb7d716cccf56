"""Charts drawn as SVG on the server: no script, the same in every browser, and printable.

Each chart is an image with a name (``role="img"``, ``aria-labelledby`` its caption); the page follows
it with a table of the same figures, its text alternative. Bars are one dark colour with a 3:1 contrast
or more against white (WCAG 1.4.11); every bar carries its value as text, so no figure is told by
colour or length alone. Labels are escaped (``Markup.format``): campus and reason names are the
institution's text. The drawing is ``translate="no"``: its words are figures, dates and names; its
title is the translated caption."""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

BAR = "#1a4480"  # USWDS blue-warm-70v family: 9.6:1 against white
GRID = "#a9aeb1"
TEXT = "#1b1b1b"
FONT = 'font-family="Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, sans-serif"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as the page writes it (localised)


def bars(chart_id: str, caption: str, items: Sequence[Bar], *, width: int = 480) -> Markup:
    """Horizontal bars, one per item, its label on the left and its value after the bar."""
    # A narrow drawing (480 units) keeps its 14-unit text legible when a phone shows it 300 px wide
    row, label_width, value_room = 34, min(180, width * 2 // 5), 60
    height = max(1, len(items)) * row + 8
    longest = max((item.value for item in items), default=0) or 1
    room = width - label_width - value_room
    parts = [_open(chart_id, caption, width, height)]
    for index, item in enumerate(items):
        top = 4 + index * row
        length = max(0.0, item.value) / longest * room
        parts.append(
            Markup(
                '<text x="{lx}" y="{ty}" text-anchor="end" font-size="14" fill="{text}">{label}</text>'
                '<rect x="{x}" y="{y}" width="{w:.1f}" height="{h}" fill="{bar}"></rect>'
                '<text x="{vx:.1f}" y="{ty}" font-size="14" fill="{text}">{value}</text>'
            ).format(
                lx=label_width - 8,
                ty=top + 18,
                text=TEXT,
                label=_clip(item.label, 22),
                x=label_width,
                y=top + 4,
                w=length,
                h=row - 12,
                bar=BAR,
                vx=label_width + length + 6,
                value=item.shown,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def columns(chart_id: str, caption: str, items: Sequence[Bar], *, width: int = 480, height: int = 200) -> Markup:
    """Vertical columns in order (weeks), a value above each and every few labels below, with a baseline."""
    bottom, top_room, left = height - 28, 20, 8
    longest = max((item.value for item in items), default=0) or 1
    slot = (width - left * 2) / max(1, len(items))
    every = max(1, round(len(items) / 8))  # at most about eight labels fit under the columns
    parts = [
        _open(chart_id, caption, width, height),
        Markup('<line x1="{a}" y1="{y}" x2="{b}" y2="{y}" stroke="{grid}"></line>').format(
            a=left, b=width - left, y=bottom, grid=GRID
        ),
    ]
    for index, item in enumerate(items):
        tall = max(0.0, item.value) / longest * (bottom - top_room)
        x = left + index * slot
        parts.append(
            Markup('<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{bar}"></rect>').format(
                x=x + slot * 0.15, y=bottom - tall, w=slot * 0.7, h=tall, bar=BAR
            )
        )
        if len(items) <= 20 or item.value:
            parts.append(
                Markup('<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="12" fill="{text}">{value}</text>').format(
                    x=x + slot / 2, y=bottom - tall - 4, text=TEXT, value=item.shown
                )
            )
        if index % every == 0:
            parts.append(
                Markup('<text x="{x:.1f}" y="{y}" text-anchor="middle" font-size="12" fill="{text}">{label}</text>').format(
                    x=x + slot / 2, y=height - 8, text=TEXT, label=item.label
                )
            )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _open(chart_id: str, caption: str, width: int, height: int) -> Markup:
    # viewBox and a width of 100 %: the chart shrinks with a phone's screen instead of scrolling sideways
    return Markup(
        '<svg class="mesh-chart" id="{id}" role="img" translate="no" aria-labelledby="{id}-title" viewBox="0 0 {w} {h}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" {font}>'
        '<title id="{id}-title">{caption}</title>'
    ).format(id=chart_id, w=width, h=height, font=Markup(FONT), caption=caption)


def _clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
