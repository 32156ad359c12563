"""The one base of Cordée's management commands.

A command subclasses ``CordeeCommand`` and writes ``run(*args, **options)`` instead of ``handle``. The
base gives every command the same behaviour:

- ``writes_data = True`` (the default): the command is a **dry run unless ``--wet-run``**. ``run``
  executes inside one transaction that is rolled back at the end of a dry run, so a simulation goes
  through exactly the same code as the real thing and leaves nothing behind;
- ``writes_data = False``: a read-only command, without ``--wet-run`` (still one transaction, so that
  what it reads is consistent);
- timing, counts (``self.count("créés", 3)``) and one log line at the end (logger of the command's
  module), also printed unless ``--verbosity 0``; ``self.say()`` prints unless ``--verbosity 0``;
- ``self.progress_bar(total, desc)``: a tqdm bar on stderr, hidden with ``--verbosity 0``, with a
  ``(done, total)`` callback (``bar.callback``) for the domain functions that report progress;
- a domain refusal (``cordee.core.errors.DomainError``) or ``CommandFailed`` becomes a clean
  ``CommandError`` with its French message.
"""

import logging
import time
from collections import Counter
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from cordee.core.errors import DomainError

DRY_RUN_NOTICE = "Simulation : rien n'a été écrit. Relancez avec --wet-run pour enregistrer."


class CommandFailed(Exception):
    """The command cannot go on; the message is in French and shown as is."""


class _ProgressBar(tqdm):
    def callback(self, done, total):
        """For ``progress(done, total)`` callbacks: move the bar to ``done`` of ``total``."""
        if total is not None and self.total != total:
            self.total = total
        self.update(max(0, done - self.n))


class CordeeCommand(BaseCommand):
    writes_data = True
    atomic = True  # one transaction around run(); rolled back on a dry run
    report_on_stderr = False  # True when stdout carries the command's data (an export)
    label = ""  # first words of the closing line, e.g. « Territoires chargés » (default: the command's name)

    def add_arguments(self, parser):
        if self.writes_data:
            parser.add_argument(
                "--wet-run", action="store_true", help="écrire vraiment dans la base (sinon : simulation)"
            )
        self.add_options(parser)

    def add_options(self, parser):
        """The command's own arguments."""

    def run(self, *args, **options):
        raise NotImplementedError

    # Helpers for run()

    def say(self, message="", style=None):
        if self.verbosity > 0:
            self.stdout.write(style(message) if style else message)

    def count(self, name: str, number: int = 1):
        self.counts[name] += number

    def progress_bar(self, total=None, desc="", unit=" lignes") -> _ProgressBar:
        return _ProgressBar(total=total, desc=desc, unit=unit, disable=self.verbosity == 0 or None, file=self.stderr)

    @property
    def dry_run(self) -> bool:
        return self.writes_data and not self.wet_run

    # The frame

    def handle(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        self.wet_run = bool(options.pop("wet_run", False))
        self.counts = Counter()
        self.logger = logging.getLogger(type(self).__module__)
        started = time.monotonic()
        try:
            with transaction.atomic() if self.atomic else nullcontext():
                self.run(*args, **options)
                if self.dry_run and self.atomic:
                    transaction.set_rollback(True)
        except (CommandFailed, DomainError) as error:
            raise CommandError(str(error)) from error
        self.duration = time.monotonic() - started
        self._report()

    def counts_text(self) -> str:
        return ", ".join(f"{number} {label}" for label, number in self.counts.items())

    def _report(self):
        name = self.label or type(self).__module__.rsplit(".", 1)[-1]
        counts = self.counts_text()
        mode = " (simulation, rien n'a été écrit)" if self.dry_run else ""
        line = f"{name}{mode} en {self.duration:.1f} s" + (f" : {counts}" if counts else "")
        self.logger.info(line)
        if self.verbosity > 0:
            out = self.stderr if self.report_on_stderr else self.stdout
            out.write(line)
            if self.dry_run:
                out.write(DRY_RUN_NOTICE)
