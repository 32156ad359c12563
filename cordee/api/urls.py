from django.urls import include, path

from cordee.api.places import PlaceDetailView, PlaceListView, export_view
from cordee.api.territories import CommuneListView
from cordee.api.views import SchemaView

app_name = "api"

urlpatterns = [
    path("diagnostics/", include("cordee.api.diagnostics")),
    path("referrals/", include("cordee.api.referrals")),
    path("pass-numerique/", include("cordee.api.pass_numerique")),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("territories/communes/", CommuneListView.as_view(), name="territories-communes"),
    path("places/", PlaceListView.as_view(), name="places"),
    path("places/<int:pk>/", PlaceDetailView.as_view(), name="place"),
    path("places/export.csv", export_view("csv"), name="places-export-csv"),
    path("places/export.json", export_view("json"), name="places-export-json"),
    path("places/export.geojson", export_view("geojson"), name="places-export-geojson"),
]
