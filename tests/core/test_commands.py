"""The one base of management commands: dry run unless --wet-run, one transaction, counts, timing."""

import importlib
import io

import pytest
from django.core.management import CommandError, call_command, get_commands

from cordee.core.commands import CommandFailed, CordeeCommand
from cordee.core.errors import Refused
from cordee.journal.models import Entry
from cordee.journal.services import record

pytestmark = pytest.mark.django_db


class WritingCommand(CordeeCommand):
    def add_options(self, parser):
        parser.add_argument("--fail", choices=["command", "domain"])

    def run(self, *args, fail=None, **options):
        record(None, "test.command", None)
        self.count("écrits", 1)
        with self.progress_bar(total=2, desc="Essai") as bar:
            bar.callback(1, 2)
            bar.callback(2, 2)
        if fail == "command":
            raise CommandFailed("Le fichier manque.")
        if fail == "domain":
            raise Refused("Refusé par le domaine.")


class ReadingCommand(CordeeCommand):
    writes_data = False

    def run(self, *args, **options):
        self.count("lus", 3)


def run(command, *args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue()


def test_a_writing_command_is_a_dry_run_that_writes_nothing():
    out = run(WritingCommand())

    assert not Entry.objects.filter(action="test.command").exists()
    assert "simulation, rien n'a été écrit" in out and "1 écrits" in out
    assert "Relancez avec --wet-run" in out


def test_wet_run_writes_in_one_transaction():
    out = run(WritingCommand(), "--wet-run")

    assert Entry.objects.filter(action="test.command").count() == 1
    assert "simulation" not in out and "1 écrits" in out


@pytest.mark.parametrize("fail,message", [("command", "Le fichier manque."), ("domain", "Refusé par le domaine.")])
def test_failures_become_command_errors_and_roll_back(fail, message):
    with pytest.raises(CommandError, match=message):
        run(WritingCommand(), "--wet-run", "--fail", fail)

    assert not Entry.objects.filter(action="test.command").exists()


def test_a_read_only_command_has_no_wet_run():
    assert "lus" in run(ReadingCommand())
    with pytest.raises(CommandError):
        run(ReadingCommand(), "--wet-run")


def test_every_cordee_command_uses_the_base():
    cordee_commands = {name: app for name, app in get_commands().items() if app.startswith("cordee.")}
    assert {"load_territories", "load_demo", "demo_accounts", "import_places", "export_places"} <= set(cordee_commands)
    for name, app in cordee_commands.items():
        module = importlib.import_module(f"{app}.management.commands.{name}")
        assert issubclass(module.Command, CordeeCommand), name
