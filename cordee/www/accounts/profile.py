"""« Mon compte »: who I am, where I work and with which role; change my name, my password, my API access."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from cordee.structures.models import CoordinatorScope, Membership
from cordee.territories.lookups import find_territory
from cordee.www.accounts.forms import DsfrFormMixin


class NameForm(DsfrFormMixin, forms.Form):
    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )


def _password_change_url() -> tuple[str, str]:
    """The password change page when it exists, else the reset by e-mail (which works signed in too)."""
    try:
        return reverse("www:accounts:password_change"), "Changer mon mot de passe"
    except NoReverseMatch:
        return reverse("www:accounts:password_reset"), "Recevoir un lien pour changer mon mot de passe"


def _scopes(user):
    rows = []
    for scope in CoordinatorScope.objects.filter(user=user).order_by("territory_kind", "territory_code"):
        territory = find_territory(scope.territory_kind, scope.territory_code)
        name = str(territory) if territory is not None else scope.territory_code
        rows.append({"kind": scope.get_territory_kind_display(), "name": name, "code": scope.territory_code})
    return rows


@require_http_methods(["GET", "POST"])
def profile(request):
    """Private: the signed-in person's own account."""
    user = request.user
    form = NameForm(
        request.POST if request.method == "POST" else None,
        initial={"first_name": user.first_name, "last_name": user.last_name},
    )
    if form.is_valid():
        changed = [name for name in ("first_name", "last_name") if getattr(user, name) != form.cleaned_data[name]]
        if changed:
            for name in changed:
                setattr(user, name, form.cleaned_data[name])
            user.save(update_fields=changed)
        messages.success(request, "Votre nom est enregistré.")
        return redirect("www:accounts:profile")
    memberships = (
        Membership.objects.active().filter(user=user).select_related("structure__commune").order_by("structure__name")
    )
    password_url, password_label = _password_change_url()
    return render(
        request,
        "www/accounts/profile.html",
        {
            "form": form,
            "memberships": memberships,
            "scopes": _scopes(user),
            "password_url": password_url,
            "password_label": password_label,
        },
    )
