"""URLs of the test of the 500 page: the site's, plus a view that fails."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns


@login_not_required
def broken(request):
    raise RuntimeError("panne voulue par le test")


urlpatterns = [path("panne/", broken), *site_urlpatterns]
