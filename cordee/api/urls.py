from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from cordee.api.territories import CommuneListView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("territories/communes/", CommuneListView.as_view(), name="territories-communes"),
]
