from django import forms
from django.utils import timezone

from cordee.beneficiaries.enums import Gender, Status
from cordee.territories.models import Commune
from cordee.www.accounts.forms import DsfrFormMixin
from cordee.www.diagnostics.presentation import answer_label


class BeneficiaryForm(DsfrFormMixin, forms.Form):
    structure = forms.ModelChoiceField(label="Structure qui suit la personne", queryset=None, empty_label=None)
    alias = forms.CharField(
        label="Pseudonyme",
        max_length=60,
        help_text="Un prénom d'usage, des initiales ou un surnom choisi avec la personne. Jamais son nom complet.",
    )
    birth_year = forms.IntegerField(label="Année de naissance", required=False, help_text="Exemple : 1956")
    commune = forms.CharField(
        label="Commune de résidence",
        required=False,
        max_length=100,
        help_text="Code postal ou code INSEE. Exemple : 23000.",
    )
    gender = forms.ChoiceField(label="Genre", choices=Gender.choices, required=False, initial=Gender.UNKNOWN)
    status = forms.ChoiceField(label="Situation", choices=Status.choices, required=False, initial=Status.UNKNOWN)
    consent = forms.BooleanField(
        label="La personne est d'accord pour que ses réponses soient gardées par notre structure.",
        help_text="Expliquez-lui ce qui est gardé et qu'elle peut demander à tout effacer.",
        error_messages={"required": "Sans l'accord de la personne, rien n'est gardé."},
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures
        if structures.count() == 1:
            self.fields["structure"].widget = forms.HiddenInput()
            self.fields["structure"].initial = structures.first().pk

    def clean_birth_year(self):
        value = self.cleaned_data.get("birth_year")
        year = timezone.localdate().year
        if value is not None and not (year - 120 <= value <= year):
            raise forms.ValidationError(f"Indiquez une année entre {year - 120} et {year}.")
        return value

    def clean_commune(self):
        text = self.cleaned_data.get("commune", "").strip()
        if not text:
            return None
        commune = Commune.objects.by_code_insee(text).first() or Commune.objects.by_postal_code(text).first()
        if commune is None:
            raise forms.ValidationError(
                "Commune introuvable : indiquez un code postal à 5 chiffres, par exemple 23000."
            )
        return commune


class AssistedDiagnosticForm(DsfrFormMixin, forms.Form):
    """Every question of the version on one page: a professional keys in the answers, from paper or live."""

    note = forms.CharField(
        label="Note du professionnel",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pas de donnée de santé ni de nom. Effacée si la personne demande l'anonymisation.",
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=question.text,
                help_text=question.help_text,
                required=question.required,
                choices=[(code, answer_label(code)) for code in question.answers],
                widget=forms.RadioSelect,
                error_messages={"required": "Une réponse est nécessaire à cette question."},
            )
        self.order_fields([f"q_{q.code}" for q in questions] + ["note"])

    def question_fields(self):
        return [(question, self[f"q_{question.code}"]) for question in self.questions]

    def answers(self) -> dict[str, str]:
        return {
            q.code: self.cleaned_data[f"q_{q.code}"] for q in self.questions if self.cleaned_data.get(f"q_{q.code}")
        }


class ShortCodeForm(DsfrFormMixin, forms.Form):
    code = forms.CharField(
        label="Code du diagnostic fait par la personne",
        max_length=12,
        help_text="6 caractères, par exemple K7MQ4X.",
    )
