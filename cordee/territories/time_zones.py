"""Time zone of each département (and collectivité d'outre-mer) whose local time is not Europe/Paris's.

The standard library only: ``data/build.py`` reads this table to write the ``fuseau_horaire`` column of
``departements.csv``. Used through ``cordee.territories.local_time``.
"""

DEFAULT_TIME_ZONE = "Europe/Paris"
# Département (or collectivité) code → IANA time zone, for those not on Europe/Paris.
TIME_ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}
