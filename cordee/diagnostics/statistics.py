"""Figures of diagnostics: how many, which profiles, which areas are weakest. No person appears."""

from dataclasses import dataclass
from statistics import mean

from cordee.diagnostics.enums import Profile
from cordee.diagnostics.models import Diagnostic


@dataclass
class AreaFigure:
    code: str
    label: str
    average: float | None
    answered: int


@dataclass
class Summary:
    total: int
    profiles: list[tuple[str, str, int]]  # code, label, count
    areas: list[AreaFigure]  # weakest first

    @property
    def weakest(self) -> list[AreaFigure]:
        return [area for area in self.areas if area.average is not None][:3]


def summarise(diagnostics, version) -> Summary:
    """``diagnostics``: a queryset; areas are labelled by ``version`` (codes are stable across versions)."""
    rows = list(diagnostics.values_list("profile", "levels"))
    counts = dict.fromkeys(Profile.values, 0)
    per_area: dict[str, list[int]] = {}
    for profile, levels in rows:
        counts[profile] = counts.get(profile, 0) + 1
        for area, level in (levels or {}).items():
            if level is not None:
                per_area.setdefault(area, []).append(level)
    areas = [
        AreaFigure(
            area.code,
            area.label,
            round(mean(per_area[area.code]), 2) if per_area.get(area.code) else None,
            len(per_area.get(area.code, [])),
        )
        for area in version.areas.all()
    ]
    areas.sort(key=lambda figure: (figure.average is None, figure.average or 0, figure.label))
    return Summary(
        total=len(rows),
        profiles=[(profile.value, profile.label, counts[profile.value]) for profile in Profile],
        areas=areas,
    )


def for_structures(structures):
    return Diagnostic.objects.filter(structure__in=structures)
