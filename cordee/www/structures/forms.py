import re

from django import forms

from cordee.structures.enums import MembershipRole
from cordee.structures.models import Structure
from cordee.structures.validators import siret_error
from cordee.territories.models import Commune
from cordee.territories.normalize import search_key
from cordee.www.accounts.forms import DsfrFormMixin


class StructureForm(DsfrFormMixin, forms.ModelForm):
    """Edit a structure. The commune is found from the postal code and the commune's name."""

    siret = forms.CharField(
        label="SIRET",
        required=False,
        max_length=20,
        help_text="14 chiffres, sans espaces ou avec. Laissez vide si la structure n'en a pas.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    rna = forms.CharField(
        label="Numéro RNA",
        required=False,
        max_length=12,
        help_text="Pour une association : W suivi de 9 chiffres, par exemple W751234567. Sinon laissez vide.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    commune_name = forms.CharField(label="Commune", max_length=150, widget=forms.TextInput({"autocomplete": "off"}))

    class Meta:
        model = Structure
        fields = ["name", "kind", "siret", "rna", "address", "postal_code", "email", "phone"]
        labels = {
            "name": "Nom de la structure",
            "kind": "Type de structure",
            "address": "Adresse (numéro et rue)",
            "postal_code": "Code postal",
            "email": "Adresse électronique de contact",
            "phone": "Téléphone",
        }
        help_texts = {
            "postal_code": "5 chiffres, par exemple 23000.",
            "email": "Format attendu : nom@domaine.fr",
            "phone": "Par exemple 05 55 00 00 00.",
        }
        widgets = {
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postal_code"].required = True
        if self.instance.pk and not self.is_bound:
            self.initial["commune_name"] = self.instance.commune.name
        self.order_fields(["name", "kind", "siret", "rna", "address", "postal_code", "commune_name", "email", "phone"])

    def clean_siret(self):
        siret = re.sub(r"\s", "", self.cleaned_data["siret"])
        if not siret:
            return ""
        error = siret_error(siret)
        if error:
            raise forms.ValidationError(f"SIRET invalide : {error}.")
        taken = Structure.objects.filter(siret=siret).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Une autre structure de Cordée a déjà ce SIRET. Vérifiez les chiffres.")
        return siret

    def clean_rna(self):
        rna = self.cleaned_data["rna"].strip().upper()
        if rna and not re.fullmatch(r"W\d{9}", rna):
            raise forms.ValidationError(
                "Numéro RNA invalide : il commence par W suivi de 9 chiffres (par exemple W751234567)."
            )
        return rna

    def clean_postal_code(self):
        postal_code = re.sub(r"\s", "", self.cleaned_data["postal_code"])
        if not re.fullmatch(r"\d{5}", postal_code):
            raise forms.ValidationError("Code postal invalide : il compte 5 chiffres, par exemple 23000.")
        return postal_code

    def clean(self):
        cleaned = super().clean()
        postal_code, name = cleaned.get("postal_code"), cleaned.get("commune_name")
        if postal_code and name:
            commune = self._find_commune(postal_code, name)
            if commune is None:
                self.add_error(
                    "commune_name",
                    f"Nous ne trouvons pas la commune « {name} » avec le code postal {postal_code}. "
                    "Vérifiez l'orthographe et le code postal.",
                )
            else:
                cleaned["commune"] = commune
        return cleaned

    def _find_commune(self, postal_code, name):
        key = search_key(name)
        current = self.instance.commune if self.instance.pk else None
        if current is not None and postal_code == self.instance.postal_code and key == current.search_name:
            return current
        communes = list(Commune.objects.filter(postal_code_rows__code=postal_code).distinct())
        matching = [commune for commune in communes if commune.search_name == key]
        if len(matching) == 1:
            return matching[0]
        return None

    def structure_changes(self) -> dict:
        """The new values, for cordee.structures.services.update_structure."""
        changes = {name: self.cleaned_data[name] for name in self.Meta.fields}
        changes["commune"] = self.cleaned_data["commune"]
        return changes


class InvitationForm(DsfrFormMixin, forms.Form):
    email = forms.EmailField(
        label="Adresse électronique de la personne",
        help_text="Elle recevra un lien pour rejoindre la structure. Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Rôle dans la structure",
        choices=MembershipRole.choices,
        initial=MembershipRole.MEDIATEUR,
        help_text="Un gestionnaire peut modifier la structure et gérer ses membres.",
    )


class RoleForm(DsfrFormMixin, forms.Form):
    role = forms.ChoiceField(label="Nouveau rôle", choices=MembershipRole.choices)
