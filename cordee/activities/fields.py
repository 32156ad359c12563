"""The activity's multi-valued closed lists: a JSON list (display, export) plus an integer bitmask (filters).

Built on ``cordee.places.fields.MultiEnumField``: a value's bit is its position in the enum.
"""

from cordee.activities import enums
from cordee.places.fields import MultiEnumField

THEMES = MultiEnumField("themes", enums.Theme, "themes_mask")
ADMIN_SUBTHEMES = MultiEnumField("admin_subthemes", enums.AdminSubTheme, "admin_subthemes_mask")
EQUIPMENT = MultiEnumField("equipment", enums.Equipment, "equipment_mask")
REDIRECTIONS = MultiEnumField("redirections", enums.Redirection, "redirections_mask")

MULTI_ENUM_FIELDS = [THEMES, ADMIN_SUBTHEMES, EQUIPMENT, REDIRECTIONS]
MULTI_ENUM_BY_FIELD = {spec.field: spec for spec in MULTI_ENUM_FIELDS}
