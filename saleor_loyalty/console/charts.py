"""Small SVG charts drawn on the server: grouped bars and a line, no script, no CDN.

Each function returns SVG markup (``SafeString``; every label is escaped here). Each mark carries
its figure in ``data-value`` and a ``<title>`` (a tooltip, and what a screen reader reads), so a
test can check the numbers drawn. Colours come from CSS classes (``.bar-0``...), since the
console's Content-Security-Policy allows no inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
import math

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 30, 14, 34

Number = int | Decimal | float


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]


def _nice_max(value: float, *, whole: bool) -> float:
    """The axis top: four gridline steps of 1, 2, 2.5 or 5 times a power of ten, reaching ``value``.

    ``whole`` (counts) keeps the step a whole number, so no gridline reads 0.5 of a member.
    """
    if value <= 0:
        return 4.0 if whole else 1.0
    quarter = value / 4
    magnitude = 10 ** math.floor(math.log10(quarter))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= quarter and (not whole or step == int(step)):
            return 4 * step
    return 40.0 * magnitude


def _figure(value: Number | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{Decimal(str(value)).normalize():,f}"


def _whole(series: Sequence[Series]) -> bool:
    return all(isinstance(v, int) for s in series for v in s.values if v is not None)


def _axis(top: float, plot_w: float, plot_h: float) -> list[str]:
    parts = []
    for step in range(5):
        y = TOP + plot_h - plot_h * step / 4
        label = top * step / 4
        text = f"{label:,.0f}" if label == int(label) else f"{label:,.2f}".rstrip("0")
        parts.append(f'<line class="axis" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(text)}</text>')
    return parts


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, chart_id: str) -> SafeString:
    """Grouped vertical bars: one group per label, one bar per series."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max((float(v) for s in series for v in s.values if v is not None), default=0.0)
    top = _nice_max(peak, whole=_whole(series))
    parts = _axis(top, plot_w, plot_h)
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for index, label in enumerate(labels):
        x0 = LEFT + group_w * index + group_w * 0.1
        for number, one in enumerate(series):
            value = one.values[index] if index < len(one.values) else None
            height = 0.0 if value is None else plot_h * float(value) / top
            x, y = x0 + bar_w * number, TOP + plot_h - height
            parts.append(format_html(
                '<rect class="bar bar-{}" x="{}" y="{}" width="{}" height="{}" data-series="{}" data-label="{}" '
                'data-value="{}"><title>{} {}: {}</title></rect>',
                number, f"{x:.1f}", f"{y:.1f}", f"{max(bar_w - 1, 1):.1f}", f"{height:.1f}", one.name, label,
                "" if value is None else value, one.name, label, _figure(value),
            ))
        if len(labels) <= 12 or index % max(len(labels) // 12, 1) == 0:
            parts.append(format_html('<text x="{}" y="{}" text-anchor="middle">{}</text>',
                                     f"{LEFT + group_w * (index + 0.5):.1f}", HEIGHT - BOTTOM + 16, label))
    return _svg(title, parts, series, chart_id)


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, chart_id: str) -> SafeString:
    """One polyline per series, a dot (with its figure) at each label."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max((float(v) for s in series for v in s.values if v is not None), default=0.0)
    top = _nice_max(peak, whole=_whole(series))
    parts = _axis(top, plot_w, plot_h)
    step = plot_w / max(len(labels) - 1, 1)
    for number, one in enumerate(series):
        points = []
        for index, value in enumerate(one.values):
            if value is None:
                continue
            x, y = LEFT + step * index, TOP + plot_h - plot_h * float(value) / top
            points.append(f"{x:.1f},{y:.1f}")
            parts.append(format_html(
                '<circle class="dot dot-{}" cx="{}" cy="{}" r="3" data-series="{}" data-label="{}" data-value="{}">'
                '<title>{} {}: {}</title></circle>',
                number, f"{x:.1f}", f"{y:.1f}", one.name, labels[index], value, one.name, labels[index], _figure(value),
            ))
        parts.insert(len(parts) - len(points), f'<polyline class="line line-{number}" fill="none" points="{" ".join(points)}"/>')
    for index, label in enumerate(labels):
        if len(labels) <= 12 or index % max(len(labels) // 12, 1) == 0:
            parts.append(format_html('<text x="{}" y="{}" text-anchor="middle">{}</text>',
                                     f"{LEFT + step * index:.1f}", HEIGHT - BOTTOM + 16, label))
    return _svg(title, parts, series, chart_id)


def _svg(title: str, parts: list[str], series: Sequence[Series], chart_id: str) -> SafeString:
    legend = "".join(
        format_html('<span><span class="swatch s{}"></span>{}</span>', number + 1, one.name)
        for number, one in enumerate(series)
    )
    body = "".join(str(part) for part in parts)
    return mark_safe(  # noqa: S308 - every text above went through escape/format_html
        f'<figure class="chart" id="{escape(chart_id)}"><figcaption><strong>{escape(title)}</strong>'
        f'<span class="legend">{legend}</span></figcaption>'
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{body}</svg></figure>'
    )
