"""XmR charts drawn server-side as inline SVG: no JavaScript, and the same markup goes into
the annual report PDF. Each chart is paired with a data table (see views), so nothing is
conveyed by the picture alone; special-cause points are marked by shape as well as colour.
"""

import datetime as dt

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import spc

WIDTH, HEIGHT = 680, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 48
# NHS identity colours: grey for common cause, purple for the neutral special cause icon.
COMMON = "#425563"
SPECIAL = "#330072"
MEAN = "#005eb8"
LIMIT = "#768692"


def _icon(variation: str) -> str:
    """A small MDC-style variation icon: a circle with H or L (special cause) or a dash."""
    letter = {"special cause: high": "H", "special cause: low": "L"}.get(variation, "")
    colour = SPECIAL if letter else COMMON
    text = letter or "–"
    return (
        f'<g transform="translate({WIDTH - RIGHT - 30},{TOP + 2})">'
        f'<circle cx="14" cy="14" r="13" fill="#fff" stroke="{colour}" stroke-width="3"/>'
        f'<text x="14" y="19" text-anchor="middle" font-size="14" font-weight="bold" '
        f'fill="{colour}">{text}</text></g>'
    )


def xmr_svg(
    title: str,
    months: list[dt.date],
    analysis: spc.XmR,
    hidden: set[int] | frozenset = frozenset(),
) -> SafeString:
    """The XmR chart of a monthly series. Points whose index is in `hidden` (small numbers
    suppressed for commissioners) are left out of the line; the limits are still drawn."""
    values = [p.value for p in analysis.points]
    if not values:
        return mark_safe("")
    top_value = max(values + [analysis.upper_limit or 0, 1])
    scale_top = top_value * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (len(values) - 1) if len(values) > 1 else plot_w / 2)

    def y(v: float) -> float:
        v = min(max(v, 0), scale_top)
        return TOP + plot_h * (1 - v / scale_top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-xmr" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{{id}}-title {{id}}-desc">',
        f'<title id="{{id}}-title">{escape(title)}</title>',
        f'<desc id="{{id}}-desc">{escape(describe(analysis))} The figures are in the table '
        "below the chart.</desc>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" '
        'stroke="#d8dde0"/>',
    ]
    for tick in (0, scale_top / 2, scale_top):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{COMMON}">{tick:.0f}</text>'
        )
    for name, value, colour, dash in (
        ("mean", analysis.mean, MEAN, ""),
        ("upper limit", analysis.upper_limit, LIMIT, ' stroke-dasharray="6 4"'),
        ("lower limit", analysis.lower_limit, LIMIT, ' stroke-dasharray="6 4"'),
    ):
        if value is None or (name == "lower limit" and value <= 0):
            continue
        parts.append(
            f'<line class="app-xmr__{name.replace(" ", "-")}" x1="{LEFT}" x2="{LEFT + plot_w}" '
            f'y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="{colour}" stroke-width="1.5"{dash}/>'
        )
    segment = []
    for i, v in enumerate(values):
        if i in hidden:
            if len(segment) > 1:
                parts.append(_polyline(segment))
            segment = []
            continue
        segment.append((x(i), y(v)))
    if len(segment) > 1:
        parts.append(_polyline(segment))
    for i, point in enumerate(analysis.points):
        if i in hidden:
            continue
        cx, cy = x(i), y(point.value)
        if point.is_special:
            # A larger purple diamond: distinguishable from common-cause dots without colour.
            parts.append(
                f'<path class="app-xmr__special" d="M{cx:.1f} {cy - 6:.1f} L{cx + 6:.1f} {cy:.1f} '
                f'L{cx:.1f} {cy + 6:.1f} L{cx - 6:.1f} {cy:.1f} Z" fill="{SPECIAL}"/>'
            )
        else:
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{COMMON}"/>')
    step = max(1, len(months) // 12)
    for i, month in enumerate(months):
        if i % step == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                f'font-size="11" fill="{COMMON}">{month:%b %y}</text>'
            )
    parts.append(_icon(analysis.variation))
    parts.append("</svg>")
    svg_id = "xmr-" + "".join(ch for ch in title.lower() if ch.isalnum())[:40]
    return mark_safe("".join(parts).replace("{id}", svg_id))


def _polyline(points) -> str:
    coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    return f'<polyline points="{coords}" fill="none" stroke="{COMMON}" stroke-width="2"/>'


def describe(analysis: spc.XmR) -> str:
    """One sentence a screen reader (and the page) can give for the chart."""
    if analysis.mean is None:
        return "No data."
    text = f"Mean {analysis.mean:.1f}"
    if analysis.upper_limit is not None:
        text += f", process limits {max(analysis.lower_limit, 0):.1f} to {analysis.upper_limit:.1f}"
    flagged = sum(1 for p in analysis.points if p.is_special)
    text += f". Latest month: {analysis.variation}"
    if flagged:
        text += f"; {flagged} month{'s' if flagged != 1 else ''} with a special-cause signal"
    return text + "."
