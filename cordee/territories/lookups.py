"""Find a territory from its kind and code (INSEE code, or SIREN for an EPCI)."""

from cordee.territories.enums import TerritoryKind
from cordee.territories.models import Commune, Departement, Epci, Region

TERRITORY_MODELS = {
    TerritoryKind.REGION: Region,
    TerritoryKind.DEPARTEMENT: Departement,
    TerritoryKind.EPCI: Epci,
    TerritoryKind.COMMUNE: Commune,
}


def territory_model(kind):
    try:
        return TERRITORY_MODELS[TerritoryKind(kind)]
    except ValueError:
        raise ValueError(f"Type de territoire inconnu : {kind!r}") from None


def get_territory(kind, code):
    """The Region, Departement, Epci or Commune designated; raises its DoesNotExist if there is none."""
    return territory_model(kind).objects.get(pk=code)


def find_territory(kind, code):
    """Like get_territory, but None when the territory does not exist."""
    return territory_model(kind).objects.filter(pk=code).first()
