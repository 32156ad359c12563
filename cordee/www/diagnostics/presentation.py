"""How a diagnostic reads for a person: areas with icon and sentence, profile, services, place search link."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from cordee.diagnostics import scoring
from cordee.diagnostics.enums import Answer, Constraint, Profile


@dataclass
class AreaLine:
    code: str
    label: str
    icon: str
    level: int | None
    sentence: str


def area_lines(version, levels: dict) -> list[AreaLine]:
    return [
        AreaLine(
            area.code, area.label, area.icon, levels.get(area.code), scoring.level_sentence(levels.get(area.code))
        )
        for area in version.areas.all()
        if area.code in levels
    ]


def place_search_params(services, holds_passes: bool) -> list[tuple[str, str]]:
    """Parameters of the public place search (cordee.www.places.forms.PlaceSearchForm)."""
    params = [("services", str(service)) for service in services]
    if holds_passes:
        params.append(("pass_numerique", "on"))
    return params


def place_search_url(services, holds_passes: bool) -> str:
    params = place_search_params(services, holds_passes)
    return reverse("www:places:search") + (f"?{urlencode(params)}" if params else "")


def result_context(version, answers: dict, result: scoring.Result) -> dict:
    return {
        "version": version,
        "areas": area_lines(version, result.levels),
        "profile": Profile(result.profile),
        "profile_sentence": scoring.PROFILE_SENTENCES[Profile(result.profile)],
        "reason": result.reason,
        "help_now": result.help_now,
        "services": [str(service) for service in result.recommended_services],
        "constraints": [Constraint(code).label for code in result.constraints],
        "support_modes": [str(mode) for mode in result.support_modes],
        "resources": result.resources,
        "holds_passes": result.holds_passes,
        "search_params": place_search_params(result.recommended_services, result.holds_passes),
        "search_url": place_search_url(result.recommended_services, result.holds_passes),
    }


def answer_label(code: str) -> str:
    return Answer(code).label if code in Answer.values else code


def stored_result(diagnostic) -> scoring.Result:
    """The result as it was stored (levels, profile, services), whatever the rules are today."""
    profile = Profile(diagnostic.profile)
    resources = []
    if profile == Profile.AUTONOME:
        resources = [
            (title, url)
            for title, url, area in scoring.SELF_LEARNING_RESOURCES
            if area is None or area in diagnostic.levels
        ]
    return scoring.Result(
        levels=diagnostic.levels,
        profile=profile,
        reason="",
        help_now=diagnostic.help_now,
        constraints=diagnostic.constraints,
        recommended_services=diagnostic.recommended_services,
        support_modes=list(scoring.PROFILE_SUPPORT_MODES[profile]),
        autonomy=scoring.PROFILE_AUTONOMY[profile],
        holds_passes=diagnostic.answers.get(scoring.HOLDS_PASSES[0]) == scoring.HOLDS_PASSES[1],
        resources=resources,
    )
