"""Territories from the INSEE Code officiel géographique, with the digital fragility index."""

from typing import NamedTuple

from django.db import models
from django.db.models import Q

from cordee.territories import geo
from cordee.territories.enums import CommuneKind, EpciKind, TerritoryKind
from cordee.territories.normalize import search_key

# Abbreviations people type for the words that start so many commune names: "st etienne" → Saint-Étienne.
SEARCH_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


class TerritoryRef(NamedTuple):
    """A territory designated by its kind and its code (INSEE code, or SIREN for an EPCI)."""

    kind: TerritoryKind
    code: str
    name: str


class FragilityScores(models.Model):
    """Digital fragility index (La MedNum): five variables scored 1–10 and their mean."""

    fragility_no_thd = models.FloatField("sans très haut débit", null=True, blank=True)
    fragility_no_4g = models.FloatField("sans 4G", null=True, blank=True)
    fragility_poverty = models.FloatField("taux de pauvreté", null=True, blank=True)
    fragility_older_65 = models.FloatField("part des 65 ans et plus", null=True, blank=True)
    fragility_no_diploma = models.FloatField("part des non-diplômés", null=True, blank=True)
    fragility_total = models.FloatField("indice de fragilité numérique", null=True, blank=True)

    class Meta:
        abstract = True


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def territory(self):
        return TerritoryRef(TerritoryKind.REGION, self.code, self.name)


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def territory(self):
        return TerritoryRef(TerritoryKind.DEPARTEMENT, self.code, self.name)


class Epci(FragilityScores):
    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=5, choices=EpciKind.choices)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def territory(self):
        return TerritoryRef(TerritoryKind.EPCI, self.siren, self.name)


# The one definition of "this commune is in that territory": the commune fields holding each kind's code.
# A commune's territory also holds its arrondissements (Paris, Lyon, Marseille), hence its parent.
# ``territory_q`` (SQL) and ``commune_in_territory`` (Python, on a loaded commune) both read it.
TERRITORY_PATHS = {
    TerritoryKind.REGION: ("departement__region_id",),
    TerritoryKind.DEPARTEMENT: ("departement_id",),
    TerritoryKind.EPCI: ("epci_id",),
    TerritoryKind.COMMUNE: ("code_insee", "parent_id"),
}


def _paths(kind):
    try:
        return TERRITORY_PATHS[kind]
    except KeyError:
        raise ValueError(f"Type de territoire inconnu : {kind!r}") from None


def territory_q(kind, code, prefix=""):
    """Q object selecting the communes (and municipal arrondissements) of one territory.

    ``prefix`` lets another model filter through its relation to Commune,
    e.g. ``Place.objects.filter(territory_q(kind, code, "commune_ref__"))``.
    """
    first, *others = _paths(kind)
    condition = Q(**{f"{prefix}{first}": code})
    for path in others:
        condition |= Q(**{f"{prefix}{path}": code})
    return condition


def territories_q(territories, prefix=""):
    """Q object selecting the communes of any of the (kind, code) pairs given (nothing if none)."""
    condition = Q(pk__in=[])
    for kind, code, *_ in territories:
        condition |= territory_q(kind, code, prefix)
    return condition


def commune_in_territory(commune, kind, code) -> bool:
    """Whether a loaded commune lies in the territory (same rule as ``territory_q``)."""
    if commune is None:
        return False
    for path in _paths(kind):
        value = commune
        for step in path.split("__"):
            value = getattr(value, step, None)
        if value == code:
            return True
    return False


class CommuneQuerySet(models.QuerySet):
    def only_communes(self):
        """Without the municipal arrondissements of Paris, Lyon and Marseille."""
        return self.filter(kind=CommuneKind.COMMUNE)

    def by_code_insee(self, code_insee):
        return self.filter(code_insee=code_insee)

    def by_postal_code(self, postal_code):
        """Communes served by a postal code (often several), the most populated first."""
        return self.filter(postal_code_rows__code=postal_code).order_by("-population", "name", "code_insee")

    def autocomplete(self, text):
        """Accent- and case-insensitive search on the start of the words of the name, the most populated first.

        Every word typed must start a word of the name: "st etienne", "saint-étienne" and "SAINT ET" all find
        Saint-Étienne. Slice the result to limit it.
        """
        words = search_key(text).split()
        if not words:
            return self.none()
        queryset = self
        for word in words:
            condition = Q()
            for variant in {word, SEARCH_ABBREVIATIONS.get(word, word)}:
                condition |= Q(search_name__startswith=variant) | Q(search_name__contains=f" {variant}")
            queryset = queryset.filter(condition)
        return queryset.order_by("-population", "name", "code_insee")

    def in_territory(self, kind, code):
        """Communes (and arrondissements) of a région, département, EPCI or commune."""
        return self.filter(territory_q(kind, code))

    def in_territories(self, territories):
        """Communes of any of the (kind, code) pairs given, e.g. a coordinator's scope."""
        return self.filter(territories_q(territories))

    def nearest(self, latitude, longitude, max_distance_km=100.0):
        """The commune whose centre is the nearest to the point, or None if none is within max_distance_km.

        A bounding box on the indexed latitude/longitude keeps the candidates few; the exact distance is computed
        in Python. The result carries a ``distance_km`` attribute.
        """
        radius = min(5.0, max_distance_km)
        while True:
            min_lat, max_lat, min_lon, max_lon = geo.bounding_box(latitude, longitude, radius)
            candidates = self.filter(
                latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
            ).values_list("code_insee", "latitude", "longitude")
            best = min(
                ((geo.haversine_km(latitude, longitude, lat, lon), code) for code, lat, lon in candidates),
                default=None,
            )
            # Only a candidate within the radius is sure to be the nearest: the box holds the whole circle.
            if best is not None and best[0] <= radius:
                break
            if radius >= max_distance_km:
                if best is None or best[0] > max_distance_km:
                    return None
                break
            radius = min(max_distance_km, max(radius * 2, best[0] if best else 0))
        commune = self.get(code_insee=best[1])
        commune.distance_km = best[0]
        return commune


class Commune(FragilityScores):
    code_insee = models.CharField("code INSEE", max_length=5, primary_key=True)
    kind = models.CharField("type", max_length=3, choices=CommuneKind.choices, default=CommuneKind.COMMUNE)
    name = models.CharField("nom", max_length=150)
    search_name = models.CharField(
        "nom normalisé", max_length=150, db_index=True, help_text="Sans accents ni majuscules, pour la recherche."
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="communes", null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="arrondissements",
        null=True,
        blank=True,
        help_text="Pour un arrondissement municipal (Paris, Lyon, Marseille) : sa commune.",
    )
    population = models.PositiveIntegerField("population municipale", default=0)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True, help_text="Séparés par « | ».")

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="commune_point_idx"),
            models.Index(fields=["-population"], name="commune_population_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.departement_id})"

    @property
    def postal_code_list(self):
        return [code for code in self.postal_codes.split("|") if code]

    @property
    def territory(self):
        return TerritoryRef(TerritoryKind.COMMUNE, self.code_insee, self.name)

    @property
    def region(self):
        return self.departement.region

    def hierarchy(self):
        """This commune and the territories holding it, from the smallest: (parent commune,) EPCI, département,
        région."""
        chain = [self.territory]
        if self.parent_id:
            chain.append(self.parent.territory)
        if self.epci_id:
            chain.append(self.epci.territory)
        chain += [self.departement.territory, self.region.territory]
        return chain

    def is_in_territory(self, kind, code):
        return commune_in_territory(self, kind, code)


class PostalCode(models.Model):
    """One row per (postal code, commune): a postal code may serve several communes and the reverse."""

    code = models.CharField("code postal", max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_code_rows")

    class Meta:
        verbose_name = "code postal"
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="postalcode_unique")]

    def __str__(self):
        return self.code
