"""Who may do what with the Pass numérique.

- An order is managed (placed, edited, confirmed, its counts and ledger read) by the gestionnaires of the
  funder structure, by a coordinator whose scopes cover the whole perimeter, and by the national admin.
- The codes and the money of an order (books and their codes, printing, allocating and moving books, cancelling
  passes) belong to the funder's gestionnaires and the national admin only (``can_handle_passes``): a
  coordinator sees the counts, never the codes of books held by others.
- A book is seen by the funder's gestionnaires, the national admin and the members of the structure holding it;
  the members of the holding structure hand its passes out and may report it lost.
- A pass is redeemed by a médiateur, conseiller numérique or gestionnaire of the structure running the place.
- A statement is seen by the members of the claiming structure and by those who manage the funder's orders
  (its gestionnaires, the national admin); the funder's gestionnaires and the national admin decide on it, unless
  they are members of the claiming structure (nobody approves or pays their own claim); the gestionnaires of the
  claiming structure answer a refusal and send the statement back.
"""

import functools

from django.db import connection
from django.db.models import Q

from cordee.core.sql import Loader, prepared_cursor
from cordee.pass_numerique.models import Book, Order, Statement
from cordee.places.models import Place
from cordee.structures.enums import MembershipRole
from cordee.structures.models import Membership
from cordee.structures.roles import roles_of
from cordee.territories.models import Commune, Departement, territories_q

REDEEMING_ROLES = frozenset(
    {MembershipRole.MEDIATEUR, MembershipRole.CONSEILLER_NUMERIQUE, MembershipRole.GESTIONNAIRE}
)


def parse_territories(territories) -> list[tuple[str, str]]:
    """``["departement:23", …]`` → ``[("departement", "23"), …]`` (no validation: see services)."""
    pairs = []
    for item in territories or []:
        kind, _, code = str(item).partition(":")
        pairs.append((kind, code))
    return pairs


def covers_perimeter(user, territories) -> bool:
    """Whether the person's coordinator scopes hold every commune of the perimeter (an empty perimeter: no)."""
    roles = roles_of(user)
    pairs = parse_territories(territories)
    if not roles.scopes or not pairs:
        return False
    perimeter = Commune.objects.filter(territories_q(pairs))
    return perimeter.exists() and not perimeter.exclude(territories_q(roles.scopes)).exists()


def can_order_for(user, funder, territories) -> bool:
    """May this person place an order for ``funder`` on that perimeter? A coordinator: for a funder of their
    territory (as the web form offers), on a perimeter inside it."""
    roles = roles_of(user)
    if not roles.is_authenticated:
        return False
    if roles.is_national_admin or roles.is_member(funder.pk, {MembershipRole.GESTIONNAIRE}):
        return True
    if not roles.scopes or not covers_perimeter(user, territories):
        return False
    return type(funder).objects.filter(territories_q(roles.scopes, "commune__"), pk=funder.pk).exists()


def can_manage_order(user, order: Order) -> bool:
    return can_order_for(user, order.funder, order.territories)


def can_handle_passes(user, order: Order) -> bool:
    """Codes, printing, allocation and cancellation: the funder's gestionnaires and the national admin."""
    roles = roles_of(user)
    return roles.is_national_admin or roles.is_member(order.funder_id, {MembershipRole.GESTIONNAIRE})


def holder_structure_ids(user) -> frozenset[int]:
    return roles_of(user).structure_ids()


def can_view_order(user, order: Order) -> bool:
    if can_manage_order(user, order):
        return True
    ids = holder_structure_ids(user)
    return bool(ids) and order.books.filter(holder_id__in=ids).exists()


def can_view_book(user, book: Book) -> bool:
    return is_holder(user, book) or can_handle_passes(user, book.order)


def is_holder(user, book: Book) -> bool:
    return book.holder_id is not None and roles_of(user).is_member(book.holder_id)


def can_distribute(user, book: Book) -> bool:
    return is_holder(user, book)


def can_report_lost(user, book: Book) -> bool:
    return is_holder(user, book) or can_handle_passes(user, book.order)


def can_redeem_at(user, place) -> bool:
    return place.structure_id is not None and roles_of(user).is_member(place.structure_id, REDEEMING_ROLES)


PLACE = Loader(
    Place, "p", ["id", "name", "structure_id", "accepts_pass_numerique", "qualification_state", "commune_ref_id"]
)
COMMUNE = Loader(Commune, "c", ["code_insee", "parent_id", "departement_id", "epci_id"])
DEPARTEMENT = Loader(Departement, "d", ["code", "region_id"])
MEMBERSHIP = Loader(Membership, "m", [])


@functools.cache
def _redeeming_place_sql(vendor: str) -> str:
    """Written by hand (``cordee.core.sql``): the redemption is the hottest write of the API, and the ORM spent
    longer composing this query than the database answering it."""
    roles = ", ".join(["%s"] * len(REDEEMING_ROLES))
    member = (
        f"SELECT 1 FROM {MEMBERSHIP.table} m WHERE {MEMBERSHIP.column('user_id')} = %s "
        f"AND {MEMBERSHIP.column('structure_id')} = {PLACE.column('structure_id')} "
        f"AND {MEMBERSHIP.column('is_active')} AND {MEMBERSHIP.column('role')} IN ({roles})"
    )
    return (
        f"SELECT {PLACE.columns}, {COMMUNE.columns}, {DEPARTEMENT.columns}, EXISTS ({member}) "
        f"FROM {PLACE.table} p "
        f"LEFT JOIN {COMMUNE.table} c ON {COMMUNE.column('code_insee')} = {PLACE.column('commune_ref_id')} "
        f"LEFT JOIN {DEPARTEMENT.table} d ON {DEPARTEMENT.column('code')} = {COMMUNE.column('departement_id')} "
        f"WHERE {PLACE.column('id')} = %s"
    )


def redeeming_place(user, place_pk):
    """The place ``place_pk`` with ``may_redeem`` (the rule of ``can_redeem_at``) and what the order's perimeter
    is checked against (acceptance, qualification, commune with its département), in one query; None when there
    is no such place. The membership is read in the same query rather than through the person's roles (two
    queries): a redemption over the API asks nothing else about the person. The place holds only these fields
    (the others are deferred, read on access)."""
    user_pk = user.pk if _is_active_user(user) else None
    with prepared_cursor() as cursor:
        cursor.execute(
            _redeeming_place_sql(connection.vendor),
            [user_pk, *sorted(str(role) for role in REDEEMING_ROLES), place_pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    place = PLACE.load(row)
    commune = COMMUNE.load(row, PLACE.width)
    if commune is not None:
        commune.departement = DEPARTEMENT.load(row, PLACE.width + COMMUNE.width)
        place.commune_ref = commune
    place.may_redeem = bool(row[-1])
    return place


def _is_active_user(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def may_redeem_anywhere(user) -> bool:
    """Whether the person redeems for at least one structure (to show the redemption page)."""
    return bool(roles_of(user).structure_ids(*REDEEMING_ROLES))


def can_view_statement(user, statement: Statement) -> bool:
    roles = roles_of(user)
    return roles.is_member(statement.structure_id) or can_decide_statement(user, statement)


def has_decider_role(user, statement: Statement) -> bool:
    """The funder's gestionnaires and the national admin (before the separation of duties)."""
    roles = roles_of(user)
    return roles.is_national_admin or roles.is_member(statement.funder_id, {MembershipRole.GESTIONNAIRE})


def is_claimant(user, statement: Statement) -> bool:
    """A member of the structure that claims the reimbursement."""
    return roles_of(user).is_member(statement.structure_id)


def can_decide_statement(user, statement: Statement) -> bool:
    """Approve, pay or reject: a decider who is not a member of the claiming structure."""
    return has_decider_role(user, statement) and not is_claimant(user, statement)


def can_resubmit_statement(user, statement: Statement) -> bool:
    return roles_of(user).is_member(statement.structure_id, {MembershipRole.GESTIONNAIRE})


# --- Set-based helpers for lists --------------------------------------------------------------------------


def managed_orders_q(user) -> Q:
    """Orders the person manages (coordinators: checked per order with ``covers_perimeter`` afterwards)."""
    roles = roles_of(user)
    if not roles.is_authenticated:
        return Q(pk__in=[])
    if roles.is_national_admin:
        return Q()
    return Q(funder_id__in=roles.structure_ids(MembershipRole.GESTIONNAIRE))


def visible_orders(user):
    """Orders the person manages or holds books of (coordinators' orders included)."""
    roles = roles_of(user)
    if not roles.is_authenticated:
        return Order.objects.none()
    base = Order.objects.filter(managed_orders_q(user) | Q(books__holder_id__in=roles.structure_ids())).distinct()
    if roles.is_coordinator and not roles.is_national_admin:
        coordinated = [order.pk for order in Order.objects.order_by("pk") if covers_perimeter(user, order.territories)]
        base = Order.objects.filter(Q(pk__in=base.values("pk")) | Q(pk__in=coordinated))
    return base.order_by("-created_at", "-pk")


def held_books(user):
    """Books held by the person's structures."""
    return Book.objects.filter(holder_id__in=roles_of(user).structure_ids()).order_by("order", "number")


def visible_statements(user):
    roles = roles_of(user)
    if not roles.is_authenticated:
        return Statement.objects.none()
    if roles.is_national_admin:
        return Statement.objects.order_by("-month", "pk")
    ids = roles.structure_ids()
    funder_ids = roles.structure_ids(MembershipRole.GESTIONNAIRE)
    return Statement.objects.filter(Q(structure_id__in=ids) | Q(funder_id__in=funder_ids)).order_by("-month", "pk")
