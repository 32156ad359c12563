"""Forms of the place management pages. They clean values; the rules live in cordee.places."""

import re

import phonenumbers
from django import forms
from django.core.validators import EmailValidator, URLValidator

from cordee.aggregation.importing.validation import PHONE_REGIONS
from cordee.places import enums, hours, hours_grid
from cordee.places.enums import CoordinatesPrecision, ReportKind, SiretStatus
from cordee.places.models import QualityCriterion
from cordee.places.reports import MAX_MESSAGE_LENGTH
from cordee.structures.validators import SIRET_PLACEHOLDER, siret_error
from cordee.territories.models import Commune
from cordee.territories.normalize import search_key
from cordee.www.accounts.forms import DsfrFormMixin

RNA = re.compile(r"^W\d{9}$")
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


def _lines(text: str) -> list[str]:
    values = []
    for line in re.split(r"[\n|;]", text or ""):
        line = line.strip()
        if line and line not in values:
            values.append(line)
    return values


def normalise_phone(text: str, postal_code: str = "") -> str:
    """The number in E.164, read as a French (or overseas) national number; ValueError if invalid."""
    region = PHONE_REGIONS.get((postal_code or "")[:3], "FR")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _grid_field_names(day):
    return [f"hours_{day}_open1", f"hours_{day}_close1", f"hours_{day}_open2", f"hours_{day}_close2"]


class PlaceForm(DsfrFormMixin, forms.Form):
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
        max_length=280,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="280 caractères au plus : ce que le lieu propose, en une ou deux phrases.",
    )
    description = forms.CharField(
        label="Présentation détaillée", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    address = forms.CharField(label="Adresse", max_length=255, help_text="Numéro et voie, ex. 1 place Bonnyaud")
    address_complement = forms.CharField(label="Complément d'adresse", required=False, max_length=255)
    postal_code = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        error_messages={"invalid": "Le code postal compte 5 chiffres."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    commune_name = forms.CharField(label="Commune", max_length=150)
    code_insee = forms.CharField(
        label="Code INSEE de la commune",
        required=False,
        max_length=5,
        help_text="Utile quand plusieurs communes partagent le code postal (ex. 23096 pour Guéret).",
    )
    latitude = forms.FloatField(label="Latitude", required=False, min_value=-90, max_value=90, help_text="Ex. 46.1720")
    longitude = forms.FloatField(
        label="Longitude", required=False, min_value=-180, max_value=180, help_text="Ex. 1.8715"
    )
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
    booking_url = forms.URLField(
        label="Prise de rendez-vous en ligne", required=False, max_length=500, assume_scheme="https"
    )
    accessibility_url = forms.URLField(
        label="Fiche Accès libre",
        required=False,
        max_length=500,
        assume_scheme="https",
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

    def __init__(self, *args, place=None, **kwargs):
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
        self.commune = None

    @staticmethod
    def initial_from(place) -> dict:
        initial = {
            name: getattr(place, name)
            for name in [
                "name",
                "pivot",
                "summary",
                "description",
                "address",
                "address_complement",
                "postal_code",
                "commune_name",
                "code_insee",
                "latitude",
                "longitude",
                "booking_url",
                "accessibility_url",
                "other_training_labels",
                "accepts_pass_numerique",
                "opening_hours",
            ]
        }
        for name in ("latitude", "longitude"):  # 45.955470000000005 → 45.95547 (six decimals: about 10 cm)
            initial[name] = round(initial[name], 6) if initial[name] is not None else None
        initial["phones"] = "\n".join(place.phones)
        initial["emails"] = "\n".join(place.emails)
        initial["websites"] = "\n".join(place.websites)
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
        return [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]

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

    # --- cleaning ---

    def clean_pivot(self):
        pivot = re.sub(r"\s", "", self.cleaned_data["pivot"]).upper()
        if not pivot:
            return ""
        if RNA.match(pivot):
            return pivot
        if pivot == SIRET_PLACEHOLDER:
            raise forms.ValidationError("Indiquez le vrai SIRET du lieu, ou laissez le champ vide.")
        error = siret_error(pivot)
        if error:
            raise forms.ValidationError(f"SIRET invalide : {error}. Un numéro RNA commence par W suivi de 9 chiffres.")
        return pivot

    def clean_emails(self):
        emails, validator = [], EmailValidator()
        for text in _lines(self.cleaned_data["emails"]):
            try:
                validator(text)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Adresse électronique invalide : « {text} » (format nom@domaine.fr)."
                ) from None
            if text.lower() not in emails:
                emails.append(text.lower())
        return emails

    def clean_websites(self):
        websites, validator = [], URLValidator(schemes=["http", "https"])
        for text in _lines(self.cleaned_data["websites"]):
            candidate = text if "://" in text else f"https://{text}"
            try:
                validator(candidate)
            except forms.ValidationError:
                raise forms.ValidationError(f"Adresse web invalide : « {text} ».") from None
            websites.append(candidate)
        return websites

    def clean_code_insee(self):
        return self.cleaned_data["code_insee"].strip().upper()

    def clean(self):
        data = super().clean()
        self._clean_phones(data)
        self._clean_commune(data)
        self._clean_point(data)
        self._clean_hours(data)
        return data

    def _clean_phones(self, data):
        phones = []
        for text in _lines(self.data.get(self.add_prefix("phones"), "")):
            try:
                formatted = normalise_phone(text, data.get("postal_code", ""))
            except ValueError:
                self.add_error(
                    "phones", f"Numéro de téléphone invalide : « {text} ». Indiquez 10 chiffres, ex. 05 55 52 00 00."
                )
                return
            if formatted not in phones:
                phones.append(formatted)
        data["phones"] = phones

    def _clean_commune(self, data):
        code, postal_code, name = data.get("code_insee", ""), data.get("postal_code"), data.get("commune_name")
        if code:
            self.commune = Commune.objects.filter(code_insee=code).first()
            if self.commune is None:
                self.add_error("code_insee", f"Aucune commune n'a le code INSEE « {code} ».")
                return
        elif postal_code and name:
            candidates = list(Commune.objects.by_postal_code(postal_code))
            matching = [commune for commune in candidates if commune.search_name == search_key(name)]
            if len(matching) == 1:
                self.commune = matching[0]
            elif len(candidates) == 1 and not matching:
                self.add_error(
                    "commune_name",
                    f"Le code postal {postal_code} est celui de {candidates[0].name}. Vérifiez la commune.",
                )
                return
            else:
                self.add_error(
                    "code_insee", "Commune introuvable avec ce code postal et ce nom : indiquez son code INSEE."
                )
                return
        if self.commune is not None:
            data["code_insee"] = self.commune.code_insee
            data["commune_name"] = self.commune.name

    def _clean_point(self, data):
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error(
                "longitude" if latitude is not None else "latitude", "Indiquez la latitude et la longitude."
            )

    def _clean_hours(self, data):
        if data.get("hours_mode") == HOURS_EXPERT:
            expression = (data.get("opening_hours") or "").strip()
            if expression:
                valid, message = hours.parse(expression)
                if not valid:
                    self.add_error("opening_hours", message[0].upper() + message[1:] + ".")
                    return
            data["opening_hours"] = expression
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
                self.add_error(f"hours_{day}_open1", f"{hours_grid.DAY_LABELS[day]} : {message}.")

    def place_values(self) -> dict:
        """Values for cordee.places.services (model field names)."""
        data = self.cleaned_data
        values = {name: data[name] for name in MULTI_FIELDS}
        for name in [
            "name",
            "pivot",
            "summary",
            "description",
            "address",
            "address_complement",
            "postal_code",
            "commune_name",
            "code_insee",
            "phones",
            "emails",
            "websites",
            "booking_url",
            "accessibility_url",
            "other_training_labels",
            "accepts_pass_numerique",
            "opening_hours",
            "latitude",
            "longitude",
        ]:
            values[name] = data[name]
        values["commune_ref"] = self.commune
        pivot = data["pivot"]
        if not pivot:
            values["siret_status"] = SiretStatus.MISSING
        else:
            values["siret_status"] = SiretStatus.RNA if RNA.match(pivot) else SiretStatus.VALID
        if data["latitude"] is not None:
            values["coordinates_precision"] = CoordinatesPrecision.ADDRESS
        elif self.commune is not None:
            values["latitude"], values["longitude"] = self.commune.latitude, self.commune.longitude
            values["coordinates_precision"] = CoordinatesPrecision.COMMUNE
        else:
            values["coordinates_precision"] = CoordinatesPrecision.UNKNOWN
        return values


class ManualCriteriaForm(forms.Form):
    criteria = forms.ModelMultipleChoiceField(
        label="Critères remplis par le lieu",
        queryset=QualityCriterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = QualityCriterion.objects.active().filter(automatic="")


class DecisionForm(DsfrFormMixin, forms.Form):
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


class ReportForm(DsfrFormMixin, forms.Form):
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


class CriterionForm(DsfrFormMixin, forms.ModelForm):
    class Meta:
        model = QualityCriterion
        fields = ["label", "code", "description", "automatic", "order", "is_active"]
        help_texts = {"code": "Lettres minuscules, chiffres et tirets, ex. mediateur-forme. Ne change plus ensuite."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
