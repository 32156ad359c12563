from django.contrib import admin
from django.urls import include, path

from cordee.www.api_docs.views import api_docs

urlpatterns = [
    path("", include("cordee.www.urls")),
    # The human documentation of the API is a page of the web layer, served beside the API.
    path("api/v1/docs/", api_docs, name="api-docs"),
    path("api/v1/", include("cordee.api.urls")),
    path("admin-technique/", admin.site.urls),
]

# Under /api/ these answer with the API's JSON error envelope, elsewhere with the site's pages.
handler400 = "cordee.api.errors.handler400"
handler403 = "cordee.api.errors.handler403"
handler404 = "cordee.api.errors.handler404"
handler500 = "cordee.api.errors.handler500"
