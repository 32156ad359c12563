from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from cordee.www.home.entries import chain_entries, role_entries
from cordee.www.home.placeholders import PLACEHOLDERS

CHAIN_STEPS = [
    ("Repérer", "Les professionnels qui reçoivent du public repèrent les personnes en difficulté avec le numérique."),
    ("Diagnostiquer", "Quelques questions simples disent ce que la personne sait faire et ce qui l'aiderait."),
    ("Orienter", "La personne est envoyée vers un lieu près de chez elle, qui lui répond."),
    (
        "Accompagner, former",
        "Un médiateur ou un conseiller numérique l'aide ou la forme, parfois payé par un Pass numérique.",
    ),
    ("Mesurer", "Chaque territoire voit ce qui est fait et ce qui manque encore."),
]


@login_not_required
def home(request):
    return render(
        request,
        "www/home/home.html",
        {"chain_steps": CHAIN_STEPS, "chain_entries": chain_entries(), "role_entries": role_entries()},
    )


@login_not_required
def coming_soon(request, slug):
    placeholder = PLACEHOLDERS.get(slug)
    if placeholder is None:
        raise Http404("Cette page n'existe pas.")
    return render(request, "www/home/coming_soon.html", {"placeholder": placeholder})


@login_not_required
@cache_control(max_age=60 * 60 * 24, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the DSFR's icon."""
    return redirect(static("dsfr/dist/favicon/favicon.ico"))
