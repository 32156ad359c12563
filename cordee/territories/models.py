"""Territories from the INSEE Code officiel géographique, with the digital fragility index."""

from django.db import models

from cordee.territories.enums import CommuneKind, EpciKind


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


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


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


class CommuneQuerySet(models.QuerySet):
    pass


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


class PostalCode(models.Model):
    """One row per (postal code, commune): a postal code may serve several communes and the reverse."""

    code = models.CharField("code postal", max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_code_rows")

    class Meta:
        verbose_name = "code postal"
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="postalcode_unique")]

    def __str__(self):
        return self.code
