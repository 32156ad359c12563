"""Sync the territory tables with the files shipped in cordee/territories/data.

The sync computes a diff (added, changed, removed per level) against the database and applies it with bulk
queries. The caller owns the transaction (see the ``load_territories`` command).
"""

import csv
import gzip
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import available_timezones

from django.db import connection
from django.db.models import ProtectedError

from cordee.territories.enums import CommuneKind, EpciKind
from cordee.territories.models import Commune, Departement, Epci, PostalCode, Region
from cordee.territories.normalize import search_key

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = {
    "regions": "regions.csv",
    "departements": "departements.csv",
    "epci": "epci.csv.gz",
    "communes": "communes.csv.gz",
    "outre_mer": "collectivites-outre-mer.csv",
}
OVERSEAS_COLUMNS = [
    "code_insee",
    "nom",
    "collectivite_code",
    "collectivite_nom",
    "fuseau_horaire",
    "population",
    "latitude",
    "longitude",
    "codes_postaux",
]
FRAGILITY_FIELDS = {
    # shipped column → model field
    "fragilite_sans_thd": "fragility_no_thd",
    "fragilite_sans_4g": "fragility_no_4g",
    "fragilite_pauvrete": "fragility_poverty",
    "fragilite_65_ans_et_plus": "fragility_older_65",
    "fragilite_sans_diplome": "fragility_no_diploma",
    "fragilite_total": "fragility_total",
}
BATCH_SIZE = 1000


class TerritoryDataError(Exception):
    """A shipped data file is missing, unreadable or holds a bad value; the message is in French."""


@dataclass
class LevelDiff:
    label: str
    added: dict = field(default_factory=dict)  # key → field values
    changed: dict = field(default_factory=dict)  # key → {field: (old, new)}
    removed: list = field(default_factory=list)  # keys

    @property
    def has_changes(self):
        return bool(self.added or self.changed or self.removed)

    def summary(self):
        return f"{self.label} : {len(self.added)} ajout(s), {len(self.changed)} modification(s), " + (
            f"{len(self.removed)} suppression(s)"
        )


@dataclass
class TerritoryDiff:
    levels: dict  # name → LevelDiff, in loading order
    wanted: dict  # name → {key: field values}

    @property
    def has_changes(self):
        return any(level.has_changes for level in self.levels.values())

    @property
    def write_count(self):
        return sum(len(level.added) + len(level.changed) + len(level.removed) for level in self.levels.values())


# Reading and checking the files


class _Reader:
    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)

    def rows(self, name, columns):
        """(line number, row) of a shipped CSV file, after checking it can be read and has the columns."""
        path = self.data_dir / FILES[name]
        opener = gzip.open if path.suffix == ".gz" else open
        try:
            with opener(path, "rt", encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                missing = [column for column in columns if column not in (reader.fieldnames or [])]
                if missing:
                    raise TerritoryDataError(
                        f"Le fichier {path} n'a pas les colonnes attendues : {', '.join(missing)}."
                    )
                rows = list(enumerate(reader, start=2))
        except FileNotFoundError as exc:
            raise TerritoryDataError(f"Le fichier de données {path} est introuvable.") from exc
        except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
            raise TerritoryDataError(f"Le fichier de données {path} est illisible : {exc}.") from exc
        return path, rows


def _error(path, line, column, why):
    return TerritoryDataError(f"{path}, ligne {line}, colonne « {column} » : {why}.")


def _required(path, line, row, column):
    value = (row[column] or "").strip()
    if not value:
        raise _error(path, line, column, "valeur manquante")
    return value


def _float(path, line, row, column):
    value = (row[column] or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise _error(path, line, column, f"« {value} » n'est pas un nombre") from None


def _fragility(path, line, row):
    return {model_field: _float(path, line, row, column) for column, model_field in FRAGILITY_FIELDS.items()}


def read_territories(data_dir=DATA_DIR):
    """Read and check every shipped file; return {level: {key: field values}} and the postal code pairs."""
    reader = _Reader(data_dir)
    epci_kinds, commune_kinds = set(EpciKind.values), set(CommuneKind.values)

    path, rows = reader.rows("regions", ["code", "nom"])
    regions = {_required(path, n, row, "code"): {"name": _required(path, n, row, "nom")} for n, row in rows}

    path, rows = reader.rows("departements", ["code", "nom", "region_code", "fuseau_horaire"])
    departements = {}
    known_zones = available_timezones()
    for n, row in rows:
        region = _required(path, n, row, "region_code")
        if region not in regions:
            raise _error(path, n, "region_code", f"la région « {region} » n'existe pas dans {FILES['regions']}")
        zone = _required(path, n, row, "fuseau_horaire")
        if zone not in known_zones:
            raise _error(path, n, "fuseau_horaire", f"« {zone} » n'est pas un fuseau horaire IANA (ex. Europe/Paris)")
        departements[_required(path, n, row, "code")] = {
            "name": _required(path, n, row, "nom"),
            "region_id": region,
            "time_zone": zone,
        }

    overseas_path, overseas_rows = reader.rows("outre_mer", OVERSEAS_COLUMNS)
    for n, row in overseas_rows:
        # A collectivité d'outre-mer is its own région and département (INSEE code 975, 977, 978, 986, 987, 988).
        code = _required(overseas_path, n, row, "collectivite_code")
        zone = _required(overseas_path, n, row, "fuseau_horaire")
        if zone not in known_zones:
            raise _error(overseas_path, n, "fuseau_horaire", f"« {zone} » n'est pas un fuseau horaire IANA")
        name = _required(overseas_path, n, row, "collectivite_nom")
        regions.setdefault(code, {"name": name})
        departements.setdefault(code, {"name": name, "region_id": code, "time_zone": zone})

    path, rows = reader.rows("epci", ["siren", "nom", "type", *FRAGILITY_FIELDS])
    epcis = {}
    for n, row in rows:
        kind = _required(path, n, row, "type")
        if kind not in epci_kinds:
            expected = ", ".join(EpciKind.values)
            raise _error(path, n, "type", f"nature d'EPCI « {kind} » inconnue (attendu : {expected})")
        epcis[_required(path, n, row, "siren")] = {
            "name": _required(path, n, row, "nom"),
            "kind": kind,
            **_fragility(path, n, row),
        }

    columns = ["code_insee", "type", "nom", "departement_code", "epci_siren", "commune_parent_code", "population"]
    path, rows = reader.rows("communes", [*columns, "latitude", "longitude", "codes_postaux", *FRAGILITY_FIELDS])
    communes = {}
    postal_codes = set()
    for n, row in rows:
        code = _required(path, n, row, "code_insee")
        name = _required(path, n, row, "nom")
        kind = _required(path, n, row, "type")
        if kind not in commune_kinds:
            raise _error(path, n, "type", f"type « {kind} » inconnu (attendu : {', '.join(CommuneKind.values)})")
        departement = _required(path, n, row, "departement_code")
        if departement not in departements:
            raise _error(path, n, "departement_code", f"le département « {departement} » n'existe pas")
        epci = row["epci_siren"].strip() or None
        if epci and epci not in epcis:
            raise _error(path, n, "epci_siren", f"l'EPCI « {epci} » n'existe pas dans {FILES['epci']}")
        population = row["population"].strip() or "0"
        if not population.isdigit():
            raise _error(path, n, "population", f"« {population} » n'est pas un nombre entier positif")
        codes = [postal_code for postal_code in row["codes_postaux"].split("|") if postal_code]
        for postal_code in codes:
            if len(postal_code) != 5 or not postal_code.isdigit():
                raise _error(path, n, "codes_postaux", f"« {postal_code} » n'est pas un code postal à 5 chiffres")
            postal_codes.add((postal_code, code))
        communes[code] = {
            "kind": kind,
            "name": name,
            "search_name": search_key(name),
            "departement_id": departement,
            "epci_id": epci,
            "parent_id": row["commune_parent_code"].strip() or None,
            "population": int(population),
            "latitude": _float(path, n, row, "latitude"),
            "longitude": _float(path, n, row, "longitude"),
            "postal_codes": "|".join(codes),
            **_fragility(path, n, row),
        }
    no_scores = dict.fromkeys(FRAGILITY_FIELDS.values())
    for n, row in overseas_rows:
        code = _required(overseas_path, n, row, "code_insee")
        name = _required(overseas_path, n, row, "nom")
        population = row["population"].strip() or "0"
        if not population.isdigit():
            raise _error(overseas_path, n, "population", f"« {population} » n'est pas un nombre entier positif")
        if code in communes:
            raise _error(overseas_path, n, "code_insee", f"la commune « {code} » est déjà dans {FILES['communes']}")
        codes = [postal_code for postal_code in row["codes_postaux"].split("|") if postal_code]
        for postal_code in codes:
            if len(postal_code) != 5 or not postal_code.isdigit():
                raise _error(
                    overseas_path, n, "codes_postaux", f"« {postal_code} » n'est pas un code postal à 5 chiffres"
                )
            postal_codes.add((postal_code, code))
        communes[code] = {
            "kind": CommuneKind.COMMUNE.value,
            "name": name,
            "search_name": search_key(name),
            "departement_id": row["collectivite_code"].strip(),
            "epci_id": None,
            "parent_id": None,
            "population": int(population),
            "latitude": _float(overseas_path, n, row, "latitude"),
            "longitude": _float(overseas_path, n, row, "longitude"),
            "postal_codes": "|".join(codes),
            **no_scores,
        }
    for code, values in communes.items():
        if values["parent_id"] and values["parent_id"] not in communes:
            raise TerritoryDataError(
                f"{path} : la commune parente « {values['parent_id']} » de « {code} » n'existe pas dans le fichier."
            )
    return {"regions": regions, "departements": departements, "epci": epcis, "communes": communes}, postal_codes


# Diff and sync

LEVELS = {
    # name → (label, model)
    "regions": ("Régions", Region),
    "departements": ("Départements", Departement),
    "epci": ("EPCI", Epci),
    "communes": ("Communes", Commune),
    "postal_codes": ("Codes postaux", PostalCode),
}


def _diff_level(label, model, wanted):
    fields = list(next(iter(wanted.values()), {}))
    pk = model._meta.pk.attname
    existing = {row.pop(pk): row for row in model.objects.values(pk, *fields)}
    diff = LevelDiff(label)
    for key, values in wanted.items():
        current = existing.get(key)
        if current is None:
            diff.added[key] = values
        elif current != values:
            diff.changed[key] = {name: (current[name], new) for name, new in values.items() if current[name] != new}
    diff.removed = sorted(existing.keys() - wanted.keys())
    return diff


def compute_diff(data_dir=DATA_DIR):
    """Read the shipped files and compare them with the database, writing nothing."""
    wanted, postal_codes = read_territories(data_dir)
    levels = {name: _diff_level(LEVELS[name][0], LEVELS[name][1], wanted[name]) for name in wanted}
    existing_postal = {
        (code, commune): pk for pk, code, commune in PostalCode.objects.values_list("pk", "code", "commune_id")
    }
    postal_diff = LevelDiff(LEVELS["postal_codes"][0])
    postal_diff.added = {pair: {} for pair in sorted(postal_codes - existing_postal.keys())}
    postal_diff.removed = sorted(existing_postal[pair] for pair in existing_postal.keys() - postal_codes)
    levels["postal_codes"] = postal_diff
    return TerritoryDiff(levels=levels, wanted=wanted)


def _batches(items, size=BATCH_SIZE):
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _insert(model, attnames, rows):
    """INSERT many rows at once, without building model instances (5× faster than bulk_create here).

    Only for the plain values read from the shipped files (str, int, float, None), already checked by the reader.
    """
    fields = [model._meta.get_field(attname.removesuffix("_id")) for attname in attnames]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def apply_diff(diff, progress=None):
    """Write the diff: creations and updates from the région down, removals from the commune up."""

    def advance(count):
        if progress is not None:
            progress.update(count)

    for name in ["regions", "departements", "epci", "communes"]:
        level, model = diff.levels[name], LEVELS[name][1]
        pk = model._meta.pk.attname
        added = level.added.items()
        if name == "communes":  # a commune before its arrondissements
            added = sorted(added, key=lambda item: (item[1]["kind"] != CommuneKind.COMMUNE, item[0]))
        attnames = [pk, *next(iter(diff.wanted[name].values()), {})]
        for batch in _batches(added):
            _insert(model, attnames, [(key, *values.values()) for key, values in batch])
            advance(len(batch))
        changed_fields = sorted({name for changes in level.changed.values() for name in changes})
        for batch in _batches(level.changed):
            model.objects.bulk_update(
                [model(**{pk: key}, **diff.wanted[name][key]) for key in batch], changed_fields, batch_size=500
            )
            advance(len(batch))

    postal = diff.levels["postal_codes"]
    for batch in _batches(postal.added):
        _insert(PostalCode, ["code", "commune_id"], batch)
        advance(len(batch))
    for batch in _batches(postal.removed):
        PostalCode.objects.filter(pk__in=batch).delete()
        advance(len(batch))

    for name in ["communes", "epci", "departements", "regions"]:
        level, model = diff.levels[name], LEVELS[name][1]
        removed = level.removed
        if name == "communes":  # arrondissements before their commune
            arrondissements = set(Commune.objects.filter(kind=CommuneKind.ARRONDISSEMENT).values_list("pk", flat=True))
            removed = sorted(removed, key=lambda key: key not in arrondissements)
        for batch in _batches(removed):
            try:
                model.objects.filter(pk__in=batch).delete()
            except ProtectedError as exc:
                used = ", ".join(sorted({str(obj) for obj in exc.protected_objects})[:5])
                raise TerritoryDataError(
                    f"{level.label} : impossible de supprimer {', '.join(batch[:5])}, encore utilisé(e)s par {used}."
                ) from exc
            advance(len(batch))
