"""Bases of every API view: the method is checked before anything else, and the body is JSON only."""

from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.views import APIView

from cordee.api.parsers import JSONParser

ALLOWED_METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]


class MethodFirstMixin:
    """A method the view does not offer is a 405 for everyone (``TRACE`` included), before authentication."""

    http_method_names = ALLOWED_METHODS
    parser_classes = [JSONParser]

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class ApiView(MethodFirstMixin, APIView):
    pass


class ListApiView(MethodFirstMixin, generics.ListAPIView):
    pass


class SchemaJsonRenderer(OpenApiJsonRenderer):
    charset = "utf-8"


class SchemaYamlRenderer(OpenApiYamlRenderer):
    media_type = "application/yaml"
    charset = "utf-8"


class SchemaView(MethodFirstMixin, SpectacularAPIView):
    """The OpenAPI description: JSON by default (``?format=yaml`` for YAML), in UTF-8, with an ASCII file name."""

    renderer_classes = [SchemaJsonRenderer, SchemaYamlRenderer]

    def _get_filename(self, request, version):
        return f"cordee-api-v1.{self.perform_content_negotiation(request, force=True)[0].format}"
