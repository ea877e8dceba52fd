"""Weekly trend charts as plain SVG, drawn on the server: no script, sharp on a tablet, printable.

Every point links to the claims it counts and carries its numbers in a <title> (a tooltip
on a laptop, read out by a screen reader).
"""

from django import template
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 44


@register.filter
def percent(value) -> str:
    """12.345 → "12,3%" (the active language's decimal mark); None → "—"."""
    if value is None:
        return "—"
    return f"{number_format(value, 1)}%"


@register.filter
def days(value) -> str:
    if value is None:
        return "—"
    return _("%(days)s hari") % {"days": number_format(value, 1)}


def _n(value: float) -> str:
    """Coordinates as plain text: format_html escapes its arguments to strings first."""
    return f"{value:.1f}"


def _ceiling(highest: float) -> float:
    for step in (10, 20, 25, 50, 100):
        if highest <= step:
            return float(step)
    return 100.0


@register.simple_tag
def trend_chart(points, title: str) -> str:
    """A line of the weekly rate; weeks of the selected period shaded; a gap where nothing was counted."""
    if not points:
        return ""
    rates = [point.ratio.rate for point in points]
    top = _ceiling(max((rate for rate in rates if rate is not None), default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(points) - 1) if len(points) > 1 else 0

    def x(index: int) -> float:
        return LEFT + (index * step if len(points) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h - (value / top) * plot_h

    parts = []
    # The selected period.
    for index, point in enumerate(points):
        if point.in_period:
            half = step / 2 if step else plot_w / 2
            parts.append(
                format_html(
                    '<rect class="period" x="{}" y="{}" width="{}" height="{}"/>',
                    _n(max(LEFT, x(index) - half)),
                    TOP,
                    _n(min(half * 2, plot_w)),
                    plot_h,
                )
            )
    # Horizontal grid with labels.
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        value = top * fraction
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}%</text>',
                LEFT,
                WIDTH - RIGHT,
                _n(y(value)),
                _n(y(value)),
                LEFT - 6,
                _n(y(value) + 4),
                f"{value:g}",
            )
        )
    # The line, broken where a week had nothing to count.
    segments: list[list[str]] = []
    current: list[str] = []
    for index, rate in enumerate(rates):
        if rate is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{x(index):.1f},{y(rate):.1f}")
    if current:
        segments.append(current)
    for segment in segments:
        parts.append(format_html('<polyline class="line" points="{}"/>', " ".join(segment)))
    # Points (links to the claims) and week labels.
    every = 1 if len(points) <= 14 else 2
    for index, point in enumerate(points):
        label = date_format(point.week, "j/n")
        if index % every == 0:
            parts.append(
                format_html(
                    '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x(index)),
                    HEIGHT - BOTTOM + 16,
                    label,
                )
            )
        if point.ratio.rate is None:
            continue
        tooltip = _("Minggu %(week)s: %(rate)s (%(num)s dari %(den)s)") % {
            "week": date_format(point.week, "j M Y"),
            "rate": percent(point.ratio.rate),
            "num": point.ratio.numerator,
            "den": point.ratio.denominator,
        }
        parts.append(
            format_html(
                '<a href="{}"><circle class="dot" cx="{}" cy="{}" r="6"><title>{}</title></circle></a>',
                point.ratio.numerator_url,
                _n(x(index)),
                _n(y(point.ratio.rate)),
                tooltip,
            )
        )
    parts.append(
        format_html(
            '<text class="axis" x="{}" y="{}">{}</text>', LEFT, HEIGHT - 4, _("Minggu mulai Senin (waktu setempat)")
        )
    )
    return format_html(
        '<svg class="trend" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMidYMid meet">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        HEIGHT,
        title,
        title,
        mark_safe("".join(str(part) for part in parts)),  # each part built with format_html above
    )


@register.simple_tag
def bar(value, maximum) -> str:
    """A small horizontal bar for the funnel (SVG, prints without background colours)."""
    share = 0.0 if not maximum else max(0.0, min(1.0, value / maximum))
    return format_html(
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        '<rect x="0" y="0" width="{}" height="10"/></svg>',
        _n(100 * share),
    )
