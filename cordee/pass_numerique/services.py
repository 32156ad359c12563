"""Pass numérique actions: one function per action (permission → validation → derived fields → save → journal).

Every change of a pass writes one immutable ``PassEvent`` per pass; every action that moves money (issuing,
redemption, expiry, cancellation, claims) is journaled (``cordee.journal.services.record``). Refusals are
``cordee.core.errors`` with a French message and a stable ``reason``.
"""

import datetime as dt
import functools

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from cordee.activities.models import Activity
from cordee.beneficiaries.models import Beneficiary
from cordee.core.errors import Conflict, Invalid, NotAllowed, NotFound, Refused
from cordee.core.ids import MAX_ID, as_id
from cordee.core.sql import Loader, insert_row, prepared_cursor, update_row
from cordee.diagnostics.models import Diagnostic
from cordee.journal.services import record
from cordee.pass_numerique import codes, perms, references
from cordee.pass_numerique.enums import (
    CancellationReason,
    CreditKind,
    OrderState,
    PassEventKind,
    PassState,
    StatementState,
)
from cordee.pass_numerique.events import issue_passes, write_events
from cordee.pass_numerique.models import (
    DEFAULT_BOOKS,
    DEFAULT_PASSES_PER_BOOK,
    DEFAULT_TOLERANCE_DAYS,
    DEFAULT_VALUE_CENTS,
    OUTSTANDING_STATES,
    Allocation,
    Book,
    Credit,
    Distribution,
    Order,
    Pass,
    Redemption,
    Statement,
)
from cordee.pass_numerique.workflow import ORDER, STATEMENT
from cordee.places.enums import QualificationState
from cordee.places.models import Place
from cordee.structures.models import Structure
from cordee.territories import local_time
from cordee.territories.enums import TerritoryKind
from cordee.territories.models import Commune, Departement, Epci, Region, commune_in_territory, territories_q

MAX_BOOKS = 10_000
MAX_PASSES_PER_BOOK = 100
MAX_PASSES = 200_000
MAX_VALUE_CENTS = 100_000  # 1 000 € a pass
MAX_TOLERANCE_DAYS = 365
MONEY_FIELDS = (
    "books",
    "passes_per_book",
    "value_cents",
    "valid_from",
    "valid_until",
    "tolerance_days",
    "territories",
)
TERRITORY_MODELS = {
    TerritoryKind.REGION: Region,
    TerritoryKind.DEPARTEMENT: Departement,
    TerritoryKind.EPCI: Epci,
    TerritoryKind.COMMUNE: Commune,
}


# --- Helpers ---------------------------------------------------------------------------------------------


def _integer(errors, name, value, low, high, label):
    try:
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = f"{label} : un nombre entier est attendu."
        return None
    if not low <= number <= high:
        errors[name] = f"{label} : entre {low} et {high}."
        return None
    return number


# Validity dates of an order: a year outside these is a typing error (« 0202 », « 20266 »), and the dates computed
# from them (end + tolerance, local midnight) must stay within what the calendar and the databases hold.
FIRST_VALID_DATE = dt.date(2000, 1, 1)
LAST_VALID_DATE = dt.date(2100, 12, 31)


def _date(errors, name, value, label):
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except (TypeError, ValueError):
            errors[name] = f"{label} : une date AAAA-MM-JJ est attendue."
            return None
    if not FIRST_VALID_DATE <= value <= LAST_VALID_DATE:
        errors[name] = (
            f"{label} : une date entre le {FIRST_VALID_DATE:%d/%m/%Y} et le {LAST_VALID_DATE:%d/%m/%Y} est attendue."
        )
        return None
    return value


def clean_territories(errors, territories) -> list[str]:
    """``["departement:23", …]`` checked against the shipped territories; normalised and without duplicates."""
    if isinstance(territories, str) or not isinstance(territories, list | tuple) or not territories:
        errors["territories"] = "Indiquez le périmètre : au moins un territoire, ex. « departement:23 »."
        return []
    cleaned, wrong = [], []
    for item in territories:
        kind, _, code = str(item).strip().partition(":")
        kind, code = kind.strip().lower(), code.strip().upper() if kind.strip().lower() != "epci" else code.strip()
        model = TERRITORY_MODELS.get(kind)
        if model is None or not code or not model.objects.filter(pk=code).exists():
            wrong.append(str(item))
            continue
        cleaned.append(f"{kind}:{code}")
    if wrong:
        errors["territories"] = (
            f"Territoire(s) inconnu(s) : {', '.join(wrong)}. Écrivez « type:code » avec un type parmi "
            "region, departement, epci, commune et un code INSEE (SIREN pour un EPCI)."
        )
    return list(dict.fromkeys(cleaned))


def _places_in_perimeter(errors, place_ids, territories) -> list[Place]:
    if place_ids in (None, ""):
        return []
    if isinstance(place_ids, str) or not isinstance(place_ids, list | tuple):
        errors["accepted_place_ids"] = "Une liste d'identifiants de lieux est attendue."
        return []
    keys = [as_id(value) for value in place_ids]
    if None in keys:
        errors["accepted_place_ids"] = "Une liste d'identifiants de lieux est attendue (des nombres entiers)."
        return []
    ids = sorted(set(keys))
    places = list(Place.objects.filter(pk__in=ids).order_by("pk"))
    unknown = sorted(set(ids) - {place.pk for place in places})
    if unknown:
        errors["accepted_place_ids"] = f"Lieu(x) inconnu(s) : {', '.join(map(str, unknown))}."
        return []
    if territories:
        pairs = perms.parse_territories(territories)
        inside = set(
            Place.objects.filter(pk__in=ids).filter(territories_q(pairs, "commune_ref__")).values_list("pk", flat=True)
        )
        outside = [place for place in places if place.pk not in inside]
        if outside:
            names = ", ".join(f"{place.name} (n° {place.pk})" for place in outside)
            errors["accepted_place_ids"] = f"Lieu(x) hors du périmètre de la commande : {names}."
    return places


def _structure(structure_id, field_name) -> Structure:
    try:
        structure = Structure.objects.filter(pk=int(structure_id)).first() if structure_id is not None else None
    except (TypeError, ValueError):
        structure = None
    if structure is None:
        message = "Structure inconnue."
        raise Invalid(message, reason="unknown_structure", errors={field_name: message})
    return structure


def _structure_in_perimeter(order: Order, structure_id, field_name) -> Structure:
    """A structure that can receive books of ``order``: its commune lies in the order's perimeter."""
    structure = _structure(structure_id, field_name)
    inside = Structure.objects.filter(pk=structure.pk).filter(territories_q(order.territory_pairs(), "commune__"))
    if not inside.exists():
        message = (
            f"{structure.name} n'est pas dans le périmètre de la commande : choisissez une structure de ses "
            "territoires."
        )
        raise Invalid(message, reason="structure_outside_perimeter", errors={field_name: message})
    return structure


def structure_time_zone(structure: Structure) -> str:
    """The time zone of the structure's commune (Europe/Paris when it has none)."""
    departement_id = Commune.objects.filter(pk=structure.commune_id).values_list("departement_id", flat=True).first()
    return local_time.time_zone_name(departement_id or "")


def local_today(structure: Structure, now=None) -> dt.date:
    """Today's date where the structure is (a pass is handed out there: the default date of the form)."""
    return local_time.wall_clock(_now(now), local_time.zone(structure_time_zone(structure))).date()


def _raise(errors):
    if errors:
        raise Invalid("Certaines valeurs ne sont pas valides : voyez le détail.", errors=errors)


def _now(now=None):
    return now or timezone.now()


# --- Orders ------------------------------------------------------------------------------------------------


def _clean_order(data: dict, *, partial_of: Order | None = None) -> tuple[dict, list[Place] | None]:
    """Validated fields of an order from ``data`` (names of the API); ``partial_of``: only those given."""
    errors: dict[str, str] = {}
    current = partial_of
    fields: dict = {}

    def given(name):
        return current is None or name in data

    if given("books"):
        fields["books_count"] = _integer(errors, "books", data.get("books", DEFAULT_BOOKS), 1, MAX_BOOKS, "Carnets")
    if given("passes_per_book"):
        fields["passes_per_book"] = _integer(
            errors,
            "passes_per_book",
            data.get("passes_per_book", DEFAULT_PASSES_PER_BOOK),
            1,
            MAX_PASSES_PER_BOOK,
            "Pass par carnet",
        )
    if given("value_cents"):
        fields["value_cents"] = _integer(
            errors,
            "value_cents",
            data.get("value_cents", DEFAULT_VALUE_CENTS),
            1,
            MAX_VALUE_CENTS,
            "Valeur en centimes",
        )
    if given("tolerance_days"):
        fields["tolerance_days"] = _integer(
            errors,
            "tolerance_days",
            data.get("tolerance_days", DEFAULT_TOLERANCE_DAYS),
            0,
            MAX_TOLERANCE_DAYS,
            "Tolérance",
        )
    if given("valid_from"):
        fields["valid_from"] = _date(errors, "valid_from", data.get("valid_from"), "Début de validité")
    if given("valid_until"):
        fields["valid_until"] = _date(errors, "valid_until", data.get("valid_until"), "Fin de validité")
    if given("territories"):
        fields["territories"] = clean_territories(errors, data.get("territories"))
    if given("eligibility"):
        fields["eligibility"] = str(data.get("eligibility") or "").strip()[:5000]
    start = fields.get("valid_from", current.valid_from if current else None)
    end = fields.get("valid_until", current.valid_until if current else None)
    if start and end and end < start and "valid_until" not in errors:
        errors["valid_until"] = "La fin de validité doit suivre le début."
    books = fields.get("books_count") or (current.books_count if current else None)
    per_book = fields.get("passes_per_book") or (current.passes_per_book if current else None)
    if books and per_book and books * per_book > MAX_PASSES:
        errors["books"] = f"Au plus {MAX_PASSES} pass par commande."
    territories = fields.get("territories", current.territories if current else [])
    places = None
    if given("accepted_place_ids"):
        places = _places_in_perimeter(errors, data.get("accepted_place_ids"), territories)
    elif current is not None and "territories" in data:
        _places_in_perimeter(
            errors, list(current.accepted_places.order_by("pk").values_list("pk", flat=True)), territories
        )
    _raise(errors)
    return fields, places


def create_order(actor, data: dict) -> Order:
    """A draft order. ``data``: funder_structure_id, books, passes_per_book, value_cents, valid_from,
    valid_until, tolerance_days, territories, accepted_place_ids?, eligibility? (the API's names)."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed()
    funder = _structure(data.get("funder_structure_id"), "funder_structure_id")
    fields, places = _clean_order(data)
    if not perms.can_order_for(actor, funder, fields["territories"]):
        raise NotAllowed(
            "Seuls les gestionnaires du financeur, un coordinateur dont le territoire couvre le périmètre ou "
            "l'administration nationale peuvent commander des Pass numérique.",
            reason="not_allowed",
        )
    with transaction.atomic():
        order = Order.objects.create(
            funder=funder,
            time_zone=structure_time_zone(funder),
            created_by=actor,
            named_places_only=bool(places),
            **fields,
        )
        if places:
            order.accepted_places.set(places)
        record(actor, "pass_numerique.order.create", order, funder_id=funder.pk, total_cents=order.total_cents)
    return order


def update_order(actor, order: Order, data: dict) -> Order:
    """Change a draft; a confirmed order only changes its eligibility text (its money is fixed)."""
    if not perms.can_manage_order(actor, order):
        raise NotAllowed()
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",), no_key=True).get(pk=order.pk)
        if order.state != OrderState.DRAFT:
            touched = [name for name in (*MONEY_FIELDS, "accepted_place_ids") if name in data]
            if touched or order.state == OrderState.CLOSED:
                raise Conflict(
                    "Une commande confirmée ne change plus : seules ses conditions d'éligibilité peuvent "
                    "être précisées.",
                    reason="order_confirmed",
                    errors=dict.fromkeys(touched, "Non modifiable après confirmation."),
                )
        fields, places = _clean_order(data, partial_of=order)
        if "territories" in fields and not perms.can_order_for(actor, order.funder, fields["territories"]):
            raise NotAllowed("Ce périmètre sort de votre territoire.", reason="not_allowed")
        for name, value in fields.items():
            setattr(order, name, value)
        if places is not None:
            order.named_places_only = bool(places)
        order.save()
        if places is not None:
            order.accepted_places.set(places)
        record(
            actor,
            "pass_numerique.order.update",
            order,
            fields=sorted(fields) + (["accepted_place_ids"] if places is not None else []),
        )
    return order


def delete_order(actor, order: Order) -> None:
    if not perms.can_manage_order(actor, order):
        raise NotAllowed()
    with transaction.atomic():
        locked = Order.objects.select_for_update(of=("self",), no_key=True).get(pk=order.pk)
        if locked.state != OrderState.DRAFT:
            raise Conflict("Seul un brouillon peut être supprimé.", reason="order_confirmed")
        record(actor, "pass_numerique.order.delete", locked, funder_id=locked.funder_id)
        locked.transitions.all().delete()
        locked.accepted_places.clear()
        locked.delete()


def confirm_order(actor, order: Order, progress=None) -> Order:
    """Confirm a draft: its books and passes are issued (in stock), one ``issued`` event per pass."""

    def issue(locked, who):
        count = issue_passes(locked, who, progress=progress)
        Order.objects.filter(pk=locked.pk).update(confirmed_at=timezone.now())
        record(who, "pass_numerique.order.issue", locked, passes=count, total_cents=count * locked.value_cents)

    with transaction.atomic():
        ORDER.apply(order, "confirm", actor)
        locked = Order.objects.get(pk=order.pk)
        issue(locked, actor)
    order.refresh_from_db()
    return order


def close_order(actor, order: Order) -> Order:
    with transaction.atomic():
        ORDER.apply(order, "close", actor)
        Order.objects.filter(pk=order.pk).update(closed_at=timezone.now())
    order.refresh_from_db()
    return order


# --- Allocation and distribution ---------------------------------------------------------------------------


def _confirmed(order: Order):
    if order.state != OrderState.CONFIRMED:
        raise Conflict("La commande n'est pas confirmée (ou déjà close).", reason="order_not_confirmed")


def allocate_books(actor, order: Order, structure_id, count) -> list[Book]:
    """Give ``count`` books of the stock (lowest numbers first) to a structure; its passes become ``allocated``."""
    if not perms.can_handle_passes(actor, order):
        raise NotAllowed()
    structure = _structure_in_perimeter(order, structure_id, "structure_id")
    errors: dict = {}
    count = _integer(errors, "books", count, 1, MAX_BOOKS, "Carnets")
    _raise(errors)
    now = timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",), no_key=True).get(pk=order.pk)
        _confirmed(order)
        books = list(
            Book.objects.select_for_update(of=("self",), no_key=True)
            # A book of the stock whose passes were all cancelled has nothing left to hand out: never allocated.
            .filter(order=order, holder__isnull=True, lost_at__isnull=True)
            .filter(Exists(Pass.objects.filter(book=OuterRef("pk"), state=PassState.IN_STOCK)))
            .order_by("number")[:count]
        )
        if len(books) < count:
            raise Refused(
                f"Il ne reste que {len(books)} carnet(s) en stock pour cette commande.",
                reason="not_enough_books",
                errors={"books": f"Au plus {len(books)}."},
            )
        ids = [book.pk for book in books]
        Book.objects.filter(pk__in=ids).update(holder=structure, allocated_at=now)
        passes = list(
            Pass.objects.select_for_update(of=("self",), no_key=True)
            .filter(book_id__in=ids, state=PassState.IN_STOCK)
            .order_by("pk")
        )
        updated = Pass.objects.filter(pk__in=[item.pk for item in passes], state=PassState.IN_STOCK).update(
            state=PassState.ALLOCATED, updated_at=now
        )
        if updated != len(passes):
            raise Conflict("Des pass de ces carnets ont changé entre-temps : recommencez.", reason="concurrent_change")
        Allocation.objects.bulk_create([Allocation(book=book, to_structure=structure, by=actor) for book in books])
        write_events(
            passes,
            PassEventKind.ALLOCATED,
            PassState.IN_STOCK,
            PassState.ALLOCATED,
            actor,
            structure=structure,
            at=now,
        )
        record(actor, "pass_numerique.books.allocate", order, structure_id=structure.pk, book_ids=ids)
    for book in books:
        book.holder, book.allocated_at = structure, now
    return books


def move_book(actor, book: Book, structure_id) -> Book:
    """Move an allocated book to another structure (its undistributed passes follow)."""
    if not perms.can_handle_passes(actor, book.order):
        raise NotAllowed()
    structure = _structure_in_perimeter(book.order, structure_id, "structure_id")
    now = timezone.now()
    with transaction.atomic():
        book = Book.objects.select_for_update(of=("self",), no_key=True).get(pk=book.pk)
        _confirmed(book.order)
        if book.holder_id is None or book.lost_at is not None:
            raise Conflict("Ce carnet n'est confié à aucune structure (ou il est perdu).", reason="book_not_held")
        if book.holder_id == structure.pk:
            raise Conflict("Ce carnet est déjà confié à cette structure.", reason="same_structure")
        previous = book.holder_id
        Book.objects.filter(pk=book.pk).update(holder=structure, allocated_at=now)
        Allocation.objects.create(book=book, from_structure_id=previous, to_structure=structure, by=actor)
        passes = list(
            Pass.objects.select_for_update(of=("self",), no_key=True)
            .filter(book=book, state=PassState.ALLOCATED)
            .order_by("pk")
        )
        write_events(
            passes, PassEventKind.MOVED, PassState.ALLOCATED, PassState.ALLOCATED, actor, structure=structure, at=now
        )
        record(actor, "pass_numerique.book.move", book, from_structure_id=previous, to_structure_id=structure.pk)
    book.refresh_from_db()
    return book


def find_pass(code: str) -> Pass:
    """The pass of a typed code: ``Invalid`` (400) when malformed, ``Refused`` ``unknown_code`` (422) when unknown."""
    normalised = codes.parse(code)
    found = Pass.objects.filter(code=normalised).first()
    if found is None:
        raise Refused("Aucun Pass numérique ne porte ce code.", reason="unknown_code")
    return found


def _optional_id(errors, name, value):
    if value in (None, ""):
        return None
    try:
        number = int(value)
        if isinstance(value, bool) or not 0 < number <= MAX_ID:
            raise ValueError
        return number
    except (TypeError, ValueError):
        errors[name] = "Identifiant invalide."
        return None


NOT_HOLDER_MESSAGE = "Ce pass appartient à un carnet confié à une autre structure."


def distribute(
    actor, *, code, reference="", beneficiary_id=None, diagnostic_id=None, distributed_on=None
) -> Distribution:
    """Hand one pass to a person: by a member of the structure holding its book. Nothing personal beyond a
    pseudonymous reference or the followed person (and optionally their diagnostic)."""
    # Someone whose structures hold no book gets the same answer whether the code exists or not (no oracle).
    if not perms.held_books(actor).exists():
        raise NotAllowed(NOT_HOLDER_MESSAGE, reason="not_holder")
    target = find_pass(code)
    book = Book.objects.select_related("order").get(pk=target.book_id)
    if not perms.can_distribute(actor, book):
        raise NotAllowed(NOT_HOLDER_MESSAGE, reason="not_holder")
    errors: dict = {}
    reference = str(reference or "").strip()
    refused = references.problem(reference)
    if refused:
        errors["reference"] = refused
    beneficiary_pk = _optional_id(errors, "beneficiary_id", beneficiary_id)
    diagnostic_pk = _optional_id(errors, "diagnostic_id", diagnostic_id)
    beneficiary = diagnostic = None
    if beneficiary_pk:
        beneficiary = Beneficiary.objects.filter(pk=beneficiary_pk, structure_id=book.holder_id).first()
        if beneficiary is None:
            errors["beneficiary_id"] = "Personne inconnue de votre structure."
    if diagnostic_pk:
        diagnostic = Diagnostic.objects.filter(pk=diagnostic_pk, structure_id=book.holder_id).first()
        if diagnostic is None:
            errors["diagnostic_id"] = "Diagnostic inconnu de votre structure."
    order = book.order
    # « Not in the future » where the pass is handed out (the holder's day) or in the funder's, whichever is later:
    # an aiguilleur in Guadeloupe on a Paris order is not refused today's date at 20:00.
    today = max(order.local_date(timezone.now()), local_today(book.holder))
    day = today if distributed_on in (None, "") else _date(errors, "distributed_on", distributed_on, "Date de remise")
    if day and day > today:
        errors["distributed_on"] = "La date de remise ne peut pas être dans le futur."
    _raise(errors)
    now = timezone.now()
    with transaction.atomic():
        # The book is locked and read again: a move or a loss committed meanwhile is seen before handing out.
        book = Book.objects.select_for_update(of=("self",), no_key=True).select_related("holder").get(pk=book.pk)
        if not perms.can_distribute(actor, book):
            raise NotAllowed(NOT_HOLDER_MESSAGE, reason="not_holder")
        allocated_on = order.local_date(book.allocated_at) if book.allocated_at else None
        if allocated_on and day < allocated_on:
            message = (
                f"La date de remise ne peut pas précéder la date où le carnet a été confié à votre structure "
                f"({allocated_on:%d/%m/%Y})."
            )
            raise Invalid(message, reason="before_allocation", errors={"distributed_on": message})
        locked = Pass.objects.select_for_update(of=("self",), no_key=True).get(pk=target.pk)
        if locked.state != PassState.ALLOCATED:
            label = PassState(locked.state).label.lower()
            raise Conflict(f"Ce pass ne peut pas être remis : il est « {label} ».", reason=f"pass_{locked.state}")
        if now >= order.expires_at:
            raise Refused("Ce pass a expiré.", reason="expired")
        updated = Pass.objects.filter(pk=locked.pk, state=PassState.ALLOCATED).update(
            state=PassState.DISTRIBUTED, updated_at=now
        )
        if updated != 1:
            raise Conflict("Ce pass vient d'être remis.", reason="pass_distributed")
        distribution = Distribution.objects.create(
            pass_obj=locked,
            structure_id=book.holder_id,
            distributed_on=day,
            reference=reference,
            beneficiary=beneficiary,
            diagnostic=diagnostic,
            by=actor,
        )
        write_events(
            [locked],
            PassEventKind.DISTRIBUTED,
            PassState.ALLOCATED,
            PassState.DISTRIBUTED,
            actor,
            structure=book.holder,
            at=now,
        )
        record(actor, "pass_numerique.pass.distribute", locked, order_id=order.pk, structure_id=book.holder_id)
    return distribution


# --- Cancellation and expiry: the value goes back to the funder --------------------------------------------


def _credit(passes, order: Order, kind, actor, *, reason="", at=None) -> int:
    """Passes (locked, outstanding) → expired or cancelled, one credit and one event each; returns the cents."""
    at = at or timezone.now()
    if not passes:
        return 0
    to_state = PassState.EXPIRED if kind == CreditKind.EXPIRED else PassState.CANCELLED
    by_state: dict[str, list[Pass]] = {}
    for item in passes:
        by_state.setdefault(item.state, []).append(item)
    for state, group in by_state.items():
        updated = Pass.objects.filter(pk__in=[item.pk for item in group], state=state).update(
            state=to_state, updated_at=at
        )
        if updated != len(group):
            raise Conflict("Des pass ont changé entre-temps : recommencez.", reason="concurrent_change")
        write_events(group, PassEventKind(to_state), state, to_state, actor, at=at)
    Credit.objects.bulk_create(
        [
            Credit(
                pass_obj=item,
                order=order,
                funder_id=order.funder_id,
                kind=kind,
                cancellation_reason=reason,
                amount_cents=item.value_cents,
                by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            for item in passes
        ],
        batch_size=2000,
    )
    return sum(item.value_cents for item in passes)


def cancel_passes(actor, order: Order, *, codes_list=(), book_ids=(), reason=CancellationReason.FUNDER) -> int:
    """The funder cancels passes not yet redeemed (given by code, or whole books); their value is credited back.

    Returns the number of passes cancelled (those already redeemed, expired or cancelled are left as they are).
    """
    if not perms.can_handle_passes(actor, order):
        raise NotAllowed()
    normalised = []
    errors = {}
    for text in codes_list or ():
        try:
            normalised.append(codes.parse(text))
        except Invalid as error:
            errors["codes"] = f"{text} : {error.message}"
    _raise(errors)
    if not normalised and not book_ids:
        raise Invalid("Indiquez les pass ou les carnets à annuler.", errors={"codes": "Obligatoire."})
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",), no_key=True).get(pk=order.pk)
        _confirmed(order)
        selection = Q(pk__in=[])
        if normalised:
            selection |= Q(code__in=normalised)
        if book_ids:
            selection |= Q(book_id__in=list(book_ids))
        chosen = list(Pass.objects.select_for_update(of=("self",), no_key=True).filter(selection).order_by("pk"))
        foreign = [item for item in chosen if item.order_id != order.pk]
        if foreign or (normalised and len({item.code for item in chosen}) < len(set(normalised))):
            raise Invalid("Certains pass n'appartiennent pas à cette commande.", errors={"codes": "Pass inconnus."})
        passes = [item for item in chosen if item.state in OUTSTANDING_STATES]
        if not passes:
            raise Conflict("Aucun de ces pass ne peut plus être annulé.", reason="nothing_to_cancel")
        cents = _credit(passes, order, CreditKind.CANCELLED, actor, reason=reason)
        record(actor, "pass_numerique.passes.cancel", order, passes=len(passes), credited_cents=cents, reason=reason)
    return len(passes)


def report_book_lost(actor, book: Book) -> int:
    """A book is lost: its passes not yet handed out are cancelled (value credited back). Returns their number."""
    if not perms.can_report_lost(actor, book):
        raise NotAllowed()
    now = timezone.now()
    with transaction.atomic():
        book = Book.objects.select_for_update(of=("self",), no_key=True).get(pk=book.pk)
        # Checked again on the locked row: the book may have moved to another structure meanwhile.
        if not perms.can_report_lost(actor, book):
            raise NotAllowed()
        order = book.order
        _confirmed(order)
        if book.lost_at is not None:
            raise Conflict("Ce carnet est déjà déclaré perdu.", reason="book_lost")
        if book.holder_id is None:
            raise Conflict("Ce carnet n'est confié à aucune structure.", reason="book_not_held")
        passes = list(
            Pass.objects.select_for_update(of=("self",), no_key=True)
            .filter(book=book, state=PassState.ALLOCATED)
            .order_by("pk")
        )
        Book.objects.filter(pk=book.pk).update(lost_at=now)
        cents = _credit(passes, order, CreditKind.CANCELLED, actor, reason=CancellationReason.BOOK_LOST, at=now)
        record(actor, "pass_numerique.book.lost", book, order_id=order.pk, passes=len(passes), credited_cents=cents)
    return len(passes)


def expire_passes(*, now=None, orders=None, progress=None) -> int:
    """Expire the passes still outstanding after their order's end date plus tolerance (funder's local time);
    their face value is credited back to the funder. Returns the number of passes expired."""
    now = _now(now)
    candidates = Order.objects.filter(state=OrderState.CONFIRMED, valid_until__lt=now.date() + dt.timedelta(days=1))
    if orders is not None:
        candidates = candidates.filter(pk__in=[order.pk for order in orders])
    total = 0
    for order in candidates.order_by("pk"):
        if now < order.expires_at:
            continue
        with transaction.atomic():
            # The order's lock serialises expiry with allocations and cancellations (they lock it too).
            Order.objects.select_for_update(of=("self",), no_key=True).filter(pk=order.pk).first()
            passes = list(
                Pass.objects.select_for_update(of=("self",), no_key=True)
                .filter(order=order, state__in=OUTSTANDING_STATES)
                .order_by("pk")
            )
            if not passes:
                continue
            cents = _credit(passes, order, CreditKind.EXPIRED, None, at=now)
            record(None, "pass_numerique.passes.expire", order, passes=len(passes), credited_cents=cents)
        total += len(passes)
    return total


# --- Redemption: exactly once ------------------------------------------------------------------------------


def _perimeter_q() -> Q:
    return Q(accepts_pass_numerique=True, qualification_state=QualificationState.QUALIFIED)


def allowed_places(order: Order):
    """Where the passes of ``order`` can be used: the places its funder named (those that still exist), else the
    qualified places of its perimeter that accept the Pass numérique."""
    if order.named_places_only:
        return order.accepted_places.all()
    return Place.objects.filter(territories_q(order.territory_pairs(), "commune_ref__"), _perimeter_q())


def is_place_allowed(order: Order, place: Place, *, named: bool | None = None) -> bool:
    """The rule of ``allowed_places`` for one place, the perimeter checked on the place's commune (loaded with
    its département by ``perms.redeeming_place``) by the same definition of a territory as the SQL
    (``commune_in_territory``). ``named``: whether the order names this place, when already read (the redemption
    reads it with the pass); one query otherwise."""
    if order.named_places_only:
        if named is None:
            named = order.accepted_places.filter(pk=place.pk).exists()
        return named
    if not (place.accepts_pass_numerique and place.qualification_state == QualificationState.QUALIFIED):
        return False
    commune = place.commune_ref
    return any(commune_in_territory(commune, kind, code) for kind, code in order.territory_pairs())


def already_redeemed(redemption: Redemption) -> Conflict:
    place = redemption.place
    # The time is the order's (the funder's) local time, like every date of the pass.
    moment = local_time.wall_clock(redemption.redeemed_at, redemption.order.zone)
    return Conflict(
        f"Ce pass a déjà été utilisé le {moment:%d/%m/%Y à %H:%M} ({place.name}).",
        reason="already_redeemed",
        redeemed_at=redemption.redeemed_at.isoformat().replace("+00:00", "Z"),
        place={"id": place.pk, "name": place.name},
    )


def _is_structure_activity(activity_pk, structure_id) -> bool:
    """Whether the activity exists and was recorded for that structure (one query)."""
    return Activity.objects.filter(pk=activity_pk, structure_id=structure_id).exists()


PASS_ROW = Loader(Pass, "p")
ORDER_ROW = Loader(Order, "o")


@functools.cache
def _locked_pass_sql(vendor: str) -> str:
    lock = ""
    if connection.features.has_select_for_update:
        lock = " " + connection.ops.for_update_sql(of=("p",), no_key=connection.features.has_select_for_no_key_update)
    through, quote = Order.accepted_places.through._meta, connection.ops.quote_name
    order_column, place_column = (quote(through.get_field(name).column) for name in ("order", "place"))
    named = (
        f"SELECT 1 FROM {quote(through.db_table)} a WHERE a.{order_column} = {ORDER_ROW.column('id')} "
        f"AND a.{place_column} = %s"
    )
    return (
        f"SELECT {PASS_ROW.columns}, {ORDER_ROW.columns}, EXISTS ({named}) "
        f"FROM {PASS_ROW.table} p "
        f"INNER JOIN {ORDER_ROW.table} o ON {ORDER_ROW.column('id')} = {PASS_ROW.column('order_id')} "
        f"WHERE {PASS_ROW.column('code')} = %s{lock}"
    )


def _locked_pass_with_order(code: str, place_pk: int) -> tuple[Pass | None, bool]:
    """The pass of ``code`` with its order, the pass row locked until the end of the transaction on PostgreSQL
    (SQLite's immediate transaction already serialises the writers), and whether the order names the place
    among its accepted places. Hand-written (``cordee.core.sql``): the ORM took twice as long composing it
    as the database answering."""
    with prepared_cursor() as cursor:
        cursor.execute(_locked_pass_sql(connection.vendor), [place_pk, code])
        row = cursor.fetchone()
    if row is None:
        return None, False
    target = PASS_ROW.load(row)
    target.order = ORDER_ROW.load(row, PASS_ROW.width)
    return target, bool(row[-1])


def redeem(actor, *, code, place_id, activity_id=None, now=None) -> Redemption:
    """Use a pass at a place, exactly once whatever the concurrency.

    400 malformed code or check character; 403 the person is not a member (médiateur, conseiller numérique,
    gestionnaire) of the structure running the place; 409 ``already_redeemed`` (with ``redeemed_at`` and
    ``place``); 422 ``unknown_code``, ``cancelled``, ``expired``, ``not_distributed``, ``not_yet_valid``,
    ``place_not_allowed``, ``unknown_activity`` (on ``activity_id``). The pass row is locked (PostgreSQL),
    SQLite's immediate transaction serialises the writers, the state changes with a conditional UPDATE, and the
    one-to-one redemption is the last defence.
    """
    normalised = codes.parse(code)
    errors: dict = {}
    place_pk = _optional_id(errors, "place_id", place_id)
    activity_pk = _optional_id(errors, "activity_id", activity_id)
    if place_id in (None, "") and "place_id" not in errors:
        errors["place_id"] = "Obligatoire."
    _raise(errors)
    place = perms.redeeming_place(actor, place_pk)
    if place is None:
        raise Invalid("Lieu inconnu.", reason="unknown_place", errors={"place_id": "Lieu inconnu."})
    if not place.may_redeem:
        raise NotAllowed(
            "Seuls les médiateurs, conseillers numériques et gestionnaires de la structure qui gère ce lieu "
            "peuvent y encaisser un pass.",
            reason="not_place_member",
        )
    if activity_pk is not None and not _is_structure_activity(activity_pk, place.structure_id):
        message = "Accompagnement inconnu de la structure qui gère ce lieu."
        raise Refused(message, reason="unknown_activity", errors={"activity_id": message})
    writing_redemption = False
    try:
        with transaction.atomic():
            target, named = _locked_pass_with_order(normalised, place.pk)
            if target is None:
                raise Refused("Aucun Pass numérique ne porte ce code.", reason="unknown_code")
            moment = _now(now)
            order = target.order
            _check_redeemable(target, order, place, moment, named)
            updated = update_row(
                Pass,
                target.pk,
                {"state": PassState.REDEEMED, "updated_at": moment},
                where={"state": PassState.DISTRIBUTED},
            )
            if updated != 1:
                raise Conflict("Ce pass vient d'être utilisé.", reason="already_redeemed")
            writing_redemption = True
            redemption = insert_row(
                Redemption(
                    pass_obj=target,
                    order=order,
                    place=place,
                    structure_id=place.structure_id,
                    value_cents=target.value_cents,
                    redeemed_at=moment,
                    by=actor,
                    activity_id=activity_pk,
                )
            )
            writing_redemption = False
            write_events(
                [target],
                PassEventKind.REDEEMED,
                PassState.DISTRIBUTED,
                PassState.REDEEMED,
                actor,
                structure=place.structure_id,
                place=place,
                at=moment,
            )
            record(
                actor,
                "pass_numerique.pass.redeem",
                target,
                order_id=order.pk,
                place_id=place.pk,
                structure_id=place.structure_id,
                amount_cents=target.value_cents,
            )
    except IntegrityError:
        # The one-to-one redemption refused a second one: the whole block is rolled back (no savepoint needed).
        if writing_redemption:
            raise Conflict("Ce pass vient d'être utilisé.", reason="already_redeemed") from None
        raise
    return redemption


def _check_redeemable(target: Pass, order: Order, place: Place, moment, named: bool) -> None:
    """The refusals of ``redeem``, in the order a person needs them (the pass row is locked). The place comes first:
    a member of a place where the pass is not accepted never learns where and when it was used."""
    if not is_place_allowed(order, place, named=named):
        raise Refused("Ce pass ne peut pas être utilisé dans ce lieu.", reason="place_not_allowed")
    if target.state == PassState.REDEEMED:
        raise already_redeemed(Redemption.objects.select_related("place", "order").get(pass_obj=target))
    if target.state == PassState.CANCELLED:
        raise Refused("Ce pass a été annulé (carnet perdu ou annulation du financeur).", reason="cancelled")
    if target.state == PassState.EXPIRED or moment >= order.expires_at:
        last = f"{order.last_valid_day:%d/%m/%Y}"
        raise Refused(f"Ce pass a expiré (utilisable jusqu'au {last}).", reason="expired")
    if target.state != PassState.DISTRIBUTED:
        raise Refused(
            "Ce pass n'a pas encore été remis à une personne par une structure : il ne peut pas être utilisé.",
            reason="not_distributed",
        )
    if moment < order.starts_at:
        raise Refused(f"Ce pass n'est utilisable qu'à partir du {order.valid_from:%d/%m/%Y}.", reason="not_yet_valid")


# --- Reimbursement ---------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def generate_statements(*, now=None) -> list[Statement]:
    """Statements of the months that are over: per structure, funder and month, the redemptions not yet claimed,
    each grouped by the month it was made in (judged in the order's, that is the funder's, local time) and only
    once that month is over there. Each statement is a claim in state ``submitted``. Run it every day: a month
    already claimed has no unclaimed redemption left, so a second run writes nothing."""
    now = _now(now)
    groups: dict[tuple[int, int, dt.date], list[Redemption]] = {}
    unclaimed = Redemption.objects.filter(statement__isnull=True).select_related("order").order_by("pk")
    for redemption in unclaimed:
        order = redemption.order
        month = month_start(order.local_date(redemption.redeemed_at))
        if month >= month_start(order.local_date(now)):
            continue
        key = (redemption.structure_id, order.funder_id, month)
        groups.setdefault(key, []).append(redemption)
    statements = []
    for (structure_id, funder_id, month), redemptions in sorted(groups.items()):
        with transaction.atomic():
            ids = [item.pk for item in redemptions]
            locked = list(
                Redemption.objects.select_for_update(of=("self",), no_key=True).filter(
                    pk__in=ids, statement__isnull=True
                )
            )
            if not locked:
                continue
            statement = Statement.objects.create(
                structure_id=structure_id,
                funder_id=funder_id,
                month=month,
                passes_count=len(locked),
                total_cents=sum(item.value_cents for item in locked),
            )
            Redemption.objects.filter(pk__in=[item.pk for item in locked]).update(statement=statement)
            record(
                None,
                "pass_numerique.statement.create",
                statement,
                structure_id=structure_id,
                funder_id=funder_id,
                passes=statement.passes_count,
                total_cents=statement.total_cents,
            )
        statements.append(statement)
    return statements


OWN_CLAIM_MESSAGE = (
    "Vous êtes membre de la structure qui demande ce remboursement : un autre gestionnaire du financeur doit "
    "décider de ce relevé."
)


def _check_decider(actor, statement: Statement, transition: str) -> None:
    """Separation of duties: a member of the claiming structure never approves, pays or rejects its claim (the
    refusal is journaled like the workflow's refusals)."""
    if perms.can_decide_statement(actor, statement):
        return
    if perms.has_decider_role(actor, statement):
        record(actor, f"pass_numerique.statement.{transition}.refused", statement, reason="own_claim")
        raise NotAllowed(OWN_CLAIM_MESSAGE, reason="own_claim", transition=transition)
    raise NotAllowed()


def approve_statement(actor, statement: Statement) -> Statement:
    _check_decider(actor, statement, "approve")
    with transaction.atomic():
        STATEMENT.apply(statement, "approve", actor, total_cents=statement.total_cents)
        Statement.objects.filter(pk=statement.pk).update(decided_at=timezone.now())
    statement.refresh_from_db()
    return statement


def pay_statement(actor, statement: Statement, payment_reference: str) -> Statement:
    reference = str(payment_reference or "").strip()
    if not reference or len(reference) > 100:
        message = "Indiquez la référence du paiement (100 caractères au plus)."
        raise Invalid(message, reason="payment_reference_required", errors={"payment_reference": message})
    _check_decider(actor, statement, "pay")
    with transaction.atomic():
        # Locked first: an approval or a refusal committed meanwhile is seen before the reference is written.
        Statement.objects.select_for_update(of=("self",)).filter(pk=statement.pk).first()
        Statement.objects.filter(pk=statement.pk, state=StatementState.APPROVED).update(payment_reference=reference)
        STATEMENT.apply(statement, "pay", actor, total_cents=statement.total_cents, payment_reference=reference)
        Statement.objects.filter(pk=statement.pk).update(paid_at=timezone.now())
    statement.refresh_from_db()
    return statement


def reject_statement(actor, statement: Statement, reason: str) -> Statement:
    reason = str(reason or "").strip()
    if not reason:
        raise Invalid("Indiquez le motif du refus.", reason="reason_required", errors={"reason": "Obligatoire."})
    _check_decider(actor, statement, "reject")
    with transaction.atomic():
        Statement.objects.select_for_update(of=("self",)).filter(pk=statement.pk).first()
        Statement.objects.filter(
            pk=statement.pk, state__in=[StatementState.SUBMITTED, StatementState.APPROVED]
        ).update(rejection_reason=reason[:2000])
        STATEMENT.apply(statement, "reject", actor, reason=reason)
        Statement.objects.filter(pk=statement.pk).update(decided_at=timezone.now())
    statement.refresh_from_db()
    return statement


def resubmit_statement(actor, statement: Statement, answer: str) -> Statement:
    """A rejected claim, corrected by the structure (its answer to the reason), is submitted again with the same
    passes: they stay on it, so that the claim's history and amount stay one piece and the next monthly
    statement does not take them (``generate_statements`` only takes redemptions on no statement)."""
    answer = str(answer or "").strip()
    if not answer:
        message = "Indiquez ce que vous avez corrigé ou votre réponse au motif du refus."
        raise Invalid(message, reason="reason_required", errors={"answer": message})
    if not perms.can_view_statement(actor, statement):
        raise NotFound("Relevé introuvable, ou vous n'y avez pas accès.")
    STATEMENT.apply(
        statement,
        "resubmit",
        actor,
        reason=answer,
        total_cents=statement.total_cents,
        passes=statement.passes_count,
    )
    statement.refresh_from_db()
    return statement


def statement_total(statement: Statement) -> int:
    """The sum of the statement's redemptions, recomputed (equals ``total_cents``)."""
    return statement.redemptions.aggregate(total=Sum("value_cents"))["total"] or 0


def get_book_for(actor, book_id) -> Book:
    """A book the person may see (the funder's gestionnaires, the national admin and the holding structure),
    else ``NotFound``."""
    book = Book.objects.select_related("order").filter(pk=book_id).first()
    if book is None or not perms.can_view_book(actor, book):
        raise NotFound("Carnet introuvable, ou vous n'y avez pas accès.")
    return book


def get_order_for(actor, order_id, *, manage=False) -> Order:
    order = Order.objects.select_related("funder").filter(pk=order_id).first()
    if order is None or not (perms.can_manage_order(actor, order) if manage else perms.can_view_order(actor, order)):
        raise NotFound("Commande introuvable, ou vous n'y avez pas accès.")
    return order
