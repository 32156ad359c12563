"""Small server-rendered SVG bar charts (no JavaScript); each chart comes with its table on the page."""

from dataclasses import dataclass

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 240
CHART_WIDTH = 580


@dataclass
class Bar:
    y: int
    width: int
    value_x: int
    value: str
    colour: str


@dataclass
class Group:
    label: str
    label_y: int
    bars: list[Bar]


def grouped_bars(rows: list[tuple[str, list[float | None]]], maximum: float, colours: list[str]) -> dict:
    """One group per row (an area), one bar per series (a date). Returns what the SVG template needs."""
    groups, y = [], 0
    span = CHART_WIDTH - LABEL_WIDTH - 40
    for label, values in rows:
        bars = []
        for index, value in enumerate(values):
            width = 0 if value is None else round(span * value / maximum) if maximum else 0
            bars.append(
                Bar(
                    y=y + index * BAR_HEIGHT,
                    width=width,
                    value_x=LABEL_WIDTH + width + 4,
                    value="–" if value is None else f"{value:g}",
                    colour=colours[index % len(colours)],
                )
            )
        groups.append(Group(label, y + len(values) * BAR_HEIGHT // 2 + 4, bars))
        y += len(values) * BAR_HEIGHT + GAP * 2
    return {
        "groups": groups,
        "height": y,
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT - 4,
    }
