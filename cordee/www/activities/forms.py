"""The activity report form: the usual fields first, the rest in closed sections, so that a typical report needs
few keys. It turns its values into the plain data of ``cordee.activities.services.record_activity``."""

from django import forms
from django.utils import timezone

from cordee.activities import enums
from cordee.activities.enums import COORDINATION_KINDS, MEDIATION_KINDS, ActivityKind, AgeBand
from cordee.activities.models import AGE_COLUMNS, GENDER_COLUMNS, STATUS_COLUMNS
from cordee.beneficiaries.enums import Gender, Status
from cordee.territories.models import Commune
from cordee.www.accounts.forms import DsfrFormMixin
from cordee.www.fields import ModelKeysField

OTHER_DURATION = "autre"
SENSITIVE_WARNING = (
    "N'écrivez aucune donnée sensible ni rien qui identifie la personne (nom, santé, situation judiciaire, "
    "religion, opinions, numéros de dossier…) : seulement ce qui aide à suivre l'accompagnement."
)
COUNT_LABELS = {
    "gender_female": "Femmes",
    "gender_male": "Hommes",
    "gender_unknown": "Genre non communiqué",
    "age_under_12": "Moins de 12 ans",
    "age_12_17": "12 à 17 ans",
    "age_18_24": "18 à 24 ans",
    "age_25_39": "25 à 39 ans",
    "age_40_59": "40 à 59 ans",
    "age_60_69": "60 à 69 ans",
    "age_70_plus": "70 ans et plus",
    "age_unknown": "Âge non communiqué",
    "status_student": "Scolarisés",
    "status_unemployed": "Sans emploi",
    "status_employed": "En emploi",
    "status_retired": "Retraités",
    "status_unknown": "Statut non communiqué ou hétérogène",
}
CURRENT_AGE_COLUMNS = AGE_COLUMNS[:8]
# Service field → form field, to show the domain's refusals beside the right field.
ERROR_FIELDS = {
    "structure_id": "structure",
    "place_id": "place",
    "commune_code": "commune",
    "duration_minutes": "duration",
    "beneficiary_id": "beneficiary",
    "participant_ids": "followed",
    "kind": "kind",
    "location_kind": "location_kind",
    "returning": "workshop_returning",
    "gender_breakdown": "participants",
    "age_breakdown": "participants",
    "status_breakdown": "participants",
}


# Kinds whose form describes one person with choices rather than counts.
ONE_PERSON_KINDS = (ActivityKind.INDIVIDUAL, ActivityKind.QUICK)


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


class ActivityForm(DsfrFormMixin, forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=None, required=False, empty_label=None)
    # Required values are checked by the domain, so that every missing one is told at once.
    kind = forms.ChoiceField(label="Type d'activité", widget=forms.RadioSelect, required=False)
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    location_kind = forms.ChoiceField(
        label="Où", choices=enums.LocationKind.choices, widget=forms.RadioSelect, required=False
    )
    place = forms.ModelChoiceField(label="Lieu", queryset=None, required=False, empty_label="Aucun")
    commune = forms.CharField(
        label="Commune (à domicile ou autre lieu)",
        max_length=5,
        required=False,
        help_text="Code postal ou code INSEE, par exemple 23000. À domicile, la commune de la personne suivie.",
    )
    duration = forms.ChoiceField(label="Durée", widget=forms.RadioSelect, required=False)
    duration_other = forms.IntegerField(label="Autre durée, en minutes", required=False, min_value=1, max_value=1440)
    themes = forms.MultipleChoiceField(
        label="Thématiques", choices=enums.Theme.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    admin_subthemes = forms.MultipleChoiceField(
        label="Démarches administratives",
        choices=enums.AdminSubTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    admin_precision = forms.CharField(
        label="Précision sur la démarche", max_length=200, required=False, help_text="Par exemple : demande de RSA."
    )
    equipment = forms.MultipleChoiceField(
        label="Matériel utilisé", choices=enums.Equipment.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    autonomy = forms.ChoiceField(
        label="Autonomie de la personne", choices=enums.Autonomy.choices, widget=forms.RadioSelect, required=False
    )
    redirections = forms.MultipleChoiceField(
        label="Orientée vers", choices=enums.Redirection.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    # An individual: a followed person, or a few anonymous facts.
    beneficiary = forms.ModelChoiceField(
        label="Personne suivie", queryset=None, required=False, empty_label="Personne non suivie (anonyme)"
    )
    gender = forms.ChoiceField(label="Genre", choices=Gender.choices, widget=forms.RadioSelect, required=False)
    age_band = forms.ChoiceField(
        label="Tranche d'âge", choices=[("", "Non communiquée"), *AgeBand.choices[:7]], required=False
    )
    status = forms.ChoiceField(label="Statut", choices=[("", "Non communiqué"), *Status.choices[:4]], required=False)
    returning = forms.BooleanField(label="Déjà accompagnée par votre structure", required=False)
    # A workshop (and coordinators' own activities): title, level, counts.
    title = forms.CharField(label="Titre", max_length=200, required=False)
    level = forms.ChoiceField(label="Niveau", choices=[("", "—"), *enums.WorkshopLevel.choices], required=False)
    participants = forms.IntegerField(label="Nombre de participants", min_value=1, max_value=10_000, required=False)
    workshop_returning = forms.IntegerField(label="Dont déjà accompagnés", min_value=0, required=False)
    followed = ModelKeysField(
        label="Participants suivis par la structure",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    tags = forms.CharField(
        label="Étiquettes", max_length=300, required=False, help_text="Séparées par des virgules, par exemple : Été."
    )
    note = forms.CharField(
        label="Note libre",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=SENSITIVE_WARNING,
    )
    referral = forms.IntegerField(required=False, widget=forms.HiddenInput)
    diagnostic = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Only when one of the person's places accepts the Pass numérique (``accepts_pass``); not a service value:
    # the view redeems it with the activity (``cordee.pass_numerique.activity_pass``).
    pass_code = forms.CharField(
        label="Pass numérique utilisé",
        max_length=40,
        required=False,
        help_text="Le code imprimé sous le code QR du pass que la personne vous a remis (les tirets sont "
        "facultatifs). Il est encaissé pour le lieu de l'activité en même temps qu'elle est enregistrée.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args, structures, places, beneficiaries, durations, kinds, accepts_pass=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.accepts_pass = accepts_pass
        if not accepts_pass:
            del self.fields["pass_code"]
        for name in (*GENDER_COLUMNS, *CURRENT_AGE_COLUMNS, *STATUS_COLUMNS):
            self.fields[name] = forms.IntegerField(
                label=COUNT_LABELS[name],
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"class": "fr-input"}),
            )
        self.fields["structure"].queryset = structures
        if structures.count() <= 1:
            self.fields["structure"].widget = forms.HiddenInput()
        self.fields["place"].queryset = places
        self.fields["beneficiary"].queryset = beneficiaries
        self.fields["followed"].queryset = beneficiaries
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
        self.fields["duration"].choices = [(str(value), duration_label(value)) for value in durations] + [
            (OTHER_DURATION, "Autre durée")
        ]
        self.fields["date"].initial = timezone.localdate()
        self.count_fields = {
            "gender": [self[name] for name in GENDER_COLUMNS],
            "age": [self[name] for name in CURRENT_AGE_COLUMNS],
            "status": [self[name] for name in STATUS_COLUMNS],
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("duration") == OTHER_DURATION and not cleaned.get("duration_other"):
            self.add_error("duration_other", "Indiquez la durée en minutes.")
        code = (cleaned.get("commune") or "").strip()
        cleaned["commune_code"] = ""
        if code:
            communes = list(Commune.objects.by_code_insee(code)) or list(Commune.objects.by_postal_code(code)[:5])
            if not communes:
                self.add_error(
                    "commune", "Commune introuvable : indiquez un code postal ou un code INSEE à 5 chiffres."
                )
            elif len(communes) > 1:
                names = ", ".join(f"{commune.name} ({commune.code_insee})" for commune in communes)
                self.add_error("commune", f"Plusieurs communes ont ce code postal : indiquez le code INSEE ({names}).")
            else:
                cleaned["commune_code"] = communes[0].code_insee
        return cleaned

    def service_data(self) -> dict:
        """The plain values of ``record_activity``."""
        data = self.cleaned_data
        kind = data["kind"]
        if data["duration"] == OTHER_DURATION:
            duration = data["duration_other"]
        else:
            duration = int(data["duration"]) if data["duration"] else None
        values = {
            "structure_id": data["structure"].pk if data.get("structure") else None,
            "kind": kind,
            "date": data["date"],
            "duration_minutes": duration,
            "location_kind": data["location_kind"],
            "place_id": data["place"].pk if data.get("place") else None,
            "commune_code": data["commune_code"],
            "themes": data["themes"],
            "admin_subthemes": data["admin_subthemes"],
            "admin_precision": data["admin_precision"],
            "equipment": data["equipment"],
            "autonomy": data["autonomy"],
            "redirections": data["redirections"],
            "title": data["title"],
            "level": data["level"],
            "note": data["note"],
            "tags": data["tags"],
            "referral_id": data["referral"],
            "diagnostic_id": data["diagnostic"],
        }
        if kind in ONE_PERSON_KINDS:
            # One person: a followed one (the service accepts it for an individual accompaniment only), or a
            # few anonymous facts chosen, not counted, and stored as counts of 1 on the activity.
            values["beneficiary_id"] = data["beneficiary"].pk if data.get("beneficiary") else None
            values["participants"] = 1
            values["returning"] = int(bool(data["returning"]))
            if data["gender"]:
                values[enums.GENDER_COLUMNS[data["gender"]]] = 1
            if data["age_band"]:
                values[enums.AGE_BAND_COLUMNS[data["age_band"]]] = 1
            if data["status"]:
                values[enums.STATUS_COLUMNS[data["status"]]] = 1
        else:
            values["participants"] = data["participants"] or 1
            values["returning"] = data["workshop_returning"] or 0
            for name in (*GENDER_COLUMNS, *CURRENT_AGE_COLUMNS, *STATUS_COLUMNS):
                values[name] = data.get(name) or 0
            if kind == ActivityKind.WORKSHOP:
                values["participant_ids"] = [person.pk for person in data["followed"]]
        return values

    def show_domain_errors(self, error) -> None:
        shown = False
        for field, message in error.errors.items():
            name = ERROR_FIELDS.get(field, field)
            if name in self.fields and not self.fields[name].widget.is_hidden:
                self.add_error(name, message)
                shown = True
        if not shown or not error.errors:
            self.add_error(None, error.message)


def kinds_for(can_mediate: bool, can_coordinate: bool) -> list:
    kinds = list(MEDIATION_KINDS) if can_mediate else []
    if can_coordinate:
        kinds += list(COORDINATION_KINDS)
    return kinds
