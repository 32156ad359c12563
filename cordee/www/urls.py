from django.urls import include, path

from cordee.www import maps
from cordee.www.home import views as home_views

app_name = "www"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("bientot/<slug:slug>/", home_views.coming_soon, name="coming_soon"),
    path("compte/", include("cordee.www.accounts.urls")),
    path("tableau-de-bord/", include("cordee.www.dashboard.urls")),
    path("statistiques/", include("cordee.www.dashboards.urls")),
    path("structures/", include("cordee.www.structures.urls")),
    path("equipe/", include("cordee.www.team.urls")),
    path("lieux/", include("cordee.www.places.urls")),
    path("lieux/", include("cordee.www.places_manage.public_urls")),
    path("gestion/lieux/", include("cordee.www.places_manage.urls")),
    path("", include("cordee.www.legal.urls")),
    path("carte/departements.geojson", maps.departement_outlines, name="departement_outlines"),
    path("carte/fond.pmtiles", maps.base_map_tiles, name="base_map_tiles"),
    path("", include("cordee.www.diagnostics.urls")),
    path("", include("cordee.www.referrals.urls")),
    path("personnes/", include("cordee.www.beneficiaries.urls")),
    path("", include("cordee.www.activities.urls")),
    path("", include("cordee.www.pass_numerique.urls")),
]
