"""API of activity reports (comptes rendus d'activité): record one, list one's own and one's structures'.

Private: a token of a médiateur, conseiller numérique or gestionnaire (a coordinator for their own activities).
The list holds the caller's own activities and those of the structures where they record; nobody else's.
"""

import datetime as dt

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cordee.activities import enums, perms, services
from cordee.activities.models import AGE_COLUMNS, GENDER_COLUMNS, STATUS_COLUMNS, Activity
from cordee.api.idempotency import PARAMETER as IDEMPOTENCY_PARAMETER
from cordee.api.idempotency import idempotent
from cordee.api.pagination import PageNumberPagination
from cordee.api.schema import error_responses
from cordee.api.views import ApiView
from cordee.core.errors import Invalid

COUNT_FIELDS = ("returning", *GENDER_COLUMNS, *AGE_COLUMNS[:8], *STATUS_COLUMNS)
OUTPUT_COUNT_FIELDS = ("participants", "returning", *GENDER_COLUMNS, *AGE_COLUMNS, *STATUS_COLUMNS)


def _invalid(serializer):
    errors = {key: " ".join(map(str, value)) for key, value in serializer.errors.items()}
    return Invalid("Certaines valeurs ne sont pas valides : " + " ; ".join(errors.values()), errors=errors)


def _choices_help(choices) -> str:
    return " ; ".join(f"{value} ({label})" for value, label in choices.choices)


class ActivityInputSerializer(serializers.Serializer):
    """A report. Unknown values of the closed lists are refused with the list of possible ones (400)."""

    structure_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Structure de l'activité (par défaut : la vôtre s'il n'y en a qu'une).",
    )
    kind = serializers.ChoiceField(choices=enums.ActivityKind.values, help_text=_choices_help(enums.ActivityKind))
    date = serializers.DateField(help_text="Jour de l'activité, pas après aujourd'hui (heure locale).")
    duration_minutes = serializers.IntegerField(help_text="Durée en minutes, de 1 à 1440 (15, 30, 45, 60, 90, 120…).")
    location_kind = serializers.ChoiceField(
        choices=enums.LocationKind.values, help_text=_choices_help(enums.LocationKind)
    )
    place_id = serializers.IntegerField(required=False, allow_null=True, help_text="Avec location_kind=place.")
    commune_code = serializers.CharField(
        required=False, allow_blank=True, max_length=5, help_text="Code INSEE, avec home ou elsewhere."
    )
    themes = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_choices_help(enums.Theme), max_length=19
    )
    admin_subthemes = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        max_length=11,
        help_text="Seulement avec admin_procedures : " + _choices_help(enums.AdminSubTheme),
    )
    admin_precision = serializers.CharField(required=False, allow_blank=True, max_length=200)
    equipment = serializers.ListField(
        child=serializers.CharField(), required=False, max_length=5, help_text=_choices_help(enums.Equipment)
    )
    redirections = serializers.ListField(
        child=serializers.CharField(), required=False, max_length=7, help_text=_choices_help(enums.Redirection)
    )
    autonomy = serializers.ChoiceField(
        choices=["", *enums.Autonomy.values], required=False, allow_blank=True, help_text=_choices_help(enums.Autonomy)
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    level = serializers.ChoiceField(choices=["", *enums.WorkshopLevel.values], required=False, allow_blank=True)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Aucune donnée sensible ni rien qui identifie la personne.",
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=10)
    beneficiary_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="Personne suivie par la structure (accompagnement individuel)."
    )
    participant_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=200, help_text="Participants suivis d'un atelier."
    )
    participants = serializers.IntegerField(required=False, help_text="Total des participants (au moins 1).")
    referral_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="Orientation acceptée par un lieu de la structure."
    )
    diagnostic_id = serializers.IntegerField(required=False, allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        for name in COUNT_FIELDS:
            fields[name] = serializers.IntegerField(required=False, min_value=0, help_text="Nombre de participants.")
        return fields


class ActivityOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    structure_id = serializers.IntegerField(allow_null=True)
    mediator_id = serializers.IntegerField(allow_null=True)
    kind = serializers.ChoiceField(choices=enums.ActivityKind.values)
    date = serializers.DateField()
    duration_minutes = serializers.IntegerField()
    location_kind = serializers.ChoiceField(choices=enums.LocationKind.values)
    place_id = serializers.IntegerField(allow_null=True)
    commune_code = serializers.CharField(allow_null=True)
    departement_code = serializers.CharField()
    region_code = serializers.CharField()
    themes = serializers.ListField(child=serializers.ChoiceField(choices=enums.Theme.values))
    admin_subthemes = serializers.ListField(child=serializers.ChoiceField(choices=enums.AdminSubTheme.values))
    admin_precision = serializers.CharField()
    equipment = serializers.ListField(child=serializers.ChoiceField(choices=enums.Equipment.values))
    redirections = serializers.ListField(child=serializers.ChoiceField(choices=enums.Redirection.values))
    autonomy = serializers.CharField()
    title = serializers.CharField()
    level = serializers.CharField()
    note = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    beneficiary_id = serializers.IntegerField(allow_null=True)
    participant_ids = serializers.ListField(child=serializers.IntegerField())
    referral_id = serializers.IntegerField(allow_null=True)
    diagnostic_id = serializers.IntegerField(allow_null=True)
    is_conseiller_numerique = serializers.BooleanField()
    source = serializers.ChoiceField(choices=enums.Source.values)
    created_at = serializers.DateTimeField()

    def get_fields(self):
        fields = super().get_fields()
        for name in OUTPUT_COUNT_FIELDS:
            fields[name] = serializers.IntegerField()
        return fields


class ActivityPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ActivityOutputSerializer(many=True)


def activity_payload(activity: Activity, tags=None, participant_ids=None) -> dict:
    body = {
        "id": activity.pk,
        "structure_id": activity.structure_id,
        "mediator_id": activity.mediator_id,
        "kind": activity.kind,
        "date": activity.date,
        "duration_minutes": activity.duration_minutes,
        "location_kind": activity.location_kind,
        "place_id": activity.place_id,
        "commune_code": activity.commune_id,
        "departement_code": activity.departement_code,
        "region_code": activity.region_code,
        "themes": activity.themes,
        "admin_subthemes": activity.admin_subthemes,
        "admin_precision": activity.admin_precision,
        "equipment": activity.equipment,
        "redirections": activity.redirections,
        "autonomy": activity.autonomy,
        "title": activity.title,
        "level": activity.level,
        "note": activity.note,
        "tags": tags if tags is not None else sorted(tag.name for tag in activity.tags.all()),
        "beneficiary_id": activity.beneficiary_id,
        "participant_ids": participant_ids
        if participant_ids is not None
        else sorted(link.beneficiary_id for link in activity.participant_links.all()),
        "referral_id": activity.referral_id,
        "diagnostic_id": activity.diagnostic_id,
        "is_conseiller_numerique": activity.is_conseiller_numerique,
        "source": activity.source,
        "created_at": activity.created_at,
    }
    for name in OUTPUT_COUNT_FIELDS:
        body[name] = getattr(activity, name)
    return body


def _date_param(request, name):
    text = request.query_params.get(name, "")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        message = f"{name} doit être une date AAAA-MM-JJ."
        raise Invalid(message, errors={name: message}) from None


class ActivityListView(ApiView):
    @extend_schema(
        operation_id="activities_list",
        summary="Mes activités et celles de mes structures",
        description="Les plus récentes d'abord. `mine=true` : seulement les vôtres.",
        parameters=[
            OpenApiParameter("from", dt.date, description="Depuis ce jour (inclus)."),
            OpenApiParameter("to", dt.date, description="Jusqu'à ce jour (inclus)."),
            OpenApiParameter("kind", str, enum=enums.ActivityKind.values),
            OpenApiParameter("mine", bool, description="Seulement mes activités."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: ActivityPageSerializer, **error_responses(400, 401, 429)},
        tags=["Activités"],
    )
    def get(self, request):
        user = request.user
        queryset = perms.visible_activities(user)
        start, end = _date_param(request, "from"), _date_param(request, "to")
        if start:
            queryset = queryset.filter(date__gte=start)
        if end:
            queryset = queryset.filter(date__lte=end)
        kind = request.query_params.get("kind", "")
        if kind:
            if kind not in enums.ActivityKind.values:
                message = f"Type inconnu. Types possibles : {', '.join(enums.ActivityKind.values)}."
                raise Invalid(message, errors={"kind": message})
            queryset = queryset.filter(kind=kind)
        if request.query_params.get("mine", "").lower() in ("1", "true"):
            queryset = queryset.filter(mediator=user)
        queryset = queryset.prefetch_related("tags", "participant_links").order_by("-date", "-pk")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([activity_payload(activity) for activity in page])

    @extend_schema(
        operation_id="activities_create",
        summary="Enregistrer une activité",
        description=(
            "Valeurs invalides (thématique inconnue, durée nulle ou négative, date après aujourd'hui, moins d'un "
            "participant, répartition au-delà du total…) : 400 avec `errors`. Structure, personne ou lieu d'une "
            "autre structure : 404 ou 400. Rôle sans droit de saisie : 403. Orientation pas encore acceptée : "
            "422. Clé d'idempotence facultative : une même requête répétée avec la même clé n'enregistre "
            "qu'une activité."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=ActivityInputSerializer,
        responses={201: ActivityOutputSerializer, **error_responses(400, 401, 403, 404, 415, 422, 429)},
        tags=["Activités"],
    )
    @idempotent(required=False)
    def post(self, request):
        data = ActivityInputSerializer(data=request.data)
        if not data.is_valid():
            raise _invalid(data)
        activity = services.record_activity(request.user, dict(data.validated_data))
        return Response(activity_payload(activity), status=201)


# Included by cordee/api/urls.py under /api/v1/activities/ (names in the « api » namespace).
urlpatterns = [
    path("", ActivityListView.as_view(), name="activities"),
]
