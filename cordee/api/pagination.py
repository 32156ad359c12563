"""The one pagination of the API: ``page`` (from 1) and ``page_size`` (1 to ``MAX_PAGE_SIZE``).

A page beyond the last one is empty (200 with ``results: []``); a ``page`` or ``page_size`` that is not a
whole number within its bounds is a 400 naming the parameter (``page=0`` included).
"""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from cordee.core.ids import is_number

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 10**9


def _whole_number(text: str, low: int, high: int) -> int | None:
    text = (text or "").strip()
    if not is_number(text) or len(text) > 12:
        return None
    number = int(text)
    return number if low <= number <= high else None


class PageNumberPagination(pagination.BasePagination):
    page_query_param = "page"
    page_size_query_param = "page_size"
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE

    def page_errors(self, request) -> dict[str, str]:
        """Messages for the bad ``page``/``page_size`` of the request (empty when both are fine)."""
        errors = {}
        params = request.query_params
        if params.get(self.page_query_param, "") != "" and self._page(params) is None:
            errors[self.page_query_param] = f"{self.page_query_param} doit être un entier supérieur ou égal à 1"
        if params.get(self.page_size_query_param, "") != "" and self._size(params) is None:
            errors[self.page_size_query_param] = (
                f"{self.page_size_query_param} doit être un entier entre 1 et {self.max_page_size}"
            )
        return errors

    def _page(self, params):
        text = params.get(self.page_query_param, "")
        return 1 if text == "" else _whole_number(text, 1, MAX_PAGE)

    def _size(self, params):
        text = params.get(self.page_size_query_param, "")
        return self.page_size if text == "" else _whole_number(text, 1, self.max_page_size)

    def read(self, request) -> tuple[int, int]:
        """(page, page_size) of the request; ValidationError (400) when one is bad."""
        errors = self.page_errors(request)
        if errors:
            raise ValidationError(errors)
        return self._page(request.query_params), self._size(request.query_params)

    def paginate_queryset(self, queryset, request, view=None):
        number, size = self.read(request)
        self.request, self.number, self.size = request, number, size
        self.count = queryset.count()
        start = (number - 1) * size
        return list(queryset[start : start + size]) if start < self.count else []

    def paginate_search(self, found, request, number: int, size: int):
        """The same for a places search (``count`` and ``page(number, size)``), page and size read before."""
        self.request, self.number, self.size = request, number, size
        self.count = found.count
        return found.page(number, size) if (number - 1) * size < self.count else []

    def get_next_link(self):
        if self.number * self.size >= self.count:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if self.number <= 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data):
        return Response(
            {"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Nombre total de résultats."},
                "next": {"type": "string", "format": "uri", "nullable": True, "description": "Page suivante."},
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "Page précédente.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Numéro de page, à partir de 1 (une page au-delà de la dernière est vide).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Résultats par page : {DEFAULT_PAGE_SIZE} par défaut, au plus {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
