import math

import pytest

from cordee.territories import geo
from cordee.territories.enums import CommuneKind, TerritoryKind
from cordee.territories.lookups import find_territory, get_territory
from cordee.territories.models import Commune, Departement, Epci
from tests.territories.factories import CommuneFactory


def test_haversine_km():
    paris, marseille = (48.8566, 2.3522), (43.2965, 5.3698)
    assert geo.haversine_km(*paris, *marseille) == pytest.approx(660.5, abs=1)
    assert geo.haversine_km(*marseille, *paris) == geo.haversine_km(*paris, *marseille)
    assert geo.haversine_km(*paris, *paris) == 0
    # A quarter of a meridian
    assert geo.haversine_km(0, 0, 90, 0) == pytest.approx(math.pi * geo.EARTH_RADIUS_KM / 2)


def test_bounding_box_holds_the_circle():
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(46.17, 1.87, 10)
    assert geo.haversine_km(46.17, 1.87, max_lat, 1.87) == pytest.approx(10)
    assert geo.haversine_km(46.17, 1.87, 46.17, max_lon) >= 10
    # The box edge touches the circle where the circle is the widest (a bit north of the centre).
    widest = min(geo.haversine_km(46.17, 1.87, 46.17 + i / 1000, max_lon) for i in range(-100, 101))
    assert widest == pytest.approx(10, rel=1e-3)
    assert widest >= 10 - 1e-6
    assert (min_lat, min_lon) == (pytest.approx(46.17 - (max_lat - 46.17)), pytest.approx(1.87 - (max_lon - 1.87)))
    assert geo.bounding_box(89.99, 0, 10)[2:] == (-180.0, 180.0)


@pytest.fixture
def creuse(db):
    gueret = CommuneFactory(fragile=True)
    sainte_feyre = CommuneFactory(
        code_insee="23193",
        name="Sainte-Feyre",
        population=2300,
        latitude=46.139,
        longitude=1.914,
        postal_codes="23000",
        departement=gueret.departement,
        epci=gueret.epci,
    )
    return gueret, sainte_feyre


def test_nearest(creuse):
    gueret, sainte_feyre = creuse
    assert Commune.objects.nearest(46.172, 1.872) == gueret
    nearest = Commune.objects.nearest(46.14, 1.92)
    assert nearest == sainte_feyre
    assert nearest.distance_km == pytest.approx(geo.haversine_km(46.14, 1.92, 46.139, 1.914))
    # Found beyond the first search radius
    assert Commune.objects.nearest(46.6, 1.87) == gueret
    assert Commune.objects.nearest(46.6, 1.87, max_distance_km=20) is None
    assert Commune.objects.exclude(pk=gueret.pk).nearest(46.172, 1.872) == sainte_feyre


def test_nearest_ignores_communes_without_a_point(creuse):
    Commune.objects.update(latitude=None, longitude=None)
    assert Commune.objects.nearest(46.172, 1.872) is None


def test_postal_code_and_code_insee(creuse):
    gueret, sainte_feyre = creuse
    assert list(Commune.objects.by_postal_code("23000")) == [gueret, sainte_feyre]
    assert list(Commune.objects.by_code_insee("23193")) == [sainte_feyre]
    assert gueret.postal_code_list == ["23000"]


def test_autocomplete(creuse):
    gueret, sainte_feyre = creuse
    assert list(Commune.objects.autocomplete("ste feyre")) == [sainte_feyre]
    assert list(Commune.objects.autocomplete("FEY")) == [sainte_feyre]
    assert list(Commune.objects.autocomplete("eyre")) == []  # words must start with what is typed
    assert list(Commune.objects.autocomplete(" - ")) == []
    assert list(Commune.objects.autocomplete("")) == []


def test_arrondissement_hierarchy(db):
    arrondissement = CommuneFactory(marseille_1er=True)
    marseille = arrondissement.parent
    assert arrondissement.kind == CommuneKind.ARRONDISSEMENT
    assert list(marseille.arrondissements.all()) == [arrondissement]
    assert [ref.code for ref in arrondissement.hierarchy()] == ["13201", "13055", "200054807", "13", "93"]
    assert set(Commune.objects.in_territory(TerritoryKind.COMMUNE, "13055")) == {marseille, arrondissement}
    assert list(Commune.objects.in_territory(TerritoryKind.COMMUNE, "13055").only_communes()) == [marseille]


def test_hierarchy_without_epci(db):
    commune = CommuneFactory(without_epci=True, code_insee="22016", name="Île-de-Bréhat")
    assert [ref.kind for ref in commune.hierarchy()] == [
        TerritoryKind.COMMUNE,
        TerritoryKind.DEPARTEMENT,
        TerritoryKind.REGION,
    ]


@pytest.mark.parametrize(
    "kind,code,inside",
    [
        (TerritoryKind.REGION, "75", True),
        (TerritoryKind.REGION, "93", False),
        (TerritoryKind.DEPARTEMENT, "23", True),
        (TerritoryKind.DEPARTEMENT, "13", False),
        (TerritoryKind.EPCI, "200067213", True),
        (TerritoryKind.EPCI, "200054807", False),
        (TerritoryKind.COMMUNE, "23096", True),
        (TerritoryKind.COMMUNE, "13055", False),
    ],
)
def test_membership_agrees_with_in_territory(creuse, kind, code, inside):
    gueret, _ = creuse
    CommuneFactory(marseille=True)
    assert gueret.is_in_territory(kind, code) is inside
    assert Commune.objects.in_territory(kind, code).filter(pk=gueret.pk).exists() is inside


def test_in_territories(creuse):
    marseille = CommuneFactory(marseille=True)
    scope = [(TerritoryKind.EPCI, "200067213"), (TerritoryKind.COMMUNE, "13055")]
    assert set(Commune.objects.in_territories(scope)) == {*creuse, marseille}
    assert list(Commune.objects.in_territories([])) == []


def test_unknown_territory_kind(creuse):
    with pytest.raises(ValueError, match="Type de territoire inconnu"):
        Commune.objects.in_territory("canton", "2301")
    with pytest.raises(ValueError, match="Type de territoire inconnu"):
        creuse[0].is_in_territory("canton", "2301")
    with pytest.raises(ValueError, match="Type de territoire inconnu"):
        get_territory("canton", "2301")


def test_get_territory(creuse):
    assert get_territory(TerritoryKind.DEPARTEMENT, "23").name == "Creuse"
    assert get_territory("epci", "200067213").name == "CA du Grand Guéret"
    assert get_territory("commune", "23096").fragility_total == 7.0
    assert find_territory(TerritoryKind.REGION, "93") is None
    with pytest.raises(Departement.DoesNotExist):
        get_territory(TerritoryKind.DEPARTEMENT, "13")
    assert Epci.objects.get().territory == (TerritoryKind.EPCI, "200067213", "CA du Grand Guéret")
