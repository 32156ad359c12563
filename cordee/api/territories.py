"""Public API of the territories: communes searched by name, postal code or département."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers

from cordee.api.schema import error_responses
from cordee.api.views import ListApiView
from cordee.territories.models import Commune, Departement
from cordee.territories.normalize import DEPARTEMENT_RE, POSTAL_CODE_RE


class CommuneSerializer(serializers.Serializer):
    code_insee = serializers.CharField(help_text="Code INSEE de la commune (COG).")
    nom = serializers.CharField(source="name")
    codes_postaux = serializers.ListField(child=serializers.CharField(), source="postal_code_list")
    departement = serializers.CharField(source="departement_id", help_text="Code INSEE du département.")
    epci = serializers.CharField(source="epci_id", allow_null=True, help_text="SIREN de l'EPCI, s'il y en a un.")
    population = serializers.IntegerField(help_text="Population municipale.")
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)


class CommuneSearchSerializer(serializers.Serializer):
    """The query parameters, checked with a message a person can act on."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        error_messages={"max_length": "La recherche « q » ne doit pas dépasser 100 caractères."},
        help_text="Début du nom de la commune, par exemple « gueret ».",
    )
    postal_code = serializers.CharField(
        required=False, allow_blank=True, help_text="Code postal à 5 chiffres, par exemple 23000."
    )
    departement = serializers.CharField(
        required=False, allow_blank=True, help_text="Code du département, par exemple 23, 2A ou 971."
    )

    def validate_postal_code(self, value):
        if value and not POSTAL_CODE_RE.match(value):
            raise serializers.ValidationError(
                f"« {value} » n'est pas un code postal : indiquez 5 chiffres, par exemple 23000."
            )
        return value

    def validate_departement(self, value):
        code = value.upper()
        if value and (not DEPARTEMENT_RE.match(code) or not Departement.objects.filter(code=code).exists()):
            raise serializers.ValidationError(
                f"« {value} » n'est pas un code de département connu : indiquez par exemple 23, 2A ou 971."
            )
        return code


@extend_schema(
    summary="Rechercher des communes",
    description=(
        "Accès public : aucune authentification n'est demandée (le nombre d'appels est limité).\n\n"
        "Liste paginée des communes et arrondissements municipaux. `q` cherche sans tenir compte des accents ni "
        "des majuscules, sur le début des mots du nom (« st etienne » trouve Saint-Étienne) ; les résultats sont "
        "alors classés de la plus peuplée à la moins peuplée. Sans `q`, les communes sont classées par code INSEE. "
        "Les filtres se combinent."
    ),
    tags=["Territoires"],
    auth=[],
    responses={200: CommuneSerializer(many=True), **error_responses(400, 401, 429)},
    parameters=[CommuneSearchSerializer],
)
class CommuneListView(ListApiView):
    """Communes searched by name, postal code or département. Public (AllowAny)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CommuneSerializer

    def get_queryset(self):
        params = CommuneSearchSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        queryset = Commune.objects.only(
            "code_insee", "name", "postal_codes", "departement_id", "epci_id", "population", "latitude", "longitude"
        )
        if filters.get("postal_code"):
            queryset = queryset.by_postal_code(filters["postal_code"])
        if filters.get("departement"):
            queryset = queryset.filter(departement_id=filters["departement"])
        if filters.get("q", "").strip():
            return queryset.autocomplete(filters["q"])
        return queryset.order_by("code_insee")
