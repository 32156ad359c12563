"""Writing the immutable pass events and issuing the passes of a confirmed order."""

from django.utils import timezone

from cordee.core.pseudonyms import user_label
from cordee.core.sql import insert_row
from cordee.pass_numerique import codes
from cordee.pass_numerique.enums import PassEventKind, PassState
from cordee.pass_numerique.models import Book, Pass, PassEvent

BATCH = 2000
# Events whose amount is the face value of the pass (money issued, paid out or credited back).
MONEY_KINDS = frozenset({PassEventKind.ISSUED, PassEventKind.REDEEMED, PassEventKind.EXPIRED, PassEventKind.CANCELLED})


def _actor_fields(actor) -> dict:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return {"actor_id": actor.pk, "actor_label": user_label(actor)}
    return {"actor_id": None, "actor_label": ""}


def write_events(passes, kind, from_state, to_state, actor, *, structure=None, place=None, at=None) -> int:
    """One event per pass (``passes``: Pass objects, or ``(pk, order_id, value_cents)`` tuples); ``structure``: a
    Structure or its id."""
    structure_id = getattr(structure, "pk", structure)
    at = at or timezone.now()
    who = _actor_fields(actor)
    rows = []
    for item in passes:
        pk, order_id, value = (item.pk, item.order_id, item.value_cents) if isinstance(item, Pass) else item
        rows.append(
            PassEvent(
                order_id=order_id,
                pass_obj_id=pk,
                kind=kind,
                from_state=from_state or "",
                to_state=to_state,
                amount_cents=value if kind in MONEY_KINDS else 0,
                structure_id=structure_id,
                place=place,
                at=at,
                **who,
            )
        )
    if len(rows) == 1:  # one pass used or handed out: the most frequent, kept to one plain INSERT
        insert_row(rows[0])
    else:
        PassEvent.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _fresh_codes(count: int) -> list[str]:
    """``count`` new codes, distinct from each other and from every stored code."""
    result: set[str] = set()
    while len(result) < count:
        wanted = {codes.generate() for _ in range(count - len(result))} - result
        taken = set()
        wanted_list = sorted(wanted)
        for start in range(0, len(wanted_list), BATCH):
            chunk = wanted_list[start : start + BATCH]
            taken |= set(Pass.objects.filter(code__in=chunk).values_list("code", flat=True))
        result |= wanted - taken
    return list(result)


def issue_passes(order, actor, progress=None) -> int:
    """Create the books and passes of ``order`` (in stock) and their ``issued`` events; returns the passes count."""
    now = timezone.now()
    books = Book.objects.bulk_create(
        [Book(order=order, number=number) for number in range(1, order.books_count + 1)], batch_size=BATCH
    )
    if any(book.pk is None for book in books):  # databases that do not return the keys of a bulk insert
        books = list(Book.objects.filter(order=order).order_by("number"))
    all_codes = _fresh_codes(order.passes_count)
    passes = []
    index = 0
    for book in books:
        for position in range(1, order.passes_per_book + 1):
            passes.append(
                Pass(
                    order=order,
                    book=book,
                    position=position,
                    code=all_codes[index],
                    value_cents=order.value_cents,
                    state=PassState.IN_STOCK,
                )
            )
            index += 1
    done = 0
    for start in range(0, len(passes), BATCH):
        Pass.objects.bulk_create(passes[start : start + BATCH])
        done += len(passes[start : start + BATCH])
        if progress:
            progress(done, len(passes))
    rows = Pass.objects.filter(order=order).order_by("pk").values_list("pk", "order_id", "value_cents")
    write_events(rows, PassEventKind.ISSUED, "", PassState.IN_STOCK, actor, at=now)
    return len(passes)
