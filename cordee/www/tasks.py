"""The web pattern for a background task (``cordee.core.models.BackgroundTask``): a page and its status.

The page includes ``www/tasks/_poll.html``: while the task is pending or running, the status part is
polled with HTMX every 2 s; the answer for a finished or failed task has status 286, which stops the
polling. Without JavaScript the status part offers a link to refresh the page (no automatic reload,
WCAG 2.2.1). Each view first checks whether the task is stale, so that an interrupted task is shown
failed with its French message instead of "en cours" forever.
"""

from django.http import FileResponse, Http404
from django.shortcuts import render

HTMX_STOP_POLLING = 286


def task_page(request, task, *, page_template, status_template, context=None):
    """The task's page, or only its status part for an HTMX poll (286 once the task is over)."""
    task.check_stale()
    context = {"task": task, "status_template": status_template, **(context or {})}
    if request.htmx:
        response = render(request, status_template, context)
        if not task.is_active:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, page_template, context)


def task_result(task, filename, content_type="text/csv; charset=utf-8"):
    """Download the task's result file."""
    if not task.result_file:
        raise Http404("Cette tâche n'a pas de fichier de résultat.")
    return FileResponse(task.result_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
