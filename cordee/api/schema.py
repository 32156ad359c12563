"""Shared pieces of the OpenAPI description: the error envelope and the statuses each endpoint documents."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The API's one error envelope (see cordee.api.errors), plus keys that belong to the endpoint."""

    detail = serializers.CharField(help_text="Ce qui ne va pas, en français, pour une personne.")
    reason = serializers.CharField(help_text="Code stable pour les programmes (invalid, not_found, throttled…).")
    errors = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="Les champs ou paramètres fautifs, chacun avec son message (seulement quand il y en a).",
    )


ERROR_DESCRIPTIONS = {
    400: "Requête mal formée ou valeurs invalides (`errors` nomme chaque champ ou paramètre fautif).",
    401: "Jeton absent ou invalide.",
    403: "Action interdite sur un objet visible par la personne.",
    404: "Objet inexistant, ou que la personne ne peut pas voir.",
    409: "Conflit avec l'état actuel de l'objet.",
    415: "Le corps n'est pas du JSON (`Content-Type: application/json` attendu).",
    422: "Requête bien formée que le domaine refuse (`reason` dit pourquoi).",
    429: "Trop de requêtes : `retry_after` (et l'en-tête Retry-After) dit dans combien de secondes réessayer.",
}
EXAMPLES = {
    400: {
        "detail": "Certaines valeurs ne sont pas valides : voyez « errors ».",
        "reason": "invalid",
        "errors": {"radius_km": "radius_km doit être un nombre entre 0 et 100"},
    },
    429: {
        "detail": "Trop de requêtes en peu de temps. Réessayez dans 12 secondes.",
        "reason": "throttled",
        "retry_after": 12,
    },
}


def error_responses(*codes: int) -> dict:
    """``{status: OpenApiResponse}`` of the error envelope for these statuses, for ``extend_schema``."""
    return {
        code: OpenApiResponse(
            ErrorSerializer,
            description=ERROR_DESCRIPTIONS[code],
            examples=[OpenApiExample(f"Erreur {code}", value=EXAMPLES[code])] if code in EXAMPLES else [],
        )
        for code in codes
    }


def allow_empty_query_values(result, generator, request, public):
    """drf-spectacular post-processing hook: an optional query parameter sent empty (``?open_at=``, as
    forms do) counts as absent, so the description says empty values are allowed."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result
