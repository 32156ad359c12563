"""Domain errors (cordee.core.errors) that a view lets through become the French error page of their status; an
address holding a NUL character is refused before any view (PostgreSQL cannot compare text holding one)."""

from cordee.core.errors import DomainError, Invalid
from cordee.www.errors.views import domain_error_response

NUL_IN_ADDRESS = "L'adresse contient un caractère nul (%00) : elle ne peut désigner aucune page."


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return domain_error_response(request, Invalid(NUL_IN_ADDRESS))
        if "%00" in request.META.get("QUERY_STRING", ""):
            errors = {
                name: f"{name} ne doit pas contenir le caractère nul"
                for name, values in request.GET.lists()
                if any("\x00" in value for value in values) or "\x00" in name
            }
            return domain_error_response(request, Invalid(NUL_IN_ADDRESS, errors=errors))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return domain_error_response(request, exception)
        return None
