from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from cordee.api.territories import CommuneListView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="api:schema"), name="docs"),
    path("territories/communes/", CommuneListView.as_view(), name="territories-communes"),
]
