"""The directory of digital mediation places ("lieux de médiation numérique").

Fields follow the national standard v1.0.x with English names; ``cordee.aggregation.standard`` maps them
to the standard's French names. Multi-valued closed lists are stored twice: a JSON list (display, export)
and an integer bitmask (fast "has all of these" filters on SQLite and PostgreSQL).
"""

import hashlib

from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from cordee.places import enums, hours
from cordee.places.fields import MULTI_ENUM_BY_FIELD, MULTI_ENUM_FIELDS
from cordee.territories.normalize import departement_code_from, search_key

WEEK_MINUTES = 7 * 24 * 60


def identity_key(name, address, latitude, longitude) -> str:
    """Equal for two rows with the same name, address and position (to about a metre), whatever the case,
    accents and spacing."""
    position = "" if latitude is None or longitude is None else f"{latitude:.5f},{longitude:.5f}"
    text = "|".join([search_key(name or ""), search_key(address or ""), position])
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class PlaceQuerySet(models.QuerySet):
    def without_copies(self):
        """One row per place: a place identical to an older one (``identity_key``) is left out."""
        older_copy = Place.objects.filter(identity_key=OuterRef("identity_key"), pk__lt=OuterRef("pk"))
        return self.exclude(Exists(older_copy))

    def _with_all(self, field, values):
        spec = MULTI_ENUM_BY_FIELD[field]
        mask = spec.mask(values)
        if not mask:
            return self
        return self.alias(**{f"_{field}_match": F(spec.mask_field).bitand(mask)}).filter(**{f"_{field}_match": mask})

    def with_services(self, services):
        """Places offering every one of these services (values of ``enums.Service``)."""
        return self._with_all("services", services)

    def with_publics(self, publics):
        return self._with_all("publics", publics)

    def with_prise_en_charge(self, supports):
        return self._with_all("specific_support", supports)

    def with_frais(self, fees):
        return self._with_all("fees", fees)

    def with_modalites_accompagnement(self, modes):
        return self._with_all("support_modes", modes)

    def with_dispositifs(self, programmes):
        return self._with_all("national_programmes", programmes)

    def accepting_pass_numerique(self):
        return self.filter(accepts_pass_numerique=True)

    def qualified(self):
        return self.filter(qualification_state=enums.QualificationState.QUALIFIED)

    def in_bbox(self, south, west, north, east):
        """Places whose point lies in the box (latitudes south..north, longitudes west..east)."""
        return self.filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)

    def in_departement(self, code):
        return self.filter(departement_code=code)

    def with_valid_hours(self):
        return self.filter(hours_status=enums.HoursStatus.VALID)


class Place(models.Model):
    # Provenance: (source_name, source_id) is stable across re-imports of a source.
    source_name = models.CharField("source", max_length=100)
    source_id = models.CharField("identifiant dans la source", max_length=200)
    # What the last import wrote (hash of the validated row): an unchanged row is not rewritten.
    source_fingerprint = models.CharField("empreinte de la ligne importée", max_length=64, blank=True, editable=False)
    # Same name, address and position (normalised): the same place loaded twice. The search shows the oldest
    # copy only (PlaceQuerySet.without_copies); no "duplicate of" link to maintain.
    identity_key = models.CharField("clé d'identité", max_length=40, blank=True, editable=False)

    # Fields of the standard v1.0.x
    pivot = models.CharField("SIRET, RNA ou RIDET", max_length=20, blank=True)
    name = models.CharField("nom", max_length=255)
    search_name = models.CharField(
        "nom normalisé", max_length=255, blank=True, editable=False, help_text="Sans accents ni majuscules."
    )
    commune_name = models.CharField("commune", max_length=150, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    code_insee = models.CharField("code INSEE", max_length=5, blank=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    address_complement = models.CharField("complément d'adresse", max_length=255, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    typologies = models.JSONField("typologie", default=list, blank=True)
    phones = models.JSONField("téléphones", default=list, blank=True, help_text="Au format E.164.")
    emails = models.JSONField("courriels", default=list, blank=True)
    websites = models.JSONField("sites web", default=list, blank=True)
    opening_hours = models.TextField(
        "horaires", blank=True, help_text="Au format OpenStreetMap opening_hours, ex. « Mo-Fr 09:00-12:00 »."
    )
    summary = models.TextField("présentation résumée", blank=True)
    description = models.TextField("présentation détaillée", blank=True)
    original_source = models.CharField("source indiquée", max_length=255, blank=True)
    mobility = models.JSONField("itinérance", default=list, blank=True)
    parent_structure = models.CharField("structure parente", max_length=255, blank=True)
    source_updated_on = models.DateField("date de mise à jour", null=True, blank=True)
    services = models.JSONField("services", default=list, blank=True)
    publics = models.JSONField("publics spécifiquement adressés", default=list, blank=True)
    specific_support = models.JSONField("prise en charge spécifique", default=list, blank=True)
    fees = models.JSONField("frais à charge", default=list, blank=True)
    national_programmes = models.JSONField("dispositifs et programmes nationaux", default=list, blank=True)
    training_labels = models.JSONField("formations et labels", default=list, blank=True)
    other_training_labels = models.TextField("autres formations et labels", blank=True)
    access_modes = models.JSONField("modalités d'accès", default=list, blank=True)
    support_modes = models.JSONField("modalités d'accompagnement", default=list, blank=True)
    accessibility_url = models.URLField("fiche Accès libre", max_length=500, blank=True)
    booking_url = models.URLField("prise de rendez-vous", max_length=500, blank=True)
    # Values of the closed lists that an import could not read, by the standard's column name: kept for the
    # place's managers ({"services": ["Cuisine"]}), never silently dropped.
    unrecognised_values = models.JSONField("valeurs non reconnues", default=dict, blank=True)

    # Bitmasks of the multi-valued fields, kept in step by refresh_derived_fields().
    services_mask = models.IntegerField(default=0, editable=False)
    publics_mask = models.IntegerField(default=0, editable=False)
    specific_support_mask = models.IntegerField(default=0, editable=False)
    fees_mask = models.IntegerField(default=0, editable=False)
    national_programmes_mask = models.IntegerField(default=0, editable=False)
    access_modes_mask = models.IntegerField(default=0, editable=False)
    support_modes_mask = models.IntegerField(default=0, editable=False)

    # Our own fields
    accepts_pass_numerique = models.BooleanField("accepte le Pass numérique", default=False)
    structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name="structure gestionnaire",
    )
    commune_ref = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name="commune (référentiel)",
    )
    departement_code = models.CharField("département", max_length=3, blank=True, editable=False)
    coordinates_precision = models.CharField(
        "précision de la position",
        max_length=10,
        choices=enums.CoordinatesPrecision.choices,
        default=enums.CoordinatesPrecision.UNKNOWN,
    )
    location_warning = models.CharField(
        "localisation à vérifier",
        max_length=500,
        blank=True,
        editable=False,
        help_text="Commune corrigée ou douteuse, coordonnées loin de la commune : dit aux gestionnaires du lieu.",
    )
    qualification_state = models.CharField(
        "qualification",
        max_length=20,
        choices=enums.QualificationState.choices,
        default=enums.QualificationState.NOT_REQUESTED,
    )
    completeness = models.PositiveSmallIntegerField("complétude (%)", default=0, editable=False)
    siret_status = models.CharField(
        "statut de l'identifiant", max_length=12, choices=enums.SiretStatus.choices, default=enums.SiretStatus.MISSING
    )
    hours_status = models.CharField(
        "statut des horaires", max_length=10, choices=enums.HoursStatus.choices, default=enums.HoursStatus.NONE
    )
    hours_warning = models.CharField("problème des horaires", max_length=500, blank=True)
    hours_need_parser = models.BooleanField(
        "horaires dépendant des dates",
        default=False,
        help_text="Mois, semaines, dates : la semaine type ne suffit pas à dire si le lieu est ouvert.",
    )
    hours_on_holidays = models.BooleanField(
        "horaires particuliers les jours fériés",
        default=False,
        help_text="Règle pour les jours fériés (PH) : ces jours-là, la semaine type ne suffit pas.",
    )
    # The typical week in half-hour masks per day (see hours.day_slot_masks), kept in step with the intervals.
    hours_full_0 = models.BigIntegerField(default=0, editable=False)
    hours_full_1 = models.BigIntegerField(default=0, editable=False)
    hours_full_2 = models.BigIntegerField(default=0, editable=False)
    hours_full_3 = models.BigIntegerField(default=0, editable=False)
    hours_full_4 = models.BigIntegerField(default=0, editable=False)
    hours_full_5 = models.BigIntegerField(default=0, editable=False)
    hours_full_6 = models.BigIntegerField(default=0, editable=False)
    hours_partial_0 = models.BigIntegerField(default=0, editable=False)
    hours_partial_1 = models.BigIntegerField(default=0, editable=False)
    hours_partial_2 = models.BigIntegerField(default=0, editable=False)
    hours_partial_3 = models.BigIntegerField(default=0, editable=False)
    hours_partial_4 = models.BigIntegerField(default=0, editable=False)
    hours_partial_5 = models.BigIntegerField(default=0, editable=False)
    hours_partial_6 = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source_name", "source_id"], name="place_source_unique"),
            models.CheckConstraint(condition=Q(completeness__lte=100), name="place_completeness_lte_100"),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="place_point_idx"),
            models.Index(fields=["identity_key", "id"], name="place_identity_idx"),
            # Rows of an import identical to places already present (cordee.aggregation.importing.importer).
            models.Index(fields=["search_name"], name="place_search_name_idx"),
            # Search around a point with the common filters, read from the index only (count, candidates).
            models.Index(
                fields=[
                    "latitude",
                    "longitude",
                    "services_mask",
                    "accepts_pass_numerique",
                    "hours_status",
                    "hours_need_parser",
                ],
                name="place_point_filters_idx",
            ),
            # "Open at" around a point on day d, read from the index only.
            *[
                models.Index(
                    fields=[
                        "latitude",
                        "longitude",
                        "hours_status",
                        "hours_need_parser",
                        "hours_on_holidays",
                        f"hours_full_{day}",
                        f"hours_partial_{day}",
                        "id",  # for the check of the partly open slots, still without reading the table
                    ],
                    name=f"place_open_day{day}_idx",
                )
                for day in range(7)
            ],
            models.Index(fields=["code_insee"], name="place_code_insee_idx"),
            models.Index(fields=["departement_code"], name="place_departement_idx"),
            models.Index(fields=["accepts_pass_numerique"], name="place_pass_numerique_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.assess_hours()
        self.refresh_derived_fields()
        super().save(*args, **kwargs)
        store_opening_intervals([self])

    def assess_hours(self):
        """Parse ``opening_hours``: sets the hours status, warning and flag, and keeps the typical week
        for ``store_opening_intervals``."""
        assessment = hours.assess(self.opening_hours, self.latitude, self.longitude)
        self.hours_status = assessment.status
        self.hours_warning = assessment.warning
        self.hours_need_parser = assessment.need_parser
        self.hours_on_holidays = assessment.holidays
        self._weekly_intervals = assessment.intervals
        return assessment

    def refresh_derived_fields(self):
        """Masks, département and completeness: call after assess_hours() and before
        bulk_create/bulk_update (save() does both)."""
        for spec in MULTI_ENUM_FIELDS:
            if spec.mask_field:
                setattr(self, spec.mask_field, spec.mask(getattr(self, spec.field)))
        self.departement_code = departement_code_from(self.code_insee, self.postal_code)
        self.search_name = search_key(self.name)
        self.identity_key = identity_key(self.name, self.address, self.latitude, self.longitude)
        self.completeness = self.compute_completeness()
        intervals = getattr(self, "_weekly_intervals", None)
        if intervals is not None:
            full, partial = hours.day_slot_masks(intervals)
            for day in range(7):
                setattr(self, f"hours_full_{day}", full[day])
                setattr(self, f"hours_partial_{day}", partial[day])

    def compute_completeness(self) -> int:
        """Share (0–100) of the fields a person looking for help relies on that are filled."""
        checks = [
            bool(self.name),
            bool(self.address),
            bool(self.postal_code and self.code_insee),
            self.coordinates_precision == enums.CoordinatesPrecision.ADDRESS,
            bool(self.phones or self.emails),
            bool(self.websites or self.booking_url),
            self.hours_status == enums.HoursStatus.VALID,
            bool(self.summary or self.description),
            bool(self.services),
            bool(self.support_modes),
            bool(self.access_modes),
            bool(self.fees),
            bool(self.publics or self.specific_support),
            bool(self.accessibility_url),
            self.siret_status in (enums.SiretStatus.VALID, enums.SiretStatus.RNA),
            self.source_updated_on is not None,
        ]
        return round(100 * sum(checks) / len(checks))

    @property
    def has_point(self):
        return self.latitude is not None and self.longitude is not None


def store_opening_intervals(places):
    """Replace the typical-week intervals of saved places (after ``assess_hours``), in bulk."""
    places = [place for place in places if place.pk]
    if not places:
        return
    PlaceOpeningInterval.objects.filter(place__in=[place.pk for place in places]).delete()
    rows = []
    for place in places:
        intervals = getattr(place, "_weekly_intervals", None)
        if intervals is None:
            intervals = place.assess_hours().intervals
        rows.extend(
            PlaceOpeningInterval(place_id=place.pk, start_minute=start, end_minute=end) for start, end in intervals
        )
    PlaceOpeningInterval.objects.bulk_create(rows, batch_size=2000)


class PlaceOpeningInterval(models.Model):
    """One open interval of a place's typical week, in minutes from Monday 00:00 (0..10080).

    Precomputed from ``Place.opening_hours`` so that "open now" is a plain SQL filter. When
    ``Place.hours_need_parser`` is true, the typical week is only an approximation: check with
    ``cordee.places.hours.is_open_at``.
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="opening_intervals")
    start_minute = models.PositiveIntegerField("début (minutes depuis lundi 0 h)")
    end_minute = models.PositiveIntegerField("fin (minutes depuis lundi 0 h)")

    class Meta:
        verbose_name = "plage d'ouverture"
        verbose_name_plural = "plages d'ouverture"
        ordering = ["place", "start_minute"]
        indexes = [
            models.Index(fields=["start_minute", "end_minute"], name="opening_interval_idx"),
            # "Open at": EXISTS (… WHERE place_id = … AND start_minute <= m AND end_minute > m), index only.
            models.Index(fields=["place", "start_minute", "end_minute"], name="opening_interval_place_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_minute__lt=F("end_minute")) & Q(end_minute__lte=WEEK_MINUTES),
                name="opening_interval_in_week",
            ),
        ]

    def __str__(self):
        return f"{self.place_id}: {self.start_minute}–{self.end_minute}"
