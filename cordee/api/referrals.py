"""API of referrals (orientations): send, list, read, move through the lifecycle, and suggest places.

Private: a token or a session of a member of a structure. A referral is visible to the structure that sent it
and to the structure of the place that receives it, and to nobody else (404).
"""

import datetime as dt

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cordee.api.idempotency import PARAMETER as IDEMPOTENCY_PARAMETER
from cordee.api.idempotency import idempotent
from cordee.api.pagination import PageNumberPagination
from cordee.api.schema import error_responses
from cordee.beneficiaries.perms import following_structure_ids
from cordee.core.errors import DomainError, Invalid, NotAllowed, NotFound
from cordee.places.enums import Service
from cordee.places.search import MAX_RADIUS_KM
from cordee.referrals import perms, services, suggestions
from cordee.referrals.enums import CloseOutcome, ContactPreference, ReferralState, RefusalReason
from cordee.referrals.workflow import REFERRAL
from cordee.structures.models import Structure


class DomainErrorsMixin:
    """Domain errors become their status and the API's envelope (``detail``, ``reason``, ``errors``, extras)."""

    def handle_exception(self, exc):
        if isinstance(exc, DomainError):
            return Response(exc.as_dict(), status=exc.status)
        return super().handle_exception(exc)


def _invalid(serializer):
    errors = {key: " ".join(map(str, value)) for key, value in serializer.errors.items()}
    return Invalid("Certaines valeurs ne sont pas valides : " + " ; ".join(errors.values()), errors=errors)


class ContactSerializer(serializers.Serializer):
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    email = serializers.EmailField(required=False, allow_blank=True)


class ReferralInputSerializer(serializers.Serializer):
    place_id = serializers.IntegerField()
    next_place_ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=5)
    services = serializers.ListField(
        child=serializers.CharField(), help_text="Services du standard (valeurs françaises, comme /api/v1/places/)."
    )
    constraints = serializers.DictField(
        required=False,
        help_text=(
            "Contraintes de la personne, clés possibles : availability (texte), max_distance_km (1 à 100), "
            "accessibility (texte), language (texte), holds_pass_numerique (booléen). Une autre clé : 400."
        ),
    )
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    beneficiary_id = serializers.IntegerField(required=False, allow_null=True)
    diagnostic_id = serializers.IntegerField(required=False, allow_null=True)
    contact_preference = serializers.ChoiceField(choices=ContactPreference.values, required=False, allow_blank=True)
    referent = serializers.CharField(required=False, allow_blank=True, max_length=200)
    contact = ContactSerializer(required=False)
    consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Obligatoire (true) dès que des coordonnées ou une personne sont données.",
    )
    structure_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Structure qui oriente (par défaut : la vôtre, s'il n'y en a qu'une).",
    )


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.CharField(help_text=f"État visé : {', '.join(ReferralState.values)}.")
    reasons = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=f"Motifs de refus : {', '.join(RefusalReason.values)}.",
    )
    outcome = serializers.CharField(
        required=False, allow_blank=True, help_text=f"Issue à la clôture : {', '.join(CloseOutcome.values)}."
    )
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    next_place_id = serializers.IntegerField(required=False, allow_null=True)


class TransitionChoiceSerializer(serializers.Serializer):
    name = serializers.CharField()
    to = serializers.CharField()
    label = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    beneficiary_id = serializers.IntegerField(allow_null=True)
    alias = serializers.CharField()
    diagnostic_id = serializers.IntegerField(allow_null=True)
    referent = serializers.CharField()
    contact = ContactSerializer()


class StructureRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReferralOutputSerializer(serializers.Serializer):
    """The shape of a referral in responses (``person`` only for whoever may read it)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=ReferralState.values)
    state_label = serializers.CharField()
    place_id = serializers.IntegerField()
    place_name = serializers.CharField()
    next_place_ids = serializers.ListField(child=serializers.IntegerField())
    services = serializers.ListField(child=serializers.CharField())
    constraints = serializers.DictField()
    message = serializers.CharField()
    contact_preference = serializers.CharField()
    prescriber_structure = StructureRefSerializer()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    appointment_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    previous_id = serializers.IntegerField(allow_null=True)
    allowed_transitions = TransitionChoiceSerializer(many=True)
    refusal_reasons = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Pour la structure prescriptrice seulement."
    )
    person = PersonSerializer(required=False, help_text="Prescripteur ; lieu une fois l'orientation acceptée.")
    created_referral_id = serializers.IntegerField(required=False, help_text="Après une réorientation.")


class ReferralPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReferralOutputSerializer(many=True)


class SuggestionSerializer(serializers.Serializer):
    place_id = serializers.IntegerField()
    name = serializers.CharField()
    commune = serializers.CharField()
    score = serializers.FloatField()
    distance_km = serializers.FloatField(allow_null=True)
    services_covered = serializers.ListField(child=serializers.CharField())
    open_at_requested_times = serializers.BooleanField(allow_null=True)
    has_account = serializers.BooleanField()
    response_delay = serializers.CharField(help_text="1, 3, 7, 14 ou more (jours) ; vide sans réponse passée.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Les raisons, ligne par ligne.")


class SuggestionListSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)


ERRORS = {
    400: OpenApiResponse(description="Valeurs invalides (detail, reason, errors)."),
    403: OpenApiResponse(description="Action réservée à une autre partie."),
    404: OpenApiResponse(description="Orientation introuvable ou d'une structure sans lien."),
}


def referral_payload(referral, user) -> dict:
    """What ``user`` may read of ``referral``: the person only for the prescriber, and for the place once accepted."""
    sees_person = perms.can_read_person(user, referral)
    is_prescriber = perms.is_prescriber(user, referral)
    body = {
        "id": referral.pk,
        "number": referral.number,
        "state": referral.state,
        "state_label": ReferralState(referral.state).label,
        "place_id": referral.place_id,
        "place_name": referral.place.name,
        "next_place_ids": referral.next_place_ids,
        "services": referral.services,
        "constraints": referral.constraints,
        "message": referral.message,
        "contact_preference": referral.contact_preference,
        "prescriber_structure": {"id": referral.prescriber_structure_id, "name": referral.prescriber_structure.name},
        "created_at": referral.created_at,
        "expires_at": referral.expires_at,
        "appointment_at": referral.appointment_at,
        "outcome": referral.outcome,
        "previous_id": referral.previous_id,
        "allowed_transitions": [
            {"name": item.name, "to": item.target, "label": item.label}
            for item in REFERRAL.allowed_transitions(referral, user, check_guards=False)
        ],
    }
    if is_prescriber:
        body["refusal_reasons"] = referral.refusal_reasons
    if sees_person:
        body["person"] = {
            "beneficiary_id": referral.beneficiary_id,
            "alias": referral.beneficiary.alias if referral.beneficiary else "",
            "diagnostic_id": referral.diagnostic_id,
            "referent": referral.referent,
            "contact": {"phone": referral.contact_phone, "email": referral.contact_email},
        }
    return body


def _structure_for(user, structure_id):
    ids = following_structure_ids(user)
    if not ids:
        raise NotAllowed("Seuls les membres d'une structure peuvent orienter une personne.", reason="not_a_member")
    if structure_id is None:
        if len(ids) > 1:
            message = "Vous êtes membre de plusieurs structures : indiquez laquelle oriente (structure_id)."
            raise Invalid(message, reason="structure_required", errors={"structure_id": message})
        structure_id = ids[0]
    if structure_id not in ids:
        raise NotFound("Structure introuvable.", reason="structure_not_found")
    return Structure.objects.get(pk=structure_id)


def _visible(user, pk):
    referral = (
        perms.visible_referrals(user)
        .select_related("place", "prescriber_structure", "beneficiary")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise NotFound("Orientation introuvable.", reason="referral_not_found")
    return referral


class ReferralListView(DomainErrorsMixin, APIView):
    @extend_schema(
        operation_id="referrals_list",
        summary="Mes orientations (envoyées par ma structure, reçues par mes lieux)",
        parameters=[
            OpenApiParameter("box", str, enum=["sent", "inbox"], description="sent : envoyées ; inbox : reçues."),
            OpenApiParameter("state", str, enum=ReferralState.values),
        ],
        responses={200: ReferralPageSerializer, **error_responses(400, 401, 429)},
        tags=["Orientations"],
    )
    def get(self, request):
        user = request.user
        box = request.query_params.get("box", "")
        if box not in ("", "sent", "inbox"):
            raise Invalid(f"Boîte inconnue : {box}.", errors={"box": "« sent » ou « inbox » attendu."})
        queryset = {"sent": perms.sent_by, "inbox": perms.inbox}.get(box, perms.visible_referrals)(user)
        state = request.query_params.get("state", "")
        if state:
            if state not in ReferralState.values:
                raise Invalid(f"État inconnu : {state}.", errors={"state": "Valeur inconnue."})
            queryset = queryset.filter(state=state)
        queryset = queryset.select_related("place", "prescriber_structure", "beneficiary").order_by(
            "-created_at", "-pk"
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([referral_payload(referral, user) for referral in page])

    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="referrals_create",
        summary="Orienter une personne vers un lieu",
        description=(
            "Le consentement (`consent: true`) est obligatoire dès que des coordonnées (`contact`) ou une personne "
            "suivie (`beneficiary_id`) sont données : sinon 400 et rien n'est enregistré. Lieu inconnu : 400."
        ),
        request=ReferralInputSerializer,
        responses={201: ReferralOutputSerializer, **ERRORS},
        tags=["Orientations"],
    )
    @idempotent()
    def post(self, request):
        data = ReferralInputSerializer(data=request.data)
        if not data.is_valid():
            raise _invalid(data)
        values = data.validated_data
        contact = values.get("contact") or {}
        structure = _structure_for(request.user, values.get("structure_id"))
        referral = services.create_referral(
            request.user,
            structure=structure,
            place_id=values["place_id"],
            next_place_ids=values.get("next_place_ids", []),
            services=values["services"],
            constraints=values.get("constraints"),
            message=values.get("message", ""),
            beneficiary_id=values.get("beneficiary_id"),
            diagnostic_id=values.get("diagnostic_id"),
            contact_preference=values.get("contact_preference", ""),
            referent=values.get("referent", ""),
            contact_phone=contact.get("phone", ""),
            contact_email=contact.get("email", ""),
            consent=values["consent"],
        )
        return Response(referral_payload(_visible(request.user, referral.pk), request.user), status=201)


class ReferralDetailView(DomainErrorsMixin, APIView):
    @extend_schema(
        operation_id="referrals_retrieve",
        summary="Lire une orientation",
        responses={200: ReferralOutputSerializer, **error_responses(401, 404, 429)},
        tags=["Orientations"],
    )
    def get(self, request, pk):
        return Response(referral_payload(_visible(request.user, pk), request.user))


class ReferralTransitionView(DomainErrorsMixin, APIView):
    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="referrals_transition",
        summary="Faire avancer une orientation",
        description=(
            "Les membres de la structure du lieu examinent, acceptent, refusent (motifs + note obligatoires), fixent "
            "et notent les rendez-vous, clôturent ; la structure prescriptrice annule et réoriente (`to: closed` "
            "depuis refusée ou expirée). Étape impossible dans l'état actuel : 409 avec `allowed`."
        ),
        request=TransitionInputSerializer,
        responses={
            200: ReferralOutputSerializer,
            409: OpenApiResponse(description="Étape impossible dans l'état actuel (detail, allowed)."),
            **ERRORS,
        },
        tags=["Orientations"],
    )
    @idempotent()
    def post(self, request, pk):
        referral = _visible(request.user, pk)
        data = TransitionInputSerializer(data=request.data)
        if not data.is_valid():
            raise _invalid(data)
        values = data.validated_data
        log = services.transition(
            referral,
            request.user,
            to=values["to"],
            reasons=values.get("reasons"),
            outcome=values.get("outcome", ""),
            appointment_at=values.get("appointment_at"),
            note=values.get("note", ""),
            next_place_id=values.get("next_place_id"),
        )
        body = referral_payload(_visible(request.user, pk), request.user)
        if log.created_referral is not None:
            body["created_referral_id"] = log.created_referral.pk
        return Response(body, status=status.HTTP_200_OK)


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    from_place = serializers.BooleanField(read_only=True)
    body = serializers.CharField(max_length=2000)
    created_at = serializers.DateTimeField(read_only=True)


class ReferralMessagesView(DomainErrorsMixin, APIView):
    @extend_schema(
        operation_id="referrals_messages_list",
        summary="Messages échangés sur une orientation",
        responses={200: MessageSerializer(many=True), **error_responses(401, 404, 429)},
        tags=["Orientations"],
    )
    def get(self, request, pk):
        referral = _visible(request.user, pk)
        return Response(MessageSerializer(referral.messages.all(), many=True).data)

    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="referrals_messages_create",
        summary="Écrire à l'autre partie (le lieu ou la structure qui a orienté)",
        request=MessageSerializer,
        responses={201: MessageSerializer, **ERRORS},
        tags=["Orientations"],
    )
    @idempotent()
    def post(self, request, pk):
        referral = _visible(request.user, pk)
        data = MessageSerializer(data=request.data)
        if not data.is_valid():
            raise _invalid(data)
        message = services.post_message(referral, request.user, data.validated_data["body"])
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


def _float(params, name, low, high, errors):
    text = params.get(name, "").strip()
    try:
        value = float(text)
    except ValueError:
        errors[name] = f"{name} doit être un nombre entre {low} et {high}."
        return None
    if not low <= value <= high:
        errors[name] = f"{name} doit être un nombre entre {low} et {high}."
        return None
    return value


class SuggestionsView(DomainErrorsMixin, APIView):
    @extend_schema(
        operation_id="referrals_suggestions",
        summary="Lieux à proposer, classés et expliqués",
        parameters=[
            OpenApiParameter("services", str, many=True, enum=Service.values),
            OpenApiParameter("lat", float, required=True),
            OpenApiParameter("lon", float, required=True),
            OpenApiParameter("radius_km", float),
            OpenApiParameter("open_on", dt.date, description="AAAA-MM-JJ"),
            OpenApiParameter("part_of_day", str, enum=["morning", "afternoon"]),
            OpenApiParameter("pass_numerique", bool, description="La personne a des Pass numérique."),
        ],
        responses={200: SuggestionListSerializer, **error_responses(400, 401, 403, 429)},
        tags=["Orientations"],
    )
    def get(self, request):
        if not perms.can_refer(request.user):
            raise NotAllowed("Réservé aux membres d'une structure.", reason="not_a_member")
        params = request.query_params
        errors = {}
        wanted = [value for value in params.getlist("services") if value]
        unknown = [value for value in wanted if value not in Service.values]
        if unknown:
            errors["services"] = f"Service(s) inconnu(s) : {', '.join(unknown)}."
        lat = _float(params, "lat", -90, 90, errors)
        lon = _float(params, "lon", -180, 180, errors)
        radius = 20.0
        if params.get("radius_km"):
            radius = _float(params, "radius_km", 0.1, MAX_RADIUS_KM, errors) or radius
        open_on = None
        if params.get("open_on"):
            try:
                open_on = dt.date.fromisoformat(params["open_on"])
            except ValueError:
                errors["open_on"] = "open_on doit être une date AAAA-MM-JJ."
        part = params.get("part_of_day", "")
        if part and part not in suggestions.PARTS_OF_DAY:
            errors["part_of_day"] = "part_of_day vaut morning ou afternoon."
        holds_pass = params.get("pass_numerique", "").lower() in {"true", "1", "oui"}
        if errors:
            raise Invalid("Certains paramètres ne sont pas valides.", errors=errors)
        results = suggestions.suggest(
            services=wanted,
            lat=lat,
            lon=lon,
            radius_km=radius,
            open_on=open_on,
            part_of_day=part,
            holds_pass=holds_pass,
        )
        return Response(
            {
                "results": [
                    {
                        "place_id": item.place.pk,
                        "name": item.place.name,
                        "commune": item.place.commune_name,
                        "score": item.score,
                        "distance_km": round(item.distance_km, 2) if item.distance_km is not None else None,
                        "services_covered": item.services_covered,
                        "open_at_requested_times": item.open_at_times,
                        "has_account": item.has_account,
                        "response_delay": item.response_delay,
                        "reasons": item.reasons,
                    }
                    for item in results
                ]
            }
        )


# Included by cordee/api/urls.py under /api/v1/referrals/ (names in the « api » namespace).
urlpatterns = [
    path("", ReferralListView.as_view(), name="referrals"),
    path("suggestions/", SuggestionsView.as_view(), name="referrals-suggestions"),
    path("<int:pk>/", ReferralDetailView.as_view(), name="referral"),
    path("<int:pk>/transitions/", ReferralTransitionView.as_view(), name="referral-transitions"),
    path("<int:pk>/messages/", ReferralMessagesView.as_view(), name="referral-messages"),
]
