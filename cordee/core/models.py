"""The one background-task model: what a long job (import, export, statement…) records as it runs.

A concrete task model inherits ``BackgroundTask`` and adds its own fields (inputs, counts). The worker
calls ``start()``, then ``beat(done, total)`` as it goes (progress and heartbeat, saved at most every
``PROGRESS_STEPS``-th of the work or every ``BEAT_EVERY``), then ``finish(...)`` or ``fail(message)``.
A running task whose heartbeat is older than ``STALE_AFTER`` was interrupted (worker killed, machine
restarted): ``fail_stale()`` marks it failed with a French message. The periodic task
``cordee.core.tasks.fail_stale_tasks`` does so for every concrete model, and pages call
``check_stale()`` when they show a task, so that no page polls forever.

The web pattern (a status partial polled with HTMX that stops when the task is over, a refresh link
without JavaScript) is in ``cordee/www/tasks.py`` and ``www/tasks/_status.html``.
"""

import datetime
import time

from django.apps import apps
from django.db import models
from django.utils import timezone

from cordee.core.enums import TaskState

STALE_MESSAGE = (
    "La tâche s'est interrompue : elle ne donne plus signe de vie depuis plus de {minutes} minutes "
    "(arrêt du serveur ou du traitement en arrière-plan). Relancez-la ; rien n'a été perdu de ce qui "
    "était enregistré avant."
)
UNEXPECTED_MESSAGE = "La tâche s'est interrompue sur une erreur inattendue. L'équipe technique a été prévenue."


class BackgroundTaskQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state__in=(TaskState.PENDING, TaskState.RUNNING))

    def stale(self, now=None):
        """Running tasks whose last heartbeat (or start) is older than the model's ``STALE_AFTER``."""
        cutoff = (now or timezone.now()) - self.model.STALE_AFTER
        return self.filter(state=TaskState.RUNNING).filter(
            models.Q(heartbeat_at__lt=cutoff) | models.Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        )

    def fail_stale(self, now=None) -> int:
        """Mark the stale running tasks failed, with a French message; returns how many."""
        now = now or timezone.now()
        minutes = int(self.model.STALE_AFTER.total_seconds() // 60)
        return self.stale(now).update(
            state=TaskState.FAILED, finished_at=now, error_message=STALE_MESSAGE.format(minutes=minutes)
        )


class BackgroundTask(models.Model):
    STALE_AFTER = datetime.timedelta(minutes=10)
    BEAT_EVERY = 5.0  # seconds: a heartbeat is saved at least this often while progress moves
    PROGRESS_STEPS = 50  # progress saved at most every 2 %

    state = models.CharField("état", max_length=10, choices=TaskState.choices, default=TaskState.PENDING)
    progress_done = models.PositiveIntegerField("avancement", default=0)
    progress_total = models.PositiveIntegerField("total à traiter", default=0)
    result_file = models.FileField("résultat", upload_to="tasks/%Y/%m/", blank=True)
    error_message = models.TextField("message d'erreur", blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    objects = BackgroundTaskQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.state in (TaskState.PENDING, TaskState.RUNNING)

    @property
    def is_done(self) -> bool:
        return self.state == TaskState.DONE

    @property
    def is_failed(self) -> bool:
        return self.state == TaskState.FAILED

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    def start(self):
        now = timezone.now()
        self.state, self.started_at, self.heartbeat_at = TaskState.RUNNING, now, now
        self.save(update_fields=["state", "started_at", "heartbeat_at"])

    def beat(self, done: int | None = None, total: int | None = None, *, force: bool = False):
        """Record progress and a heartbeat, at most every 2 % of the work or every few seconds."""
        last = getattr(self, "_last_beat", (-1, 0.0))
        now = time.monotonic()
        if done is not None:
            total = self.progress_total if total is None else total
            step = max(1, (total or 0) // self.PROGRESS_STEPS)
            due = force or done == total or done - last[0] >= step or now - last[1] >= self.BEAT_EVERY
        else:
            due = force or now - last[1] >= self.BEAT_EVERY
        if not due:
            return
        values = {"heartbeat_at": timezone.now()}
        if done is not None:
            values.update(progress_done=done, progress_total=total or 0)
        type(self).objects.filter(pk=self.pk).update(**values)
        for name, value in values.items():
            setattr(self, name, value)
        self._last_beat = (done if done is not None else last[0], now)

    def finish(self, **values):
        """Done: save the outcome fields given (counts, summary…) with the state and the end time."""
        self._end(TaskState.DONE, values)

    def fail(self, message: str = UNEXPECTED_MESSAGE, **values):
        """Failed, with a French message for the person who asked."""
        self._end(TaskState.FAILED, {"error_message": message, **values})

    def _end(self, state, values):
        self.refresh_from_db(fields=["progress_done", "progress_total"])
        now = timezone.now()
        values.update(state=state, finished_at=now, heartbeat_at=now)
        for name, value in values.items():
            setattr(self, name, value)
        self.save()

    def check_stale(self, now=None) -> bool:
        """Mark this task failed if it is stale (see the module); returns whether it was."""
        if self.state != TaskState.RUNNING or not type(self).objects.filter(pk=self.pk).stale(now).exists():
            return False
        type(self).objects.filter(pk=self.pk).fail_stale(now)
        self.refresh_from_db(fields=["state", "finished_at", "error_message"])
        return True


def task_models() -> list[type[BackgroundTask]]:
    """Every concrete background-task model of the installed apps."""
    return [model for model in apps.get_models() if issubclass(model, BackgroundTask)]


def fail_stale_tasks(now=None) -> dict[str, int]:
    """Mark the stale running tasks of every model failed; returns the counts by model label."""
    counts = {}
    for model in task_models():
        if count := model.objects.fail_stale(now):
            counts[model._meta.label] = count
    return counts
