import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_wsgi_application()

# Import the URL configuration, and every view with it, as each server process starts rather than during its
# first request: otherwise the first people served after a (re)start wait about two seconds.
get_resolver().url_patterns  # noqa: B018 - loading is the point
