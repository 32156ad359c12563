"""Printing an order's books in the background: one PDF per book in a ZIP, the progress saved book by book."""

import logging
import tempfile

from django.core.files import File

from cordee.journal.services import record
from cordee.pass_numerique.jobs.models import BookPrint
from cordee.pass_numerique.pdf import order_book_sheets, write_books_zip

logger = logging.getLogger(__name__)


def request_print(user, order) -> BookPrint:
    """Ask for the PDFs of the order's books (the caller has checked the person may manage the order)."""
    job = BookPrint.objects.create(order=order, requested_by=user, progress_total=order.books.count())
    record(user, "pass_numerique.order.books_printed", order, print_id=job.pk)
    return job


def run_print(job_id: int) -> None:
    job = BookPrint.objects.select_related("order__funder").get(pk=job_id)
    if not job.is_active:
        return
    job.start()
    order = job.order
    total = order.books.count()
    try:
        with tempfile.TemporaryFile() as archive:
            count = write_books_zip(
                archive,
                order_book_sheets(order),
                progress=lambda done: job.beat(done, total),
                prefix="carnet",
            )
            archive.seek(0)
            job.result_file.save(f"carnets-{order.number}.zip", File(archive), save=False)
        job.finish(books_count=count)
    except Exception:
        logger.exception("Impression des carnets de la commande %s", order.pk)
        job.fail("L'impression des carnets a échoué. Relancez-la ; si l'erreur revient, prévenez l'équipe du site.")
