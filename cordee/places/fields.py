"""How a place stores its multi-valued closed lists: a JSON list (display, export) plus an integer bitmask.

The bitmask gives fast "has all of these" filters on SQLite and PostgreSQL. The national standard's
French names for these fields live in ``cordee.aggregation.standard``.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db import models

from cordee.places import enums


@dataclass(frozen=True)
class MultiEnumField:
    """A multi-valued field whose values come from a closed list, stored as a JSON list plus a bitmask."""

    field: str
    choices: type[models.TextChoices]
    mask_field: str | None = None

    @cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(self.choices.values)

    @cached_property
    def bits(self) -> dict[str, int]:
        return {value: 1 << index for index, value in enumerate(self.values)}

    def mask(self, values) -> int:
        mask = 0
        for value in values or ():
            mask |= self.bits.get(value, 0)
        return mask

    def ordered(self, values) -> list[str]:
        """Known values, without duplicates, in the standard's order."""
        present = set(values)
        return [value for value in self.values if value in present]


MULTI_ENUM_FIELDS = [
    MultiEnumField("services", enums.Service, "services_mask"),
    MultiEnumField("publics", enums.Public, "publics_mask"),
    MultiEnumField("specific_support", enums.SpecificSupport, "specific_support_mask"),
    MultiEnumField("fees", enums.Fee, "fees_mask"),
    MultiEnumField("national_programmes", enums.NationalProgramme, "national_programmes_mask"),
    MultiEnumField("training_labels", enums.TrainingLabel),
    MultiEnumField("access_modes", enums.AccessMode, "access_modes_mask"),
    MultiEnumField("support_modes", enums.SupportMode, "support_modes_mask"),
    MultiEnumField("mobility", enums.Mobility),
]
MULTI_ENUM_BY_FIELD = {spec.field: spec for spec in MULTI_ENUM_FIELDS}
