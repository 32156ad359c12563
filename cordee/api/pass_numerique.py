"""API of the Pass numérique: orders, books, distribution, redemption (exactly once) and the ledger.

Private: a token (or a session). An order is seen by those who manage it (the funder's gestionnaires, a
coordinator whose territory covers the perimeter, the national admin) and by the structures holding its books;
others get 404. A book is seen by those who manage its order and by the structure holding it (404 for others).
A redemption requires an idempotency key (``idempotency_key`` in the body or the ``Idempotency-Key`` header):
the same request repeated with the same key gets the same status and body.
"""

from django.db.models import Count
from django.urls import path
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from cordee.api.idempotency import PARAMETER as IDEMPOTENCY_PARAMETER
from cordee.api.idempotency import idempotent
from cordee.api.schema import ErrorSerializer, error_responses
from cordee.api.views import ApiView
from cordee.core.errors import DomainError, Invalid, NotAllowed
from cordee.pass_numerique import codes, ledger, perms, references, services
from cordee.pass_numerique.enums import OrderState, PassState
from cordee.pass_numerique.models import Order

TAGS = ["Pass numérique"]
REDEMPTION_REASONS = [
    "unknown_code",
    "not_distributed",
    "expired",
    "cancelled",
    "place_not_allowed",
    "not_yet_valid",
    "unknown_activity",
]


class DomainErrorsMixin:
    def handle_exception(self, exc):
        if isinstance(exc, DomainError):
            return Response(exc.as_dict(), status=exc.status)
        return super().handle_exception(exc)


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data if isinstance(request.data, dict) else {})
    if not serializer.is_valid():
        errors = {key: " ".join(map(str, value)) for key, value in serializer.errors.items()}
        raise Invalid("Certaines valeurs ne sont pas valides : " + " ; ".join(errors.values()), errors=errors)
    return serializer.validated_data


# --- Serializers --------------------------------------------------------------------------------------------


class OrderInputSerializer(serializers.Serializer):
    funder_structure_id = serializers.IntegerField(help_text="La structure qui finance (commanditaire).")
    books = serializers.IntegerField(default=10, min_value=1, max_value=services.MAX_BOOKS)
    passes_per_book = serializers.IntegerField(default=10, min_value=1, max_value=services.MAX_PASSES_PER_BOOK)
    value_cents = serializers.IntegerField(default=1000, min_value=1, max_value=services.MAX_VALUE_CENTS)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    tolerance_days = serializers.IntegerField(default=30, min_value=0, max_value=services.MAX_TOLERANCE_DAYS)
    territories = serializers.ListField(
        child=serializers.CharField(max_length=20),
        min_length=1,
        max_length=200,
        help_text="Périmètre : « type:code », type parmi region, departement, epci, commune.",
    )
    accepted_place_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text="Lieux acceptés ; sans eux : les lieux qualifiés du périmètre qui acceptent le Pass numérique.",
    )
    eligibility = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BookSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    codes_count = serializers.IntegerField()


class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=OrderState.values)
    funder = RefSerializer()
    books_count = serializers.IntegerField()
    passes_per_book = serializers.IntegerField()
    value_cents = serializers.IntegerField()
    total_cents = serializers.IntegerField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    tolerance_days = serializers.IntegerField()
    last_valid_day = serializers.DateField()
    time_zone = serializers.CharField()
    territories = serializers.ListField(child=serializers.CharField())
    accepted_place_ids = serializers.ListField(child=serializers.IntegerField())
    accepted_places_only = serializers.BooleanField(
        help_text=(
            "true : les pass ne s'utilisent que dans les lieux nommés (accepted_place_ids, ceux qui existent "
            "encore ; aucun si tous ont disparu) ; false : dans tous les lieux qualifiés du périmètre qui "
            "acceptent le Pass numérique."
        )
    )
    eligibility = serializers.CharField()
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True, help_text="Quand la commande a été close (POST …/close/).")
    books = BookSummarySerializer(many=True, required=False, help_text="Une fois la commande confirmée.")


class AllocationInputSerializer(serializers.Serializer):
    structure_id = serializers.IntegerField(help_text="La structure (aiguilleur) à qui confier les carnets.")
    books = serializers.IntegerField(min_value=1, max_value=services.MAX_BOOKS, help_text="Nombre de carnets.")


class AllocationSerializer(serializers.Serializer):
    books = serializers.ListField(child=serializers.IntegerField(), help_text="Identifiants des carnets confiés.")


class PassLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    state = serializers.ChoiceField(choices=PassState.values)


class BookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    order_id = serializers.IntegerField()
    holder = RefSerializer(allow_null=True)
    lost = serializers.BooleanField()
    passes = PassLineSerializer(many=True)


class DistributionInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=references.MAX_LENGTH,
        help_text=(
            "Référence pseudonyme : un numéro de dossier de la structure, avec au moins un chiffre (« CCAS-142 »). "
            "Refusées (400 sur « reference ») : sans chiffre (un nom), adresse électronique, numéro de téléphone, "
            "suite de plus de 12 chiffres."
        ),
    )
    beneficiary_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    diagnostic_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class DistributionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    structure_id = serializers.IntegerField()
    distributed_on = serializers.DateField()
    reference = serializers.CharField()
    beneficiary_id = serializers.IntegerField(allow_null=True)
    diagnostic_id = serializers.IntegerField(allow_null=True)


class RedemptionValuesSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="Le code du pass, avec ou sans tirets.")
    place_id = serializers.IntegerField(min_value=1)
    activity_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="L'accompagnement payé par ce pass : une activité de la structure qui gère le lieu "
        "(422 « unknown_activity » sinon).",
    )


class RedemptionInputSerializer(RedemptionValuesSerializer):
    idempotency_key = serializers.CharField(
        max_length=255, help_text="Obligatoire (ou l'en-tête Idempotency-Key) : la même clé rejoue la même réponse."
    )


class RedemptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    order_id = serializers.IntegerField()
    place = RefSerializer()
    structure_id = serializers.IntegerField()
    value_cents = serializers.IntegerField()
    redeemed_at = serializers.DateTimeField()
    activity_id = serializers.IntegerField(allow_null=True)


class AlreadyRedeemedSerializer(ErrorSerializer):
    redeemed_at = serializers.DateTimeField()
    place = RefSerializer()


class LedgerSerializer(serializers.Serializer):
    issued = serializers.IntegerField()
    in_stock = serializers.IntegerField()
    allocated = serializers.IntegerField()
    distributed = serializers.IntegerField()
    redeemed = serializers.IntegerField()
    expired = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    issued_cents = serializers.IntegerField()
    redeemed_cents = serializers.IntegerField()
    owed_cents = serializers.IntegerField()
    claimed_cents = serializers.IntegerField()
    paid_cents = serializers.IntegerField()
    credited_cents = serializers.IntegerField()
    expired_cents = serializers.IntegerField()
    cancelled_cents = serializers.IntegerField()
    outstanding_cents = serializers.IntegerField()
    reconciled = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


# --- Payloads -----------------------------------------------------------------------------------------------


def order_payload(order: Order, *, with_books=False) -> dict:
    body = {
        "id": order.pk,
        "number": order.number,
        "state": order.state,
        "funder": {"id": order.funder_id, "name": order.funder.name},
        "books_count": order.books_count,
        "passes_per_book": order.passes_per_book,
        "value_cents": order.value_cents,
        "total_cents": order.total_cents,
        "valid_from": order.valid_from,
        "valid_until": order.valid_until,
        "tolerance_days": order.tolerance_days,
        "last_valid_day": order.last_valid_day,
        "time_zone": order.time_zone,
        "territories": order.territories,
        "accepted_place_ids": list(order.accepted_places.order_by("pk").values_list("pk", flat=True)),
        "accepted_places_only": order.named_places_only,
        "eligibility": order.eligibility,
        "created_at": order.created_at,
        "confirmed_at": order.confirmed_at,
        "closed_at": order.closed_at,
    }
    if with_books:
        body["books"] = [
            {"id": book.pk, "number": book.number, "codes_count": book.codes_count}
            for book in order.books.order_by("number").annotate(codes_count=Count("passes"))
        ]
    return body


def redemption_payload(redemption) -> dict:
    return {
        "id": redemption.pk,
        "code": codes.display(redemption.pass_obj.code),
        "order_id": redemption.order_id,
        "place": {"id": redemption.place_id, "name": redemption.place.name},
        "structure_id": redemption.structure_id,
        "value_cents": redemption.value_cents,
        "redeemed_at": redemption.redeemed_at,
        "activity_id": redemption.activity_id,
    }


def _managed_order(user, pk) -> Order:
    """The order, for an action reserved to those who manage it: 404 if not visible, 403 if only visible."""
    order = services.get_order_for(user, pk)
    if not perms.can_manage_order(user, order):
        raise NotAllowed("Réservé au financeur et aux coordinateurs du périmètre.", reason="not_allowed")
    return order


def _order_with_passes(user, pk) -> Order:
    """The order, for an action on its codes or books (allocation): its funder's gestionnaires and the national
    admin; 404 if not visible, 403 if only visible (a coordinator of the perimeter, a holder)."""
    order = services.get_order_for(user, pk)
    if not perms.can_handle_passes(user, order):
        raise NotAllowed("Réservé aux gestionnaires du financeur.", reason="not_allowed")
    return order


# --- Views -----------------------------------------------------------------------------------------------------


class OrderListView(DomainErrorsMixin, ApiView):
    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="pass_numerique_orders_create",
        summary="Commander des carnets de Pass numérique (brouillon)",
        description=(
            "Par un gestionnaire de la structure qui finance, un coordinateur dont le territoire couvre le "
            "périmètre, ou l'administration nationale. Dates dans le mauvais ordre, montant nul ou négatif, lieu "
            "hors du périmètre : 400 et rien n'est enregistré."
        ),
        request=OrderInputSerializer,
        responses={201: OrderSerializer, **error_responses(400, 401, 403, 415, 429)},
        tags=TAGS,
    )
    @idempotent()
    def post(self, request):
        values = _validated(OrderInputSerializer, request)
        order = services.create_order(request.user, dict(values))
        return Response(order_payload(order), status=status.HTTP_201_CREATED)


class OrderDetailView(DomainErrorsMixin, ApiView):
    @extend_schema(
        operation_id="pass_numerique_orders_retrieve",
        summary="Lire une commande",
        responses={200: OrderSerializer, **error_responses(401, 404, 429)},
        tags=TAGS,
    )
    def get(self, request, pk):
        order = services.get_order_for(request.user, pk)
        return Response(order_payload(order, with_books=order.state != OrderState.DRAFT))


class OrderConfirmView(DomainErrorsMixin, ApiView):
    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="pass_numerique_orders_confirm",
        summary="Confirmer une commande : les pass sont émis",
        description="Une commande déjà confirmée : 409. Sa valeur ne change plus ensuite.",
        request=None,
        responses={200: OrderSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
        tags=TAGS,
    )
    @idempotent()
    def post(self, request, pk):
        order = _managed_order(request.user, pk)
        order = services.confirm_order(request.user, order)
        return Response(order_payload(order, with_books=True))


class OrderCloseView(DomainErrorsMixin, ApiView):
    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="pass_numerique_orders_close",
        summary="Clore une commande dont plus aucun pass ne peut servir",
        description=(
            "Possible quand tous ses pass sont utilisés, expirés ou annulés ; sinon 409 « passes_outstanding ». "
            "Une commande qui n'est pas confirmée (brouillon, déjà close) : 409. Les relevés des pass utilisés "
            "restent dus."
        ),
        request=None,
        responses={200: OrderSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
        tags=TAGS,
    )
    @idempotent()
    def post(self, request, pk):
        order = _managed_order(request.user, pk)
        order = services.close_order(request.user, order)
        return Response(order_payload(order))


class OrderAllocationsView(DomainErrorsMixin, ApiView):
    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="pass_numerique_orders_allocate",
        summary="Confier des carnets à une structure",
        description="Les carnets en stock de plus petit numéro. Pas assez de carnets : 422 « not_enough_books ».",
        request=AllocationInputSerializer,
        responses={201: AllocationSerializer, **error_responses(400, 401, 403, 404, 409, 415, 422, 429)},
        tags=TAGS,
    )
    @idempotent()
    def post(self, request, pk):
        order = _order_with_passes(request.user, pk)
        values = _validated(AllocationInputSerializer, request)
        books = services.allocate_books(request.user, order, values["structure_id"], values["books"])
        return Response({"books": [book.pk for book in books]}, status=status.HTTP_201_CREATED)


class OrderLedgerView(DomainErrorsMixin, ApiView):
    @extend_schema(
        operation_id="pass_numerique_orders_ledger",
        summary="Comptes d'une commande : états des pass et montants",
        description=(
            "issued = in_stock + allocated + distributed + redeemed + expired + cancelled ; issued_cents = "
            "redeemed_cents + credited_cents + outstanding_cents. `reconciled` dit si tout concorde."
        ),
        responses={200: LedgerSerializer, **error_responses(401, 403, 404, 429)},
        tags=TAGS,
    )
    def get(self, request, pk):
        order = _managed_order(request.user, pk)
        return Response(ledger.compute(order).as_dict())


class BookDetailView(DomainErrorsMixin, ApiView):
    @extend_schema(
        operation_id="pass_numerique_books_retrieve",
        summary="Un carnet et ses pass (financeur et structure détentrice seulement)",
        responses={200: BookSerializer, **error_responses(401, 404, 429)},
        tags=TAGS,
    )
    def get(self, request, pk):
        book = services.get_book_for(request.user, pk)
        holder = book.holder
        return Response(
            {
                "id": book.pk,
                "number": book.number,
                "order_id": book.order_id,
                "holder": {"id": holder.pk, "name": holder.name} if holder else None,
                "lost": book.lost_at is not None,
                "passes": [
                    {"code": codes.display(code), "state": state}
                    for code, state in book.passes.order_by("position").values_list("code", "state")
                ],
            }
        )


class DistributionListView(DomainErrorsMixin, ApiView):
    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="pass_numerique_distributions_create",
        summary="Remettre un pass à une personne",
        description=(
            "Par un membre de la structure qui détient le carnet (403 sinon). Rien de personnel : une référence "
            "pseudonyme ou la personne suivie, et éventuellement son diagnostic. Pass déjà remis, utilisé, annulé "
            "ou expiré : 409."
        ),
        request=DistributionInputSerializer,
        responses={201: DistributionSerializer, **error_responses(400, 401, 403, 409, 415, 422, 429)},
        tags=TAGS,
    )
    @idempotent()
    def post(self, request):
        values = _validated(DistributionInputSerializer, request)
        distribution = services.distribute(
            request.user,
            code=values["code"],
            reference=values.get("reference", ""),
            beneficiary_id=values.get("beneficiary_id"),
            diagnostic_id=values.get("diagnostic_id"),
        )
        return Response(
            {
                "id": distribution.pk,
                "code": codes.display(distribution.pass_obj.code),
                "structure_id": distribution.structure_id,
                "distributed_on": distribution.distributed_on,
                "reference": distribution.reference,
                "beneficiary_id": distribution.beneficiary_id,
                "diagnostic_id": distribution.diagnostic_id,
            },
            status=status.HTTP_201_CREATED,
        )


class RedemptionListView(DomainErrorsMixin, ApiView):
    @extend_schema(
        operation_id="pass_numerique_redemptions_create",
        summary="Encaisser un pass dans un lieu (une seule fois)",
        description=(
            "Par un médiateur, conseiller numérique ou gestionnaire de la structure qui gère le lieu (403 sinon). "
            "Clé d'idempotence obligatoire : la même requête avec la même clé reçoit la même réponse. Code mal "
            "formé ou caractère de contrôle faux : 400. Déjà utilisé : 409 « already_redeemed » avec "
            "`redeemed_at` et `place`. Refus : 422 avec `reason` parmi " + ", ".join(REDEMPTION_REASONS) + "."
        ),
        parameters=[IDEMPOTENCY_PARAMETER],
        request=RedemptionInputSerializer,
        responses={
            201: RedemptionSerializer,
            409: OpenApiResponse(
                AlreadyRedeemedSerializer,
                description="Pass déjà utilisé (ou clé d'idempotence en cours) : date et lieu de l'utilisation.",
                examples=[
                    OpenApiExample(
                        "Déjà utilisé",
                        value={
                            "detail": "Ce pass a déjà été utilisé le 03/11/2026 à 10:12 (Médiathèque).",
                            "reason": "already_redeemed",
                            "redeemed_at": "2026-11-03T09:12:00Z",
                            "place": {"id": 12, "name": "Médiathèque"},
                        },
                    )
                ],
            ),
            **error_responses(400, 401, 403, 415, 422, 429),
        },
        tags=TAGS,
    )
    @idempotent(required=True)
    def post(self, request):
        values = _validated(RedemptionValuesSerializer, request)
        redemption = services.redeem(
            request.user, code=values["code"], place_id=values["place_id"], activity_id=values.get("activity_id")
        )
        return Response(redemption_payload(redemption), status=status.HTTP_201_CREATED)


# Included by cordee/api/urls.py under /api/v1/pass-numerique/ (names in the « api » namespace).
urlpatterns = [
    path("orders/", OrderListView.as_view(), name="pass-orders"),
    path("orders/<int:pk>/", OrderDetailView.as_view(), name="pass-order"),
    path("orders/<int:pk>/confirm/", OrderConfirmView.as_view(), name="pass-order-confirm"),
    path("orders/<int:pk>/close/", OrderCloseView.as_view(), name="pass-order-close"),
    path("orders/<int:pk>/allocations/", OrderAllocationsView.as_view(), name="pass-order-allocations"),
    path("orders/<int:pk>/ledger/", OrderLedgerView.as_view(), name="pass-order-ledger"),
    path("books/<int:pk>/", BookDetailView.as_view(), name="pass-book"),
    path("distributions/", DistributionListView.as_view(), name="pass-distributions"),
    path("redemptions/", RedemptionListView.as_view(), name="pass-redemptions"),
]
