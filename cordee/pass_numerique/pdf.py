"""Printable books of Pass numérique: A4 pages of cut-outs, one pass per cut-out, tagged for screen readers.

Each book has a cover (number, funder, validity, what to do) then pages of eight cut-outs (two columns of
four, 95 × 69 mm, dashed cutting marks). A cut-out shows the grouped code, a QR code of the public check
page ``/pass/<code>/``, the value, the validity, the funder, the conditions and "non remboursable, non
échangeable contre des espèces". The PDF is PDF/UA-1 (tagged structure, language, title) as WeasyPrint
allows it.

``render_books(books)`` takes ``BookSheet`` values, so it knows nothing of the models; ``book_sheet(book)``
builds one from a ``Book``. A whole order is written book by book (``write_order_zip``), one PDF per book in a
ZIP, so memory stays flat however large the order.

Speed (an order of 1,000 books is printed by a background task): the stylesheet is parsed once per process and
the fonts are loaded once (one ``FontConfiguration`` shared by every book), the QR codes are PNG images of one
pixel per module (drawn sharp in print by ``image-rendering: crisp-edges``, which turns interpolation off in
the PDF), and WeasyPrint subsets the fonts with HarfBuzz (``libharfbuzz-subset0``; fontTools, its fallback, is
slower by half a second a book). Figures in docs/benchmarks.md.
"""

import datetime as dt
import threading
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import segno
from django.template.loader import render_to_string

CARDS_PER_PAGE = 8
PDF_VARIANT = "pdf/ua-1"
STYLESHEET = Path(__file__).parent / "templates" / "pass_numerique" / "book_pdf.css"


def format_euros(cents: int) -> str:
    """``1000`` → ``"10 €"``, ``1050`` → ``"10,50 €"`` (integer cents, never floats)."""
    euros, rest = divmod(int(cents), 100)
    whole = f"{euros:,}".replace(",", "\u202f")
    return f"{whole}\u00a0€" if not rest else f"{whole},{rest:02d}\u00a0€"


@dataclass(frozen=True)
class PassCard:
    code: str  # grouped for reading aloud, e.g. K7M3-XQ9P-2WRT-HB
    check_url: str
    position: int


@dataclass(frozen=True)
class BookSheet:
    number: str
    funder: str
    value_cents: int
    valid_from: dt.date
    valid_until: dt.date
    conditions: str = ""
    cards: list[PassCard] = field(default_factory=list)


QR_MASK = 2  # any of the 8 masks is valid; choosing one spares segno evaluating all eight (10× faster)


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as a PNG data URI (error correction M, no border: the cut-out has its margin).

    PNG rather than SVG: WeasyPrint lays a bitmap out much faster. One pixel per module: the image is scaled to
    27 mm by the stylesheet, and ``image-rendering: crisp-edges`` keeps the modules sharp (no interpolation)."""
    return segno.make(url, error="m", micro=False, mask=QR_MASK).png_data_uri(scale=1, border=0)


_per_thread = threading.local()


def _weasyprint():
    """The parsed stylesheet and the font configuration, made once per thread (Pango's font map is not shared
    between threads) and used by every book."""
    if not hasattr(_per_thread, "setup"):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        _per_thread.setup = CSS(string=STYLESHEET.read_text(encoding="utf-8"), font_config=fonts), fonts
    return _per_thread.setup


def _context(book: BookSheet) -> dict:
    value = format_euros(book.value_cents)
    cards = [
        {
            "code": card.code,
            "check_url": card.check_url,
            "qr": qr_data_uri(card.check_url),
            "position": card.position,
            "value": value,
            "funder": book.funder,
            "valid_from": book.valid_from,
            "valid_until": book.valid_until,
            "conditions": book.conditions,
        }
        for card in book.cards
    ]
    return {
        "number": book.number,
        "count": len(cards),
        "value": value,
        "funder": book.funder,
        "valid_from": book.valid_from,
        "valid_until": book.valid_until,
        "conditions": book.conditions,
        "sheets": [cards[i : i + CARDS_PER_PAGE] for i in range(0, len(cards), CARDS_PER_PAGE)],
    }


def render_books(books: Iterable[BookSheet], *, title: str = "") -> bytes:
    """One PDF holding these books, each with its cover and its pages of cut-outs."""
    from weasyprint import HTML

    contexts = [_context(book) for book in books]
    if not title:
        title = "Carnet de Pass numérique n° " + ", ".join(context["number"] for context in contexts)
    html = render_to_string("pass_numerique/book_pdf.html", {"books": contexts, "title": title})
    stylesheet, fonts = _weasyprint()
    return HTML(string=html).write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_variant=PDF_VARIANT)


def write_books_zip(
    file, books: Iterable[BookSheet], *, progress: Callable[[int], None] | None = None, prefix: str = "carnet"
) -> int:
    """Write one PDF per book into a ZIP opened on ``file``; ``progress(done)`` after each book. Returns the count."""
    done = 0
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for book in books:
            archive.writestr(f"{prefix}-{book.number}.pdf", render_books([book]))
            done += 1
            if progress is not None:
                progress(done)
    return done


# --- From the models ------------------------------------------------------------------------------------------


def book_label(book) -> str:
    """The number printed on a book: the order's number and the book's, ``PN-00012-0003``."""
    return f"{book.order.number}-{book.number:04d}"


def book_sheet(book, passes=None) -> BookSheet:
    """A ``BookSheet`` of a ``Book`` (its order and funder loaded), with its passes in order."""
    from cordee.core import links
    from cordee.pass_numerique.codes import display

    order = book.order
    if passes is None:
        passes = book.passes.order_by("position").only("code", "position")
    return BookSheet(
        number=book_label(book),
        funder=order.funder.name,
        value_cents=order.value_cents,
        valid_from=order.valid_from,
        valid_until=order.valid_until,
        conditions=order.eligibility,
        cards=[
            PassCard(
                code=display(item.code),
                check_url=links.absolute_url(links.PASS_CHECK, code=display(item.code)),
                position=item.position,
            )
            for item in passes
        ],
    )


def order_book_sheets(order, chunk: int = 50):
    """The ``BookSheet`` of every book of the order, in number order, reading the passes a chunk of books at a time."""
    from cordee.pass_numerique.models import Pass

    books = list(order.books.select_related("order__funder").order_by("number"))
    for start in range(0, len(books), chunk):
        part = books[start : start + chunk]
        by_book: dict[int, list] = {book.pk: [] for book in part}
        for item in (
            Pass.objects.filter(book__in=part).order_by("book_id", "position").only("book_id", "code", "position")
        ):
            by_book[item.book_id].append(item)
        for book in part:
            yield book_sheet(book, by_book[book.pk])
