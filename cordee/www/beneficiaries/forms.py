from django import forms

from cordee.activities.beneficiary_file import DEFAULT_SORT, SORTS
from cordee.beneficiaries.enums import Gender, Status
from cordee.core.ids import MAX_ID, as_id
from cordee.www.accounts.forms import DsfrFormMixin


class FileFilterForm(DsfrFormMixin, forms.Form):
    structure = forms.ModelChoiceField(label="Structure", queryset=None, required=False, empty_label=None)
    q = forms.CharField(label="Rechercher un pseudonyme", required=False, max_length=60)
    tri = forms.ChoiceField(label="Trier par", choices=list(SORTS.items()), required=False, initial=DEFAULT_SORT)
    anonymisees = forms.BooleanField(label="Afficher aussi les personnes anonymisées", required=False)

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class MergeForm(forms.Form):
    kept = forms.IntegerField(label="Fiche à garder", min_value=1, max_value=MAX_ID)
    members = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        values = self.data.getlist("members") if hasattr(self.data, "getlist") else []
        # Only values that can be keys are choices: another one is an invalid choice, never a query.
        self.fields["members"].choices = [(value, value) for value in values if as_id(value)]

    def clean(self):
        data = super().clean()
        kept, members = data.get("kept"), data.get("members") or []
        if kept is not None and kept not in members:
            raise forms.ValidationError("Choisissez la fiche à garder parmi celles du groupe.")
        return data


class BeneficiaryEditForm(DsfrFormMixin, forms.Form):
    """What a followed person's page lets the team change after creation: gender and status."""

    gender = forms.ChoiceField(label="Genre", choices=Gender.choices, required=False)
    status = forms.ChoiceField(label="Situation", choices=Status.choices, required=False)
