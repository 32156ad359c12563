from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from cordee.api.places import PlaceDetailView, PlaceExportView, PlaceListView
from cordee.api.territories import CommuneListView

app_name = "api"

urlpatterns = [
    path("diagnostics/", include("cordee.api.diagnostics")),
    path("referrals/", include("cordee.api.referrals")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("territories/communes/", CommuneListView.as_view(), name="territories-communes"),
    path("places/", PlaceListView.as_view(), name="places"),
    path("places/<int:pk>/", PlaceDetailView.as_view(), name="place"),
    path("places/export.csv", PlaceExportView.as_view(export_format="csv"), name="places-export-csv"),
    path("places/export.json", PlaceExportView.as_view(export_format="json"), name="places-export-json"),
    path("places/export.geojson", PlaceExportView.as_view(export_format="geojson"), name="places-export-geojson"),
]
