"""Pass numérique: orders of books of passes, their distribution, redemption, reimbursement and expiry.

Every pass is in exactly one state (``PassState``); each change of state is one immutable ``PassEvent``
(who, when, what, amount). Money is in integer cents. Money leaves the scheme in two ways only: a
``Redemption`` (owed to the structure running the place, then claimed on a ``Statement`` and paid) or a
``Credit`` back to the funder (expired or cancelled pass). ``cordee.pass_numerique.ledger`` checks that
counts and amounts reconcile. The rules live in ``cordee.pass_numerique.services``.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cordee.core.workflow import TransitionLogMixin
from cordee.pass_numerique.enums import (
    CancellationReason,
    CreditKind,
    MoneyStatus,
    OrderState,
    PassEventKind,
    PassState,
    StatementState,
)
from cordee.territories import local_time

DEFAULT_BOOKS = 10
DEFAULT_PASSES_PER_BOOK = 10
DEFAULT_VALUE_CENTS = 1000
DEFAULT_TOLERANCE_DAYS = 30
# Passes still worth money (not yet redeemed, expired or cancelled).
OUTSTANDING_STATES = (PassState.IN_STOCK, PassState.ALLOCATED, PassState.DISTRIBUTED)
CREDITED_STATES = (PassState.EXPIRED, PassState.CANCELLED)


class PassEventIsImmutable(Exception):
    """Raised on any attempt to change or delete a pass event."""


# --- Orders ---------------------------------------------------------------------------------------------


class OrderQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(state=OrderState.CONFIRMED)


class Order(models.Model):
    """A funder's order of ``books_count`` books of ``passes_per_book`` passes worth ``value_cents`` each."""

    funder = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="pass_orders", verbose_name="financeur"
    )
    books_count = models.PositiveIntegerField("nombre de carnets", default=DEFAULT_BOOKS)
    passes_per_book = models.PositiveIntegerField("pass par carnet", default=DEFAULT_PASSES_PER_BOOK)
    value_cents = models.PositiveIntegerField("valeur d'un pass (centimes)", default=DEFAULT_VALUE_CENTS)
    valid_from = models.DateField("valable du")
    valid_until = models.DateField("valable jusqu'au")
    tolerance_days = models.PositiveIntegerField("tolérance après la fin (jours)", default=DEFAULT_TOLERANCE_DAYS)
    territories = models.JSONField(
        "périmètre", default=list, help_text="Territoires « type:code », ex. « departement:23 », « commune:13055 »."
    )
    eligibility = models.TextField("conditions d'éligibilité", blank=True)
    accepted_places = models.ManyToManyField(
        "places.Place",
        blank=True,
        related_name="pass_orders",
        verbose_name="lieux acceptés",
        help_text="Vide : tous les lieux qualifiés du périmètre qui acceptent le Pass numérique.",
    )
    # Whether the funder named its accepted places: kept apart from the list so that a named place deleted later
    # narrows where the passes are accepted, never widens it to the whole perimeter.
    named_places_only = models.BooleanField("seulement les lieux nommés", default=False, editable=False)
    time_zone = models.CharField(
        "fuseau horaire du financeur", max_length=40, default=local_time.DEFAULT_TIME_ZONE, editable=False
    )
    state = models.CharField("état", max_length=20, choices=OrderState.choices, default=OrderState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = "commande de Pass numérique"
        verbose_name_plural = "commandes de Pass numérique"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(books_count__gt=0), name="pass_order_books_positive"),
            models.CheckConstraint(condition=Q(passes_per_book__gt=0), name="pass_order_passes_positive"),
            models.CheckConstraint(condition=Q(value_cents__gt=0), name="pass_order_value_positive"),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="pass_order_dates_ordered"),
        ]

    def __str__(self):
        return f"Commande {self.number}"

    @property
    def number(self) -> str:
        return f"PN-{self.pk:05d}" if self.pk else "PN-?"

    @property
    def passes_count(self) -> int:
        return self.books_count * self.passes_per_book

    @property
    def total_cents(self) -> int:
        return self.passes_count * self.value_cents

    @property
    def zone(self):
        return local_time.zone(self.time_zone)

    @property
    def last_valid_day(self) -> dt.date:
        """The last local day a pass may be redeemed: the end date plus the tolerance."""
        return self.valid_until + dt.timedelta(days=self.tolerance_days)

    @property
    def expires_at(self) -> dt.datetime:
        """The instant (UTC) the passes expire: local midnight after the last valid day, in the funder's zone."""
        midnight = dt.datetime.combine(self.last_valid_day + dt.timedelta(days=1), dt.time())
        return local_time.instant(midnight, self.zone)

    @property
    def starts_at(self) -> dt.datetime:
        return local_time.instant(dt.datetime.combine(self.valid_from, dt.time()), self.zone)

    def local_date(self, moment: dt.datetime) -> dt.date:
        return local_time.wall_clock(moment, self.zone).date()

    def territory_pairs(self) -> list[tuple[str, str]]:
        return [tuple(item.split(":", 1)) for item in self.territories]


class OrderTransition(TransitionLogMixin):
    """One step of an order's lifecycle (append-only), written by ``cordee.pass_numerique.workflow.ORDER``."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField("de", max_length=32, choices=OrderState.choices)
    to_state = models.CharField("vers", max_length=32, choices=OrderState.choices)

    class Meta(TransitionLogMixin.Meta):
        verbose_name = "étape de commande"
        verbose_name_plural = "étapes de commande"
        ordering = ["order", "at", "pk"]


# --- Books and passes -------------------------------------------------------------------------------------


class Book(models.Model):
    """A book (carnet) of passes; ``holder`` is the structure it is allocated to (None: in the funder's stock)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="books", verbose_name="commande")
    number = models.PositiveIntegerField("numéro dans la commande")
    holder = models.ForeignKey(
        "structures.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pass_books",
        verbose_name="structure détentrice",
    )
    allocated_at = models.DateTimeField("confié le", null=True, blank=True)
    lost_at = models.DateTimeField("déclaré perdu le", null=True, blank=True)

    class Meta:
        verbose_name = "carnet"
        ordering = ["order", "number"]
        constraints = [models.UniqueConstraint(fields=["order", "number"], name="pass_book_number_unique")]
        indexes = [models.Index(fields=["holder", "order"], name="pass_book_holder_idx")]

    def __str__(self):
        return f"Carnet {self.order.number}-{self.number:04d}" if self.order_id else "Carnet"


class PassQuerySet(models.QuerySet):
    def outstanding(self):
        return self.filter(state__in=OUTSTANDING_STATES)


class Pass(models.Model):
    """One voucher. ``code`` is its public code (normalised: 14 symbols, the last one the check character)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="passes", verbose_name="commande")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="passes", verbose_name="carnet")
    position = models.PositiveSmallIntegerField("rang dans le carnet")
    code = models.CharField("code", max_length=20, unique=True)
    value_cents = models.PositiveIntegerField("valeur (centimes)")
    state = models.CharField("état", max_length=20, choices=PassState.choices, default=PassState.IN_STOCK)
    updated_at = models.DateTimeField("dernier changement le", auto_now=True)

    objects = PassQuerySet.as_manager()

    class Meta:
        verbose_name = "pass"
        verbose_name_plural = "pass"
        ordering = ["book", "position"]
        constraints = [
            models.UniqueConstraint(fields=["book", "position"], name="pass_position_unique"),
            models.CheckConstraint(condition=Q(value_cents__gt=0), name="pass_value_positive"),
        ]
        indexes = [models.Index(fields=["order", "state"], name="pass_order_state_idx")]

    def __str__(self):
        from cordee.pass_numerique.codes import display

        return f"Pass {display(self.code)}"

    @property
    def display_code(self) -> str:
        from cordee.pass_numerique.codes import display

        return display(self.code)


class Allocation(models.Model):
    """One movement of a book: from the stock or a structure to a structure (append-only history)."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="allocations", verbose_name="carnet")
    from_structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="de"
    )
    to_structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="+", verbose_name="vers"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "attribution de carnet"
        verbose_name_plural = "attributions de carnets"
        ordering = ["book", "at", "pk"]

    def __str__(self):
        return f"Attribution n° {self.pk}"


class Distribution(models.Model):
    """A pass handed to a person: the date, a pseudonymous reference or the followed person. Nothing else."""

    pass_obj = models.OneToOneField(
        Pass, on_delete=models.PROTECT, related_name="distribution", db_column="pass_id", verbose_name="pass"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="pass_distributions", verbose_name="structure"
    )
    distributed_on = models.DateField("remis le")
    reference = models.CharField(
        "référence pseudonyme", max_length=64, blank=True, help_text="Jamais le nom de la personne."
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pass_distributions",
        verbose_name="personne",
    )
    diagnostic = models.ForeignKey(
        "diagnostics.Diagnostic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pass_distributions",
        verbose_name="diagnostic",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "remise de pass"
        verbose_name_plural = "remises de pass"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Remise n° {self.pk}"


class Statement(models.Model):
    """A monthly claim of one structure to one funder for the passes redeemed at its places."""

    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="pass_statements", verbose_name="structure"
    )
    funder = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="pass_claims", verbose_name="financeur"
    )
    month = models.DateField("mois", help_text="Premier jour du mois, dans le fuseau du financeur.")
    state = models.CharField("état", max_length=20, choices=StatementState.choices, default=StatementState.SUBMITTED)
    passes_count = models.PositiveIntegerField("nombre de pass")
    total_cents = models.PositiveBigIntegerField("montant (centimes)")
    payment_reference = models.CharField("référence du paiement", max_length=100, blank=True)
    rejection_reason = models.TextField("motif du refus", blank=True)
    created_at = models.DateTimeField("établi le", auto_now_add=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    paid_at = models.DateTimeField("payé le", null=True, blank=True)

    class Meta:
        verbose_name = "relevé de remboursement"
        verbose_name_plural = "relevés de remboursement"
        ordering = ["-month", "structure", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=StatementState.PAID) | ~Q(payment_reference=""), name="pass_statement_paid_has_ref"
            ),
            models.CheckConstraint(
                condition=~Q(state=StatementState.REJECTED) | ~Q(rejection_reason=""),
                name="pass_statement_rejected_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["structure", "funder", "month"], name="pass_statement_month_idx")]

    def __str__(self):
        return f"Relevé n° {self.pk} ({self.month:%m/%Y})" if self.pk else "Relevé"


class StatementTransition(TransitionLogMixin):
    """One step of a claim (append-only), written by ``cordee.pass_numerique.workflow.STATEMENT``."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField("de", max_length=32, choices=StatementState.choices)
    to_state = models.CharField("vers", max_length=32, choices=StatementState.choices)

    class Meta(TransitionLogMixin.Meta):
        verbose_name = "étape de relevé"
        verbose_name_plural = "étapes de relevé"
        ordering = ["statement", "at", "pk"]


class RedemptionQuerySet(models.QuerySet):
    def unclaimed(self):
        return self.filter(Q(statement__isnull=True) | Q(statement__state=StatementState.REJECTED))


class Redemption(models.Model):
    """A pass used at a place: exactly once (the one-to-one is the database's last line of defence)."""

    pass_obj = models.OneToOneField(
        Pass, on_delete=models.PROTECT, related_name="redemption", db_column="pass_id", verbose_name="pass"
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="redemptions", verbose_name="commande")
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="pass_redemptions", verbose_name="lieu"
    )
    structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.PROTECT,
        related_name="pass_redemptions",
        verbose_name="structure du lieu",
    )
    value_cents = models.PositiveIntegerField("valeur (centimes)")
    redeemed_at = models.DateTimeField("utilisé le")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The accompaniment paid for (an activity of the place's structure). PROTECT: an activity that justifies
    # a redemption cannot be deleted, so the evidence behind money owed or paid stays; the redemption never goes.
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pass_redemptions",
        verbose_name="accompagnement",
    )
    statement = models.ForeignKey(
        Statement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="redemptions",
        verbose_name="relevé",
    )

    objects = RedemptionQuerySet.as_manager()

    class Meta:
        verbose_name = "utilisation de pass"
        verbose_name_plural = "utilisations de pass"
        ordering = ["-redeemed_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(value_cents__gt=0), name="pass_redemption_value_positive")]
        indexes = [models.Index(fields=["structure", "redeemed_at"], name="pass_redemption_struct_idx")]

    def __str__(self):
        return f"Utilisation n° {self.pk}"

    @property
    def money_status(self) -> str:
        statement = self.statement
        if statement is None or statement.state == StatementState.REJECTED:
            return MoneyStatus.OWED
        if statement.state == StatementState.PAID:
            return MoneyStatus.PAID
        return MoneyStatus.CLAIMED

    @property
    def money_status_label(self) -> str:
        return MoneyStatus(self.money_status).label


class Credit(models.Model):
    """The face value of an expired or cancelled pass, credited back to the funder (one per pass).

    Append-only: the database refuses any UPDATE or DELETE (triggers of migration 0003), as for ``PassEvent``.
    """

    pass_obj = models.OneToOneField(
        Pass, on_delete=models.PROTECT, related_name="credit", db_column="pass_id", verbose_name="pass"
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="credits", verbose_name="commande")
    funder = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="pass_credits", verbose_name="financeur"
    )
    kind = models.CharField("nature", max_length=20, choices=CreditKind.choices)
    cancellation_reason = models.CharField(
        "motif d'annulation", max_length=20, choices=CancellationReason.choices, blank=True
    )
    amount_cents = models.PositiveIntegerField("montant (centimes)")
    at = models.DateTimeField("le", auto_now_add=True)
    # Append-only (database triggers): a deleted account leaves its identifier, as on the events.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "crédit au financeur"
        verbose_name_plural = "crédits aux financeurs"
        ordering = ["-at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gt=0), name="pass_credit_amount_positive")]

    def __str__(self):
        return f"Crédit n° {self.pk}"


# --- The immutable ledger -------------------------------------------------------------------------------


class PassEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PassEventIsImmutable("Les événements des pass ne peuvent pas être modifiés.")

    def delete(self):
        raise PassEventIsImmutable("Les événements des pass ne peuvent pas être effacés.")


class PassEvent(models.Model):
    """One change of one pass (append-only): who, when, what, from which state to which, which amount.

    Refused here (``PassEventIsImmutable``) and, whatever the client, by the database (triggers of migration
    0003 on PostgreSQL and SQLite).
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events", verbose_name="commande")
    pass_obj = models.ForeignKey(
        Pass, on_delete=models.PROTECT, related_name="events", db_column="pass_id", verbose_name="pass"
    )
    kind = models.CharField("quoi", max_length=20, choices=PassEventKind.choices)
    from_state = models.CharField("de", max_length=20, choices=PassState.choices, blank=True)
    to_state = models.CharField("vers", max_length=20, choices=PassState.choices)
    amount_cents = models.IntegerField("montant (centimes)", default=0)
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    actor_label = models.CharField("par (pseudonyme)", max_length=100, blank=True)
    at = models.DateTimeField("le", db_index=True)

    objects = PassEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement de pass"
        verbose_name_plural = "événements de pass"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["order", "kind"], name="pass_event_order_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.from_state or '∅'} → {self.to_state})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PassEventIsImmutable("Les événements des pass ne peuvent pas être modifiés.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PassEventIsImmutable("Les événements des pass ne peuvent pas être effacés.")
