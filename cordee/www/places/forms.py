import datetime as dt

from django import forms

from cordee.places import enums
from cordee.www.accounts.forms import DsfrFormMixin

RADIUS_CHOICES = [("5", "5 km"), ("10", "10 km"), ("20", "20 km"), ("50", "50 km"), ("100", "100 km")]
DEFAULT_RADIUS = "20"
WHEN_ANY, WHEN_NOW, WHEN_PERIOD, WHEN_AT = "", "maintenant", "moment", "le"
WHEN_CHOICES = [
    (WHEN_ANY, "Peu importe"),
    (WHEN_NOW, "Ouvert maintenant"),
    (WHEN_PERIOD, "Ouvert un jour de la semaine, le matin, l'après-midi ou le soir (par exemple samedi matin)"),
    (WHEN_AT, "Ouvert le jour et à l'heure choisis"),
]
WEEKDAY_CHOICES = [
    ("lundi", "Lundi"),
    ("mardi", "Mardi"),
    ("mercredi", "Mercredi"),
    ("jeudi", "Jeudi"),
    ("vendredi", "Vendredi"),
    ("samedi", "Samedi"),
    ("dimanche", "Dimanche"),
]
# Part of the day → (label, first hour, last hour): « samedi matin » is open at some time from 8 h to 12 h.
PERIODS = {
    "matin": ("matin (8 h – 12 h)", dt.time(8), dt.time(12)),
    "apres-midi": ("après-midi (12 h – 18 h)", dt.time(12), dt.time(18)),
    "soir": ("soir (18 h – 22 h)", dt.time(18), dt.time(22)),
}
PERIOD_CHOICES = [(key, label.capitalize()) for key, (label, _start, _end) in PERIODS.items()]

# Form field → parameter of cordee.places.search.parse_query (same names for the closed lists).
LIST_FIELDS = ("services", "publics", "prise_en_charge", "frais", "modalites_accompagnement")
# Parameter of parse_query in error → form field where the message is shown.
ERROR_FIELDS = {
    "lat": "ou",
    "lon": "ou",
    "code_insee": "ou",
    "departement": "ou",
    "radius_km": "radius_km",
    "open_at": "open_date",
    "open_now": "when",
    "open_during": "open_day",
    "pass_numerique": "pass_numerique",
    "qualified": "qualified",
    "q": "ou",
}


class WhereField(forms.CharField):
    """Shown as needed (no « facultatif »), yet may stay empty when the person searches around their position:
    the view says what is missing."""

    def validate(self, value):
        pass


def _choices(enum):
    return [(value, value) for value in enum.values]


class PlaceSearchForm(DsfrFormMixin, forms.Form):
    """The public search form, sent with GET. Every field is optional; ``ou`` (or a position) is needed to
    search."""

    use_required_attribute = False

    ou = WhereField(
        label="Où ?",
        help_text="Une commune, un code postal ou une adresse. Exemples : Guéret, 23000.",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2", "spellcheck": "false"}),
    )
    code_insee = forms.CharField(required=False, widget=forms.HiddenInput)
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, widget=forms.HiddenInput)
    radius_km = forms.ChoiceField(label="Distance maximale", choices=RADIUS_CHOICES, initial=DEFAULT_RADIUS)
    services = forms.MultipleChoiceField(
        label="Pour quoi faire ?",
        choices=_choices(enums.Service),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    publics = forms.MultipleChoiceField(
        label="Pour qui ?", choices=_choices(enums.Public), widget=forms.CheckboxSelectMultiple, required=False
    )
    prise_en_charge = forms.MultipleChoiceField(
        label="Aide adaptée à un besoin particulier",
        choices=_choices(enums.SpecificSupport),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    frais = forms.MultipleChoiceField(
        label="Prix", choices=_choices(enums.Fee), widget=forms.CheckboxSelectMultiple, required=False
    )
    modalites_accompagnement = forms.MultipleChoiceField(
        label="Comment être aidé ?",
        choices=_choices(enums.SupportMode),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pass_numerique = forms.BooleanField(label="Accepte le Pass numérique", required=False)
    qualified = forms.BooleanField(
        label="Lieux qualifiés seulement",
        help_text="Des lieux vérifiés : horaires publiés, aide par des personnes formées.",
        required=False,
    )
    when = forms.ChoiceField(
        label="Quand ?", choices=WHEN_CHOICES, widget=forms.RadioSelect, required=False, initial=WHEN_ANY
    )
    open_day = forms.ChoiceField(label="Jour de la semaine", choices=[("", "—"), *WEEKDAY_CHOICES], required=False)
    open_period = forms.ChoiceField(label="Moment de la journée", choices=[("", "—"), *PERIOD_CHOICES], required=False)
    open_date = forms.DateField(
        label="Jour",
        help_text="Format attendu : JJ/MM/AAAA",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    open_time = forms.TimeField(
        label="Heure",
        help_text="Format attendu : HH:MM, par exemple 14:30",
        required=False,
        input_formats=["%H:%M", "%Hh%M", "%Hh", "%H"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("radius_km"):
            data = data.copy()
            data["radius_km"] = DEFAULT_RADIUS
        super().__init__(data, *args, **kwargs)
        self.fields["open_date"].error_messages["invalid"] = "Indiquez une date, par exemple 02/06/2025."
        self.fields["open_time"].error_messages["invalid"] = "Indiquez une heure, par exemple 14:30."
        self.fields["radius_km"].error_messages["invalid_choice"] = "Choisissez une distance de la liste."
        for name in LIST_FIELDS:
            self.fields[name].error_messages["invalid_choice"] = "« %(value)s » ne fait pas partie des choix."

    def clean(self):
        data = super().clean()
        if data.get("when") == WHEN_PERIOD:
            if not data.get("open_day") and "open_day" not in self.errors:
                self.add_error("open_day", "Choisissez le jour de la semaine.")
            if not data.get("open_period") and "open_period" not in self.errors:
                self.add_error("open_period", "Choisissez le moment de la journée.")
        if data.get("when") == WHEN_AT:
            if not data.get("open_date") and "open_date" not in self.errors:
                self.add_error("open_date", "Indiquez le jour où vous voulez y aller.")
            if not data.get("open_time") and "open_time" not in self.errors:
                self.add_error("open_time", "Indiquez l'heure à laquelle vous voulez y aller.")
        return data

    def open_at(self) -> dt.datetime | None:
        data = self.cleaned_data
        if data.get("when") == WHEN_AT and data.get("open_date") and data.get("open_time"):
            return dt.datetime.combine(data["open_date"], data["open_time"])
        return None

    def open_during(self, today: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """« samedi matin »: the next such day from ``today`` (today included), the hours of that part of the day."""
        data = self.cleaned_data
        if data.get("when") != WHEN_PERIOD or not data.get("open_day") or not data.get("open_period"):
            return None
        weekday = [key for key, _label in WEEKDAY_CHOICES].index(data["open_day"])
        day = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
        _label, start, end = PERIODS[data["open_period"]]
        return dt.datetime.combine(day, start), dt.datetime.combine(day, end)

    def period_label(self) -> str:
        """« matin (8 h – 12 h) »."""
        return PERIODS[self.cleaned_data["open_period"]][0]

    def period_text(self) -> str:
        """« samedi matin (8 h – 12 h) »."""
        return f"{self.cleaned_data['open_day']} {self.period_label()}"

    def search_params(self, lat: float, lon: float, today: dt.date | None = None) -> dict[str, list[str]]:
        """Parameters for ``cordee.places.search.parse_query`` (after ``is_valid()``)."""
        data = self.cleaned_data
        params = {"lat": [repr(lat)], "lon": [repr(lon)], "radius_km": [data.get("radius_km") or DEFAULT_RADIUS]}
        for name in LIST_FIELDS:
            params[name] = list(data.get(name) or [])
        if data.get("pass_numerique"):
            params["pass_numerique"] = ["true"]
        if data.get("qualified"):
            params["qualified"] = ["true"]
        if data.get("when") == WHEN_NOW:
            params["open_now"] = ["true"]
        elif (moment := self.open_at()) is not None:
            params["open_at"] = [moment.isoformat()]
        elif (window := self.open_during(today or dt.date.today())) is not None:
            params["open_during"] = [
                f"{window[0].isoformat(timespec='minutes')}/{window[1].isoformat(timespec='minutes')}"
            ]
        return params

    def add_search_errors(self, errors: dict[str, str]):
        """Show the errors of the search domain next to the fields they concern."""
        for name, message in errors.items():
            self.add_field_error(ERROR_FIELDS.get(name, name if name in self.fields else None), message)

    def add_field_error(self, name: str | None, message: str):
        """``add_error`` after validation, with the field's error linked to it for screen readers."""
        self.add_error(name, message)
        if name in self.fields:
            bound = self[name]
            described_by = [f"{bound.auto_id}-errors"]
            if self.fields[name].help_text:
                described_by.insert(0, f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)
            self.fields[name].widget.attrs["aria-invalid"] = "true"
