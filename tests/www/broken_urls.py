"""URLs of the tests of the error pages: the site's, plus views that fail."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns
from cordee.core.errors import Conflict, Invalid, NotAllowed, NotFound, Refused


@login_not_required
def broken(request):
    raise RuntimeError("panne voulue par le test")


ERRORS = {
    "invalid": Invalid("Le code postal compte 5 chiffres.", errors={"code_postal": "5 chiffres"}),
    "not_allowed": NotAllowed("Seul le gestionnaire peut retirer un membre."),
    "not_found": NotFound("Ce lieu n'existe pas, ou vous n'y avez pas accès."),
    "conflict": Conflict("Cette demande a déjà été traitée."),
    "refused": Refused("Vous ne pouvez pas approuver votre propre demande.", reason="four_eyes"),
}


@login_not_required
def domain_error(request, kind):
    raise ERRORS[kind]


urlpatterns = [
    path("panne/", broken),
    path("erreur-metier/<str:kind>/", domain_error),
    path("api/v1/erreur-metier/<str:kind>/", domain_error),
    *site_urlpatterns,
]
