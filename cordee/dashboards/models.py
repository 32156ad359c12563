"""Exports of a dashboard that run in the background (more than a few thousand activities)."""

from django.conf import settings
from django.db import models

from cordee.core.models import BackgroundTask
from cordee.dashboards.measures import NARROW, WIDE


class ExportWhat(models.TextChoices):
    ACTIVITIES = "activities", "Activités"
    AGGREGATES = "aggregates", "Statistiques"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (tableur)"


class DashboardExport(BackgroundTask):
    """A file of a dashboard's activities or figures; state, progress and file: ``BackgroundTask``."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.CASCADE,
        related_name="dashboard_exports",
    )
    scope_ref = models.CharField("périmètre", max_length=40)
    query = models.CharField("filtres", max_length=2000, blank=True)
    what = models.CharField("contenu", max_length=10, choices=ExportWhat.choices)
    file_format = models.CharField("format", max_length=4, choices=ExportFormat.choices)
    row_count = models.PositiveIntegerField("lignes", default=0)

    class Meta:
        verbose_name = "export de tableau de bord"
        verbose_name_plural = "exports de tableaux de bord"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Export {self.get_what_display()} {self.scope_ref} ({self.file_format})"


# --- Rollups (cordee.dashboards.rollups) ---
#
# Sums of the activity rows at a few grains, kept equal to the rows by database triggers. Dimensions are plain
# columns, not foreign keys: 0 (or "") stands for « none », so that every combination is one row.


def _measure_fields(measures):
    fields = {}
    for measure in measures:
        fields[measure.column] = models.BigIntegerField(default=0)
    return fields


class _Narrow(models.Model):
    class Meta:
        abstract = True


class _Wide(models.Model):
    class Meta:
        abstract = True


for _name, _field in _measure_fields(NARROW).items():
    _Narrow.add_to_class(_name, _field)
for _name, _field in _measure_fields(WIDE).items():
    _Wide.add_to_class(_name, _field)


def _id():
    return models.BigIntegerField(default=0)


def _code(length):
    return models.CharField(max_length=length, default="", blank=True)


# The territory's dimensions, last in every rollup's key (the order of a key is that of its index).
TERRITORY_DIMENSIONS = ["departement_code", "region_code", "kind", "source", "is_conseiller_numerique"]


class _Dimensions(models.Model):
    """The territory's dimensions every rollup has; ``period`` names its date column (month or day)."""

    period = "month"
    departement_code = _code(3)
    region_code = _code(3)
    kind = _code(20)
    source = _code(12)
    is_conseiller_numerique = models.BooleanField(default=False)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{getattr(self, self.period)} : {self.activities} activités"


class MonthlyTerritoryRollup(_Dimensions, _Wide):
    """Every measure by month, département, région, kind, source and conseiller numérique: territories."""

    month = models.DateField()

    class Meta:
        db_table = "dashboards_rollup_month_territory"
        constraints = [
            models.UniqueConstraint(
                fields=["month", *TERRITORY_DIMENSIONS],
                name="rollup_month_territory_key",
            )
        ]
        indexes = [models.Index(fields=["departement_code", "month"], name="rollup_month_territory_dep")]


class MonthlyMediatorRollup(_Dimensions, _Wide):
    """Every measure by month, mediator, structure and the territory's dimensions: mediators and structures."""

    month = models.DateField()
    mediator_id = _id()
    structure_id = _id()

    class Meta:
        db_table = "dashboards_rollup_month_mediator"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "mediator_id",
                    "structure_id",
                    *TERRITORY_DIMENSIONS,
                ],
                name="rollup_month_mediator_key",
            )
        ]
        indexes = [
            models.Index(fields=["mediator_id", "month"], name="rollup_month_mediator_med"),
            models.Index(fields=["structure_id", "month"], name="rollup_month_mediator_str"),
            models.Index(fields=["departement_code", "month"], name="rollup_month_mediator_dep"),
        ]


class DailyRollup(_Dimensions, _Narrow):
    """Activities, participants and minutes by day and the territory's dimensions: the daily trend."""

    period = "day"
    day = models.DateField()

    class Meta:
        db_table = "dashboards_rollup_day"
        constraints = [
            models.UniqueConstraint(
                fields=["day", *TERRITORY_DIMENSIONS],
                name="rollup_day_key",
            )
        ]
        indexes = [models.Index(fields=["departement_code", "day"], name="rollup_day_dep")]


class MonthlyPlaceRollup(_Dimensions, _Narrow):
    """Activities, participants and minutes by month, place and commune: the most active places and communes."""

    month = models.DateField()
    place_id = _id()
    commune_id = _code(5)
    structure_id = _id()

    class Meta:
        db_table = "dashboards_rollup_month_place"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "place_id",
                    "commune_id",
                    "structure_id",
                    *TERRITORY_DIMENSIONS,
                ],
                name="rollup_month_place_key",
            )
        ]
        indexes = [
            models.Index(fields=["departement_code", "month"], name="rollup_month_place_dep"),
            models.Index(fields=["structure_id", "month"], name="rollup_month_place_str"),
        ]


class MonthlyTagRollup(_Dimensions, _Narrow):
    """Activities, participants and minutes by month and tag (an activity counts in each of its tags)."""

    month = models.DateField()
    tag_id = _id()
    mediator_id = _id()
    structure_id = _id()

    class Meta:
        db_table = "dashboards_rollup_month_tag"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "tag_id",
                    "mediator_id",
                    "structure_id",
                    *TERRITORY_DIMENSIONS,
                ],
                name="rollup_month_tag_key",
            )
        ]
        indexes = [models.Index(fields=["structure_id", "month"], name="rollup_month_tag_str")]
