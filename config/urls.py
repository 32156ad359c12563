from django.contrib import admin
from django.urls import include, path

from cordee.www.accounts.forms import AdminLoginForm
from cordee.www.api_docs.views import api_docs

# The technical administration's login counts failed attempts like the site's.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("cordee.www.urls")),
    # The human documentation of the API is a page of the web layer, served beside the API.
    path("api/v1/docs/", api_docs, name="api-docs"),
    path("api/v1/", include("cordee.api.urls")),
    path("admin-technique/", admin.site.urls),
]
