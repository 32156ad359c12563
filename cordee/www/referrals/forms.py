from django import forms

from cordee.places.enums import Service
from cordee.referrals.enums import CloseOutcome, ContactPreference, RefusalReason
from cordee.referrals.services import SENSITIVE_WARNING
from cordee.territories.models import Commune
from cordee.www.accounts.forms import DsfrFormMixin

PART_OF_DAY_CHOICES = [("", "Peu importe"), ("morning", "Le matin"), ("afternoon", "L'après-midi")]


class SuggestionsForm(DsfrFormMixin, forms.Form):
    services = forms.MultipleChoiceField(
        label="Besoins de la personne", choices=Service.choices, widget=forms.CheckboxSelectMultiple
    )
    commune = forms.CharField(label="Commune de la personne", max_length=100, help_text="Code postal ou code INSEE.")
    open_on = forms.DateField(
        label="Jour où la personne est disponible", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    part_of_day = forms.ChoiceField(label="Moment de la journée", choices=PART_OF_DAY_CHOICES, required=False)
    pass_numerique = forms.BooleanField(label="La personne a des Pass numérique", required=False)

    def clean_commune(self):
        text = self.cleaned_data.get("commune", "").strip()
        commune = Commune.objects.by_code_insee(text).first() or Commune.objects.by_postal_code(text).first()
        if commune is None or commune.latitude is None:
            raise forms.ValidationError(
                "Commune introuvable : indiquez un code postal à 5 chiffres, par exemple 23000."
            )
        return commune


class ReferralForm(DsfrFormMixin, forms.Form):
    structure = forms.ModelChoiceField(label="Structure qui oriente", queryset=None, empty_label=None)
    services = forms.MultipleChoiceField(
        label="Besoins de la personne", choices=Service.choices, widget=forms.CheckboxSelectMultiple
    )
    beneficiary = forms.ModelChoiceField(
        label="Personne suivie par votre structure", queryset=None, required=False, empty_label="Aucune"
    )
    contact_preference = forms.ChoiceField(
        label="Comment le lieu peut joindre la personne",
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        help_text="Beaucoup de personnes n'ont ni téléphone ni courriel : passez alors par une personne référente.",
    )
    contact_phone = forms.CharField(label="Téléphone de la personne", max_length=20, required=False)
    contact_email = forms.EmailField(label="Courriel de la personne", required=False)
    referent = forms.CharField(
        label="Personne référente", max_length=200, required=False, help_text="Son nom et comment la joindre."
    )
    availability = forms.CharField(
        label="Disponibilités", max_length=200, required=False, help_text="Exemple : le mardi matin."
    )
    max_distance_km = forms.IntegerField(label="Distance maximale (km)", required=False, min_value=1, max_value=100)
    accessibility = forms.CharField(label="Besoins d'accessibilité", max_length=200, required=False)
    language = forms.CharField(label="Langue parlée", max_length=100, required=False)
    holds_pass = forms.BooleanField(label="La personne a des Pass numérique", required=False)
    message = forms.CharField(
        label="Message au lieu",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=SENSITIVE_WARNING,
    )
    consent = forms.BooleanField(
        label="La personne est d'accord pour que ces informations soient transmises au lieu.",
        required=False,
        help_text="Obligatoire si vous donnez ses coordonnées ou choisissez une personne suivie.",
    )

    def __init__(self, *args, structures, beneficiaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures
        if structures.count() == 1:
            self.fields["structure"].widget = forms.HiddenInput()
            self.fields["structure"].initial = structures.first().pk
        self.fields["beneficiary"].queryset = beneficiaries

    def constraints(self) -> dict:
        data = self.cleaned_data
        values = {
            "availability": data.get("availability", ""),
            "max_distance_km": data.get("max_distance_km"),
            "accessibility": data.get("accessibility", ""),
            "language": data.get("language", ""),
            "holds_pass_numerique": bool(data.get("holds_pass")),
        }
        return {key: value for key, value in values.items() if value not in ("", None, False)}


class RefuseForm(DsfrFormMixin, forms.Form):
    reasons = forms.MultipleChoiceField(
        label="Motifs du refus",
        choices=RefusalReason.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ils sont transmis au prescripteur, jamais à la personne.",
    )
    note = forms.CharField(
        label="Expliquez en quelques mots", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppointmentForm(DsfrFormMixin, forms.Form):
    appointment_at = forms.DateTimeField(
        label="Date et heure du rendez-vous",
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class CloseForm(DsfrFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Issue", choices=[(value, label) for value, label in CloseOutcome.choices if value != "reoriented"]
    )
