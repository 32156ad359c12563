from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("cordee.www.urls")),
    path("api/v1/", include("cordee.api.urls")),
    path("admin-technique/", admin.site.urls),
]
