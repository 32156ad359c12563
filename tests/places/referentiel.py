"""The shipped référentiel of communes, read from cordee/territories/data (no database): real names, codes and points
for the commune rules and the import benchmarks."""

from functools import lru_cache

from cordee.places.validators import CommuneIndex, CommuneInfo
from cordee.territories.loader import read_territories


@lru_cache(maxsize=1)
def shipped_territories() -> dict:
    """{level: {key: values}} as the loader reads the shipped files."""
    return read_territories()[0]


def shipped_communes() -> dict:
    """INSEE code → the commune's values as the loader reads them (communes and municipal arrondissements)."""
    return shipped_territories()["communes"]


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


def create_communes(*codes):
    """Database rows for some real communes (with their département and région), as the loader writes them."""
    from cordee.territories.models import Commune, Departement, PostalCode, Region

    territories = shipped_territories()
    created = []
    for code in codes:
        values = dict(shipped_communes()[code])
        departement = territories["departements"][values["departement_id"]]
        region, _ = Region.objects.get_or_create(
            code=departement["region_id"], defaults=territories["regions"][departement["region_id"]]
        )
        Departement.objects.get_or_create(
            code=values["departement_id"],
            defaults={"name": departement["name"], "region": region, "time_zone": departement["time_zone"]},
        )
        values["epci_id"] = None
        values["parent_id"] = None
        commune, _ = Commune.objects.update_or_create(code_insee=code, defaults=values)
        for postal_code in commune.postal_code_list:
            PostalCode.objects.get_or_create(code=postal_code, commune=commune)
        created.append(commune)
    return created
