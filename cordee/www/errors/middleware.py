"""Domain errors (cordee.core.errors) that a view lets through become the French error page of their status."""

from cordee.core.errors import DomainError
from cordee.www.errors.views import domain_error_response


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return domain_error_response(request, exception)
        return None
