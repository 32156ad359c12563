"""The shipped référentiel of communes, read from cordee/territories/data (no database): real names, codes and points
for the commune rules and the import benchmarks."""

from functools import lru_cache

from cordee.places.validators import CommuneIndex, CommuneInfo
from cordee.territories.loader import read_territories


@lru_cache(maxsize=1)
def shipped_communes() -> dict:
    """INSEE code → the commune's values as the loader reads them (communes and municipal arrondissements)."""
    return read_territories()[0]["communes"]


def shipped_commune_index() -> CommuneIndex:
    return CommuneIndex(
        CommuneInfo(
            code,
            values["name"],
            values["latitude"],
            values["longitude"],
            tuple(postal for postal in values["postal_codes"].split("|") if postal),
        )
        for code, values in shipped_communes().items()
    )
