"""Forms of the place management pages. They shape values; the rules and validators live in cordee.places.

The place form only turns what a person typed into the domain's raw values (lines into lists, the week grid
into an OpenStreetMap expression); ``cordee.places.services`` validates them with ``cordee.places.fields``,
the same validators as the API and the import, and its errors come back on the form's fields.
"""

from django import forms

from cordee.places import enums, hours_grid, validators
from cordee.places.enums import ReportKind
from cordee.places.models import QualityCriterion
from cordee.places.reports import MAX_MESSAGE_LENGTH
from cordee.www.accounts.forms import DsfrFormMixin
from cordee.www.fields import ModelKeysField

HOURS_GRID = "grid"
HOURS_EXPERT = "expert"
MULTI_FIELDS = {
    "services": (enums.Service, "Services proposés"),
    "publics": (enums.Public, "Publics spécifiquement accueillis"),
    "specific_support": (enums.SpecificSupport, "Prises en charge spécifiques"),
    "support_modes": (enums.SupportMode, "Modalités d'accompagnement"),
    "access_modes": (enums.AccessMode, "Modalités d'accès"),
    "fees": (enums.Fee, "Frais à charge"),
    "national_programmes": (enums.NationalProgramme, "Dispositifs et programmes nationaux"),
    "training_labels": (enums.TrainingLabel, "Formations et labels"),
    "mobility": (enums.Mobility, "Itinérance"),
}
LIST_TEXT_FIELDS = ("phones", "emails", "websites")
HOURS_FIELDS = ("hours_mode", "hours_holidays_closed", "opening_hours")
FIELDSETS = [
    ("Le lieu", ["name", "pivot", "summary", "description"]),
    (
        "Adresse",
        ["address", "address_complement", "postal_code", "commune_name", "code_insee", "latitude", "longitude"],
    ),
    ("Contact", ["phones", "emails", "websites", "booking_url", "accessibility_url"]),
    ("Services et publics", ["services", "support_modes", "access_modes", "publics", "specific_support", "fees"]),
    (
        "Dispositifs, labels et Pass numérique",
        ["national_programmes", "training_labels", "other_training_labels", "mobility", "accepts_pass_numerique"],
    ),
]


class ErrorSummaryMixin:
    """``error_summary()``: (link target, label, error) for each field error, for ``_error_summary.html``."""

    def error_summary(self):
        items = []
        for name in self.fields:
            for error in self.errors.get(name, []):
                items.append((self[name].id_for_label, self.fields[name].label, error))
        return items


def _grid_field_names(day):
    return [f"hours_{day}_open1", f"hours_{day}_close1", f"hours_{day}_open2", f"hours_{day}_close2"]


class PlaceForm(ErrorSummaryMixin, DsfrFormMixin, forms.Form):
    name = forms.CharField(label="Nom du lieu", max_length=255)
    pivot = forms.CharField(
        label="SIRET ou numéro RNA",
        required=False,
        max_length=20,
        help_text="14 chiffres pour un SIRET (ex. 130 025 265 00013), ou W suivi de 9 chiffres pour une association.",
    )
    summary = forms.CharField(
        label="Présentation courte",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="280 caractères au plus : ce que le lieu propose, en une ou deux phrases.",
    )
    description = forms.CharField(
        label="Présentation détaillée", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    address = forms.CharField(label="Adresse", help_text="Numéro et voie, ex. 1 place Bonnyaud")
    address_complement = forms.CharField(label="Complément d'adresse", required=False)
    postal_code = forms.CharField(
        label="Code postal", widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"})
    )
    commune_name = forms.CharField(label="Commune")
    code_insee = forms.CharField(
        label="Code INSEE de la commune",
        required=False,
        help_text="Utile quand plusieurs communes partagent le code postal (ex. 23096 pour Guéret).",
    )
    latitude = forms.FloatField(label="Latitude", required=False, help_text="Ex. 46.1720")
    longitude = forms.FloatField(label="Longitude", required=False, help_text="Ex. 1.8715")
    phones = forms.CharField(
        label="Téléphones",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "tel"}),
        help_text="Un numéro par ligne, ex. 05 55 52 00 00",
    )
    emails = forms.CharField(
        label="Adresses électroniques",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une adresse par ligne, ex. contact@mairie.fr",
    )
    websites = forms.CharField(
        label="Sites web",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Une adresse par ligne, commençant par https://",
    )
    booking_url = forms.CharField(label="Prise de rendez-vous en ligne", required=False)
    accessibility_url = forms.CharField(
        label="Fiche Accès libre",
        required=False,
        help_text="L'adresse de la fiche du lieu sur acceslibre.beta.gouv.fr",
    )
    other_training_labels = forms.CharField(label="Autres formations et labels", required=False)
    accepts_pass_numerique = forms.BooleanField(label="Le lieu accepte le Pass numérique", required=False)

    hours_mode = forms.ChoiceField(
        label="Comment saisir les horaires",
        choices=[(HOURS_GRID, "Avec la grille de la semaine"), (HOURS_EXPERT, "Au format OpenStreetMap (expert)")],
        widget=forms.RadioSelect,
        initial=HOURS_GRID,
    )
    hours_holidays_closed = forms.BooleanField(label="Fermé les jours fériés", required=False)
    opening_hours = forms.CharField(
        label="Horaires au format OpenStreetMap",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "data-cordee-hours-input": "", "spellcheck": "false"}),
        help_text="Ex. Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off",
    )

    def __init__(self, *args, place=None, editable=None, **kwargs):
        """``editable``: the model fields the person may change (all when None); the others are left out."""
        initial = kwargs.pop("initial", None) or {}
        if place is not None:
            initial = {**self.initial_from(place), **initial}
        super().__init__(*args, initial=initial, **kwargs)
        for name, (choices, label) in MULTI_FIELDS.items():
            self.fields[name] = forms.MultipleChoiceField(
                label=label, choices=choices.choices, required=False, widget=forms.CheckboxSelectMultiple
            )
            self.initial.setdefault(name, getattr(place, name) if place is not None else [])
        for day in hours_grid.DAYS:
            label = hours_grid.DAY_LABELS[day]
            for name, what in zip(
                _grid_field_names(day),
                ["ouverture", "fermeture", "réouverture (après-midi)", "fermeture (après-midi)"],
                strict=True,
            ):
                self.fields[name] = forms.CharField(
                    label=f"{label} : {what}",
                    required=False,
                    widget=forms.TimeInput(attrs={"type": "time"}),
                )
        self.editable = frozenset(validators.INPUT_FIELDS if editable is None else editable)
        for name in list(self.fields):
            if self._model_field(name) not in self.editable:
                del self.fields[name]

    @staticmethod
    def _model_field(name):
        """The model field a form field writes (the hours fields all write ``opening_hours``)."""
        return "opening_hours" if name in HOURS_FIELDS or name.startswith("hours_") else name

    @property
    def edits_hours(self):
        return "opening_hours" in self.editable

    @staticmethod
    def initial_from(place) -> dict:
        initial = {
            name: getattr(place, name) for name in validators.INPUT_FIELDS if name not in validators.LIST_FIELDS
        }
        for name in ("latitude", "longitude"):  # 45.955470000000005 → 45.95547 (six decimals: about 10 cm)
            initial[name] = round(initial[name], 6) if initial[name] is not None else None
        for name in LIST_TEXT_FIELDS:
            initial[name] = "\n".join(getattr(place, name))
        grid = hours_grid.from_osm(place.opening_hours)
        initial["hours_mode"] = HOURS_GRID if grid is not None else HOURS_EXPERT
        if grid is not None:
            initial["hours_holidays_closed"] = grid.holidays_closed
            for day in hours_grid.DAYS:
                ranges = grid.ranges(day)
                names = _grid_field_names(day)
                for index, (opening, closing) in enumerate(ranges):
                    initial[names[2 * index]] = opening
                    initial[names[2 * index + 1]] = closing
        return initial

    # --- layout for the template ---

    def fieldsets(self):
        layout = []
        for legend, names in FIELDSETS:
            bound = [self[name] for name in names if name in self.fields]
            if bound:
                layout.append((legend, bound))
        return layout

    def grid_rows(self):
        short_labels = ["Ouverture", "Fermeture", "Réouverture", "Fermeture"]
        rows = []
        for day in hours_grid.DAYS:
            names = _grid_field_names(day)
            rows.append(
                {
                    "code": day,
                    "label": hours_grid.DAY_LABELS[day],
                    "fields": [(self[name], label) for name, label in zip(names, short_labels, strict=True)],
                    "errors": self.errors.get(names[0], []),
                    "error_id": f"{self[names[0]].auto_id}-errors",
                }
            )
        return rows

    # --- shaping ---

    def clean(self):
        data = super().clean()
        if self.edits_hours:
            self._clean_hours(data)
        return data

    def _clean_hours(self, data):
        if data.get("hours_mode") == HOURS_EXPERT:
            data["opening_hours"] = (data.get("opening_hours") or "").strip()
            return
        days = {}
        for day in hours_grid.DAYS:
            values = [(data.get(name) or "").strip() for name in _grid_field_names(day)]
            ranges = [(values[0], values[1]), (values[2], values[3])]
            days[day] = [pair for pair in ranges if pair[0] or pair[1]]
        try:
            data["opening_hours"] = hours_grid.to_osm(
                hours_grid.WeekGrid(days=days, holidays_closed=bool(data.get("hours_holidays_closed")))
            )
        except hours_grid.GridError as error:
            for day, message in error.errors.items():
                self.add_error(f"hours_{day}_open1", f"{message[0].upper()}{message[1:]}.")

    def place_values(self) -> dict:
        """Raw values for cordee.places.services (model field names), only those the person may change."""
        data = self.cleaned_data
        return {name: data[name] for name in validators.INPUT_FIELDS if name in self.fields and name in data}

    def add_domain_errors(self, errors: dict) -> None:
        """Errors of ``cordee.places`` (by model field name) on the fields that show them."""
        for name, message in errors.items():
            grid_mode = getattr(self, "cleaned_data", {}).get("hours_mode") == HOURS_GRID
            if name == "opening_hours" and grid_mode and "hours_Mo_open1" in self.fields:
                self.add_error("hours_Mo_open1", message)
            elif name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, message)


class PlaceListForm(forms.Form):
    """Search, filters and sort of the places management list (GET, every field optional)."""

    STALE, FRESH = "a_mettre_a_jour", "a_jour"
    NO_STRUCTURE = "aucune"
    SORTS = {
        "nom": ("name", "pk"),
        "commune": ("commune_name", "name", "pk"),
        "maj_ancienne": ("source_updated_on", "name", "pk"),
        "maj_recente": ("-source_updated_on", "name", "pk"),
        "completude": ("completeness", "name", "pk"),
    }

    q = forms.CharField(label="Nom du lieu", required=False, max_length=100)
    departement = forms.ChoiceField(label="Département", required=False)
    source = forms.ChoiceField(label="Source", required=False)
    qualification = forms.ChoiceField(
        label="Qualification", required=False, choices=[("", "Toutes"), *enums.QualificationState.choices]
    )
    fraicheur = forms.ChoiceField(
        label="Fraîcheur",
        required=False,
        choices=[("", "Toutes"), (STALE, "À mettre à jour"), (FRESH, "À jour")],
    )
    structure = forms.ChoiceField(label="Structure", required=False)
    tri = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[
            ("nom", "Nom"),
            ("commune", "Commune"),
            ("maj_ancienne", "Mise à jour la plus ancienne"),
            ("maj_recente", "Mise à jour la plus récente"),
            ("completude", "Complétude la plus faible"),
        ],
    )

    def __init__(self, data, *, departements, sources, structures):
        data = data.copy()
        if data.get("a_mettre_a_jour") == "1":  # older links
            data.setdefault("fraicheur", self.STALE)
        super().__init__(data)
        self.fields["departement"].choices = [("", "Tous"), *[(d.code, str(d)) for d in departements]]
        self.fields["source"].choices = [("", "Toutes"), *[(name, name) for name in sources]]
        self.fields["structure"].choices = [
            ("", "Toutes"),
            (self.NO_STRUCTURE, "Sans structure"),
            *[(str(structure.pk), structure.name) for structure in structures],
        ]
        for field in self.fields.values():
            css = "fr-select" if isinstance(field.widget, forms.Select) else "fr-input"
            field.widget.attrs["class"] = css

    def value(self, name):
        """The field's value when valid, else "" (a wrong filter is ignored rather than refused)."""
        self.is_valid()
        return self.cleaned_data.get(name) or ""

    def active_filters(self):
        """(label, value shown) of each filter in use, for the summary above the results."""
        self.is_valid()
        shown = []
        for name in ("q", "departement", "source", "qualification", "fraicheur", "structure"):
            value = self.cleaned_data.get(name)
            if value:
                choices = dict(getattr(self.fields[name], "choices", []))
                shown.append((self.fields[name].label, choices.get(value, value)))
        return shown


class ManualCriteriaForm(forms.Form):
    criteria = ModelKeysField(
        label="Critères remplis par le lieu",
        queryset=QualityCriterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = QualityCriterion.objects.active().filter(automatic="")


class DecisionForm(ErrorSummaryMixin, DsfrFormMixin, forms.Form):
    QUALIFY, REFUSE, WITHDRAW = "qualify", "refuse", "withdraw"
    DECISIONS = {
        QUALIFY: "Qualifier le lieu",
        REFUSE: "Refuser la qualification",
        WITHDRAW: "Retirer la qualification",
    }
    decision = forms.ChoiceField(label="Décision", choices=list(DECISIONS.items()), widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Motif",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Obligatoire pour refuser ou retirer : la structure le lira pour compléter sa fiche. "
            "N'y écrivez pas de données personnelles."
        ),
    )

    def __init__(self, *args, allowed=None, **kwargs):
        """``allowed``: the decisions this person may take now (the workflow's allowed transitions)."""
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["decision"].choices = [(key, label) for key, label in self.DECISIONS.items() if key in allowed]

    def clean(self):
        data = super().clean()
        if not (data.get("reason") or "").strip():
            if data.get("decision") == self.REFUSE:
                self.add_error("reason", "Indiquez le motif du refus.")
            elif data.get("decision") == self.WITHDRAW:
                self.add_error("reason", "Indiquez le motif du retrait.")
        return data


class ReportForm(ErrorSummaryMixin, DsfrFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Quelle erreur avez-vous vue ?", choices=ReportKind.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label="Précisions",
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"{MAX_MESSAGE_LENGTH} caractères au plus. Par exemple : les bons horaires, le bon numéro.",
    )
    contact_email = forms.EmailField(
        label="Votre adresse électronique",
        required=False,
        help_text="Seulement si vous acceptez que la structure du lieu vous écrive à propos de ce signalement. "
        "Elle n'est utilisée pour rien d'autre. Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # Honeypot: hidden from people (and assistive technologies), filled by some robots.
    website = forms.CharField(
        label="Ne pas remplir ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class ResolveForm(forms.Form):
    ACCEPT, DISMISS = "accept", "dismiss"
    decision = forms.ChoiceField(choices=[(ACCEPT, "Prendre en compte"), (DISMISS, "Écarter")])
    note = forms.CharField(required=False, max_length=MAX_MESSAGE_LENGTH)


class CriterionForm(ErrorSummaryMixin, DsfrFormMixin, forms.ModelForm):
    class Meta:
        model = QualityCriterion
        fields = ["label", "code", "description", "automatic", "order", "is_active"]
        help_texts = {"code": "Lettres minuscules, chiffres et tirets, ex. mediateur-forme. Ne change plus ensuite."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
