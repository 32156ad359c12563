from django import forms

from cordee.www.accounts.forms import DsfrFormMixin


class TeamInvitationForm(DsfrFormMixin, forms.Form):
    email = forms.EmailField(
        label="Adresse électronique du médiateur",
        help_text="L'adresse de son compte Cordée. Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
