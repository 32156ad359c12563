from django.contrib import admin
from django.urls import include, path

from cordee.www.accounts.forms import AdminLoginForm
from cordee.www.api_docs.views import api_docs
from cordee.www.home.views import favicon

# The technical administration's login counts failed attempts like the site's.
admin.site.login_form = AdminLoginForm

# The API first: Django tries the patterns in order, and an API call should not be compared with every page's
# pattern before its own (a quarter of the framework's time on a small API request).
urlpatterns = [
    # The human documentation of the API is a page of the web layer, served beside the API.
    path("api/v1/docs/", api_docs, name="api-docs"),
    path("api/v1/", include("cordee.api.urls")),
    path("", include("cordee.www.urls")),
    # Browsers ask for /favicon.ico whatever the page says: send them to the DSFR's icon.
    path("favicon.ico", favicon, name="favicon"),
    path("admin-technique/", admin.site.urls),
]

# Error pages in French (DSFR) on the site, the API's JSON envelope under /api/.
handler400 = "cordee.www.errors.views.bad_request"
handler403 = "cordee.www.errors.views.permission_denied"
handler404 = "cordee.www.errors.views.page_not_found"
handler500 = "cordee.www.errors.views.server_error"
