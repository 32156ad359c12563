"""A server-rendered SVG bar chart (no JavaScript), always shown with the table holding the same figures.

The SVG is decorative for screen readers (``aria-hidden``): the accessible table below it says everything. Colours
come from the DSFR's illustrative palette and each series also has a pattern-free legend with its name, so the
chart does not rely on colour alone (values are written at the end of each bar).
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

SERIES_COLOURS = ["#000091", "#009081", "#c9191e", "#716043"]
BAR = 12
GAP = 3
GROUP_GAP = 14
LABEL_WIDTH = 230
CHART_WIDTH = 360
VALUE_WIDTH = 50


def bar_chart(groups: list[tuple[str, list[int]]], series: list[str], *, title: str) -> str:
    """Horizontal bars: one group per row label, one bar per series, values written beside the bars."""
    top = 24 + 18 * ((len(series) + 2) // 3)
    maximum = max([value for _, values in groups for value in values] + [1])
    height = top + len(groups) * (len(series) * (BAR + GAP) + GROUP_GAP) + 10
    width = LABEL_WIDTH + CHART_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width} {height}" '
        'aria-hidden="true" focusable="false" class="cordee-chart" '
        'font-family="Marianne, Arial, sans-serif" font-size="11">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, name in enumerate(series):
        x, y = (index % 3) * 200, 30 + 18 * (index // 3)
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{y}">{escape(name)}</text>')
    y = top
    for label, values in groups:
        short = label if len(label) <= 38 else label[:37] + "…"
        group_height = len(series) * (BAR + GAP)
        parts.append(f'<text x="0" y="{y + group_height / 2 + 4:.0f}">{escape(short)}</text>')
        for index, value in enumerate(values):
            length = round(CHART_WIDTH * value / maximum)
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" fill="{colour}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR - 2}">{value}</text>')
            y += BAR + GAP
        y += GROUP_GAP
    parts.append("</svg>")
    return mark_safe("".join(parts))
