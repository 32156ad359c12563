"""API of the places directory: public search and detail, writes for structures and coordinators, exports."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.response import Response

from cordee.aggregation import export
from cordee.aggregation.standard import MULTI_ENUM_BY_STANDARD_NAME, STANDARD_TO_MODEL
from cordee.api import idempotency
from cordee.api.pagination import PageNumberPagination
from cordee.api.schema import error_responses
from cordee.api.views import ApiView
from cordee.places import editing
from cordee.places.fields import MULTI_ENUM_BY_FIELD
from cordee.places.models import Place
from cordee.places.perms import may_manage_any_place
from cordee.places.search import MAX_Q_LENGTH, MAX_RADIUS_KM, SearchError, parse_query, place_is_open, search
from cordee.structures.roles import attach_roles

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
BOOLEAN_VALUES = "true/false, 1/0 ou oui/non"
# open_at far outside this range cannot be an opening of a place (and would overflow date arithmetic).
OPEN_AT_YEARS = (1900, 2200)


def _allowed(field):
    return ", ".join(f"« {value} »" for value in MULTI_ENUM_BY_FIELD[field].values)


def _choices(field):
    return serializers.ListField(
        child=serializers.ChoiceField(choices=list(MULTI_ENUM_BY_FIELD[field].values)), required=False
    )


# Parameters -----------------------------------------------------------------------------------------------


class PlaceSearchParameters(serializers.Serializer):
    """The search parameters. The rules are the search's own (``cordee.places.search.parse_query``): this
    serializer declares and documents them, refuses NUL characters and out-of-range dates, and turns the
    search's errors into the API's envelope (one message per parameter, every bad parameter at once)."""

    lat = serializers.FloatField(
        required=False, min_value=-90, max_value=90, help_text="Latitude du point de recherche (WGS 84), avec `lon`."
    )
    lon = serializers.FloatField(
        required=False,
        min_value=-180,
        max_value=180,
        help_text="Longitude du point de recherche (WGS 84), avec `lat`.",
    )
    radius_km = serializers.FloatField(
        required=False,
        min_value=0.001,
        max_value=MAX_RADIUS_KM,
        help_text=f"Rayon autour du point, en km (défaut 20, au plus {MAX_RADIUS_KM:g}).",
    )
    code_insee = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Code INSEE de la commune (une commune inclut ses arrondissements).",
    )
    departement = serializers.CharField(
        required=False, allow_blank=True, help_text="Code du département, ex. 23, 2A ou 974."
    )
    services = _choices("services")
    services.help_text = f"Services offerts, tous exigés (répétable) : {_allowed('services')}."
    publics = _choices("publics")
    publics.help_text = f"Publics, tous exigés (répétable) : {_allowed('publics')}."
    prise_en_charge = _choices("specific_support")
    prise_en_charge.help_text = (
        f"Prises en charge spécifiques, toutes exigées (répétable) : {_allowed('specific_support')}."
    )
    frais = _choices("fees")
    frais.help_text = f"Frais à charge (répétable) : {_allowed('fees')}."
    modalites_accompagnement = _choices("support_modes")
    modalites_accompagnement.help_text = f"Modalités d'accompagnement (répétable) : {_allowed('support_modes')}."
    pass_numerique = serializers.BooleanField(
        required=False, help_text="Lieux acceptant (true) ou non (false) le Pass numérique."
    )
    qualified = serializers.BooleanField(required=False, help_text="Lieux qualifiés (true) ou non (false).")
    open_at = serializers.DateTimeField(
        required=False,
        help_text="Lieux ouverts à ce moment (ISO 8601). Sans décalage (`2025-06-02T10:00`) : heure locale de "
        "chaque lieu (10 h là où est le lieu, outre-mer compris). Avec décalage (`2025-06-02T10:00+02:00`) : un "
        "instant, jugé dans le fuseau de chaque lieu. Une heure sautée au changement d'heure est décalée d'autant "
        "(2 h 30 → 3 h 30) ; une heure qui existe deux fois est la première. Les lieux aux horaires inconnus ou "
        "illisibles sont exclus.",
    )
    open_during = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Lieux ouverts à un moment de cette partie de journée, heure locale de chaque lieu "
        "(`2025-06-07T08:00/2025-06-07T12:00` : samedi matin ; même jour, à l'heure ou à la demie, sans décalage ; "
        "incompatible avec `open_at` et `open_now`).",
    )
    open_now = serializers.BooleanField(
        required=False, help_text="Lieux ouverts maintenant (incompatible avec `open_at`)."
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_Q_LENGTH,
        help_text="Mots du nom du lieu, sans tenir compte des accents ni des majuscules.",
    )

    def to_internal_value(self, data):
        errors = {}
        for name in self.fields:
            values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
            if any(isinstance(value, str) and "\x00" in value for value in values):
                errors[name] = f"{name} ne doit pas contenir le caractère nul"
        try:
            query = parse_query(data)
        except SearchError as error:
            errors = {**error.errors, **errors}
            query = None
        if (
            query is not None
            and query.open_at is not None
            and not (OPEN_AT_YEARS[0] <= query.open_at.year <= OPEN_AT_YEARS[1])
        ):
            errors["open_at"] = f"open_at doit être une date entre {OPEN_AT_YEARS[0]} et {OPEN_AT_YEARS[1]}"
        if errors:
            raise ValidationError(errors)
        return {"query": query}


# Payloads ------------------------------------------------------------------------------------------------


class PlaceSummarySerializer(serializers.Serializer):
    """One result of the search (built from the search's hit, for speed)."""

    id = serializers.IntegerField()
    nom = serializers.CharField()
    adresse = serializers.CharField()
    code_postal = serializers.CharField()
    commune = serializers.CharField()
    code_insee = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    distance_km = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Distance au point de recherche, en km (seulement avec `lat` et `lon`).",
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

    def to_representation(self, hit):
        return summary(hit, self.context.get("with_distance", False))


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


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "string", "description": "Les valeurs séparées par « | », comme dans les fichiers du standard."},
        ],
        "nullable": True,
    }
)
class TextListField(serializers.ListField):
    """A list of texts in a write: a JSON list of strings, or one string with values separated by « | »."""


def _standard_field(standard_name: str, *, write: bool) -> serializers.Field:
    """The serializer field of one field of the standard, from the model field it maps to. In a write, null
    empties a field."""
    model_field = Place._meta.get_field(STANDARD_TO_MODEL[standard_name])
    label = str(model_field.verbose_name)
    options = {"required": False, "help_text": label[:1].upper() + label[1:] + "."}
    if isinstance(model_field, models.JSONField):
        values = MULTI_ENUM_BY_STANDARD_NAME.get(standard_name)
        if values is not None:
            options["help_text"] += " Valeurs possibles : " + ", ".join(f"« {value} »" for value in values.values)
        if write:
            return TextListField(child=serializers.CharField(), allow_null=True, **options)
        if values is not None:
            return serializers.ListField(child=serializers.ChoiceField(choices=list(values.values)), **options)
        return serializers.ListField(child=serializers.CharField(), **options)
    nullable = model_field.null or write
    if isinstance(model_field, models.FloatField):
        return serializers.FloatField(allow_null=nullable, **options)
    if isinstance(model_field, models.DateField):
        return serializers.DateField(allow_null=nullable, **options)
    return serializers.CharField(allow_blank=True, allow_null=nullable, **options)


def _json_type_error(field: serializers.Field, value) -> str | None:
    """What is wrong with the JSON type of ``value`` for ``field`` (the domain then checks the value itself)."""
    if value is None:
        return None if field.allow_null else "Une valeur est attendue (pas null)."
    if isinstance(field, serializers.ListField):
        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            return None
        return "Une liste de textes est attendue."
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "true ou false est attendu."
    if isinstance(field, serializers.IntegerField):
        return None if isinstance(value, int) and not isinstance(value, bool) else "Un nombre entier est attendu."
    if isinstance(field, serializers.FloatField):
        return None if isinstance(value, int | float) and not isinstance(value, bool) else "Un nombre est attendu."
    return None if isinstance(value, str) else "Un texte est attendu."


def _detail_fields() -> dict:
    fields = {name: _standard_field(name, write=False) for name in STANDARD_TO_MODEL}
    fields["id_source"] = serializers.CharField(help_text="Identifiant du lieu dans sa source (`id` du standard).")
    fields["id"] = serializers.IntegerField(help_text="Identifiant du lieu dans Cordée.")
    fields.update(
        nom_source=serializers.CharField(help_text="Source des données du lieu."),
        pass_numerique=serializers.BooleanField(help_text="Le lieu accepte le Pass numérique."),
        qualification=serializers.CharField(help_text="État de la qualification du lieu."),
        qualification_libelle=serializers.CharField(help_text="Même chose, en toutes lettres."),
        completude=serializers.IntegerField(min_value=0, max_value=100, help_text="Complétude de la fiche (0–100)."),
        precision_coordonnees=serializers.CharField(
            help_text="Précision des coordonnées : address, commune, unknown."
        ),
        statut_horaires=serializers.CharField(help_text="Lisibilité des horaires."),
        probleme_horaires=serializers.CharField(allow_blank=True, help_text="Ce qui rend les horaires illisibles."),
        localisation_a_verifier=serializers.CharField(
            allow_blank=True,
            help_text="Commune corrigée ou douteuse, coordonnées loin de la commune (vide si rien à vérifier).",
        ),
        open_now=serializers.BooleanField(
            allow_null=True, help_text="Ouvert maintenant ; null si les horaires sont inconnus ou illisibles."
        ),
        structure=serializers.IntegerField(allow_null=True, help_text="Identifiant de la structure gestionnaire."),
        departement=serializers.CharField(allow_blank=True, help_text="Code du département."),
        modifie_le=serializers.DateTimeField(allow_null=True, help_text="Dernière modification dans Cordée."),
    )
    return fields


class PlaceDetailSerializer(serializers.Serializer):
    """A place: every field of the standard v1.0.x by its French name, then Cordée's own."""

    def get_fields(self):
        return _detail_fields()

    def to_representation(self, place):
        return detail(place)


def _write_fields() -> dict:
    # The fields the domain lets a client write (editing.WRITABLE_FIELDS), typed from the model.
    fields = {name: _standard_field(name, write=True) for name in editing.WRITABLE_FIELDS if name in STANDARD_TO_MODEL}
    fields["horaires"].help_text = "Horaires au format OpenStreetMap opening_hours."
    fields["pass_numerique"] = serializers.BooleanField(required=False, help_text="Le lieu accepte le Pass numérique.")
    fields["structure"] = serializers.IntegerField(
        required=False, allow_null=True, help_text="Identifiant de la structure gestionnaire."
    )
    return fields


class PlaceWriteSerializer(serializers.Serializer):
    """The body of a creation or an edit: fields of the standard by their French names (the place's domain
    validates them as the import does, and refuses unknown fields)."""

    def get_fields(self):
        return _write_fields()

    def to_internal_value(self, data):
        """Unknown fields and the JSON types of the others, all at once; the domain then checks the values."""
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": "un objet JSON est attendu"})
        fields = self.fields
        errors = {}
        for name, value in data.items():
            if name not in fields:
                if name != editing.STRUCTURE_ID:
                    errors[name] = "Champ inconnu ou non modifiable."
            elif message := _json_type_error(fields[name], value):
                errors[name] = message
        if errors:
            raise ValidationError(errors)
        return dict(data)


class PlaceCreateSerializer(PlaceWriteSerializer):
    def get_fields(self):
        fields = _write_fields()
        fields["nom"] = serializers.CharField(help_text="Nom du lieu.")
        fields[editing.STRUCTURE_ID] = serializers.IntegerField(
            required=False,
            help_text="La structure pour laquelle on agit, obligatoire pour qui appartient à plusieurs "
            "structures (sinon 400).",
        )
        return fields


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
        localisation_a_verifier=place.location_warning,
        open_now=place_is_open(place, _now()),
        structure=place.structure_id,
        departement=place.departement_code,
        modifie_le=place.updated_at.isoformat() if place.updated_at else None,
    )
    return data


def _now() -> dt.datetime:
    return timezone.now()


# Views ---------------------------------------------------------------------------------------------------


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


def _write_body(request, creating: bool) -> dict:
    serializer = (PlaceCreateSerializer if creating else PlaceWriteSerializer)(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


WRITE_ERRORS = (
    "Erreurs : 400 quand un champ est invalide "
    '(`{"detail": "…", "reason": "invalid", "errors": {"champ": "message"}}`), 401 sans jeton valide, 403 quand '
    "la personne ne peut pas écrire ce lieu, 415 quand le corps n'est pas du JSON."
)


class PlaceListView(ApiView):
    """Search the places (public, AllowAny) and create a place (token of a gestionnaire, coordinator or admin)."""

    permission_classes = [WritePermission]
    pagination_class = PageNumberPagination

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
            "sinon maintenant, à l'heure locale du lieu ; il vaut null quand les horaires sont inconnus ou "
            "illisibles. Jours fériés compris : nationaux et ceux du département du lieu (Alsace-Moselle, "
            "outre-mer).\n\n"
            "Paramètre invalide : réponse 400 dont `errors` nomme chaque paramètre fautif "
            '(`{"detail": "…", "reason": "invalid", "errors": {"paramètre": "message"}}`).'
        ),
        tags=["Lieux"],
        auth=[],
        parameters=[PlaceSearchParameters],
        responses={200: PlaceSummarySerializer(many=True), **error_responses(400, 401, 429)},
    )
    def get(self, request):
        paginator = self.pagination_class()
        params = PlaceSearchParameters(data=request.query_params)
        valid = params.is_valid()
        errors = {**(params.errors if not valid else {}), **paginator.page_errors(request)}
        if errors:
            raise ValidationError(errors)
        query = params.validated_data["query"]
        number, size = paginator.read(request)
        hits = paginator.paginate_search(search(query).only(*LIST_FIELDS), request, number, size)
        results = PlaceSummarySerializer(hits, many=True, context={"with_distance": query.has_point}).data
        return paginator.get_paginated_response(results)

    @extend_schema(
        summary="Créer un lieu",
        description=(
            "Authentification par jeton (`Authorization: Token …`). Réservé aux gestionnaires de la structure "
            "indiquée (`structure`), aux coordinateurs du territoire du lieu et aux administrateurs nationaux.\n\n"
            "Champs du standard des lieux de médiation numérique v1.0.x (noms français), validés comme à "
            "l'import : téléphones au format E.164, listes fermées, horaires OpenStreetMap lisibles.\n\n"
            "Idempotence : avec une clé (`Idempotency-Key` ou `idempotency_key`), la même requête répétée reçoit "
            "la même réponse et ne crée pas un second lieu.\n\n" + WRITE_ERRORS
        ),
        tags=["Lieux"],
        request=PlaceCreateSerializer,
        examples=[
            OpenApiExample(
                "Un lieu à Guéret",
                request_only=True,
                value={
                    "nom": "Espace numérique de Guéret",
                    "adresse": "12 rue Nationale",
                    "code_postal": "23000",
                    "code_insee": "23096",
                    "commune": "Guéret",
                    "telephone": ["+33555520000"],
                    "horaires": "Mo-Fr 09:00-12:00,14:00-17:00",
                    "services": ["Aide aux démarches administratives"],
                    "frais_a_charge": ["Gratuit"],
                },
            )
        ],
        parameters=[idempotency.PARAMETER],
        responses={201: PlaceDetailSerializer, **error_responses(400, 401, 403, 415, 422, 429)},
    )
    @idempotency.idempotent()
    def post(self, request):
        _check_may_write(request)
        data = _write_body(request, creating=True)
        place = editing.create_place(request.user, data)
        return Response(detail(place), status=status.HTTP_201_CREATED)


class PlaceDetailView(ApiView):
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
        responses={200: PlaceDetailSerializer, **error_responses(401, 404, 429)},
    )
    def get(self, request, pk):
        place = get_object_or_404(Place.objects.using(settings.READ_DATABASE), pk=pk)
        return Response(detail(place))

    @extend_schema(
        parameters=[idempotency.PARAMETER],
        summary="Modifier un lieu",
        description=(
            "Authentification par jeton. Réservé aux gestionnaires de la structure du lieu, aux coordinateurs "
            "de son territoire et aux administrateurs nationaux. Seuls les champs envoyés changent, validés "
            "comme à l'import. Chaque modification est journalisée.\n\n" + WRITE_ERRORS + " 404 : lieu inconnu."
        ),
        tags=["Lieux"],
        request=PlaceWriteSerializer,
        responses={200: PlaceDetailSerializer, **error_responses(400, 401, 403, 404, 415, 429)},
    )
    @idempotency.idempotent()
    def patch(self, request, pk):
        _check_may_write(request)
        place = get_object_or_404(Place, pk=pk)
        data = _write_body(request, creating=False)
        place = editing.update_place(request.user, place, data)
        return Response(detail(place))


EXPORT_FORMATS = {
    "csv": ("iter_csv", "text/csv; charset=utf-8"),
    "json": ("iter_json", "application/json"),
    "geojson": ("iter_geojson", "application/geo+json"),
}


class PlaceExportView(ApiView):
    """Open data export of the places matching the search filters. Public (AllowAny)."""

    permission_classes = [permissions.AllowAny]
    export_format = "csv"

    def get(self, request):
        writer_name, content_type = EXPORT_FORMATS[self.export_format]
        params = PlaceSearchParameters(data=request.query_params)
        params.is_valid(raise_exception=True)
        writer = getattr(export, writer_name)
        response = StreamingHttpResponse(
            writer(search(params.validated_data["query"]).queryset), content_type=content_type
        )
        response["Content-Disposition"] = f'attachment; filename="lieux-mediation-numerique.{self.export_format}"'
        return response


EXPORT_SCHEMAS = {
    "csv": OpenApiTypes.STR,
    "json": {"type": "array", "items": {"type": "object"}, "description": "Un objet par lieu, champs du standard."},
    "geojson": {
        "type": "object",
        "description": "Une FeatureCollection GeoJSON : un point par lieu, les champs du standard en propriétés.",
    },
}


def export_view(export_format: str):
    """The export view of one format, documented with its content type."""
    media_type = EXPORT_FORMATS[export_format][1].split(";")[0]

    def get(self, request):
        return PlaceExportView.get(self, request)

    get = extend_schema(
        operation_id=f"places_export_{export_format}",
        summary=f"Exporter les lieux en {export_format.upper()} (données ouvertes)",
        description=(
            "Accès public. Les lieux correspondant aux mêmes filtres que la recherche, au standard des lieux de "
            f"médiation numérique v1.0.x, en {export_format.upper()} (`{media_type}`"
            + (", `|` entre les valeurs d'une liste" if export_format == "csv" else "")
            + "), envoyés au fil de l'eau (fichier joint `lieux-mediation-numerique."
            + export_format
            + "`). Paramètre invalide : 400 en JSON."
        ),
        tags=["Lieux"],
        auth=[],
        parameters=[PlaceSearchParameters],
        responses={
            (200, media_type): OpenApiResponse(EXPORT_SCHEMAS[export_format], description="Le fichier des lieux."),
            **error_responses(400, 401, 429),
        },
    )(get)
    view = type(
        f"PlaceExport{export_format.title()}View", (PlaceExportView,), {"export_format": export_format, "get": get}
    )
    return view.as_view()
