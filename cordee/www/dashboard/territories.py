"""The territories a coordinator works on, with their names and population, in a bounded number of queries."""

from dataclasses import dataclass

from django.db.models import Sum

from cordee.territories.enums import CommuneKind, TerritoryKind
from cordee.territories.models import Commune, Departement, Epci, Region

# For each kind of territory: its model and the path from a commune to it.
_KINDS = {
    TerritoryKind.REGION: (Region, "departement__region_id"),
    TerritoryKind.DEPARTEMENT: (Departement, "departement_id"),
    TerritoryKind.EPCI: (Epci, "epci_id"),
    TerritoryKind.COMMUNE: (Commune, "code_insee"),
}


@dataclass(frozen=True)
class ScopeTerritory:
    kind_label: str
    code: str
    name: str
    population: int | None


def scope_territories(scopes):
    """One row per coordinator scope, in the order of ``scopes``; two queries per kind of territory."""
    codes_by_kind = {}
    for scope in scopes:
        codes_by_kind.setdefault(scope.territory_kind, set()).add(scope.territory_code)

    names, populations = {}, {}
    for kind, codes in codes_by_kind.items():
        model, commune_path = _KINDS[TerritoryKind(kind)]
        names[kind] = {obj.pk: obj.name for obj in model.objects.filter(pk__in=codes)}
        # Arrondissements are counted within their commune, never twice.
        rows = (
            Commune.objects.filter(kind=CommuneKind.COMMUNE, **{f"{commune_path}__in": codes})
            .values(commune_path)
            .annotate(total=Sum("population"))
            .order_by()
        )
        populations[kind] = {row[commune_path]: row["total"] for row in rows}

    return [
        ScopeTerritory(
            kind_label=scope.get_territory_kind_display(),
            code=scope.territory_code,
            name=names[scope.territory_kind].get(scope.territory_code, "Territoire inconnu"),
            population=populations[scope.territory_kind].get(scope.territory_code),
        )
        for scope in scopes
    ]
