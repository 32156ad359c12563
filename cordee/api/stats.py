"""Statistics API: activities, participants and minutes of a territory, grouped by month, theme or kind.

``GET /api/v1/stats/activities/?territory=departement:23&from=2025-01-01&to=2025-12-31&group_by=month``, with
the dashboards' filters (``cordee.dashboards.filters``: the same query string as the statistics pages).
Private: the national admin for any territory, a coordinator for the territories of their scope; 403 otherwise.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cordee.activities.enums import ActivityKind, Source, Theme
from cordee.activities.models import Activity
from cordee.api.schema import error_responses
from cordee.api.views import ApiView
from cordee.core.errors import Invalid
from cordee.dashboards import aggregates
from cordee.dashboards import scope as scopes
from cordee.dashboards.filters import ActivityFilters


class TotalsSerializer(serializers.Serializer):
    activities = serializers.IntegerField()
    participants = serializers.IntegerField()
    minutes = serializers.IntegerField()


class GroupSerializer(TotalsSerializer):
    key = serializers.CharField(help_text="Mois AAAA-MM, code de la thématique ou du type d'activité.")
    label = serializers.CharField()


class StatsSerializer(serializers.Serializer):
    territory = serializers.CharField()
    territory_label = serializers.CharField()
    group_by = serializers.ChoiceField(choices=aggregates.GROUP_BY)
    from_ = serializers.DateField()
    to = serializers.DateField()
    totals = TotalsSerializer()
    groups = GroupSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class ActivityStatsView(ApiView):
    @extend_schema(
        operation_id="stats_activities",
        summary="Statistiques d'activité d'un territoire",
        description=(
            "Activités, personnes accompagnées et minutes d'un territoire, par mois, thématique ou type. "
            "Les filtres sont ceux des pages de statistiques. Une activité compte dans chacune de ses thématiques."
        ),
        parameters=[
            OpenApiParameter("territory", str, required=True, description=scopes.TERRITORY_HELP),
            OpenApiParameter("from", str, description="AAAA-MM-JJ (par défaut : il y a 12 mois)"),
            OpenApiParameter("to", str, description="AAAA-MM-JJ (par défaut : aujourd'hui)"),
            OpenApiParameter("group_by", str, enum=aggregates.GROUP_BY, description="par défaut : month"),
            OpenApiParameter("mediator", int),
            OpenApiParameter("place", int),
            OpenApiParameter("commune", str, description="code INSEE"),
            OpenApiParameter("departement", str),
            OpenApiParameter("kind", str, many=True, enum=ActivityKind.values),
            OpenApiParameter("theme", str, many=True, enum=Theme.values),
            OpenApiParameter("tag", int),
            OpenApiParameter("structure", int),
            OpenApiParameter("conseiller_numerique", str, enum=["oui", "non"]),
            OpenApiParameter("source", str, enum=Source.values),
        ],
        responses={200: StatsSerializer, **error_responses(400, 401, 403, 404, 429)},
        tags=["Statistiques"],
    )
    def get(self, request):
        params = request.query_params
        group_by = params.get("group_by") or "month"
        if group_by not in aggregates.GROUP_BY:
            raise Invalid(
                "group_by vaut month, theme ou kind.",
                reason="bad_group_by",
                errors={"group_by": "Valeurs possibles : month, theme, kind."},
            )
        if not params.get("territory"):
            raise Invalid(
                "Indiquez le territoire.", reason="bad_territory", errors={"territory": scopes.TERRITORY_HELP}
            )
        scope = scopes.check(request.user, scopes.territory_scope(params["territory"]))
        filters = ActivityFilters(params)
        values = filters.values()
        activities = Activity.objects.using(settings.READ_DATABASE).filter(scope.q()).filter(*filters.conditions())
        groups = aggregates.grouped(activities, group_by, scope=scope, filters=values)
        return Response(
            {
                "territory": scope.key,
                "territory_label": scope.label,
                "group_by": group_by,
                "from": values["from"].isoformat(),
                "to": values["to"].isoformat(),
                "totals": aggregates.totals(activities, scope=scope, filters=values),
                "groups": [
                    {
                        "key": row.code,
                        "label": row.label,
                        "activities": row.activities,
                        "participants": row.participants,
                        "minutes": row.minutes,
                    }
                    for row in groups
                ],
            }
        )
