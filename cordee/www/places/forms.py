import datetime as dt

from django import forms

from cordee.places import enums
from cordee.www.accounts.forms import DsfrFormMixin

RADIUS_CHOICES = [("5", "5 km"), ("10", "10 km"), ("20", "20 km"), ("50", "50 km"), ("100", "100 km")]
DEFAULT_RADIUS = "20"
WHEN_ANY, WHEN_NOW, WHEN_AT = "", "maintenant", "le"
WHEN_CHOICES = [
    (WHEN_ANY, "Peu importe"),
    (WHEN_NOW, "Ouvert maintenant"),
    (WHEN_AT, "Ouvert le jour et à l'heure choisis"),
]

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

    def search_params(self, lat: float, lon: float) -> dict[str, list[str]]:
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
