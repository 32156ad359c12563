"""The one set of filters of the dashboards, read from one query string.

The dashboard page, its exports, its share link and the statistics API read the same parameters through
``ActivityFilters`` (a Django form, so the page shows its French errors and the API returns them as
``errors``), and ``ActivityFilters.query_string()`` writes them back in a canonical order, so every link built
from a page carries exactly what the page shows.

| parameter             | meaning                                                         |
|-----------------------|-----------------------------------------------------------------|
| ``from``, ``to``      | period, dates ``AAAA-MM-JJ`` (default: the last 12 months)      |
| ``mediator``          | id of a mediator                                                |
| ``place``             | id of a place                                                   |
| ``commune``           | code INSEE of the commune where it happened                     |
| ``departement``       | code of the département                                         |
| ``kind``              | kind of activity (repeatable)                                   |
| ``theme``             | theme (repeatable: any of them)                                 |
| ``tag``               | id of a tag                                                     |
| ``structure``         | id of a structure                                               |
| ``conseiller_numerique`` | ``oui`` / ``non``: reported by a conseiller numérique or not |
| ``source``            | ``entered`` (saisie) or ``import_v1`` (import CRA v1)           |

Filters only narrow the view of ``cordee.dashboards.scope``: a mediator id of another structure gives nothing.
"""

import datetime
from urllib.parse import urlencode

from django import forms
from django.db.models import F, Q
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from cordee.activities.enums import ActivityKind, Source, Theme
from cordee.core.errors import Invalid
from cordee.core.ids import MAX_ID

MAX_PERIOD_DAYS = 366 * 10
YES_NO = [("", "Tous"), ("oui", "Conseillers numériques"), ("non", "Autres médiateurs")]
ORDER = [
    "from",
    "to",
    "mediator",
    "place",
    "commune",
    "departement",
    "kind",
    "theme",
    "tag",
    "structure",
    "conseiller_numerique",
    "source",
]


def default_period(today=None) -> tuple[datetime.date, datetime.date]:
    """The last 12 months, today included: from the first day of the month eleven months ago."""
    today = today or timezone.localdate()
    month = today.year * 12 + today.month - 1 - 11
    return (datetime.date(month // 12, month % 12 + 1, 1), today)


def theme_bit(theme) -> int:
    return 1 << list(Theme.values).index(theme)


# Periods are read between these dates: a year outside is a typing error, and the months and days computed around a
# period (its first and last months, the day before it) must stay within the calendar.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


def _within_the_calendar(value):
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise forms.ValidationError(f"Choisissez une date entre le {FIRST_DAY:%d/%m/%Y} et le {LAST_DAY:%d/%m/%Y}.")


class ActivityFilters(forms.Form):
    mediator = forms.IntegerField(label="Médiateur (numéro)", required=False, min_value=1, max_value=MAX_ID)
    place = forms.IntegerField(label="Lieu (numéro)", required=False, min_value=1, max_value=MAX_ID)
    commune = forms.RegexField(
        label="Commune (code INSEE)",
        regex=r"^(\d[0-9AB]\d{3})$",
        required=False,
        error_messages={"invalid": "Un code INSEE a 5 caractères, ex. 23096."},
    )
    departement = forms.RegexField(
        label="Département (code)",
        regex=r"^(\d[0-9AB]|97\d)$",
        required=False,
        error_messages={"invalid": "Un code de département s'écrit 23, 2A ou 974."},
    )
    kind = forms.MultipleChoiceField(label="Type d'activité", choices=ActivityKind.choices, required=False)
    theme = forms.MultipleChoiceField(label="Thématique", choices=Theme.choices, required=False)
    tag = forms.IntegerField(label="Étiquette (numéro)", required=False, min_value=1, max_value=MAX_ID)
    structure = forms.IntegerField(label="Structure (numéro)", required=False, min_value=1, max_value=MAX_ID)
    conseiller_numerique = forms.ChoiceField(label="Conseiller numérique", choices=YES_NO, required=False)
    source = forms.ChoiceField(label="Origine", choices=[("", "Toutes"), *Source.choices], required=False)

    def __init__(self, data=None, *args, today=None, **kwargs):
        if data is not None:
            data = data.copy()
            for name in ("commune", "departement"):
                if data.get(name):
                    data[name] = data[name].strip().upper()
        super().__init__(data, *args, **kwargs)
        self.today = today or timezone.localdate()
        start, end = default_period(self.today)
        # "from" is a Python keyword: the two date fields are added here.
        self.fields = {
            "from": forms.DateField(label="Du", required=False, initial=start),
            "to": forms.DateField(label="Au", required=False, initial=end),
            **self.fields,
        }
        for name in ("from", "to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            self.fields[name].error_messages["invalid"] = "Écrivez une date AAAA-MM-JJ."
            self.fields[name].validators.append(_within_the_calendar)

    def clean(self):
        cleaned = super().clean()
        start, end = default_period(self.today)
        cleaned["from"] = cleaned.get("from") or start
        cleaned["to"] = cleaned.get("to") or end
        if cleaned["from"] > cleaned["to"]:
            self.add_error("to", "La fin de la période est avant son début.")
        elif (cleaned["to"] - cleaned["from"]).days > MAX_PERIOD_DAYS:
            self.add_error("from", "La période ne peut dépasser 10 ans.")
        return cleaned

    # --- reading ---

    def values(self) -> dict:
        """The cleaned filters; ``Invalid`` (400, with each field's French message) when they are wrong."""
        if not self.is_valid():
            errors = {name: " ".join(messages) for name, messages in self.errors.items()}
            raise Invalid("Certains filtres ne sont pas valides.", reason="bad_filters", errors=errors)
        return self.cleaned_data

    def conditions(self) -> list:
        """The filters as conditions for ``Activity.objects.filter(*conditions)``."""
        return filter_conditions(self.values())

    def query_string(self, **overrides) -> str:
        """The filters as a canonical query string (defaults left out), for every link of the page."""
        values = self.values() if self.is_bound else {}
        values = {**values, **overrides}
        start, end = default_period(self.today)
        pairs = []
        for name in ORDER:
            value = values.get(name)
            if value in (None, "", []) or (name == "from" and value == start) or (name == "to" and value == end):
                continue
            for item in value if isinstance(value, list) else [value]:
                pairs.append((name, item.isoformat() if isinstance(item, datetime.date) else str(item)))
        return urlencode(pairs)

    def active_filters(self) -> list[tuple[str, str]]:
        """(label, value) of each filter set besides the period, to recall them above the figures."""
        values = self.values()
        shown = []
        for name in ORDER[2:]:
            value = values.get(name)
            if value in (None, "", []):
                continue
            field = self.fields[name]
            if isinstance(field, forms.MultipleChoiceField):
                labels = dict(field.choices)
                value = ", ".join(str(labels[item]) for item in value)
            elif isinstance(field, forms.ChoiceField):
                value = dict(field.choices)[value]
            shown.append((field.label, str(value)))
        return shown


def filter_conditions(values: dict) -> list:
    conditions = [Q(date__gte=values["from"], date__lte=values["to"])]
    simple = {
        "mediator": "mediator_id",
        "place": "place_id",
        "commune": "commune_id",
        "departement": "departement_code",
        "tag": "tags",
        "structure": "structure_id",
        "source": "source",
    }
    for name, lookup in simple.items():
        if values.get(name) not in (None, ""):
            conditions.append(Q(**{lookup: values[name]}))
    if values.get("kind"):
        conditions.append(Q(kind__in=values["kind"]))
    if values.get("theme"):
        mask = 0
        for theme in values["theme"]:
            mask |= theme_bit(theme)
        conditions.append(GreaterThan(F("themes_mask").bitand(mask), 0))
    if values.get("conseiller_numerique"):
        conditions.append(Q(is_conseiller_numerique=values["conseiller_numerique"] == "oui"))
    return conditions
