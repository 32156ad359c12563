"""API of the digital skills diagnostic: score answers (public), store them (members of a structure),
read a stored diagnostic (its structure only) and the published référentiel (public)."""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cordee.api.idempotency import PARAMETER as IDEMPOTENCY_PARAMETER
from cordee.api.idempotency import idempotent
from cordee.beneficiaries import perms as beneficiary_perms
from cordee.core.errors import DomainError, Invalid, NotFound
from cordee.diagnostics import perms, services


class DomainErrorsMixin:
    """Domain errors become their status and envelope (until one exception handler does it for the API)."""

    def handle_exception(self, exc):
        if isinstance(exc, DomainError):
            return Response(exc.as_dict(), status=exc.status)
        return super().handle_exception(exc)


class DiagnosticInputSerializer(serializers.Serializer):
    version = serializers.CharField(required=False, allow_blank=True, help_text="Version du questionnaire (2026-1).")
    answers = serializers.DictField(
        child=serializers.CharField(), help_text="Réponses : {identifiant de question: code de réponse}."
    )
    beneficiary_id = serializers.IntegerField(required=False, allow_null=True)
    store = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DiagnosticResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    version = serializers.CharField(source="version.code")
    levels = serializers.DictField(
        child=serializers.IntegerField(allow_null=True), help_text="Niveau 0–3 par domaine."
    )
    profile = serializers.CharField(help_text="autonome, a_former, a_accompagner ou a_aider.")
    help_now = serializers.BooleanField(help_text="Une démarche est à faire maintenant : aider tout de suite.")
    recommended_services = serializers.ListField(child=serializers.CharField(), help_text="Services du standard.")
    constraints = serializers.ListField(child=serializers.CharField())


class StoredDiagnosticSerializer(DiagnosticResultSerializer):
    beneficiary_id = serializers.IntegerField(allow_null=True)
    answers = serializers.DictField(child=serializers.CharField())
    created_at = serializers.DateTimeField()


def _result_payload(diagnostic_id, version, result) -> dict:
    return {
        "id": diagnostic_id,
        "version": version.code,
        "levels": result.levels,
        "profile": str(result.profile),
        "help_now": result.help_now,
        "recommended_services": [str(service) for service in result.recommended_services],
        "constraints": [str(constraint) for constraint in result.constraints],
    }


ERROR_EXAMPLE = OpenApiExample(
    "Réponses invalides",
    value={
        "detail": "Certaines réponses manquent ou ne sont pas valides.",
        "reason": "invalid_answers",
        "errors": {"secu_arnaque": "Une réponse est nécessaire à cette question."},
    },
)


class DiagnosticCreateView(DomainErrorsMixin, APIView):
    """Score answers; store them for a member of a structure. Public for scoring only (AllowAny)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="diagnostics_create",
        summary="Calculer (et enregistrer) un diagnostic",
        description=(
            "Accès public pour le calcul : sans authentification, ou avec `store: false`, la réponse est 200 avec "
            "`id: null` et rien n'est gardé. Un membre d'une structure (jeton) enregistre le diagnostic d'une "
            "personne suivie par sa structure (`beneficiary_id`) : réponse 201. Une question ou un code de réponse "
            "inconnus, ou une réponse obligatoire manquante : 400 avec `errors` par identifiant de question. "
            "Les identifiants de questions, les codes de domaines et la version sont stables : voir "
            "`GET /api/v1/diagnostics/referentiel/`."
        ),
        tags=["Diagnostics"],
        request=DiagnosticInputSerializer,
        responses={
            200: DiagnosticResultSerializer,
            201: DiagnosticResultSerializer,
            400: OpenApiResponse(description="Réponses invalides.", examples=[ERROR_EXAMPLE]),
            404: OpenApiResponse(description="Personne inconnue ou suivie par une autre structure."),
        },
    )
    @idempotent()
    def post(self, request):
        data = DiagnosticInputSerializer(data=request.data)
        if not data.is_valid():
            raise Invalid(errors={key: " ".join(map(str, value)) for key, value in data.errors.items()})
        values = data.validated_data
        version = services.version_by_code(values.get("version"))
        user = request.user
        if not values["store"] or not user.is_authenticated:
            _clean, result = services.evaluate(version, values["answers"])
            return Response(_result_payload(None, version, result), status=status.HTTP_200_OK)
        if values.get("beneficiary_id") is None:
            raise Invalid(
                "Pour enregistrer un diagnostic, indiquez la personne suivie (beneficiary_id).",
                errors={"beneficiary_id": "Champ obligatoire pour enregistrer."},
            )
        beneficiary = beneficiary_perms.visible_beneficiaries(user).filter(pk=values["beneficiary_id"]).first()
        if beneficiary is None:
            raise NotFound("Personne introuvable.", reason="beneficiary_not_found")
        diagnostic = services.save_assisted(
            user, beneficiary, values["answers"], version=version, note=values.get("note", "")
        )
        return Response(DiagnosticResultSerializer(diagnostic).data, status=status.HTTP_201_CREATED)


class DiagnosticDetailView(DomainErrorsMixin, APIView):
    """A stored diagnostic, for the structure that follows the person only (404 for anyone else)."""

    @extend_schema(
        operation_id="diagnostics_retrieve",
        summary="Lire un diagnostic enregistré",
        description="Réservé aux membres de la structure qui suit la personne ; 404 pour tout autre compte.",
        tags=["Diagnostics"],
        responses={200: StoredDiagnosticSerializer, 404: OpenApiResponse(description="Introuvable.")},
    )
    def get(self, request, pk):
        diagnostic = perms.visible_diagnostics(request.user).select_related("version").filter(pk=pk).first()
        if diagnostic is None:
            raise NotFound("Diagnostic introuvable.")
        return Response(StoredDiagnosticSerializer(diagnostic).data)


class ReferentielView(DomainErrorsMixin, APIView):
    """The published questionnaire. Public (AllowAny)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="diagnostics_referentiel",
        summary="Le questionnaire publié",
        description=(
            "Accès public. Chaque question donne ses codes de réponse du plus au moins autonome, `pas_concerne` "
            "en dernier quand il est proposé. Les domaines portent leur domaine DigComp 2.2 et les compétences Pix."
        ),
        tags=["Diagnostics"],
        auth=[],
        responses={
            200: inline_serializer(
                "Referentiel",
                {
                    "version": serializers.CharField(),
                    "areas": serializers.ListField(child=serializers.DictField()),
                    "questions": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def get(self, request):
        version = services.current_version()
        return Response(
            {
                "version": version.code,
                "areas": [
                    {
                        "code": area.code,
                        "label": area.label,
                        "digcomp": area.digcomp_area,
                        "pix": area.pix_competences,
                    }
                    for area in version.areas.all()
                ],
                "questions": [
                    {
                        "id": question.code,
                        "text": question.text,
                        "kind": question.kind,
                        "area": question.area.code if question.area_id else None,
                        "required": question.required,
                        "answers": question.answers,
                    }
                    for question in services.questions_of(version)
                ],
            }
        )


# Included by cordee/api/urls.py under /api/v1/diagnostics/ (names in the « api » namespace).
urlpatterns = [
    path("", DiagnosticCreateView.as_view(), name="diagnostics"),
    path("referentiel/", ReferentielView.as_view(), name="diagnostics-referentiel"),
    path("<int:pk>/", DiagnosticDetailView.as_view(), name="diagnostic"),
]
