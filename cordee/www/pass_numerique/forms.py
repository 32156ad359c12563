"""Forms of the Pass numérique pages. They only shape what is typed: the rules are in the domain services, whose
errors (``errors={field: message}``) are put back on the fields by ``show_domain_error``."""

from decimal import Decimal

from django import forms

from cordee.core.ids import as_id
from cordee.pass_numerique import models as pass_models
from cordee.pass_numerique.activity_pass import RECENT_ACTIVITY_DAYS
from cordee.pass_numerique.references import MAX_LENGTH as REFERENCE_MAX_LENGTH
from cordee.pass_numerique.services import MAX_VALUE_CENTS
from cordee.www.accounts.forms import DsfrFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Names of the services' fields → names of the form fields.
SERVICE_FIELDS = {
    "funder_structure_id": "funder",
    "books": "books",
    "passes_per_book": "passes_per_book",
    "value_cents": "value_euros",
    "territories": "territories",
    "accepted_place_ids": "accepted_places",
    "beneficiary_id": "beneficiary",
    "diagnostic_id": "diagnostic",
    "place_id": "place",
    "activity_id": "activity",
    "structure_id": "structure",
}


def show_domain_error(form, error) -> None:
    """Put a domain error on the form: each field error on its field, the message above the form."""
    placed = False
    for name, message in (error.errors or {}).items():
        field = SERVICE_FIELDS.get(name, name)
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed or error.message not in str(error.errors):
        form.add_error(None, error.message)


class OrderForm(DsfrFormMixin, forms.Form):
    funder = forms.ModelChoiceField(label="Financeur (commanditaire)", queryset=None, empty_label=None)
    books = forms.IntegerField(label="Nombre de carnets", min_value=1, initial=pass_models.DEFAULT_BOOKS)
    passes_per_book = forms.IntegerField(
        label="Pass par carnet", min_value=1, initial=pass_models.DEFAULT_PASSES_PER_BOOK
    )
    value_euros = forms.DecimalField(
        label="Valeur d'un pass (€)",
        min_value=Decimal("0.01"),
        max_value=Decimal(MAX_VALUE_CENTS) / 100,
        error_messages={
            "min_value": "Un pass vaut au moins 0,01 €.",
            "max_value": f"Un pass vaut au plus {MAX_VALUE_CENTS // 100} €.",
        },
        decimal_places=2,
        max_digits=7,
        initial=pass_models.DEFAULT_VALUE_CENTS // 100,
        help_text="Souvent 10 €, le prix d'une séance.",
    )
    valid_from = forms.DateField(label="Valable à partir du", widget=DATE)
    valid_until = forms.DateField(label="Valable jusqu'au", widget=DATE)
    tolerance_days = forms.IntegerField(
        label="Tolérance après la fin (jours)",
        min_value=0,
        initial=pass_models.DEFAULT_TOLERANCE_DAYS,
        help_text="Les pass restent acceptés ce nombre de jours après la fin, puis expirent.",
    )
    territories = forms.CharField(
        label="Périmètre",
        help_text="Territoires séparés par des virgules : departement:23, epci:200034718, commune:23096.",
    )
    eligibility = forms.CharField(
        label="Conditions d'éligibilité", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    accepted_places = forms.CharField(
        label="Lieux acceptés (numéros)",
        required=False,
        help_text="Laissez vide pour tous les lieux qualifiés du périmètre qui acceptent le Pass numérique ; "
        "sinon les numéros des lieux séparés par des virgules.",
    )

    def __init__(self, *args, funders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders

    @staticmethod
    def initial_from(order) -> dict:
        return {
            "funder": order.funder_id,
            "books": order.books_count,
            "passes_per_book": order.passes_per_book,
            "value_euros": f"{order.value_cents // 100}.{order.value_cents % 100:02d}",
            "valid_from": order.valid_from,
            "valid_until": order.valid_until,
            "tolerance_days": order.tolerance_days,
            "territories": ", ".join(order.territories),
            "eligibility": order.eligibility,
            "accepted_places": ", ".join(
                str(pk) for pk in order.accepted_places.order_by("pk").values_list("pk", flat=True)
            ),
        }

    def service_data(self) -> dict:
        """The fields under the services' names; the value in integer cents (from the exact decimal)."""
        data = self.cleaned_data
        ids = [part.strip() for part in data["accepted_places"].split(",") if part.strip()]
        return {
            "funder_structure_id": data["funder"].pk,
            "books": data["books"],
            "passes_per_book": data["passes_per_book"],
            "value_cents": int(data["value_euros"] * 100),
            "valid_from": data["valid_from"].isoformat(),
            "valid_until": data["valid_until"].isoformat(),
            "tolerance_days": data["tolerance_days"],
            "territories": [part.strip() for part in data["territories"].split(",") if part.strip()],
            "eligibility": data["eligibility"],
            "accepted_place_ids": [as_id(pk) or pk for pk in ids],
        }


class AllocateForm(DsfrFormMixin, forms.Form):
    structure = forms.ModelChoiceField(label="Structure qui remettra les pass", queryset=None)
    count = forms.IntegerField(label="Nombre de carnets", min_value=1, initial=1)

    def __init__(self, *args, structures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class MoveForm(DsfrFormMixin, forms.Form):
    structure = forms.ModelChoiceField(label="Confier ce carnet à", queryset=None)

    def __init__(self, *args, structures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class CancelForm(DsfrFormMixin, forms.Form):
    codes = forms.CharField(
        label="Codes des pass à annuler",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Un code par ligne. Seuls les pass pas encore utilisés sont annulés ; "
        "leur valeur vous est recréditée.",
    )

    def code_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["codes"].replace(",", "\n").splitlines() if line.strip()]


class DistributionForm(DsfrFormMixin, forms.Form):
    code = forms.CharField(
        label="Code du pass",
        max_length=40,
        help_text="14 caractères, par exemple K7M3-XQ9P-2WRT-HB.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    distributed_on = forms.DateField(label="Remis le", widget=DATE)
    reference = forms.CharField(
        label="Référence de la personne",
        max_length=REFERENCE_MAX_LENGTH,
        required=False,
        help_text=(
            "Un numéro de dossier de votre structure, par exemple CCAS-142 (jamais un nom, une adresse ni un "
            "téléphone)."
        ),
    )
    beneficiary = forms.ModelChoiceField(
        label="Ou une personne suivie par votre structure", queryset=None, required=False, empty_label="Aucune"
    )
    diagnostic = forms.ModelChoiceField(label="Diagnostic lié", queryset=None, required=False, empty_label="Aucun")

    def __init__(self, *args, beneficiaries=None, diagnostics=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].queryset = beneficiaries
        self.fields["beneficiary"].label_from_instance = lambda person: person.alias
        self.fields["diagnostic"].queryset = diagnostics
        self.fields["diagnostic"].label_from_instance = lambda diagnostic: (
            f"Diagnostic n° {diagnostic.pk} du {diagnostic.created_at:%d/%m/%Y}"
        )


class RedemptionForm(DsfrFormMixin, forms.Form):
    code = forms.CharField(
        label="Code du pass",
        max_length=40,
        help_text="Tapez les 14 caractères imprimés sous le code QR (les tirets sont facultatifs), "
        "ou scannez le code QR avec l'appareil photo.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "data-cordee-pass-code": "",
            }
        ),
    )
    place = forms.ModelChoiceField(label="Lieu où le pass est utilisé", queryset=None, empty_label=None)
    activity = forms.ModelChoiceField(
        label="Accompagnement payé par ce pass (facultatif)",
        queryset=None,
        required=False,
        empty_label="Aucun, ou pas encore enregistré",
        help_text=f"Vos accompagnements des {RECENT_ACTIVITY_DAYS} derniers jours. Vous pouvez aussi enregistrer "
        "l'accompagnement avec son compte rendu : le formulaire d'activité propose le pass.",
    )

    def __init__(self, *args, places=None, activities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["place"].label_from_instance = lambda place: f"{place.name} ({place.commune_name})"
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = activity_label


def activity_label(activity) -> str:
    """« 12/11/2026 · Accompagnement individuel · Médiathèque (n° 42) »: nothing about the person."""
    where = activity.place.name if activity.place_id else activity.get_location_kind_display()
    return f"{activity.date:%d/%m/%Y} · {activity.get_kind_display()} · {where} (n° {activity.pk})"


class PayForm(DsfrFormMixin, forms.Form):
    payment_reference = forms.CharField(label="Référence du paiement", max_length=100)


class RejectForm(DsfrFormMixin, forms.Form):
    reason = forms.CharField(label="Motif du refus", widget=forms.Textarea(attrs={"rows": 3}))


class ResubmitForm(DsfrFormMixin, forms.Form):
    answer = forms.CharField(
        label="Votre réponse au motif du refus",
        max_length=2000,
        help_text="Ce que vous avez corrigé ou précisé : le financeur la lit avant de décider à nouveau.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
