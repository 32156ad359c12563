"""The layers contract of pyproject.toml (checked by `lint-imports` in `make quality`) covers every app of cordee.

import-linter's ``exhaustive`` option already refuses a package of ``cordee`` missing from the layers; these tests
say the same from the Django side (INSTALLED_APPS), so a new app is placed in the architecture from its first
commit, and keep the contract's options from being loosened by accident.
"""

import tomllib
from pathlib import Path

from django.conf import settings

PYPROJECT = Path(settings.BASE_DIR) / "pyproject.toml"


def layers_contract():
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    contracts = [contract for contract in config["contracts"] if contract["type"] == "layers"]
    assert len(contracts) == 1, "pyproject.toml doit déclarer un seul contrat import-linter de type « layers »"
    return contracts[0]


def layer_apps(contract):
    """{app name: optional?} for every app named in the layers, in order from the top."""
    apps = {}
    for layer in contract["layers"]:
        for name in layer.replace(":", "|").split("|"):
            name = name.strip()
            optional = name.startswith("(") and name.endswith(")")
            apps[name.strip("()")] = optional
    return apps


def project_apps():
    return [app.removeprefix("cordee.").split(".")[0] for app in settings.INSTALLED_APPS if app.startswith("cordee.")]


def test_the_contract_covers_every_package_of_cordee():
    contract = layers_contract()
    assert contract["containers"] == ["cordee"]
    assert contract["exhaustive"] is True
    assert not contract.get("ignore_imports"), "Pas d'exception au contrat : déplacez l'import plutôt."


def test_every_installed_app_of_cordee_is_in_a_layer():
    listed = layer_apps(layers_contract())
    missing = [app for app in project_apps() if app not in listed]
    assert not missing, (
        f"Applications absentes du contrat de couches de pyproject.toml : {', '.join(missing)}. "
        "Placez chaque nouvelle application dans [[tool.importlinter.contracts]] (type « layers ») : au-dessus des "
        "applications qu'elle importe, au-dessous de celles qui l'importent."
    )


def test_every_required_layer_exists_and_the_web_layers_are_on_top():
    contract = layers_contract()
    listed = layer_apps(contract)
    package = Path(settings.BASE_DIR) / "cordee"
    for app, optional in listed.items():
        if not optional:
            assert (package / app / "__init__.py").exists(), f"cordee.{app} est dans les couches mais n'existe pas"
    top = {name.strip() for layer in contract["layers"][:2] for name in layer.split("|")}
    assert top == {"www", "api", "demo"}, "Le web, l'API et la démo sont au-dessus du domaine."
    assert contract["layers"][-1] == "core"


def test_installed_apps_and_packages_agree():
    """A package of cordee with models that is not installed would escape both checks."""
    package = Path(settings.BASE_DIR) / "cordee"
    packages = {path.parent.name for path in package.glob("*/__init__.py")}
    assert packages == set(project_apps())
