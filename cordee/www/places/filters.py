"""The active criteria of a search, each with a link that removes it (works without JavaScript)."""

from dataclasses import dataclass

from django.urls import reverse

from cordee.places import hours_text
from cordee.www.places.forms import LIST_FIELDS, WHEN_AT, WHEN_NOW, WHEN_PERIOD

# Fields a removal link drops with the criterion, and the page number (the results change).
WHEN_FIELDS = ("when", "open_day", "open_period", "open_date", "open_time")


@dataclass
class ActiveFilter:
    label: str
    remove_url: str


def active_filters(params, form) -> list[ActiveFilter]:
    """The criteria of the "more criteria" panel set in ``params`` (a QueryDict), after ``form.is_valid()``."""
    data = form.cleaned_data
    result = []
    for name in LIST_FIELDS:
        for value in data.get(name) or []:
            result.append(ActiveFilter(value, _url(params, drop={name: value})))
    when = data.get("when")
    if when == WHEN_NOW:
        result.append(ActiveFilter("Ouvert maintenant", _url(params, drop=dict.fromkeys(WHEN_FIELDS))))
    elif when == WHEN_PERIOD and data.get("open_day") and data.get("open_period"):
        label = f"Ouvert {form.period_text()}"
        result.append(ActiveFilter(label, _url(params, drop=dict.fromkeys(WHEN_FIELDS))))
    elif when == WHEN_AT and (moment := form.open_at()) is not None:
        label = f"Ouvert {hours_text.moment_text(moment)}"
        result.append(ActiveFilter(label, _url(params, drop=dict.fromkeys(WHEN_FIELDS))))
    for name in ("pass_numerique", "qualified"):
        if data.get(name):
            result.append(ActiveFilter(str(form.fields[name].label), _url(params, drop={name: None})))
    return result


def _url(params, drop: dict) -> str:
    """The search without the criteria in ``drop`` (name → one value to remove, or None for every value)."""
    params = params.copy()
    params.pop("page", None)
    for name, value in drop.items():
        if value is None:
            params.pop(name, None)
        else:
            params.setlist(name, [kept for kept in params.getlist(name) if kept != value])
    return f"{reverse('www:places:search')}?{params.urlencode()}#resultats"
