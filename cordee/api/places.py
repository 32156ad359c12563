"""API of the places directory: public search and detail, writes for structures and coordinators, exports."""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from cordee.aggregation import export
from cordee.core.errors import Invalid, NotAllowed
from cordee.places import editing
from cordee.places.fields import MULTI_ENUM_BY_FIELD
from cordee.places.models import Place
from cordee.places.perms import may_manage_any_place
from cordee.places.search import MAX_RADIUS_KM, SearchError, parse_query, place_is_open, search
from cordee.structures.roles import attach_roles

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
LIST_FIELDS = (
    "id",
    "name",
    "address",
    "postal_code",
    "commune_name",
    "code_insee",
    "latitude",
    "longitude",
    "services",
    "fees",
    "accepts_pass_numerique",
    "opening_hours",
    "hours_status",
)


def _allowed(field):
    return ", ".join(f"« {value} »" for value in MULTI_ENUM_BY_FIELD[field].values)


SEARCH_PARAMETERS = [
    OpenApiParameter("lat", float, description="Latitude du point de recherche (WGS 84), avec `lon`."),
    OpenApiParameter("lon", float, description="Longitude du point de recherche (WGS 84), avec `lat`."),
    OpenApiParameter(
        "radius_km",
        float,
        description=f"Rayon autour du point, en km (défaut 20, au plus {MAX_RADIUS_KM:g}).",
    ),
    OpenApiParameter(
        "code_insee", str, description="Code INSEE de la commune (une commune inclut ses arrondissements)."
    ),
    OpenApiParameter("departement", str, description="Code du département, ex. 23, 2A ou 974."),
    OpenApiParameter(
        "services", str, many=True, description=f"Services offerts, tous exigés (répétable) : {_allowed('services')}."
    ),
    OpenApiParameter(
        "publics", str, many=True, description=f"Publics, tous exigés (répétable) : {_allowed('publics')}."
    ),
    OpenApiParameter(
        "prise_en_charge",
        str,
        many=True,
        description=f"Prises en charge spécifiques, toutes exigées (répétable) : {_allowed('specific_support')}.",
    ),
    OpenApiParameter("frais", str, many=True, description=f"Frais à charge (répétable) : {_allowed('fees')}."),
    OpenApiParameter(
        "modalites_accompagnement",
        str,
        many=True,
        description=f"Modalités d'accompagnement (répétable) : {_allowed('support_modes')}.",
    ),
    OpenApiParameter("pass_numerique", bool, description="Lieux acceptant (true) ou non (false) le Pass numérique."),
    OpenApiParameter("qualified", bool, description="Lieux qualifiés (true) ou non (false)."),
    OpenApiParameter(
        "open_at",
        OpenApiTypes.DATETIME,
        description="Lieux ouverts à ce moment (ISO 8601 ; sans fuseau : heure de Paris). Les lieux aux horaires "
        "inconnus ou illisibles sont exclus.",
    ),
    OpenApiParameter("open_now", bool, description="Lieux ouverts maintenant (incompatible avec `open_at`)."),
    OpenApiParameter("q", str, description="Mots du nom du lieu, sans tenir compte des accents ni des majuscules."),
]
BOOLEAN_VALUES = "true/false, 1/0 ou oui/non"


class PlaceSummarySerializer(serializers.Serializer):
    """Documents one result of the search (the view builds the dictionaries itself, for speed)."""

    id = serializers.IntegerField()
    nom = serializers.CharField()
    adresse = serializers.CharField()
    code_postal = serializers.CharField()
    commune = serializers.CharField()
    code_insee = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    distance_km = serializers.FloatField(
        required=False, help_text="Distance au point de recherche, en km (seulement avec `lat` et `lon`)."
    )
    services = serializers.ListField(child=serializers.CharField())
    frais_a_charge = serializers.ListField(child=serializers.CharField())
    pass_numerique = serializers.BooleanField(help_text="Le lieu accepte le Pass numérique.")
    horaires = serializers.CharField(help_text="Horaires au format OpenStreetMap opening_hours.")
    open_now = serializers.BooleanField(
        allow_null=True,
        help_text="Ouvert au moment demandé (`open_at`), sinon maintenant ; null si les horaires sont inconnus "
        "ou illisibles.",
    )


def summary(hit, with_distance: bool) -> dict:
    place = hit.place
    data = {
        "id": place.pk,
        "nom": place.name,
        "adresse": place.address,
        "code_postal": place.postal_code,
        "commune": place.commune_name,
        "code_insee": place.code_insee,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }
    if with_distance:
        data["distance_km"] = round(hit.distance_km, 3) if hit.distance_km is not None else None
    data.update(
        services=place.services,
        frais_a_charge=place.fees,
        pass_numerique=place.accepts_pass_numerique,
        horaires=place.opening_hours,
        open_now=hit.open_now,
    )
    return data


def detail(place: Place) -> dict:
    data = editing.standard_values(place)
    data["id_source"] = data["id"]  # the standard's "id" is the identifier in the source
    data["id"] = place.pk
    data.update(
        nom_source=place.source_name,
        pass_numerique=place.accepts_pass_numerique,
        qualification=place.qualification_state,
        qualification_libelle=editing.qualification_label(place),
        completude=place.completeness,
        precision_coordonnees=place.coordinates_precision,
        statut_horaires=place.hours_status,
        probleme_horaires=place.hours_warning,
        open_now=place_is_open(place, _now()),
        structure=place.structure_id,
        departement=place.departement_code,
        modifie_le=place.updated_at.isoformat() if place.updated_at else None,
    )
    return data


def _now():
    return timezone.now()


def _positive_int(params, name, default, maximum=None):
    text = params.get(name, "")
    if not text:
        return default, None
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1 or (maximum and number > maximum):
        bound = f"entre 1 et {maximum}" if maximum else "supérieur ou égal à 1"
        return default, f"{name} doit être un entier {bound}"
    return number, None


def _write_errors_response(errors):
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)


class WritePermission(permissions.BasePermission):
    """Reads are public; writes need an authenticated user (the domain decides on the place itself)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)


def _check_may_write(request):
    if not request.user or not request.user.is_authenticated:
        raise NotAuthenticated()
    attach_roles(request.user)  # computed once for the request, read by every permission check
    if not may_manage_any_place(request.user):
        raise PermissionDenied(
            "Seuls les gestionnaires de structure, coordinateurs et administrateurs modifient les lieux."
        )


PLACE_WRITE_BODY = inline_serializer(
    "PlaceWrite",
    {
        "nom": serializers.CharField(),
        "adresse": serializers.CharField(required=False),
        "code_postal": serializers.CharField(required=False),
        "code_insee": serializers.CharField(required=False),
        "commune": serializers.CharField(required=False),
        "latitude": serializers.FloatField(required=False),
        "longitude": serializers.FloatField(required=False),
        "telephone": serializers.ListField(child=serializers.CharField(), required=False),
        "courriels": serializers.ListField(child=serializers.CharField(), required=False),
        "site_web": serializers.ListField(child=serializers.CharField(), required=False),
        "horaires": serializers.CharField(required=False, help_text="Format OpenStreetMap opening_hours."),
        "services": serializers.ListField(child=serializers.CharField(), required=False),
        "frais_a_charge": serializers.ListField(child=serializers.CharField(), required=False),
        "pass_numerique": serializers.BooleanField(required=False),
        "structure": serializers.IntegerField(required=False, help_text="Identifiant de la structure gestionnaire."),
        "structure_id": serializers.IntegerField(
            required=False,
            help_text="Création : la structure pour laquelle on agit, obligatoire pour qui appartient à plusieurs "
            "structures (sinon 400).",
        ),
    },
)


class PlaceListView(APIView):
    """Search the places (public, AllowAny) and create a place (token of a gestionnaire, coordinator or admin)."""

    permission_classes = [WritePermission]

    @extend_schema(
        operation_id="places_search",
        summary="Rechercher des lieux de médiation numérique",
        description=(
            "Accès public : aucune authentification n'est demandée (le nombre d'appels est limité).\n\n"
            "Avec `lat` et `lon`, les lieux du rayon `radius_km` sont classés du plus proche au plus lointain "
            "(`distance_km`, distance à vol d'oiseau) ; sans point, par nom. Les filtres se combinent ; un filtre "
            "répété (`services=…&services=…`) exige toutes les valeurs. Les booléens acceptent "
            f"{BOOLEAN_VALUES}.\n\n"
            "`open_now` de chaque lieu dit s'il est ouvert au moment demandé par `open_at` (ou `open_now`), "
            "sinon maintenant ; il vaut null quand les horaires sont inconnus ou illisibles. Jours fériés "
            "français compris.\n\n"
            'En cas de paramètre invalide : réponse 400 `{"errors": {"paramètre": "message"}}`.'
        ),
        tags=["Lieux"],
        auth=[],
        parameters=[
            *SEARCH_PARAMETERS,
            OpenApiParameter("page", int, description="Numéro de page, à partir de 1."),
            OpenApiParameter("page_size", int, description=f"Lieux par page (défaut 20, au plus {MAX_PAGE_SIZE})."),
        ],
        responses={
            200: inline_serializer(
                "PlaceSearchPage",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "results": PlaceSummarySerializer(many=True),
                },
            ),
            400: inline_serializer("SearchErrors", {"errors": serializers.DictField(child=serializers.CharField())}),
        },
    )
    def get(self, request):
        params = request.query_params
        errors = {}
        try:
            query = parse_query(params)
        except SearchError as error:
            errors.update(error.errors)
        page, page_error = _positive_int(params, "page", 1)
        size, size_error = _positive_int(params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        for name, message in (("page", page_error), ("page_size", size_error)):
            if message:
                errors[name] = message
        if errors:
            return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)

        found = search(query).only(*LIST_FIELDS)
        count = found.count
        hits = found.page(page, size) if (page - 1) * size < count else []
        url = request.build_absolute_uri()
        next_url = replace_query_param(url, "page", page + 1) if page * size < count else None
        if page <= 1:
            previous_url = None
        elif page == 2:
            previous_url = remove_query_param(url, "page")
        else:
            previous_url = replace_query_param(url, "page", page - 1)
        return Response(
            {
                "count": count,
                "next": next_url,
                "previous": previous_url,
                "results": [summary(hit, query.has_point) for hit in hits],
            }
        )

    @extend_schema(
        summary="Créer un lieu",
        description=(
            "Authentification par jeton (`Authorization: Token …`). Réservé aux gestionnaires de la structure "
            "indiquée (`structure`), aux coordinateurs du territoire du lieu et aux administrateurs nationaux.\n\n"
            "Champs du standard des lieux de médiation numérique v1.0.x (noms français), validés comme à "
            "l'import : téléphones au format E.164, listes fermées, horaires OpenStreetMap lisibles. Erreurs : "
            '400 `{"errors": {"champ": "message"}}`.'
        ),
        tags=["Lieux"],
        request=PLACE_WRITE_BODY,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 401: None, 403: None},
    )
    def post(self, request):
        _check_may_write(request)
        if not isinstance(request.data, dict):
            return _write_errors_response({"non_field_errors": "un objet JSON est attendu"})
        try:
            place = editing.create_place(request.user, dict(request.data))
        except Invalid as error:
            return _write_errors_response(error.errors)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        return Response(detail(place), status=status.HTTP_201_CREATED)


class PlaceDetailView(APIView):
    """One place (public, AllowAny); PATCH for its gestionnaires, coordinators of its territory and admins."""

    permission_classes = [WritePermission]

    @extend_schema(
        operation_id="places_detail",
        summary="Fiche d'un lieu",
        description=(
            "Accès public. Tous les champs du standard v1.0.x (noms français ; `id_source` est l'identifiant "
            "dans la source), plus les nôtres : `pass_numerique`, `qualification`, `completude` (0–100), "
            "`precision_coordonnees` (address, commune, unknown), `structure` (identifiant de la structure "
            "gestionnaire), `open_now` (ouvert maintenant ; null si horaires inconnus ou illisibles)."
        ),
        tags=["Lieux"],
        auth=[],
        responses={200: OpenApiTypes.OBJECT, 404: None},
    )
    def get(self, request, pk):
        place = get_object_or_404(Place.objects.using(settings.READ_DATABASE), pk=pk)
        return Response(detail(place))

    @extend_schema(
        summary="Modifier un lieu",
        description=(
            "Authentification par jeton. Réservé aux gestionnaires de la structure du lieu, aux coordinateurs "
            "de son territoire et aux administrateurs nationaux. Seuls les champs envoyés changent, validés "
            "comme à l'import. Chaque modification est journalisée."
        ),
        tags=["Lieux"],
        request=PLACE_WRITE_BODY,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 401: None, 403: None, 404: None},
    )
    def patch(self, request, pk):
        _check_may_write(request)
        place = get_object_or_404(Place, pk=pk)
        if not isinstance(request.data, dict):
            return _write_errors_response({"non_field_errors": "un objet JSON est attendu"})
        try:
            place = editing.update_place(request.user, place, dict(request.data))
        except Invalid as error:
            return _write_errors_response(error.errors)
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        return Response(detail(place))


EXPORT_FORMATS = {
    "csv": ("iter_csv", "text/csv; charset=utf-8"),
    "json": ("iter_json", "application/json"),
    "geojson": ("iter_geojson", "application/geo+json"),
}


class PlaceExportView(APIView):
    """Open data export of the places matching the search filters. Public (AllowAny)."""

    permission_classes = [permissions.AllowAny]
    export_format = "csv"

    @extend_schema(
        summary="Exporter les lieux (données ouvertes)",
        description=(
            "Accès public. Les lieux correspondant aux mêmes filtres que la recherche, au standard des lieux de "
            "médiation numérique v1.0.x, en CSV (`|` entre valeurs), JSON ou GeoJSON, envoyés au fil de l'eau."
        ),
        tags=["Lieux"],
        auth=[],
        parameters=SEARCH_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        writer_name, content_type = EXPORT_FORMATS[self.export_format]
        try:
            query = parse_query(request.query_params)
        except SearchError as error:
            return Response({"errors": error.errors}, status=status.HTTP_400_BAD_REQUEST)
        writer = getattr(export, writer_name)
        response = StreamingHttpResponse(writer(search(query).queryset), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="lieux-mediation-numerique.{self.export_format}"'
        return response
